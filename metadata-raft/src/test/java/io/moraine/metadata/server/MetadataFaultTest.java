package io.moraine.metadata.server;

import static io.moraine.metadata.server.MetadataClusterTest.awaitLeader;
import static io.moraine.metadata.server.MetadataClusterTest.inline;
import static io.moraine.metadata.server.MetadataClusterTest.putEntryCounts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.moraine.metadata.api.ListRequest;
import io.moraine.metadata.api.ObjectVersion;
import io.moraine.metadata.client.RaftMetadataClient;
import io.moraine.metadata.core.Command;
import io.moraine.proto.meta.v1.GetObject;
import io.moraine.proto.meta.v1.MetaReply;
import io.moraine.proto.meta.v1.MetaRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Peers killed, restarted and wiped under 3 real peers hosting 2 groups, with buckets in both
 * groups. Fault schedule is logged.
 */
class MetadataFaultTest {
  private static final Logger LOG = LoggerFactory.getLogger(MetadataFaultTest.class);

  @TempDir Path dir;

  @Test
  void leaderKilledUnderConcurrentWritesLosesNoAcknowledgedWriteAndAppliesNoneTwice() throws Exception {
    MetaCluster c = new MetaCluster(dir, 3).startAll();
    try (c) {
      RaftMetadataClient setup = c.client();
      createInBothGroups(setup);
      int oldLeader = awaitLeader(c);
      Map<String, ObjectVersion> acked = new ConcurrentHashMap<>();
      AtomicInteger unknown = new AtomicInteger();
      AtomicBoolean stop = new AtomicBoolean();
      int writers = 8;
      ExecutorService pool = Executors.newFixedThreadPool(writers);
      List<Future<?>> futures = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        RaftMetadataClient client = c.client();
        int id = w;
        futures.add(pool.submit(() -> {
          for (int n = 0; !stop.get(); n++) {
            String key = "w" + id + "/" + n;
            try {
              acked.put(key, client.putObject(bucketOf(key), inline(key, "v" + n)).committed());
            } catch (RuntimeException e) {
              unknown.incrementAndGet(); // outcome unknown: allowed, but must not be applied twice
            }
          }
        }));
      }
      await().atMost(Duration.ofSeconds(20)).until(() -> acked.size() > 200);
      int before = acked.size();
      LOG.info("fault: killing {}, leader of g1 (g2 led by {}), after {} acknowledged writes",
          c.peers.get(oldLeader).nodeId(), c.peers.get(awaitLeader(c, 2)).nodeId(), before);
      c.stop(oldLeader);
      await().atMost(Duration.ofSeconds(30)).until(() -> acked.size() > before + 200);
      stop.set(true);
      for (Future<?> f : futures) {
        f.get();
      }
      pool.shutdown();
      int newLeader = awaitLeader(c);
      LOG.info("fault: new leader {}; {} acknowledged, {} unknown", c.peers.get(newLeader).nodeId(), acked.size(), unknown.get());
      assertThat(newLeader).isNotEqualTo(oldLeader);

      RaftMetadataClient reader = c.client();
      for (var e : acked.entrySet()) {
        assertThat(reader.getObject(bucketOf(e.getKey()), e.getKey())).as(e.getKey()).contains(e.getValue());
      }
      assertThat(acked.keySet()).anyMatch(k -> bucketOf(k).equals("b")).anyMatch(k -> bucketOf(k).equals("b2"));
      // Every key was written by exactly one call: more than one log entry means a retried call
      // was appended (and applied) twice. Checked in both groups' logs.
      await().atMost(Duration.ofSeconds(20)).until(() -> appliedIndexes(c, 2).stream().distinct().count() == 1);
      assertThat(putEntryCounts(c, newLeader, 1).values()).allMatch(n -> n == 1);
      assertThat(putEntryCounts(c, newLeader, 2).values()).allMatch(n -> n == 1);

      LOG.info("fault: restarting {}", c.peers.get(oldLeader).nodeId());
      c.start(oldLeader);
      String last = reader.putObject("b", inline("after-restart", "x")).committed().key();
      assertThat(readFrom(reader, c.peers.get(oldLeader).nodeId(), last)).as("restarted peer caught up").isTrue();
      reader.putObject("b2", inline("after-restart-2", "x"));
      await().atMost(Duration.ofSeconds(20)).until(() -> readFrom(reader, 2, "b2", c.peers.get(oldLeader).nodeId(), "after-restart-2"));
      awaitAllApplied(c);
    }
    assertReplicasIdentical(c, dir);
  }

  /** Even keys go to bucket b (group 1), odd ones to b2 (group 2). */
  static String bucketOf(String key) {
    return (key.hashCode() & 1) == 0 ? "b" : "b2";
  }

  /** Buckets b and b2: the directory puts them in different groups (fewest buckets first). */
  static void createInBothGroups(RaftMetadataClient client) {
    client.createBucket("o", "b", "us-east-1");
    client.createBucket("o", "b2", "us-east-1");
    assertThat(client.groupOf("b")).hasValue(1);
    assertThat(client.groupOf("b2")).hasValue(2);
  }

  static void awaitAllApplied(MetaCluster c) {
    for (int g = 1; g <= c.groups; g++) {
      int group = g;
      await().atMost(Duration.ofSeconds(20)).until(() -> appliedIndexes(c, group).stream().distinct().count() == 1);
    }
  }

  @Test
  void restartingAllPeersKeepsEveryCommit() throws Exception {
    MetaCluster c = new MetaCluster(dir, 3).startAll();
    List<ObjectVersion> written = new ArrayList<>();
    try (c) {
      RaftMetadataClient client = c.client();
      client.ensureRootAccount("AK", "SK");
      createInBothGroups(client);
      for (int i = 0; i < 100; i++) {
        written.add(client.putObject("b", inline("k" + i, "v" + i)).committed());
        client.putObject("b2", inline("k" + i, "w" + i));
      }
      // A snapshot in the middle: restart then loads the checkpoint and replays the log after it,
      // skipping what RocksDB already holds.
      int leader = awaitLeader(c);
      var snap = client.raftClient().getSnapshotManagementApi(RaftPeerId.valueOf(c.peers.get(leader).nodeId())).create(10_000);
      assertThat(snap.isSuccess()).isTrue();
      for (int i = 100; i < 150; i++) {
        written.add(client.putObject("b", inline("k" + i, "v" + i)).committed());
      }
      client.deleteObject("b", "k0");
      written.remove(0);
    }
    LOG.info("fault: all peers stopped; starting again from their data dirs");
    try (MetaCluster again = c.startAll()) {
      RaftMetadataClient client = again.client();
      assertThat(client.findCredential("AK")).isPresent();
      for (ObjectVersion v : written) {
        assertThat(client.getObject("b", v.key())).as(v.key()).contains(v);
      }
      assertThat(client.getObject("b", "k0")).isEmpty();
      assertThat(client.listObjects("b", new ListRequest("", "", "", 1000)).contents()).hasSize(149);
      assertThat(client.listObjects("b2", new ListRequest("", "", "", 1000)).contents()).hasSize(100);
      assertThat(client.listAllBuckets()).extracting(b -> b.name()).containsExactly("b", "b2");
      var next = client.putObject("b", inline("k-new", "n"));
      assertThat(next.replaced()).isEmpty();
      client.putObject("b2", inline("k-new", "n"));
      awaitAllApplied(again);
    }
    assertReplicasIdentical(c, dir);
  }

  /**
   * Replicas that applied the same log hold byte-identical state (the applied position aside:
   * a leader elected while peers shut down may add an entry some of them saw). Cluster stopped.
   */
  static void assertReplicasIdentical(MetaCluster c, Path dir) {
    for (int g = 1; g <= c.groups; g++) {
      assertReplicasIdentical(c, g, 50);
    }
  }

  /** Group {@code group} holds the same rows (at least {@code minRows}) on every member. */
  static void assertReplicasIdentical(MetaCluster c, int group, int minRows) {
    List<List<String>> dumps = new ArrayList<>();
    for (int i = 0; i < c.peers.size(); i++) {
      Path db = c.dbDir(i, group);
      try (var store = io.moraine.metadata.store.RocksStateStore.open(db)) {
        List<String> dump = new ArrayList<>();
        try (var cur = store.cursor()) {
          for (cur.seek(new byte[0]); cur.valid(); cur.next()) {
            if (!java.util.Arrays.equals(cur.key(), io.moraine.metadata.store.AppliedPosition.KEY)) {
              dump.add(java.util.HexFormat.of().formatHex(cur.key()) + "=" + java.util.HexFormat.of().formatHex(cur.value()));
            }
          }
        }
        dumps.add(dump);
      }
    }
    assertThat(dumps.get(0)).as("rows of group " + group).hasSizeGreaterThan(minRows);
    for (int i = 1; i < dumps.size(); i++) {
      assertThat(dumps.get(i)).as("group " + group + " on " + c.peers.get(i).nodeId()).isEqualTo(dumps.get(0));
    }
  }

  static List<Long> appliedIndexes(MetaCluster c) throws java.io.IOException {
    return appliedIndexes(c, 1);
  }

  /** Applied index of group {@code group} on every running peer that hosts it. */
  static List<Long> appliedIndexes(MetaCluster c, int group) throws java.io.IOException {
    List<Long> out = new ArrayList<>();
    for (int i = 0; i < c.servers.length; i++) {
      if (c.hosts(i, group)) {
        out.add(c.servers[i].raftServer().getDivision(MetaGroup.groupId(MetaGroup.name(group))).getInfo().getLastAppliedIndex());
      }
    }
    return out;
  }

  @Test
  void aPeerWhoseDiskWasWipedRejoinsBySnapshot() throws Exception {
    MetaCluster c = new MetaCluster(dir, 3);
    c.snapshotThreshold = 100;
    c.segmentBytes = 32 * 1024;
    try (c) {
      c.startAll();
      RaftMetadataClient client = c.client();
      createInBothGroups(client);
      int leader = awaitLeader(c);
      int victim = (leader + 1) % 3;
      String victimId = c.peers.get(victim).nodeId();
      LOG.info("fault: stopping {} and wiping its data dir", victimId);
      c.stop(victim);
      deleteTree(dir.resolve(victimId));
      String pad = "x".repeat(300);
      for (int i = 0; i < 200; i++) {
        client.putObject("b", inline("k" + i, pad + i));
        client.putObject("b2", inline("k" + i, pad + i));
      }
      for (int g = 1; g <= c.groups; g++) {
        var leaderLog = c.servers[awaitLeader(c, g)].raftServer().getDivision(MetaGroup.groupId(MetaGroup.name(g))).getRaftLog();
        await().atMost(Duration.ofSeconds(20)).until(() -> leaderLog.getStartIndex() > 1);
        LOG.info("fault: g{} leader log now starts at {}", g, leaderLog.getStartIndex());
      }
      LOG.info("fault: restarting {} empty", victimId);
      c.start(victim);
      await().atMost(Duration.ofSeconds(120)).until(() -> readFrom(client, victimId, "k199"));
      assertThat(readFrom(client, victimId, "k0")).isTrue();
      await().atMost(Duration.ofSeconds(120)).until(() -> readFrom(client, 2, "b2", victimId, "k199"));
      assertThat(readFrom(client, 2, "b2", victimId, "k0")).isTrue();
      awaitAllApplied(c);
    }
    assertReplicasIdentical(c, dir);
  }

  /** A linearizable read served by one given peer (ReadIndex through the leader, then local apply). */
  static boolean readFrom(RaftMetadataClient client, String nodeId, String key) throws Exception {
    return readFrom(client, 1, "b", nodeId, key);
  }

  static boolean readFrom(RaftMetadataClient client, int group, String bucket, String nodeId, String key) throws Exception {
    MetaRequest req = MetaRequest.newBuilder().setFormatVersion(Command.FORMAT_VERSION)
        .setGetObject(GetObject.newBuilder().setBucket(bucket).setKey(key)).build();
    org.apache.ratis.protocol.RaftClientReply reply;
    try {
      reply = client.raftClient(group).io().sendReadOnly(Message.valueOf(ByteString.copyFrom(req.toByteArray())), RaftPeerId.valueOf(nodeId));
    } catch (java.io.IOException notYet) {
      // A peer still catching up (e.g. installing a snapshot on a loaded box) may not know its
      // leader for a while: not caught up yet, the caller polls again.
      return false;
    }
    if (!reply.isSuccess()) {
      return false;
    }
    MetaReply r = MetaReply.parseFrom(reply.getMessage().getContent().toByteArray());
    return r.hasObject() && r.getObject().hasObject();
  }

  static void deleteTree(Path p) throws Exception {
    try (var walk = Files.walk(p)) {
      for (Path f : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(f);
      }
    }
  }
}
