package io.moraine.launcher.role;

import io.moraine.gateway.lifecycle.LifecycleProgress;
import io.moraine.gateway.lifecycle.LifecycleWorker;
import io.moraine.metadata.api.DayScale;
import io.moraine.placement.zk.ElectedCheckpoint;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Optional;
import org.apache.curator.framework.CuratorFramework;

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
  public static final String ROOT_PATH = "/moraine/services/lifecycle";
  public static final String LEADER_PATH = ROOT_PATH + "/leader";
  public static final String PROGRESS_PATH = ROOT_PATH + "/progress";

  private final ElectedService service;
  private volatile LifecycleProgress lastKnown = LifecycleProgress.empty();

  /** One pass per scaled hour, at least a second apart (1-second days: every second) and at most an hour. */
  public static long defaultIntervalMillis(DayScale scale) {
    return Math.max(1000, Math.min(3_600_000, scale.dayMillis() / 24));
  }

  public LifecycleService(CuratorFramework zk, String nodeId, LifecycleWorker worker, long intervalMillis)
      throws Exception {
    this.service = new ElectedService(zk, ROOT_PATH, nodeId, "lifecycle", intervalMillis, election -> {
      LifecycleProgress start = readProgress(zk).orElse(LifecycleProgress.empty());
      lastKnown = worker.pass(start, nodeId, p -> save(election, p), election::isLeader);
    }, () -> { }, "the next one resumes from the last checkpoint");
  }

  public boolean isLeader() {
    return service.isLeader();
  }

  /** The progress this instance last wrote or read (for metrics). */
  public LifecycleProgress progress() {
    return lastKnown;
  }

  private void save(ElectedCheckpoint election, LifecycleProgress p) {
    try {
      if (election.save(p.encode())) {
        lastKnown = p;
      }
    } catch (Exception e) {
      throw new IllegalStateException("lifecycle progress not saved", e);
    }
  }

  public static Optional<LifecycleProgress> readProgress(CuratorFramework zk) throws Exception {
    return ElectedCheckpoint.read(zk, PROGRESS_PATH).map(LifecycleProgress::decode);
  }

  /** Prometheus gauges of docs/metrics.md: the engine's counters as this gateway last saw them. */
  public static void registerMetrics(PrometheusRegistry registry, String nodeId, LifecycleService s) {
    ElectedService.gauges(registry, nodeId, s::progress)
        .add("moraine_lifecycle_leader", "1 on the active lifecycle instance", p -> s.isLeader() ? 1 : 0)
        .add("moraine_lifecycle_passes", "completed lifecycle passes", LifecycleProgress::passes)
        .add("moraine_lifecycle_evaluated", "versions and uploads evaluated", LifecycleProgress::evaluated)
        .add("moraine_lifecycle_expired", "current versions expired", LifecycleProgress::expired)
        .add("moraine_lifecycle_noncurrent_expired", "noncurrent versions removed", LifecycleProgress::noncurrentExpired)
        .add("moraine_lifecycle_markers_removed", "expired object delete markers removed",
            LifecycleProgress::markersRemoved)
        .add("moraine_lifecycle_aborted", "incomplete multipart uploads aborted", LifecycleProgress::aborted)
        .add("moraine_lifecycle_transitioned", "versions moved to another storage class", LifecycleProgress::transitioned)
        .add("moraine_lifecycle_failed", "lifecycle actions that failed", LifecycleProgress::failed)
        .add("moraine_lifecycle_backlog", "due actions not applied in the last pass", LifecycleProgress::backlog);
  }

  @Override
  public void close() throws Exception {
    service.close();
  }
}
