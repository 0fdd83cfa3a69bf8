package io.moraine.metadata.server;

import static io.moraine.metadata.server.MetadataClusterTest.awaitLeader;
import static org.assertj.core.api.Assertions.assertThat;

import io.moraine.metadata.api.DataLayout;
import io.moraine.metadata.api.ObjectVersion;
import io.moraine.metadata.api.VersioningStatus;
import io.moraine.metadata.client.RaftMetadataClient;
import io.moraine.metadata.core.Tables;
import io.moraine.metadata.core.usage.UsageRecount;
import io.moraine.proto.meta.v1.RetrievalCount;
import io.moraine.proto.meta.v1.UsageRecord;
import io.moraine.proto.meta.v1.UsageReply;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.apache.ratis.protocol.RaftPeerId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Storage-accounting counters are state of the bucket's group: a mixed workload on two groups
 * (real Ratis, RocksDB), a snapshot of each group in the middle, every peer restarted; the rows
 * read back are the same, and on every peer they equal a recount of that peer's store.
 */
class UsageSnapshotTest {
  private final Path dir;

  UsageSnapshotTest() throws Exception {
    dir = Files.createTempDirectory("moraine-usage-snapshot");
  }

  @AfterEach
  void clean() throws Exception {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private static ObjectVersion object(String key, int size, String storageClass) {
    return new ObjectVersion(key, ObjectVersion.NULL_VERSION, size, "etag-" + key + size, 0, storageClass,
        new TreeMap<>(), 0, new DataLayout.Inline(new byte[size]));
  }

  private static void workload(RaftMetadataClient client, SplittableRandom random, int steps) {
    List<String> classes = List.of("STANDARD", "STANDARD_IA", "GLACIER_IR", "DEEP_ARCHIVE", "ONEZONE_IA");
    for (int i = 0; i < steps; i++) {
      String bucket = random.nextBoolean() ? "b" : "b2";
      String key = "k" + random.nextInt(10);
      int op = random.nextInt(6);
      if (op < 4) {
        client.putObject(bucket, object(key, random.nextInt(2000), classes.get(random.nextInt(classes.size()))));
      } else {
        client.deleteObject(bucket, key);
      }
    }
  }

  @Test
  void countersSurviveASnapshotAndARestartOfEveryPeerAndEqualARecount() throws Exception {
    MetaCluster c = new MetaCluster(dir, 3).startAll();
    UsageReply before;
    SplittableRandom random = new SplittableRandom(14);
    try (c) {
      RaftMetadataClient client = c.client();
      client.createBucket("o", "b", "us-east-1");
      client.createBucket("o", "b2", "us-east-1");
      assertThat(client.groupOf("b2")).hasValue(2);
      client.setBucketVersioning("b2", VersioningStatus.ENABLED);
      client.recordRetrieval(10_000, List.of(), true);
      workload(client, random, 150);
      client.recordRetrieval(10_000, List.of(RetrievalCount.newBuilder().setBucket("b").setStorageClass("STANDARD_IA")
          .setBytes(77).build(), RetrievalCount.newBuilder().setBucket("b2").setStorageClass("GLACIER_IR")
          .setBytes(5).build()), false);
      for (int g = 1; g <= c.groups; g++) {
        int leader = awaitLeader(c, g);
        var snap = client.raftClient(g).getSnapshotManagementApi(RaftPeerId.valueOf(c.peers.get(leader).nodeId()))
            .create(10_000);
        assertThat(snap.isSuccess()).as("snapshot of g" + g).isTrue();
      }
      workload(client, random, 100);
      before = client.usage("");
      assertThat(before.getUsageList()).extracting(UsageRecord::getBucket).contains("b", "b2");
      assertThat(before.getDayMillis()).isEqualTo(10_000);
      assertThat(before.getUsageList().stream().filter(r -> r.getBucket().equals("b")
          && r.getStorageClass().equals("STANDARD_IA")).findFirst().orElseThrow().getGetRetrievalBytes()).isEqualTo(77);
      assertThat(before.getUsageList().stream().mapToLong(UsageRecord::getEarlyDeleteObjects).sum())
          .as("overwrites and deletes of IA / IR / archive objects within their minimum").isPositive();
      MetadataFaultTest.awaitAllApplied(c);
    }
    try (MetaCluster again = c.startAll()) {
      RaftMetadataClient client = again.client();
      assertThat(client.usage("")).isEqualTo(before);
      assertThat(client.usage("b").getUsageList()).allMatch(r -> r.getBucket().equals("b")).isNotEmpty();
      MetadataFaultTest.awaitAllApplied(again);
    }
    for (int i = 0; i < c.peers.size(); i++) {
      for (int g = 1; g <= c.groups; g++) {
        String bucket = g == 1 ? "b" : "b2";
        try (var store = io.moraine.metadata.store.RocksStateStore.open(c.dbDir(i, g))) {
          Tables t = new Tables(store);
          TreeMap<String, UsageRecord> stored = new TreeMap<>();
          for (UsageRecord r : before.getUsageList()) {
            UsageRecord state = UsageRecount.stateOf(r);
            if (r.getBucket().equals(bucket) && !state.toBuilder().clearFormatVersion().clearBucket().clearStorageClass()
                .build().equals(UsageRecord.getDefaultInstance())) {
              stored.put(r.getStorageClass(), state);
            }
          }
          assertThat(UsageRecount.recount(t, bucket)).as(c.peers.get(i).nodeId() + " g" + g).isEqualTo(stored);
        }
      }
    }
  }
}
