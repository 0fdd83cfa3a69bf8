package io.moraine.launcher.role;

import io.moraine.placement.zk.ElectedCheckpoint;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import org.apache.curator.framework.CuratorFramework;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loop the gateway's elected background services share (lifecycle, restore, SSE re-wrap,
 * Intelligent-Tiering): every process joins the election under the service's ZooKeeper root
 * ({@link ElectedCheckpoint}), and every {@code intervalMillis} the one that leads runs a round on
 * a thread of its own. A failed round is logged and the next one starts from the checkpoint.
 */
final class ElectedService implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ElectedService.class);

  /**
   * One round of the service, run only while this process leads; {@code election} tells whether it
   * still does (a long round stops when it turns false) and saves the checkpoint.
   */
  interface Round {
    void run(ElectedCheckpoint election) throws Exception;
  }

  private final ElectedCheckpoint election;
  private final ScheduledExecutorService timer;

  /**
   * @param whenNotLeader run on the rounds this process does not lead (forgets per-term state)
   * @param onFailure what the log line says happens after a failed round
   */
  ElectedService(CuratorFramework zk, String rootPath, String participantId, String name, long intervalMillis,
      Round whenLeader, Runnable whenNotLeader, String onFailure) throws Exception {
    if (intervalMillis < 1) {
      throw new IllegalArgumentException(name + " interval must be >= 1 ms, got " + intervalMillis);
    }
    this.election = new ElectedCheckpoint(zk, rootPath, participantId);
    this.timer = Executors.newSingleThreadScheduledExecutor(
        Thread.ofPlatform().daemon(true).name(participantId + "-" + name).factory());
    timer.scheduleWithFixedDelay(() -> {
      if (!election.isLeader()) {
        whenNotLeader.run();
        return;
      }
      try {
        whenLeader.run(election);
      } catch (Exception e) {
        log.warn("{}: {} round failed; {}: {}", participantId, name, onFailure, e.toString());
      }
    }, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
  }

  ElectedCheckpoint election() {
    return election;
  }

  boolean isLeader() {
    return election.isLeader();
  }

  /**
   * Registers one gauge per figure of a service's progress, labelled by node id, reading
   * {@code progress} at scrape time (docs/metrics.md lists them).
   */
  static <P> Gauges<P> gauges(PrometheusRegistry registry, String nodeId, Supplier<P> progress) {
    return new Gauges<>(registry, nodeId, progress);
  }

  record Gauges<P>(PrometheusRegistry registry, String nodeId, Supplier<P> progress) {
    Gauges<P> add(String name, String help, ToLongFunction<P> value) {
      GaugeWithCallback.builder().name(name).help(help).labelNames("node_id")
          .callback(cb -> cb.call(value.applyAsLong(progress.get()), nodeId)).register(registry);
      return this;
    }
  }

  @Override
  public void close() throws Exception {
    timer.shutdownNow();
    election.close();
  }
}
