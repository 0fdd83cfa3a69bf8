package io.moraine.launcher.ops;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;

/**
 * Where each process's admin port is, in ZooKeeper: an ephemeral node
 * {@code /moraine/admin/NODE_ID} holding {@code 1 HOST:PORT} (format 1), kept while the process
 * lives (Curator re-creates it after a session loss). {@code admin log-level} finds the
 * processes here; the same list suits a Prometheus service discovery script.
 */
public final class AdminEndpoints {
  public static final String ROOT = "/moraine/admin";
  private static final String FORMAT = "1";

  private AdminEndpoints() {}

  /** Publishes this process's admin endpoint until the returned node is closed. */
  public static PersistentNode publish(CuratorFramework zk, String nodeId, String host, int port) {
    PersistentNode node = new PersistentNode(zk, CreateMode.EPHEMERAL, false, ROOT + "/" + nodeId,
        (FORMAT + " " + host + ":" + port).getBytes(StandardCharsets.UTF_8));
    node.start();
    return node;
  }

  /** Every published endpoint: node id → host:port, sorted by node id. */
  public static Map<String, String> read(CuratorFramework zk) throws Exception {
    Map<String, String> out = new TreeMap<>();
    java.util.List<String> children;
    try {
      children = zk.getChildren().forPath(ROOT);
    } catch (KeeperException.NoNodeException e) {
      return out;
    }
    for (String id : children) {
      try {
        String data = new String(zk.getData().forPath(ROOT + "/" + id), StandardCharsets.UTF_8);
        int space = data.indexOf(' ');
        if (space < 0 || !data.substring(0, space).equals(FORMAT)) {
          throw new IllegalStateException("admin endpoint " + id + ": unknown record format '" + data + "'");
        }
        out.put(id, data.substring(space + 1).trim());
      } catch (KeeperException.NoNodeException gone) {
        // The process ended between listing and reading.
      }
    }
    return out;
  }
}
