/*
 * RepairService: the self-healing background service of DESIGN.md — one active instance in the
 * cluster (Curator LeaderLatch), any number of standbys (it runs in every metadata process).
 *
 * The leader loops: a repair pass over every manifest (rebuild shards of nodes down past the grace
 * period, move misplaced shards home), then a pause; a scrub pass (every shard on a live node read
 * end to end, corrupt or missing ones rebuilt in place) when one is requested (`admin scrub --now`
 * bumps a counter in ZooKeeper) or the scrub interval has passed. Progress — counters, the walk's
 * cursor, since when each node is down — is saved in ZooKeeper every few seconds, so a new leader
 * resumes where the old one stopped and keeps the grace clocks running.
 *
 * Fault model: the leader may die or lose its ZooKeeper session at any point. Every metadata
 * change is a conditional relocateShard, so two instances believing they lead at once (a session
 * expiry not noticed yet) cost duplicate copies, never a wrong manifest. A failed pass is logged
 * and retried after the pause; the service thread never dies of an exception.
 */
package io.moraine.repair;

import io.moraine.metadata.api.MetadataClient;
import io.moraine.placement.NodeInfo;
import io.moraine.placement.PlacementView;
import io.moraine.storage.api.ShardClients;
import io.moraine.storage.api.ShardMaintenance;
import java.nio.charset.StandardCharsets;
import io.moraine.placement.zk.ZkPlacementView;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.TimeoutException;
import java.util.Optional;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

