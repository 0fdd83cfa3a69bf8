package io.moraine.launcher.role;

import io.moraine.gateway.tiering.TieringProgress;
import io.moraine.gateway.tiering.TieringWorker;
import io.moraine.placement.zk.ElectedCheckpoint;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Optional;
import org.apache.curator.framework.CuratorFramework;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the Intelligent-Tiering pass ({@link TieringWorker}, docs/storage-classes.md) in every
 * gateway, active in one at a time (the election under {@value #ROOT_PATH}, the lifecycle
 * service's pattern; a service of its own so that tiering and lifecycle passes neither wait for
 * nor slow each other): the leader runs a pass every {@code intervalMillis} on the gateway's
 * clock. No cursor is kept: a new leader starts a new pass, and every move is conditional, so a
 * pass overlapping a deposed leader's for a session timeout applies nothing twice. The totals of
 * every pass ({@link TieringProgress}) are saved after each, for {@code admin status} and
 * {@code /metrics}, and a new leader continues them.
 */
public final class TieringService implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TieringService.class);
  public static final String ROOT_PATH = "/moraine/services/tiering";
  public static final String LEADER_PATH = ROOT_PATH + "/leader";
  public static final String PROGRESS_PATH = ROOT_PATH + "/progress";

  private final ElectedService service;
  private volatile TieringProgress lastKnown = TieringProgress.empty();

  public TieringService(CuratorFramework zk, String nodeId, TieringWorker worker, long intervalMillis) throws Exception {
    this.service = new ElectedService(zk, ROOT_PATH, nodeId, "tiering", intervalMillis, election -> {
      TieringProgress before = readProgress(zk).orElse(TieringProgress.empty());
      TieringWorker.Pass p = worker.pass(election::isLeader);
      if (p.moved() > 0 || p.failed() > 0) {
        log.info("{}: tiering pass: {}", nodeId, p);
      }
      TieringProgress after = before.plus(nodeId, p);
      if (election.save(after.encode())) {
        lastKnown = after;
      }
    }, () -> { }, "the next one starts over");
  }

  public boolean isLeader() {
    return service.isLeader();
  }

  /** The totals this instance last saved (empty before its first pass as leader). */
  public TieringProgress progress() {
    return lastKnown;
  }

  public static Optional<TieringProgress> readProgress(CuratorFramework zk) throws Exception {
    return ElectedCheckpoint.read(zk, PROGRESS_PATH).map(TieringProgress::decode);
  }

  /** Prometheus gauges of docs/metrics.md: the tiering totals as this gateway last saved them. */
  public static void registerMetrics(PrometheusRegistry registry, String nodeId, TieringService s) {
    ElectedService.gauges(registry, nodeId, s::progress)
        .add("moraine_tiering_leader", "1 on the active Intelligent-Tiering instance", p -> s.isLeader() ? 1 : 0)
        .add("moraine_tiering_passes", "completed Intelligent-Tiering passes", TieringProgress::passes)
        .add("moraine_tiering_evaluated", "INTELLIGENT_TIERING versions evaluated", TieringProgress::evaluated)
        .add("moraine_tiering_to_infrequent", "moves to the Infrequent Access tier", TieringProgress::toInfrequent)
        .add("moraine_tiering_to_archive_instant", "moves to the Archive Instant Access tier",
            TieringProgress::toArchiveInstant)
        .add("moraine_tiering_to_archive_access", "moves to the Archive Access tier (re-encoded)",
            TieringProgress::toArchiveAccess)
        .add("moraine_tiering_to_deep_archive_access", "moves to the Deep Archive Access tier (re-encoded)",
            TieringProgress::toDeepArchiveAccess)
        .add("moraine_tiering_failed", "tier moves that failed", TieringProgress::failed)
        .add("moraine_tiering_backlog", "due tier moves not applied in the last pass", TieringProgress::backlog);
  }

  @Override
  public void close() throws Exception {
    service.close();
  }
}
