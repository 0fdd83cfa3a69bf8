package io.moraine.launcher.role;

import io.moraine.gateway.crypto.Rewrapper;
import io.moraine.gateway.crypto.RewrapProgress;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
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
 * Runs the SSE-S3 re-wrap ({@link Rewrapper}) in every gateway that holds the root key, active in
 * one at a time (Curator LeaderLatch {@value #LEADER_PATH}, the repair service's pattern). The
 * leader looks every {@code intervalMillis} whether there is a walk to run or resume, checkpointing
 * its cursor and counters to {@value #PROGRESS_PATH} after every page, so a new leader resumes
 * where its predecessor stood, and {@code admin status} and {@code /metrics} show them.
 */
public final class SseRewrapService implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SseRewrapService.class);
  public static final String ROOT_PATH = "/moraine/services/sse-rewrap";
  public static final String LEADER_PATH = ROOT_PATH + "/leader";
  public static final String PROGRESS_PATH = ROOT_PATH + "/progress";

  private final CuratorFramework zk;
  private final LeaderLatch latch;
  private final ScheduledExecutorService timer;
  private volatile RewrapProgress lastKnown = RewrapProgress.empty();

  public SseRewrapService(CuratorFramework zk, String participantId, Rewrapper rewrapper, long intervalMillis,
      Clock clock) throws Exception {
    this.zk = zk;
    this.latch = new LeaderLatch(zk, LEADER_PATH, participantId);
    this.timer = Executors.newSingleThreadScheduledExecutor(
        Thread.ofPlatform().daemon(true).name(participantId + "-sse-rewrap").factory());
    latch.start();
    timer.scheduleWithFixedDelay(() -> {
      if (!latch.hasLeadership()) {
        return;
      }
      try {
        RewrapProgress start = readProgress(zk).orElse(RewrapProgress.empty());
        lastKnown = rewrapper.pass(start, participantId, this::save, latch::hasLeadership, clock::millis);
      } catch (Exception e) {
        log.warn("SSE re-wrap pass failed; the next one resumes from the last checkpoint: {}", e.toString());
      }
    }, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
  }

  public boolean isLeader() {
    return latch.hasLeadership();
  }

  /** The progress this instance last wrote or read. */
  public RewrapProgress progress() {
    return lastKnown;
  }

  private void save(RewrapProgress p) {
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
      throw new IllegalStateException("sse re-wrap progress not saved", e);
    }
  }

  public static Optional<RewrapProgress> readProgress(CuratorFramework zk) throws Exception {
    try {
      return Optional.of(RewrapProgress.decode(zk.getData().forPath(PROGRESS_PATH)));
    } catch (KeeperException.NoNodeException e) {
      return Optional.empty();
    }
  }

  /** Prometheus gauges of docs/metrics.md: the re-wrap's counters as this gateway last saw them. */
  public static void registerMetrics(PrometheusRegistry registry, String nodeId, SseRewrapService s) {
    gauge(registry, nodeId, "moraine_sse_rewrap_leader", "1 on the active SSE re-wrap instance", p -> s.isLeader() ? 1 : 0, s);
    gauge(registry, nodeId, "moraine_sse_rewrap_passes", "complete re-wrap walks", RewrapProgress::passes, s);
    gauge(registry, nodeId, "moraine_sse_rewrap_versions_seen", "object versions looked at by re-wrap walks",
        RewrapProgress::seen, s);
    gauge(registry, nodeId, "moraine_sse_rewrap_rewrapped", "SSE-S3 data keys re-wrapped to the active master key",
        RewrapProgress::rewrapped, s);
    gauge(registry, nodeId, "moraine_sse_rewrap_raced", "re-wraps lost to a concurrent overwrite or delete",
        RewrapProgress::raced, s);
    gauge(registry, nodeId, "moraine_sse_rewrap_pending", "1 while a walk towards the active master key is due",
        p -> p.target().isEmpty() || !p.done().equals(p.target()) || !p.cursorBucket().isEmpty() ? 1 : 0, s);
  }

  private static void gauge(PrometheusRegistry registry, String nodeId, String name, String help,
      ToLongFunction<RewrapProgress> value, SseRewrapService s) {
    GaugeWithCallback.builder().name(name).help(help).labelNames("node_id")
        .callback(cb -> cb.call(value.applyAsLong(s.progress()), nodeId)).register(registry);
  }

  @Override
  public void close() throws Exception {
    timer.shutdownNow();
    latch.close();
  }
}
