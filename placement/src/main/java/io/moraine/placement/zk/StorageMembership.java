package io.moraine.placement.zk;

import io.moraine.placement.NodeInfo;
import io.moraine.placement.NodeInfo.NodeState;
import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.imps.CuratorFrameworkState;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A storage node's membership in ZooKeeper: its persistent member record
 * ({@code /moraine/storage/nodes/<id>}, what placement is computed from) and its ephemeral
 * liveness node ({@code /moraine/storage/live/<id>}, what "up" means).
 *
 * <p>Fault model: the liveness node lives as long as the Curator session; when the session
 * expires (network loss longer than the session timeout) ZooKeeper deletes it, and the
 * {@link PersistentNode} recipe creates it again once a new session exists. A dead process
 * therefore counts as down one session timeout after it died. Member records survive restarts;
 * an operator's draining flag survives re-registration. Does not own the Curator client.
 */
public final class StorageMembership implements Closeable {

  private static final Logger log = LoggerFactory.getLogger(StorageMembership.class);
  private static final Duration DEFAULT_REGISTER_TIMEOUT = Duration.ofSeconds(15);

  private final CuratorFramework client;
  private final Duration registerTimeout;
  private PersistentNode liveness;
  private String registeredId;

  public StorageMembership(CuratorFramework client) {
    this(client, DEFAULT_REGISTER_TIMEOUT);
  }

  /** @param registerTimeout how long {@link #register} waits for ZooKeeper before failing */
  public StorageMembership(CuratorFramework client, Duration registerTimeout) {
    this.client = client;
    this.registerTimeout = registerTimeout;
  }

  /**
   * Writes (or updates) the member record, keeping an operator's draining flag, then creates the
   * liveness node and waits until it exists. Calling it again for the same node updates both
   * (e.g. a new port); one membership registers one node.
   */
  public synchronized void register(NodeInfo node) throws IOException {
    if (registeredId != null && !registeredId.equals(node.nodeId())) {
      throw new IllegalStateException("this membership registered " + registeredId + ", not " + node.nodeId());
    }
    byte[] record = writeRecord(node);
    if (liveness == null) {
      PersistentNode live = new PersistentNode(client, CreateMode.EPHEMERAL, false, ZkPaths.live(node.nodeId()), record);
      live.start();
      boolean created;
      try {
        created = live.waitForInitialCreate(registerTimeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        live.close();
        throw new InterruptedIOException("interrupted registering " + node.nodeId());
      }
      if (!created) {
        live.close();
        throw new IOException("liveness node of " + node.nodeId() + " not created within " + registerTimeout);
      }
      liveness = live;
      registeredId = node.nodeId();
    } else {
      try {
        liveness.setData(record);
      } catch (Exception e) {
        throw new IOException("updating liveness node of " + node.nodeId(), e);
      }
    }
    log.info("registered storage node {} az={} {}:{} capacity={} bytes", node.nodeId(), node.az(), node.host(),
        node.grpcPort(), node.capacityBytes());
  }

  /** Sets or clears the draining flag of a member record (the operator's drain). */
  public void setDraining(String nodeId, boolean draining) throws IOException {
    String path = ZkPaths.node(nodeId);
    try {
      while (true) {
        Stat stat = new Stat();
        byte[] bytes;
        try {
          bytes = client.getData().storingStatIn(stat).forPath(path);
        } catch (KeeperException.NoNodeException e) {
          throw new IOException("no storage node " + nodeId + " is registered", e);
        }
        NodeInfo n = PlacementCodec.decodeNode(bytes);
        NodeInfo updated = new NodeInfo(n.nodeId(), n.az(), n.host(), n.grpcPort(), n.capacityBytes(),
            draining ? NodeState.DRAINING : NodeState.UP);
        try {
          client.setData().withVersion(stat.getVersion()).forPath(path, PlacementCodec.encodeNode(updated));
          return;
        } catch (KeeperException.BadVersionException e) {
          log.debug("member record {} changed concurrently, retrying", nodeId, e);
        }
      }
    } catch (IOException e) {
      throw e;
    } catch (Exception e) {
      throw asIo("setting draining=" + draining + " on " + nodeId, e);
    }
  }

  /** Deletes a member record: the node leaves the placement (after its data was drained). */
  public void removeMember(String nodeId) throws IOException {
    try {
      client.delete().forPath(ZkPaths.node(nodeId));
    } catch (KeeperException.NoNodeException e) {
      log.info("storage node {} was not a member", nodeId, e);
    } catch (Exception e) {
      throw asIo("removing member " + nodeId, e);
    }
  }

  /** Removes the liveness node (the member record stays). Does not close the Curator client. */
  @Override
  public synchronized void close() throws IOException {
    if (liveness != null) {
      PersistentNode live = liveness;
      liveness = null;
      if (client.getState() != CuratorFrameworkState.STARTED) {
        // The session ended with the client, and ZooKeeper deleted the ephemeral with it.
        log.info("client of {} already closed; its liveness node went with the session", registeredId);
        return;
      }
      live.close();
      log.info("unregistered storage node {}", registeredId);
    }
  }

  private byte[] writeRecord(NodeInfo node) throws IOException {
    String path = ZkPaths.node(node.nodeId());
    try {
      while (true) {
        Stat stat = client.checkExists().forPath(path);
        if (stat == null) {
          byte[] bytes = PlacementCodec.encodeNode(node);
          try {
            client.create().creatingParentsIfNeeded().forPath(path, bytes);
            return bytes;
          } catch (KeeperException.NodeExistsException e) {
            log.debug("member record {} created concurrently, retrying", node.nodeId(), e);
            continue;
          }
        }
        Stat readStat = new Stat();
        NodeInfo existing;
        try {
          existing = PlacementCodec.decodeNode(client.getData().storingStatIn(readStat).forPath(path));
        } catch (KeeperException.NoNodeException e) {
          log.debug("member record {} deleted concurrently, retrying", node.nodeId(), e);
          continue;
        }
        boolean draining = existing.state() == NodeState.DRAINING || node.state() == NodeState.DRAINING;
        NodeInfo merged = new NodeInfo(node.nodeId(), node.az(), node.host(), node.grpcPort(), node.capacityBytes(),
            draining ? NodeState.DRAINING : NodeState.UP);
        byte[] bytes = PlacementCodec.encodeNode(merged);
        try {
          client.setData().withVersion(readStat.getVersion()).forPath(path, bytes);
          return bytes;
        } catch (KeeperException.BadVersionException | KeeperException.NoNodeException e) {
          log.debug("member record {} changed concurrently, retrying", node.nodeId(), e);
        }
      }
    } catch (Exception e) {
      throw asIo("writing member record of " + node.nodeId(), e);
    }
  }

  static IOException asIo(String what, Exception e) {
    if (e instanceof InterruptedException) {
      Thread.currentThread().interrupt();
      InterruptedIOException io = new InterruptedIOException("interrupted " + what);
      io.initCause(e);
      return io;
    }
    return e instanceof IOException io ? io : new IOException(what + ": " + e, e);
  }
}
