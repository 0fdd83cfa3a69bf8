package io.moraine.launcher.role;

import io.moraine.gateway.tiering.TieringWorker;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the Intelligent-Tiering pass ({@link TieringWorker}, docs/storage-classes.md) in every
 * gateway, active in one at a time (Curator LeaderLatch {@value #LEADER_PATH}, the lifecycle
 * service's pattern; a service of its own so that tiering and lifecycle passes neither wait for
 * nor slow each other): the leader runs a pass every {@code intervalMillis} on the gateway's
 * clock. No cursor is kept: a new leader starts a new pass, and every move is conditional, so a
 * pass overlapping a deposed leader's for a session timeout applies nothing twice.
 */
public final class TieringService implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TieringService.class);
  public static final String LEADER_PATH = "/moraine/services/tiering/leader";

  private final LeaderLatch latch;
  private final ScheduledExecutorService timer;
  private final AtomicLong passes = new AtomicLong();
  private final AtomicReference<TieringWorker.Pass> last = new AtomicReference<>();

  public TieringService(CuratorFramework zk, String nodeId, TieringWorker worker, long intervalMillis) throws Exception {
    if (intervalMillis < 1) {
      throw new IllegalArgumentException("tiering.interval.millis must be >= 1, got " + intervalMillis);
    }
    this.latch = new LeaderLatch(zk, LEADER_PATH, nodeId);
    this.timer = Executors.newSingleThreadScheduledExecutor(
        Thread.ofPlatform().daemon(true).name(nodeId + "-tiering").factory());
    latch.start();
    timer.scheduleWithFixedDelay(() -> {
      if (!latch.hasLeadership()) {
        return;
      }
      try {
        TieringWorker.Pass p = worker.pass(latch::hasLeadership);
        last.set(p);
        passes.incrementAndGet();
        if (p.moved() > 0 || p.failed() > 0) {
          log.info("{}: tiering pass: {}", nodeId, p);
        }
      } catch (Exception e) {
        log.warn("{}: tiering pass failed; the next one starts over: {}", nodeId, e.toString());
      }
    }, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
  }

  public boolean isLeader() {
    return latch.hasLeadership();
  }

  public long passes() {
    return passes.get();
  }

  /** What the last pass of this instance did (null before the first). */
  public TieringWorker.Pass lastPass() {
    return last.get();
  }

  @Override
  public void close() throws Exception {
    timer.shutdownNow();
    latch.close();
  }
}
