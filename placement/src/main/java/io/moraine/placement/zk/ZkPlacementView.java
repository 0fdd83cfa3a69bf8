package io.moraine.placement.zk;

import io.moraine.placement.NodeInfo;
import io.moraine.placement.NodeInfo.NodeState;
import io.moraine.placement.PlacementMap;
import io.moraine.placement.PlacementView;
import io.moraine.placement.TargetSelector;
import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link PlacementView} over ZooKeeper watches: caches of the member records, the liveness nodes
 * and the current map (paths in {@link ZkPaths}). Maps of older epochs are read from the history
 * on demand and kept, since they never change.
 *
 * <p>Fault model: the caches are eventually consistent. While disconnected from ZooKeeper the view
 * keeps answering from its last state (a gateway keeps working with the map it has; shard writes
 * to a node that died meanwhile fail and the write rule handles them). The current map only moves
 * forward in epoch. A record that cannot be decoded is logged and ignored, not guessed at. Does
 * not own the Curator client.
 */
public final class ZkPlacementView implements PlacementView, Closeable {

  private static final Logger log = LoggerFactory.getLogger(ZkPlacementView.class);

  private final CuratorFramework client;
  private final CuratorCache storageCache;
  private final CuratorCache mapCache;
  private final Map<String, NodeInfo> members = new ConcurrentHashMap<>();
  private final Set<String> live = ConcurrentHashMap.newKeySet();
  private final Map<Long, PlacementMap> byEpoch = new ConcurrentHashMap<>();
  private final CountDownLatch storageLoaded = new CountDownLatch(1);
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private final Object mapMonitor = new Object();
  private volatile PlacementMap current;

  public ZkPlacementView(CuratorFramework client) {
    this.client = client;
    this.storageCache = CuratorCache.build(client, ZkPaths.STORAGE);
    this.mapCache = CuratorCache.build(client, ZkPaths.MAP, CuratorCache.Options.SINGLE_NODE_CACHE);
  }

  public void start() {
    storageCache.listenable().addListener(CuratorCacheListener.builder()
        .forCreates(this::onStorage)
        .forChanges((before, after) -> onStorage(after))
        .forDeletes(this::onStorageDeleted)
        .forInitialized(storageLoaded::countDown)
        .build());
    mapCache.listenable().addListener(CuratorCacheListener.builder()
        .forCreates(this::onMap)
        .forChanges((before, after) -> onMap(after))
        .build());
    storageCache.start();
    mapCache.start();
  }

  /**
   * Waits until a map has been seen and the membership has loaded once (so liveness answers are
   * meaningful), and returns the current map.
   */
  public PlacementMap awaitMap(Duration timeout) throws TimeoutException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    if (!storageLoaded.await(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
      throw new TimeoutException("storage membership not loaded from ZooKeeper within " + timeout);
    }
    synchronized (mapMonitor) {
      while (current == null) {
        long leftNanos = deadline - System.nanoTime();
        if (leftNanos <= 0) {
          throw new TimeoutException("no placement map published within " + timeout);
        }
        TimeUnit.NANOSECONDS.timedWait(mapMonitor, leftNanos);
      }
      return current;
    }
  }

