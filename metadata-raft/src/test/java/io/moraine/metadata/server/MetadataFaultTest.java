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

/** Peers killed, restarted and wiped under a real 3-peer group. Fault schedule is logged. */
class MetadataFaultTest {
  private static final Logger LOG = LoggerFactory.getLogger(MetadataFaultTest.class);

  @TempDir Path dir;

  @Test
  void leaderKilledUnderConcurrentWritesLosesNoAcknowledgedWriteAndAppliesNoneTwice() throws Exception {
    MetaCluster c = new MetaCluster(dir, 3).startAll();
    try (c) {
      RaftMetadataClient setup = c.client();
      setup.createBucket("o", "b", "us-east-1");
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
              acked.put(key, client.putObject("b", inline(key, "v" + n)).committed());
            } catch (RuntimeException e) {
              unknown.incrementAndGet(); // outcome unknown: allowed, but must not be applied twice
            }
          }
        }));
      }
      await().atMost(Duration.ofSeconds(20)).until(() -> acked.size() > 200);
      int before = acked.size();
      LOG.info("fault: killing leader {} after {} acknowledged writes", c.peers.get(oldLeader).nodeId(), before);
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
        assertThat(reader.getObject("b", e.getKey())).as(e.getKey()).contains(e.getValue());
      }
      // Every key was written by exactly one call: more than one log entry means a retried call
      // was appended (and applied) twice.
      assertThat(putEntryCounts(c, newLeader).values()).allMatch(n -> n == 1);

      LOG.info("fault: restarting {}", c.peers.get(oldLeader).nodeId());
      c.start(oldLeader);
      String last = reader.putObject("b", inline("after-restart", "x")).committed().key();
      assertThat(readFrom(reader, c.peers.get(oldLeader).nodeId(), last)).as("restarted peer caught up").isTrue();
      await().atMost(Duration.ofSeconds(20)).until(() -> appliedIndexes(c).stream().distinct().count() == 1);
    }
    assertReplicasIdentical(c, dir);
  }

  @Test
  void restartingAllPeersKeepsEveryCommit() throws Exception {
    MetaCluster c = new MetaCluster(dir, 3).startAll();
    List<ObjectVersion> written = new ArrayList<>();
    try (c) {
      RaftMetadataClient client = c.client();
      client.ensureRootAccount("AK", "SK");
      client.createBucket("o", "b", "us-east-1");
      for (int i = 0; i < 100; i++) {
        written.add(client.putObject("b", inline("k" + i, "v" + i)).committed());
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
      var next = client.putObject("b", inline("k-new", "n"));
      assertThat(next.replaced()).isEmpty();
      await().atMost(Duration.ofSeconds(20)).until(() -> appliedIndexes(again).stream().distinct().count() == 1);
    }
    assertReplicasIdentical(c, dir);
  }

  /**
   * Replicas that applied the same log hold byte-identical state (the applied position aside:
   * a leader elected while peers shut down may add an entry some of them saw). Cluster stopped.
   */
  static void assertReplicasIdentical(MetaCluster c, Path dir) {
    List<List<String>> dumps = new ArrayList<>();
    for (MetaPeer p : c.peers) {
      Path db = dir.resolve(p.nodeId()).resolve("ratis").resolve(MetaGroup.groupId("meta-1").getUuid().toString()).resolve("sm").resolve("db");
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
    assertThat(dumps.get(0)).hasSizeGreaterThan(150);
    assertThat(dumps.get(1)).isEqualTo(dumps.get(0));
    assertThat(dumps.get(2)).isEqualTo(dumps.get(0));
  }

  static List<Long> appliedIndexes(MetaCluster c) throws java.io.IOException {
    List<Long> out = new ArrayList<>();
    for (MetadataServer s : c.servers) {
      out.add(s.raftServer().getDivision(MetaGroup.groupId("meta-1")).getInfo().getLastAppliedIndex());
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
      client.createBucket("o", "b", "us-east-1");
      int leader = awaitLeader(c);
      int victim = (leader + 1) % 3;
      String victimId = c.peers.get(victim).nodeId();
      LOG.info("fault: stopping {} and wiping its data dir", victimId);
      c.stop(victim);
      deleteTree(dir.resolve(victimId));
      String pad = "x".repeat(300);
      for (int i = 0; i < 300; i++) {
        client.putObject("b", inline("k" + i, pad + i));
      }
      var leaderLog = c.servers[leader].raftServer().getDivision(MetaGroup.groupId("meta-1")).getRaftLog();
      await().atMost(Duration.ofSeconds(20)).until(() -> leaderLog.getStartIndex() > 1);
      LOG.info("fault: leader log now starts at {}; restarting {} empty", leaderLog.getStartIndex(), victimId);
      c.start(victim);
      await().atMost(Duration.ofSeconds(60)).until(() -> readFrom(client, victimId, "k299"));
      assertThat(readFrom(client, victimId, "k0")).isTrue();
      await().atMost(Duration.ofSeconds(20)).until(() -> appliedIndexes(c).stream().distinct().count() == 1);
    }
    assertReplicasIdentical(c, dir);
  }

  /** A linearizable read served by one given peer (ReadIndex through the leader, then local apply). */
  static boolean readFrom(RaftMetadataClient client, String nodeId, String key) throws Exception {
    MetaRequest req = MetaRequest.newBuilder().setFormatVersion(Command.FORMAT_VERSION)
        .setGetObject(GetObject.newBuilder().setBucket("b").setKey(key)).build();
    var reply = client.raftClient().io().sendReadOnly(Message.valueOf(ByteString.copyFrom(req.toByteArray())), RaftPeerId.valueOf(nodeId));
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
