package io.moraine.launcher.role;

import io.moraine.gateway.crypto.Rewrapper;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the SSE-S3 re-wrap ({@link Rewrapper}) in every gateway that holds the root key, active in
 * one at a time (Curator LeaderLatch {@value #LEADER_PATH}, the repair service's pattern). The
 * leader runs a pass every {@code intervalMillis}; a pass is idempotent, so a new leader just runs
 * the next one (no cursor is kept).
 */
public final class SseRewrapService implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SseRewrapService.class);
  public static final String LEADER_PATH = "/moraine/services/sse-rewrap/leader";

  private final LeaderLatch latch;
  private final ScheduledExecutorService timer;
  private final AtomicLong rewrapped = new AtomicLong();

  public SseRewrapService(CuratorFramework zk, String participantId, Rewrapper rewrapper, long intervalMillis)
      throws Exception {
    this.latch = new LeaderLatch(zk, LEADER_PATH, participantId);
    this.timer = Executors.newSingleThreadScheduledExecutor(
        Thread.ofPlatform().daemon(true).name(participantId + "-sse-rewrap").factory());
    latch.start();
    timer.scheduleWithFixedDelay(() -> {
      if (!latch.hasLeadership()) {
        return;
      }
      try {
        rewrapped.addAndGet(rewrapper.pass().rewrapped());
      } catch (RuntimeException e) {
        log.warn("SSE re-wrap pass failed; the next one retries: {}", e.toString());
      }
    }, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
  }

  /** Data keys this instance re-wrapped since it started. */
  public long rewrapped() {
    return rewrapped.get();
  }

  @Override
  public void close() throws Exception {
    timer.shutdownNow();
    latch.close();
  }
}
