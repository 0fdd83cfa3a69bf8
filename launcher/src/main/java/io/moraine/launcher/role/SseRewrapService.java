package io.moraine.launcher.role;

import io.moraine.gateway.crypto.Rewrapper;
import io.moraine.gateway.crypto.RewrapProgress;
import io.moraine.placement.zk.ElectedCheckpoint;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.util.Optional;
import org.apache.curator.framework.CuratorFramework;

/**
 * Runs the SSE-S3 re-wrap ({@link Rewrapper}) in every gateway that holds the root key, active in
 * one at a time (Curator LeaderLatch {@value #LEADER_PATH}, the repair service's pattern). The
 * leader looks every {@code intervalMillis} whether there is a walk to run or resume, checkpointing
 * its cursor and counters to {@value #PROGRESS_PATH} after every page, so a new leader resumes
 * where its predecessor stood, and {@code admin status} and {@code /metrics} show them.
 */
public final class SseRewrapService implements AutoCloseable {
  public static final String ROOT_PATH = "/moraine/services/sse-rewrap";
  public static final String LEADER_PATH = ROOT_PATH + "/leader";
  public static final String PROGRESS_PATH = ROOT_PATH + "/progress";

  private final ElectedService service;
  private volatile RewrapProgress lastKnown = RewrapProgress.empty();

  public SseRewrapService(CuratorFramework zk, String participantId, Rewrapper rewrapper, long intervalMillis,
      Clock clock) throws Exception {
    this.service = new ElectedService(zk, ROOT_PATH, participantId, "sse-rewrap", intervalMillis, election -> {
      RewrapProgress start = readProgress(zk).orElse(RewrapProgress.empty());
      lastKnown = rewrapper.pass(start, participantId, p -> save(election, p), election::isLeader, clock::millis);
    }, () -> { }, "the next one resumes from the last checkpoint");
  }

  public boolean isLeader() {
    return service.isLeader();
  }

  /** The progress this instance last wrote or read. */
  public RewrapProgress progress() {
    return lastKnown;
  }

  private void save(ElectedCheckpoint election, RewrapProgress p) {
    try {
      if (election.save(p.encode())) {
        lastKnown = p;
      }
    } catch (Exception e) {
      throw new IllegalStateException("sse re-wrap progress not saved", e);
    }
  }

  public static Optional<RewrapProgress> readProgress(CuratorFramework zk) throws Exception {
    return ElectedCheckpoint.read(zk, PROGRESS_PATH).map(RewrapProgress::decode);
  }

  /** Prometheus gauges of docs/metrics.md: the re-wrap's counters as this gateway last saw them. */
  public static void registerMetrics(PrometheusRegistry registry, String nodeId, SseRewrapService s) {
    ElectedService.gauges(registry, nodeId, s::progress)
        .add("moraine_sse_rewrap_leader", "1 on the active SSE re-wrap instance", p -> s.isLeader() ? 1 : 0)
        .add("moraine_sse_rewrap_passes", "complete re-wrap walks", RewrapProgress::passes)
        .add("moraine_sse_rewrap_versions_seen", "object versions looked at by re-wrap walks", RewrapProgress::seen)
        .add("moraine_sse_rewrap_rewrapped", "SSE-S3 data keys re-wrapped to the active master key",
            RewrapProgress::rewrapped)
        .add("moraine_sse_rewrap_raced", "re-wraps lost to a concurrent overwrite or delete", RewrapProgress::raced)
        .add("moraine_sse_rewrap_pending", "1 while a walk towards the active master key is due",
            p -> p.target().isEmpty() || !p.done().equals(p.target()) || !p.cursorBucket().isEmpty() ? 1 : 0);
  }

  @Override
  public void close() throws Exception {
    service.close();
  }
}
