package io.moraine.launcher.role;

import io.moraine.launcher.infra.Deadline;
import io.moraine.metadata.client.RaftMetadataClient;
import io.moraine.metadata.client.RaftMetadataClientConfig;
import io.moraine.metadata.server.MetaPeer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;

/**
 * Where clients find the metadata peers: {@code /moraine/meta/peers/<nodeId>} holds
 * {@code v1 host:port} (persistent; a peer's address survives its restarts), and
 * {@code /moraine/meta/groups} holds {@code v1 N}, the number of metadata groups. Gateways and
 * admin read them; each meta process writes its own entry (unless it starts with --join: then
 * `admin meta add` does, once it is a member) and the group count at start; `admin meta remove`
 * deletes an entry.
 */
public final class MetaDirectory {

  public static final String PEERS_PATH = "/moraine/meta/peers";
  public static final String GROUPS_PATH = "/moraine/meta/groups";
  private static final String FORMAT = "v1";

  private MetaDirectory() {}

  public static void publish(CuratorFramework zk, MetaPeer peer) throws Exception {
    byte[] data = (FORMAT + " " + peer.host() + ":" + peer.port()).getBytes(StandardCharsets.UTF_8);
    String path = PEERS_PATH + "/" + peer.nodeId();
    try {
      zk.create().creatingParentsIfNeeded().withMode(CreateMode.PERSISTENT).forPath(path, data);
    } catch (KeeperException.NodeExistsException e) {
      zk.setData().forPath(path, data);
    }
  }

  public static void unpublish(CuratorFramework zk, String nodeId) throws Exception {
    try {
      zk.delete().forPath(PEERS_PATH + "/" + nodeId);
    } catch (KeeperException.NoNodeException alreadyGone) {
      // Unpublishing is idempotent: a rerun of `admin meta remove` finds it gone.
      return;
    }
  }

  public static void publishGroups(CuratorFramework zk, int groups) throws Exception {
    byte[] data = (FORMAT + " " + groups).getBytes(StandardCharsets.UTF_8);
    try {
      zk.create().creatingParentsIfNeeded().withMode(CreateMode.PERSISTENT).forPath(GROUPS_PATH, data);
    } catch (KeeperException.NodeExistsException e) {
      zk.setData().forPath(GROUPS_PATH, data);
    }
  }

  /** The published group count; the default when no meta peer published one yet. */
  public static int readGroups(CuratorFramework zk) throws Exception {
    if (zk.checkExists().forPath(GROUPS_PATH) == null) {
      return io.moraine.metadata.server.MetadataServerConfig.DEFAULT_GROUPS;
    }
    String text = new String(zk.getData().forPath(GROUPS_PATH), StandardCharsets.UTF_8);
    String[] parts = text.split(" ", 2);
    if (parts.length != 2 || !parts[0].equals(FORMAT)) {
      throw new IllegalStateException("unknown format of " + GROUPS_PATH + ": '" + text + "'");
    }
    return Integer.parseInt(parts[1].trim());
  }

  /** The published peers sorted by node id; empty when none published yet. */
  public static List<MetaPeer> read(CuratorFramework zk) throws Exception {
    if (zk.checkExists().forPath(PEERS_PATH) == null) {
      return List.of();
    }
    List<String> ids = new ArrayList<>(zk.getChildren().forPath(PEERS_PATH));
    ids.sort(null);
    List<MetaPeer> peers = new ArrayList<>();
    for (String id : ids) {
      String text = new String(zk.getData().forPath(PEERS_PATH + "/" + id), StandardCharsets.UTF_8);
      String[] parts = text.split(" ", 2);
      if (parts.length != 2 || !parts[0].equals(FORMAT)) {
        throw new IllegalStateException("unknown format of " + PEERS_PATH + "/" + id + ": '" + text + "'");
      }
      int colon = parts[1].lastIndexOf(':');
      peers.add(new MetaPeer(id, parts[1].substring(0, colon), Integer.parseInt(parts[1].substring(colon + 1))));
    }
    return peers;
  }

  /**
   * The published peers as a metadata client's peer source: read again when a peer turns out
   * not to host a group any more (removed online); {@code fallback} while none is published.
   */
  public static java.util.function.Supplier<List<MetaPeer>> peerSource(CuratorFramework zk, List<MetaPeer> fallback) {
    return () -> {
      try {
        List<MetaPeer> peers = read(zk);
        return peers.isEmpty() ? fallback : peers;
      } catch (Exception e) {
        throw new IllegalStateException("reading metadata peers from ZooKeeper " + PEERS_PATH, e);
      }
    };
  }

  /**
   * A metadata client as every process builds one: {@code groups} groups, the default batching,
   * peers re-read from ZooKeeper after membership changes ({@code peers} while none is published).
   */
  public static RaftMetadataClient connectClient(CuratorFramework zk, List<MetaPeer> peers, int groups) {
    return connectClient(zk, peers, groups, null);
  }

  /** As above, over mutual TLS when {@code tlsOrNull} is given (docs/tls.md). */
  public static RaftMetadataClient connectClient(CuratorFramework zk, List<MetaPeer> peers, int groups, io.moraine.metadata.tls.RaftTls tlsOrNull) {
    return RaftMetadataClient.connect(peerSource(zk, peers), RaftMetadataClientConfig.defaults(groups), new SecureRandom(),
        tlsOrNull);
  }

  /** {@link #connectClient(CuratorFramework, List, int)} with the group count published in ZooKeeper. */
  public static RaftMetadataClient connectClient(CuratorFramework zk, List<MetaPeer> peers) throws Exception {
    return connectClient(zk, peers, readGroups(zk));
  }

  /** As above, over mutual TLS when {@code tlsOrNull} is given. */
  public static RaftMetadataClient connectClient(CuratorFramework zk, List<MetaPeer> peers, io.moraine.metadata.tls.RaftTls tlsOrNull) throws Exception {
    return connectClient(zk, peers, readGroups(zk), tlsOrNull);
  }

  /** Waits until {@code expected} peers are published (a gateway started before its metadata tier). */
  public static List<MetaPeer> await(CuratorFramework zk, int expected, java.time.Duration timeout) throws Exception {
    Deadline deadline = Deadline.after(timeout);
    while (true) {
      List<MetaPeer> peers = read(zk);
      if (peers.size() >= expected || deadline.expired()) {
        if (peers.isEmpty()) {
          throw new IllegalStateException("no metadata peers published in ZooKeeper under " + PEERS_PATH);
        }
        return peers;
      }
      Thread.sleep(200);
    }
  }
}