public final class RepairService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RepairService.class);

  public static final String ROOT_PATH = "/moraine/services/repair";
  public static final String LEADER_PATH = ROOT_PATH + "/leader";
  public static final String PROGRESS_PATH = ROOT_PATH + "/progress";
  public static final String SCRUB_REQUEST_PATH = ROOT_PATH + "/scrub-request";

  private final RepairConfig config;
  private final String participantId;
  private final CuratorFramework zk;
  private final MetadataClient meta;
  private final ShardClients shards;
  private final PlacementView view;
  private final InstantSource clock;
  private final LeaderLatch latch;
  private final GarbageCollector gc; // null: off (gcMinAgeMillis 0, or clients without ShardMaintenance)
  private volatile GarbageCollector.Result lastGc;
  private volatile boolean closed;
  private volatile RepairProgress lastKnown = RepairProgress.empty();
  private Thread worker;

  public RepairService(RepairConfig config, String participantId, CuratorFramework zk, MetadataClient meta,
      ShardClients shards, PlacementView view, InstantSource clock) {
    this.config = config.validate();
    this.participantId = participantId;
    this.zk = zk;
    this.meta = meta;
    this.shards = shards;
    this.view = view;
    this.clock = clock;
    this.latch = new LeaderLatch(zk, LEADER_PATH, participantId);
    this.gc = config.gcMinAgeMillis() > 0 && shards instanceof ShardMaintenance m
        ? new GarbageCollector(m, shards, view, clock, config.gcMinAgeMillis(),
            Duration.ofMillis(Math.max(30_000, config.shardReadTimeoutMillis())))
        : null;
  }

  /** The last garbage collection round of this instance, if it ran one. */
  public Optional<String> lastGcSummary() {
    GarbageCollector.Result r = lastGc;
    return r == null ? Optional.empty() : Optional.of("gc listed " + r.listed() + " unreferenced " + r.unreferenced()
        + " deleted " + r.deleted() + " bytes " + r.bytesDeleted() + " nodes-skipped " + r.nodesSkipped());
  }

  public RepairService start() throws Exception {
    latch.start();
    worker = Thread.ofPlatform().name("repair-" + participantId).daemon().start(this::loop);
    return this;
  }

  public boolean isLeader() {
    return latch.hasLeadership();
  }

  /**
   * The cluster's repair progress: what this instance last wrote when it leads, else the record in
   * ZooKeeper (so every instance's metrics show the active one's figures).
   */
  public RepairProgress progress() {
    if (!latch.hasLeadership()) {
      try {
        readProgress(zk).ifPresent(p -> lastKnown = p);
      } catch (Exception e) {
        LOG.debug("repair progress unreadable; reporting the last known", e);
      }
    }
    return lastKnown;
  }

  // ---- ZooKeeper records (also used by admin commands) --------------------------------------

  public static Optional<RepairProgress> readProgress(CuratorFramework zk) throws Exception {
    try {
      return Optional.of(RepairProgress.decode(zk.getData().forPath(PROGRESS_PATH)));
    } catch (KeeperException.NoNodeException e) {
      return Optional.empty();
    }
  }

  /** Asks the repair leader for a scrub pass now; returns the request number. */
  public static long requestScrub(CuratorFramework zk) throws Exception {
    while (true) {
      Stat stat = new Stat();
      try {
        long current = Long.parseLong(new String(zk.getData().storingStatIn(stat).forPath(SCRUB_REQUEST_PATH),
            StandardCharsets.US_ASCII).trim());
        zk.setData().withVersion(stat.getVersion()).forPath(SCRUB_REQUEST_PATH,
            Long.toString(current + 1).getBytes(StandardCharsets.US_ASCII));
        return current + 1;
      } catch (KeeperException.NoNodeException e) {
        try {
          zk.create().creatingParentsIfNeeded().forPath(SCRUB_REQUEST_PATH, "1".getBytes(StandardCharsets.US_ASCII));
          return 1;
        } catch (KeeperException.NodeExistsException raced) {
          // another admin created it first: increment theirs
        }
      } catch (KeeperException.BadVersionException raced) {
        // another admin incremented it first: read again
      }
    }
  }

  private long scrubRequests() throws Exception {
    try {
      return Long.parseLong(new String(zk.getData().forPath(SCRUB_REQUEST_PATH), StandardCharsets.US_ASCII).trim());
    } catch (KeeperException.NoNodeException e) {
      return 0;
    }
  }

  private void save(RepairProgress p) throws Exception {
    byte[] bytes = p.encode();
    try {
      zk.setData().forPath(PROGRESS_PATH, bytes);
    } catch (KeeperException.NoNodeException e) {
      zk.create().creatingParentsIfNeeded().forPath(PROGRESS_PATH, bytes);
    }
    lastKnown = p;
  }

  // ---- the loop -----------------------------------------------------------------------------

  private void loop() {
    while (!closed) {
      try {
        if (!latch.hasLeadership()) {
          Thread.sleep(500);
          continue;
        }
        if (!viewReady()) {
          continue;
        }
        boolean scrubbed = cycle();
        if (!scrubbed) {
          pause();
        }
      } catch (InterruptedException e) {
        if (closed) {
          return;
        }
      } catch (Exception e) {
        LOG.warn("repair cycle failed; retrying in {} ms", config.passIntervalMillis(), e);
        try {
          Thread.sleep(config.passIntervalMillis());
        } catch (InterruptedException stop) {
          return;
        }
      }
    }
  }

  /**
   * Liveness answers mean nothing until membership has loaded once (every node would look down),
   * and destinations need a map: wait for both before judging any node.
   */
  private boolean viewReady() throws InterruptedException {
    if (view instanceof ZkPlacementView zkView) {
      try {
        zkView.awaitMap(Duration.ofSeconds(1));
      } catch (TimeoutException notYet) {
        return false;
      }
    }
    return view.current().isPresent();
  }

  /** Sleeps for the pass interval, waking early for a scrub request. */
  private void pause() throws Exception {
    long until = clock.millis() + config.passIntervalMillis();
    while (!closed && clock.millis() < until) {
      if (scrubRequests() > lastKnown.scrubRequestsHandled()) {
        return;
      }
      Thread.sleep(Math.min(500, Math.max(1, until - clock.millis())));
    }
  }

  /** One repair or scrub pass as leader; returns true when it was a scrub pass. */
  private boolean cycle() throws Exception {
    RepairProgress base = readProgress(zk).orElse(RepairProgress.empty());
    NodeHealth health = new NodeHealth(view, clock, config.graceMillis(),
        base.downSinceFor(clock.millis(), Math.max(10_000, 3 * config.passIntervalMillis())));
    for (NodeInfo n : view.current().map(m -> m.nodes()).orElse(java.util.List.of())) {
      health.isLive(n.nodeId());
    }
    long requests = scrubRequests();
    long lastScrubEnd = base.lastScrubEndMillis() == 0 ? clock.millis() : base.lastScrubEndMillis();
    boolean scrub = requests > base.scrubRequestsHandled()
        || (config.scrubIntervalMillis() > 0 && clock.millis() - lastScrubEnd >= config.scrubIntervalMillis());
    SegmentRepairer repairer = new SegmentRepairer(config, meta, shards, view, health, clock);
    PassStats stats = new PassStats();
    long start = clock.millis();
    String fromBucket = scrub ? "" : base.cursorBucket();
    String fromKey = scrub ? "" : base.cursorKey();
    if (scrub) {
      LOG.info("scrub pass starting (request {}, {} bytes/s)", requests, config.scrubBytesPerSecond());
    }
    // Garbage collection needs every manifest: only after a walk from the very start.
    ShardReferences refs = gc != null && !scrub && fromBucket.isEmpty() && fromKey.isEmpty() ? new ShardReferences() : null;
    if (refs != null) {
      repairer.collectReferences(refs);
    }
    long[] lastSave = {clock.millis()};
    boolean complete = new RepairPass(meta, repairer, config.parallelObjects()).run(fromBucket, fromKey,
        scrub ? new ScrubPacer(clock, config.scrubBytesPerSecond()) : null, stats,
        () -> !closed && latch.hasLeadership(),
        (bucket, key) -> {
          if (!scrub && clock.millis() - lastSave[0] >= config.progressSaveIntervalMillis()) {
            lastSave[0] = clock.millis();
            saveUnchecked(merge(base, stats, health, false, false, scrub, requests, start, bucket, key));
          }
        });
    if (!complete) {
      return scrub;
    }
    RepairProgress done = merge(base, stats, health, true, true, scrub, requests, start, "", "");
    save(done);
    if (refs != null && latch.hasLeadership()) {
      GarbageCollector.Result r = gc.collect(refs);
      lastGc = r;
      save(done.withGcRound(r.unreferenced(), r.deleted(), r.bytesDeleted()));
    }
    if (stats.shardsRebuilt > 0 || stats.shardsMoved > 0 || scrub || stats.shardsUnrecoverable > 0) {
      LOG.info("{} pass done in {} ms: rebuilt {} shards ({} bytes, {} ms), moved {}, missing {}, misplaced {}, "
              + "unrecoverable {}{}", scrub ? "scrub" : "repair", clock.millis() - start, stats.shardsRebuilt,
          stats.bytesRebuilt, stats.rebuildNanos / 1_000_000, stats.shardsMoved, stats.shardsMissing,
          stats.shardsMisplaced, stats.shardsUnrecoverable,
          scrub ? ", scrub verified " + stats.scrubVerified + " corrupt " + stats.scrubCorrupt + " missing "
              + stats.scrubMissing : "");
    }
    return scrub;
  }

  private void saveUnchecked(RepairProgress p) {
    try {
      save(p);
    } catch (Exception e) {
      // Only the resume point is lost: a new leader repeats part of the walk.
      LOG.warn("could not save repair progress", e);
    }
  }

  private RepairProgress merge(RepairProgress b, PassStats s, NodeHealth health, boolean passDone,
      boolean updateGauges, boolean scrub, long requests, long start, String cursorBucket, String cursorKey) {
    long now = clock.millis();
    return new RepairProgress(participantId,
        b.passes() + (passDone ? 1 : 0),
        b.shardsRebuilt() + s.shardsRebuilt,
        b.bytesRebuilt() + s.bytesRebuilt,
        b.shardsMoved() + s.shardsMoved,
        updateGauges ? s.shardsMissing : b.shardsMissing(),
        updateGauges ? s.shardsMisplaced : b.shardsMisplaced(),
        updateGauges ? s.shardsUnrecoverable : b.shardsUnrecoverable(),
        passDone ? start : b.lastPassStartMillis(),
        passDone ? now : b.lastPassEndMillis(),
        // Wall time of passes that rebuilt something (rebuilds run in parallel, so summing their
        // durations would understate the rate).
        passDone ? (s.shardsRebuilt > 0 ? now - start : 0) : b.lastPassRebuildMillis(),
        b.rebuildMillis() + (passDone && s.shardsRebuilt > 0 ? now - start : 0),
        cursorBucket, cursorKey,
        b.scrubPasses() + (scrub && passDone ? 1 : 0),
        b.scrubShardsVerified() + s.scrubVerified,
        b.scrubCorruptFound() + s.scrubCorrupt,
        b.scrubMissingFound() + s.scrubMissing,
        scrub && passDone ? requests : b.scrubRequestsHandled(),
        scrub && passDone ? now : (b.lastScrubEndMillis() == 0 ? now : b.lastScrubEndMillis()),
        health.snapshot(), now).withGcOf(b);
  }

  @Override
  public void close() throws Exception {
    if (closed) {
      return;
    }
    closed = true;
    if (worker != null) {
      worker.interrupt();
      worker.join(10_000);
    }
    latch.close();
  }
}
