package io.moraine.storage.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.moraine.placement.NodeInfo;
import io.moraine.placement.PlacementConfig;
import io.moraine.placement.PlacementMap;
import io.moraine.placement.zk.PlacementCoordinator;
import io.moraine.placement.zk.ZkPlacementView;
import io.moraine.storage.api.ShardClients;
import io.moraine.storage.api.ShardId;
import io.moraine.storage.client.GrpcShardClients;
import io.moraine.storage.client.GrpcShardClientsConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The integrator's wiring in one place: storage nodes register through their own Curator client,
 * a PlacementCoordinator publishes the map, a ZkPlacementView sees both, and GrpcShardClients
 * resolve node ids through the view.
 */
@Timeout(90)
class ZkRegistrationTest {
  @TempDir Path dir;

  @Test
  void registeredNodeIsLiveInTheViewServesThroughItAndGoesDownOnClose() throws Exception {
    try (TestingServer zkServer = new TestingServer(true)) {
      StorageNodeConfig config1 = StorageNodeConfig.of("storage-az1-1", "az1", "127.0.0.1", 0, List.of(dir.resolve("n1")),
          10L << 30);
      StorageNodeConfig config2 = StorageNodeConfig.of("storage-az2-1", "az2", "127.0.0.1", 0, List.of(dir.resolve("n2")),
          20L << 30);
      CuratorFramework zk1 = StorageNode.newCuratorClient(zkServer.getConnectString(), config1);
      CuratorFramework zk2 = StorageNode.newCuratorClient(zkServer.getConnectString(), config2);
      CuratorFramework shared = CuratorFrameworkFactory.newClient(zkServer.getConnectString(),
          new ExponentialBackoffRetry(200, 5));
      shared.start();
      StorageNode node1 = new StorageNode(config1, zk1, InstantSource.system()).start();
      StorageNode node2 = new StorageNode(config2, zk2, InstantSource.system()).start();
      PlacementCoordinator coordinator = new PlacementCoordinator(shared, "test-coordinator", PlacementConfig.defaults());
      coordinator.start();
      ZkPlacementView view = new ZkPlacementView(shared);
      view.start();
      GrpcShardClients clients = new GrpcShardClients(GrpcShardClients.liveNodesOf(view),
          GrpcShardClientsConfig.defaults());
      try {
        assertThat(zk1.getZookeeperClient().getZooKeeper().getSessionTimeout())
            .as("negotiated session timeout").isBetween(1, StorageNodeConfig.MAX_ZK_SESSION_TIMEOUT_MILLIS);

        await().atMost(Duration.ofSeconds(15)).until(() -> view.isLive("storage-az1-1") && view.isLive("storage-az2-1"));
        NodeInfo seen = view.node("storage-az1-1").orElseThrow();
        assertThat(seen).isEqualTo(new NodeInfo("storage-az1-1", "az1", "127.0.0.1", node1.grpcPort(), 10L << 30,
            NodeInfo.NodeState.UP));
        await().atMost(Duration.ofSeconds(15)).until(() -> view.current().map(m -> m.nodes().size() == 2).orElse(false));
        PlacementMap map = view.current().orElseThrow();
        assertThat(map.nodes()).extracting(NodeInfo::nodeId).containsExactly("storage-az1-1", "storage-az2-1");

        byte[] data = "hello through membership".getBytes(StandardCharsets.UTF_8);
        ShardId id = new ShardId("zk-obj", 0);
        try (ShardClients.ShardWriter w = clients.openWrite("storage-az2-1", id, map.placementGroupOf("zk-obj"),
            data.length)) {
          w.write(data, 0, data.length);
          assertThat(w.finish().get(10, TimeUnit.SECONDS).nodeId()).isEqualTo("storage-az2-1");
        }
        try (InputStream in = clients.read("storage-az2-1", id, 0, data.length, Duration.ofSeconds(5))) {
          assertThat(in.readAllBytes()).isEqualTo(data);
        }

        node1.close();
        await().atMost(Duration.ofSeconds(10)).until(() -> !view.isLive("storage-az1-1"));
        assertThat(view.node("storage-az1-1").orElseThrow().state()).isEqualTo(NodeInfo.NodeState.DOWN);
        assertThat(view.isLive("storage-az2-1")).isTrue();
        assertThatThrownBy(() -> clients.openWrite("storage-az1-1", id, 0, 1)).isInstanceOf(IOException.class);
      } finally {
        clients.close();
        view.close();
        coordinator.close();
        node2.close();
        node1.close();
        shared.close();
        zk2.close();
        zk1.close();
      }
    }
  }
}
