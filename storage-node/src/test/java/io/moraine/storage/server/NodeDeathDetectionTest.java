package io.moraine.storage.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.moraine.placement.zk.ZkPlacementView;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * DESIGN.md: a storage node counts as down within 10 s of dying. A death is simulated by cutting
 * the node's ZooKeeper connection without closing its session (what kill -9 or a power loss does):
 * the node talks to ZooKeeper through a TCP relay that the test severs.
 */
@Timeout(60)
class NodeDeathDetectionTest {
  @TempDir Path dir;

  @Test
  void nodeWhoseZooKeeperConnectionDiesCountsAsDownWithinTenSeconds() throws Exception {
    try (TestingServer zkServer = new TestingServer(true);
        Relay relay = new Relay(new InetSocketAddress("127.0.0.1", zkServer.getPort()))) {
      StorageNodeConfig defaults = StorageNodeConfig.of("storage-az3-1", "az3", "127.0.0.1", 0, List.of(dir), 1L << 30);
      // Short grace: close() cannot reach ZooKeeper here and should not wait long for it.
      StorageNodeConfig config = new StorageNodeConfig(defaults.nodeId(), defaults.az(), defaults.host(), 0,
          defaults.disks(), defaults.capacityBytesOverride(), defaults.zkSessionTimeoutMillis(),
          defaults.blockSizeBytes(), defaults.readChunkBytes(), 500);
      CuratorFramework nodeZk = StorageNode.newCuratorClient("127.0.0.1:" + relay.port(), config);
      CuratorFramework watcherZk = CuratorFrameworkFactory.newClient(zkServer.getConnectString(),
          new ExponentialBackoffRetry(200, 5));
      watcherZk.start();
      StorageNode node = new StorageNode(config, nodeZk, InstantSource.system()).start();
      ZkPlacementView view = new ZkPlacementView(watcherZk);
      view.start();
      try {
        await().atMost(Duration.ofSeconds(15)).until(() -> view.isLive("storage-az3-1"));
        long killedAt = System.nanoTime();
        relay.sever();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
            .until(() -> !view.isLive("storage-az3-1"));
        Duration detected = Duration.ofNanos(System.nanoTime() - killedAt);
        System.out.printf("storage node counted as down %d ms after its ZooKeeper connection died%n",
            detected.toMillis());
        assertThat(detected).isLessThan(Duration.ofSeconds(10));
      } finally {
        view.close();
        node.close();
        nodeZk.close();
        watcherZk.close();
      }
    }
  }

  /** A TCP relay to ZooKeeper that can drop every connection and refuse new ones. */
  private static final class Relay implements AutoCloseable {
    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean severed;

    Relay(InetSocketAddress target) throws IOException {
      this.target = target;
      this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      Thread.ofVirtual().start(this::acceptLoop);
    }

    int port() {
      return listener.getLocalPort();
    }

    private void acceptLoop() {
      while (!listener.isClosed()) {
        try {
          Socket client = listener.accept();
          if (severed) {
            client.close();
            continue;
          }
          Socket server = new Socket(target.getAddress(), target.getPort());
          sockets.add(client);
          sockets.add(server);
          Thread.ofVirtual().start(() -> pump(client, server));
          Thread.ofVirtual().start(() -> pump(server, client));
        } catch (IOException e) {
          return; // listener closed
        }
      }
    }

    private static void pump(Socket from, Socket to) {
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        in.transferTo(out);
      } catch (IOException e) {
        // a severed or closed connection ends the pump; nothing to keep
      }
    }

    void sever() throws IOException {
      severed = true;
      listener.close();
      for (Socket s : sockets) {
        s.close();
      }
    }

    @Override
    public void close() throws IOException {
      sever();
    }
  }
}
