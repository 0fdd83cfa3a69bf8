package io.moraine.placement.zk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryNTimes;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;

/** Leadership and the checkpoint guard, against a real ZooKeeper. */
class ElectedCheckpointTest {
  private static final String ROOT = "/moraine/services/test";

  @Test
  void onlyTheLeaderWritesAndASuccessorReadsItsPredecessorsCheckpoint() throws Exception {
    try (TestingServer server = new TestingServer(true);
        CuratorFramework zk1 = client(server);
        CuratorFramework zk2 = client(server)) {
      ElectedCheckpoint a = new ElectedCheckpoint(zk1, ROOT, "a");
      await().atMost(Duration.ofSeconds(20)).until(a::isLeader);
      try (ElectedCheckpoint b = new ElectedCheckpoint(zk2, ROOT, "b")) {
        assertThat(a.read()).isEmpty();
        assertThat(a.save(bytes("one"))).isTrue();
        assertThat(b.isLeader()).isFalse();
        assertThat(b.save(bytes("from a follower"))).as("a non-leader's save is dropped").isFalse();
        assertThat(new String(b.read().orElseThrow(), StandardCharsets.UTF_8)).isEqualTo("one");

        a.close(); // the leader goes: b takes over and continues from a's checkpoint
        assertThat(a.save(bytes("from a deposed leader"))).isFalse();
        await().atMost(Duration.ofSeconds(20)).until(b::isLeader);
        assertThat(new String(b.read().orElseThrow(), StandardCharsets.UTF_8)).isEqualTo("one");
        assertThat(b.save(bytes("two"))).isTrue();
        assertThat(new String(ElectedCheckpoint.read(zk1, ElectedCheckpoint.progressPath(ROOT)).orElseThrow(),
            StandardCharsets.UTF_8)).isEqualTo("two");
      }
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static CuratorFramework client(TestingServer server) {
    CuratorFramework c = CuratorFrameworkFactory.newClient(server.getConnectString(), 4000, 2000, new RetryNTimes(20, 200));
    c.start();
    return c;
  }
}
