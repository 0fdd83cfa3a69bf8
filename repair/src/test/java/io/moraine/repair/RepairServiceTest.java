package io.moraine.repair;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.moraine.metadata.client.RaftMetadataClient;
import io.moraine.metadata.core.MetadataCore;
import io.moraine.metadata.store.MemoryStateStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.TreeMap;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;

/** The service around the pass: one leader among instances, progress in ZooKeeper, scrub on request. */
class RepairServiceTest {

  @Test
  void progressRecordRoundTripsAndRejectsUnknownFormats() {
    TreeMap<String, Long> down = new TreeMap<>();
    down.put("storage-az1-1", 5L);
    RepairProgress p = new RepairProgress("meta-1", 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 99, "bucket=a\nb", "key %x=y", 13,
        14, 15, 16, 17, 18, down, 19);
    assertThat(RepairProgress.decode(p.encode())).isEqualTo(p);
    RepairProgress gc = p.withGcRound(7, 3, 3000).withGcRound(4, 4, 4000);
    assertThat(RepairProgress.decode(gc.encode())).isEqualTo(gc);
    assertThat(gc.statusLines()).contains("gc rounds 2 unreferenced 4 deleted 7 shards 7000 bytes");
    assertThatThrownBy(() -> RepairProgress.decode("format=2\n".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aStaleRecordDoesNotCountTheUnwatchedGapAsDownTime() {
    TreeMap<String, Long> down = new TreeMap<>();
    down.put("storage-az1-1", 1_000L);
    RepairProgress p = new RepairProgress("meta-1", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, "", "", 0, 0, 0, 0, 0, 0, down, 5_000);
    assertThat(p.downSinceFor(9_000, 10_000)).containsEntry("storage-az1-1", 1_000L); // leader failover
    assertThat(p.downSinceFor(105_000, 10_000)).containsEntry("storage-az1-1", 101_000L); // cluster was stopped
  }

  @Test
  void oneLeaderRunsPassesAndAScrubRequestIsServed() throws Exception {
    try (TestingServer zkServer = new TestingServer(true);
        CuratorFramework zk = CuratorFrameworkFactory.newClient(zkServer.getConnectString(), 10_000, 5_000,
            new ExponentialBackoffRetry(100, 3));
        RaftMetadataClient meta = RaftMetadataClient.inProcess(new MetadataCore(new MemoryStateStore()),
            InstantSource.system(), 100)) {
      zk.start();
      meta.createBucket(meta.ensureRootAccount("AK", "SK").accountId(), "b", "us-east-1");
      RepairConfig config = RepairConfig.defaults().withGraceMillis(0).withPassIntervalMillis(100);
      FakeView view = new FakeView();
      FakeShards shards = new FakeShards();
      try (RepairService a = new RepairService(config, "meta-1", zk, meta, shards, view, InstantSource.system()).start();
          RepairService b = new RepairService(config, "meta-2", zk, meta, shards, view, InstantSource.system()).start()) {
        await().atMost(Duration.ofSeconds(20)).until(() -> RepairService.readProgress(zk)
            .map(p -> p.passes() >= 2).orElse(false));
        assertThat(a.isLeader() ^ b.isLeader()).as("exactly one leader").isTrue();
        long request = RepairService.requestScrub(zk);
        await().atMost(Duration.ofSeconds(20)).until(() -> RepairService.readProgress(zk)
            .map(p -> p.scrubRequestsHandled() >= request && p.scrubPasses() >= 1).orElse(false));
        RepairService leader = a.isLeader() ? a : b;
        leader.close();
        RepairService other = leader == a ? b : a;
        long passes = RepairService.readProgress(zk).orElseThrow().passes();
        await().atMost(Duration.ofSeconds(30)).until(() -> other.isLeader()
            && RepairService.readProgress(zk).orElseThrow().passes() > passes + 1);
        assertThat(RepairService.readProgress(zk).orElseThrow().leader()).isEqualTo(other == a ? "meta-1" : "meta-2");
      }
    }
  }
}
