package io.moraine.placement.zk;

import io.moraine.placement.NodeInfo;
import io.moraine.placement.PlacementCalculator;
import io.moraine.placement.PlacementConfig;
import io.moraine.placement.PlacementMap;
import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderLatchListener;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the published placement map in step with the membership. Every participant joins a
 * LeaderLatch ({@code /moraine/placement/leader}); the leader recomputes the map when a member
 * record changes (and once on becoming leader) and publishes it as {@code /moraine/placement/map}
 * plus {@code /moraine/placement/history/<epoch>} in one ZooKeeper transaction.
 *
 * <p>Fault model: two processes may briefly both believe they lead (a latch is only as current as
 * its session). Publication is therefore a compare-and-set on the map node's version, computed
 * from records read straight from ZooKeeper (not from a cache), so epochs stay unique and
 * increasing and no update is lost; the loser re-reads and finds nothing left to do. A failed
 * recompute is retried after {@link #RETRY_DELAY}. Does not own the Curator client.
 */
public final class PlacementCoordinator implements Closeable {

  private static final Logger log = LoggerFactory.getLogger(PlacementCoordinator.class);
  /** Member records arriving together (a cluster starting) give one new epoch, not one each. */
  public static final Duration DEFAULT_SETTLE_DELAY = Duration.ofMillis(200);
  static final Duration RETRY_DELAY = Duration.ofSeconds(1);

  private final CuratorFramework client;
  private final String participantId;
  private final PlacementConfig config;
  private final Duration settleDelay;
  private final LeaderLatch latch;
  private final CuratorCache members;
  private final ScheduledExecutorService executor;
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private final AtomicLong publishedEpoch = new AtomicLong();
  private volatile boolean closed;

  public PlacementCoordinator(CuratorFramework client, String participantId, PlacementConfig config) {
    this(client, participantId, config, DEFAULT_SETTLE_DELAY);
  }

  public PlacementCoordinator(CuratorFramework client, String participantId, PlacementConfig config, Duration settleDelay) {
    this.client = client;
    this.participantId = participantId;
    this.config = config.validate();
    this.settleDelay = settleDelay;
    this.latch = new LeaderLatch(client, ZkPaths.LEADER, participantId);
    this.members = CuratorCache.build(client, ZkPaths.NODES);
    this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "placement-coordinator-" + participantId);
      t.setDaemon(true);
      return t;
    });
  }

  public void start() throws IOException {
    latch.addListener(new LeaderLatchListener() {
      @Override
      public void isLeader() {
        log.info("{} leads placement", participantId);
        schedule(Duration.ZERO);
      }

      @Override
      public void notLeader() {
        log.info("{} no longer leads placement", participantId);
      }
    });
    members.listenable().addListener(CuratorCacheListener.builder().forAll((type, before, after) -> schedule(settleDelay)).build());
    members.start();
    try {
      latch.start();
    } catch (Exception e) {
      throw StorageMembership.asIo("starting the placement leader latch", e);
    }
  }

  /** Whether this participant currently holds the leader latch. */
  public boolean isLeader() {
    return latch.hasLeadership();
  }

  /** The epoch this participant last published (0 if none). */
  public long publishedEpoch() {
    return publishedEpoch.get();
  }

  @Override
  public synchronized void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    // Recipes before the client (which the caller closes), and stop recomputing first.
    executor.shutdown();
    try {
      if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
        log.warn("placement recompute of {} did not finish within 10 s", participantId);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    members.close();
    latch.close();
  }

  private void schedule(Duration delay) {
    if (closed || !scheduled.compareAndSet(false, true)) {
      return;
    }
    try {
      executor.schedule(this::run, delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      scheduled.set(false);
      log.debug("coordinator {} closed, recompute dropped", participantId, e);
    }
  }

  private void run() {
    scheduled.set(false);
    if (closed || !latch.hasLeadership()) {
      return;
    }
    try {
      recomputeOnce();
    } catch (Exception e) {
      log.warn("placement recompute by {} failed, retrying in {}", participantId, RETRY_DELAY, e);
      schedule(RETRY_DELAY);
    }
  }

  /** Reads members and the current map, publishes a new epoch if the map must change. */
  private void recomputeOnce() throws Exception {
    List<NodeInfo> nodes = readMembers();
    Stat mapStat = new Stat();
    Optional<PlacementMap> previous;
    try {
      previous = Optional.of(PlacementCodec.decodeMap(client.getData().storingStatIn(mapStat).forPath(ZkPaths.MAP)));
    } catch (KeeperException.NoNodeException e) {
      previous = Optional.empty();
    }
    if (nodes.isEmpty() && previous.isEmpty()) {
      return; // nothing to place yet; the first member record triggers the first map
    }
    PlacementMap next = PlacementCalculator.compute(previous, nodes, config);
    if (previous.isPresent() && next.epoch() == previous.get().epoch()) {
      return;
    }
    byte[] bytes = PlacementCodec.encodeMap(next);
    ensurePath(ZkPaths.HISTORY);
    var history = client.transactionOp().create().forPath(ZkPaths.history(next.epoch()), bytes);
    var map = previous.isEmpty()
        ? client.transactionOp().create().forPath(ZkPaths.MAP, bytes)
        : client.transactionOp().setData().withVersion(mapStat.getVersion()).forPath(ZkPaths.MAP, bytes);
    client.transaction().forOperations(history, map);
    publishedEpoch.set(next.epoch());
    log.info("{} published placement map epoch {} ({} nodes, {} groups)", participantId, next.epoch(),
        next.nodes().size(), next.placementGroupCount());
  }

  private List<NodeInfo> readMembers() throws Exception {
    List<String> ids;
    try {
      ids = client.getChildren().forPath(ZkPaths.NODES);
    } catch (KeeperException.NoNodeException e) {
      return List.of();
    }
    List<NodeInfo> nodes = new ArrayList<>(ids.size());
    for (String id : ids) {
      try {
        nodes.add(PlacementCodec.decodeNode(client.getData().forPath(ZkPaths.node(id))));
      } catch (KeeperException.NoNodeException e) {
        log.debug("member {} removed while reading", id, e);
      }
    }
    return nodes;
  }

  private void ensurePath(String path) throws Exception {
    if (client.checkExists().forPath(path) == null) {
      try {
        client.create().creatingParentsIfNeeded().forPath(path);
      } catch (KeeperException.NodeExistsException e) {
        log.debug("{} created concurrently", path, e);
      }
    }
  }
}