  /** Waits until the current map's epoch is at least {@code epoch}. */
  public PlacementMap awaitEpoch(long epoch, Duration timeout) throws TimeoutException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (mapMonitor) {
      while (current == null || current.epoch() < epoch) {
        long leftNanos = deadline - System.nanoTime();
        if (leftNanos <= 0) {
          throw new TimeoutException("placement map epoch " + epoch + " not seen within " + timeout + "; have "
              + (current == null ? "none" : current.epoch()));
        }
        TimeUnit.NANOSECONDS.timedWait(mapMonitor, leftNanos);
      }
      return current;
    }
  }

  @Override
  public Optional<PlacementMap> current() {
    return Optional.ofNullable(current);
  }

  /**
   * The map of a given epoch (the one a blob was written under): the current one, a cached one,
   * or read from {@code /moraine/placement/history}. Empty if no such epoch was published.
   */
  public Optional<PlacementMap> map(long epoch) throws IOException {
    PlacementMap now = current;
    if (now != null && now.epoch() == epoch) {
      return Optional.of(now);
    }
    PlacementMap cached = byEpoch.get(epoch);
    if (cached != null) {
      return Optional.of(cached);
    }
    try {
      PlacementMap m = PlacementCodec.decodeMap(client.getData().forPath(ZkPaths.history(epoch)));
      if (m.epoch() != epoch) {
        throw new IllegalStateException("history node of epoch " + epoch + " holds epoch " + m.epoch());
      }
      byEpoch.put(epoch, m);
      return Optional.of(m);
    } catch (KeeperException.NoNodeException e) {
      return Optional.empty();
    } catch (Exception e) {
      throw StorageMembership.asIo("reading placement map epoch " + epoch, e);
    }
  }

  /** All members, sorted by id, state DOWN when not live, else DRAINING or UP. */
  public List<NodeInfo> nodes() {
    List<NodeInfo> all = new ArrayList<>(members.size());
    for (NodeInfo n : members.values()) {
      all.add(withLiveness(n));
    }
    all.sort(Comparator.comparing(NodeInfo::nodeId));
    return all;
  }

  /** From membership; a node no longer a member but named by the current map comes from the map. */
  @Override
  public Optional<NodeInfo> node(String nodeId) {
    NodeInfo n = members.get(nodeId);
    if (n == null) {
      PlacementMap m = current;
      if (m != null) {
        n = m.nodes().stream().filter(x -> x.nodeId().equals(nodeId)).findFirst().orElse(null);
      }
    }
    return Optional.ofNullable(n).map(this::withLiveness);
  }

  @Override
  public boolean isLive(String nodeId) {
    return live.contains(nodeId);
  }

  @Override
  public Optional<List<ShardTarget>> targets(int placementGroup, int width, int maxShardsPerAz, int maxShardsPerNode) {
    PlacementMap m = current;
    if (m == null) {
      return Optional.empty();
    }
    if (placementGroup < 0 || placementGroup >= m.placementGroupCount()) {
      throw new IllegalArgumentException("placement group " + placementGroup + " out of 0.." + (m.placementGroupCount() - 1));
    }
    Map<String, NodeInfo> byId = new java.util.HashMap<>();
    for (NodeInfo n : m.nodes()) {
      byId.put(n.nodeId(), n);
    }
    List<NodeInfo> slots = m.groups().get(placementGroup).stream().map(byId::get).toList();
    return TargetSelector.select(slots, this::isLive, width, maxShardsPerAz, maxShardsPerNode);
  }

  /** Called (on a Curator thread; keep it short) after any membership, liveness or map change. */
  public void addListener(Runnable listener) {
    listeners.add(listener);
  }

  @Override
  public void close() {
    mapCache.close();
    storageCache.close();
  }

  private NodeInfo withLiveness(NodeInfo n) {
    NodeState state = !live.contains(n.nodeId()) ? NodeState.DOWN
        : n.state() == NodeState.DRAINING ? NodeState.DRAINING : NodeState.UP;
    return new NodeInfo(n.nodeId(), n.az(), n.host(), n.grpcPort(), n.capacityBytes(), state);
  }

  private void onStorage(ChildData data) {
    String path = data.getPath();
    if (path.startsWith(ZkPaths.NODES + "/")) {
      String id = path.substring(ZkPaths.NODES.length() + 1);
      try {
        members.put(id, PlacementCodec.decodeNode(data.getData()));
      } catch (IllegalStateException e) {
        log.error("ignoring unreadable member record {}", path, e);
      }
    } else if (path.startsWith(ZkPaths.LIVE + "/")) {
      live.add(path.substring(ZkPaths.LIVE.length() + 1));
    }
    notifyListeners();
  }

  private void onStorageDeleted(ChildData data) {
    String path = data.getPath();
    if (path.startsWith(ZkPaths.NODES + "/")) {
      members.remove(path.substring(ZkPaths.NODES.length() + 1));
    } else if (path.startsWith(ZkPaths.LIVE + "/")) {
      live.remove(path.substring(ZkPaths.LIVE.length() + 1));
    }
    notifyListeners();
  }

  private void onMap(ChildData data) {
    if (!data.getPath().equals(ZkPaths.MAP)) {
      return;
    }
    PlacementMap m;
    try {
      m = PlacementCodec.decodeMap(data.getData());
    } catch (IllegalStateException e) {
      log.error("ignoring unreadable placement map", e);
      return;
    }
    synchronized (mapMonitor) {
      if (current != null && m.epoch() <= current.epoch()) {
        return;
      }
      if (current != null) {
        byEpoch.put(current.epoch(), current);
      }
      current = m;
      mapMonitor.notifyAll();
    }
    log.info("placement map epoch {} ({} nodes)", m.epoch(), m.nodes().size());
    notifyListeners();
  }

  private void notifyListeners() {
    for (Runnable l : listeners) {
      try {
        l.run();
      } catch (RuntimeException e) {
        log.error("placement view listener failed", e);
      }
    }
  }
}
