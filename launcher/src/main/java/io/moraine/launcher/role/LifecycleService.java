package io.moraine.launcher.role;

import io.moraine.gateway.lifecycle.LifecycleProgress;
import io.moraine.gateway.lifecycle.LifecycleWorker;
import io.moraine.metadata.api.DayScale;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the lifecycle engine ({@link LifecycleWorker}) in every gateway, active in one at a time
 * (Curator LeaderLatch {@value #LEADER_PATH}, repair's pattern): the leader runs a pass every
 * {@code intervalMillis}, checkpointing its cursor and counters to {@value #PROGRESS_PATH} so a
 * new leader (after a crash or a lost session) resumes the walk where it stood. A pass stops as
 * soon as leadership is lost, so two gateways never walk at once for longer than a ZooKeeper
 * session timeout; every action is conditional on what was evaluated, so even then nothing is
 * applied twice.
 */
public final class LifecycleService implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LifecycleService.class);
  public static final String ROOT_PATH = "/moraine/services/lifecycle";
  public static final String LEADER_PATH = ROOT_PATH + "/leader";
  public static final String PROGRESS_PATH = ROOT_PATH + "/progress";

  private final CuratorFramework zk;
  private final String nodeId;
  private final LeaderLatch latch;
  private final ScheduledExecutorService timer;
  private volatile LifecycleProgress lastKnown = LifecycleProgress.empty();

  /** One pass per scaled hour, at least a second apart (1-second days: every second) and at most an hour. */
  public static long defaultIntervalMillis(DayScale scale) {
    return Math.max(1000, Math.min(3_600_000, scale.dayMillis() / 24));
  }

  public LifecycleService(CuratorFramework zk, String nodeId, LifecycleWorker worker, long intervalMillis)
      throws Exception {
    this.zk = zk;
    this.nodeId = nodeId;
    this.latch = new LeaderLatch(zk, LEADER_PATH, nodeId);
    this.timer = Executors.newSingleThreadScheduledExecutor(
        Thread.ofPlatform().daemon(true).name(nodeId + "-lifecycle").factory());
    latch.start();
    timer.scheduleWithFixedDelay(() -> {
      if (!latch.hasLeadership()) {
        return;
      }
      try {
        LifecycleProgress start = readProgress(zk).orElse(LifecycleProgress.empty());
        lastKnown = worker.pass(start, nodeId, this::save, latch::hasLeadership);
      } catch (Exception e) {
        log.warn("{}: lifecycle pass failed; the next one resumes from the last checkpoint: {}", nodeId, e.toString());
      }
    }, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
  }

  public boolean isLeader() {
    return latch.hasLeadership();
  }

  /** The progress this instance last wrote or read (for metrics). */
  public LifecycleProgress progress() {
    return lastKnown;
  }

  private void save(LifecycleProgress p) {
    if (!latch.hasLeadership()) {
      return; // a deposed leader must not overwrite its successor's cursor
    }
    byte[] bytes = p.encode();
    try {
      try {
        zk.setData().forPath(PROGRESS_PATH, bytes);
      } catch (KeeperException.NoNodeException e) {
        zk.create().creatingParentsIfNeeded().forPath(PROGRESS_PATH, bytes);
      }
      lastKnown = p;
    } catch (Exception e) {
      throw new IllegalStateException("lifecycle progress not saved", e);
    }
  }

  public static Optional<LifecycleProgress> readProgress(CuratorFramework zk) throws Exception {
    try {
      return Optional.of(LifecycleProgress.decode(zk.getData().forPath(PROGRESS_PATH)));
    } catch (KeeperException.NoNodeException e) {
      return Optional.empty();
    }
  }

  /** Prometheus gauges of docs/metrics.md: the engine's counters as this gateway last saw them. */
  public static void registerMetrics(PrometheusRegistry registry, String nodeId, LifecycleService s) {
    gauge(registry, nodeId, "moraine_lifecycle_leader", "1 on the active lifecycle instance", p -> s.isLeader() ? 1 : 0, s);
    gauge(registry, nodeId, "moraine_lifecycle_passes", "completed lifecycle passes", LifecycleProgress::passes, s);
    gauge(registry, nodeId, "moraine_lifecycle_evaluated", "versions and uploads evaluated", LifecycleProgress::evaluated, s);
    gauge(registry, nodeId, "moraine_lifecycle_expired", "current versions expired", LifecycleProgress::expired, s);
    gauge(registry, nodeId, "moraine_lifecycle_noncurrent_expired", "noncurrent versions removed",
        LifecycleProgress::noncurrentExpired, s);
    gauge(registry, nodeId, "moraine_lifecycle_markers_removed", "expired object delete markers removed",
        LifecycleProgress::markersRemoved, s);
    gauge(registry, nodeId, "moraine_lifecycle_aborted", "incomplete multipart uploads aborted", LifecycleProgress::aborted, s);
    gauge(registry, nodeId, "moraine_lifecycle_transitioned", "versions moved to another storage class",
        LifecycleProgress::transitioned, s);
    gauge(registry, nodeId, "moraine_lifecycle_failed", "lifecycle actions that failed", LifecycleProgress::failed, s);
    gauge(registry, nodeId, "moraine_lifecycle_backlog", "due actions not applied in the last pass",
        LifecycleProgress::backlog, s);
  }

  private static void gauge(PrometheusRegistry registry, String nodeId, String name, String help,
      ToLongFunction<LifecycleProgress> value, LifecycleService s) {
    GaugeWithCallback.builder().name(name).help(help).labelNames("node_id")
        .callback(cb -> cb.call(value.applyAsLong(s.progress()), nodeId)).register(registry);
  }

  @Override
  public void close() throws Exception {
    timer.shutdownNow();
    latch.close();
  }
}
