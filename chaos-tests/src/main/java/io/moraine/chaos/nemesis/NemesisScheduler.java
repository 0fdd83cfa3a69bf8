package io.moraine.chaos.nemesis;

import io.moraine.chaos.history.FaultEvent;
import io.moraine.chaos.history.History;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the fault schedule of a run, one fault at a time: a quiet interval, then a fault planned
 * by a nemesis drawn from the seeded generator (so {@code mixed} is a random schedule of all),
 * checked against the {@link FaultBudget} together with the persistent damage so far (bitrot),
 * injected, held, healed. Every fault is recorded in the history with its start and end, and
 * whether it stayed inside the budget.
 *
 * <p>Fault model: a fault that fails to inject is recorded and healed anyway; a heal that fails is
 * recorded as an error of the run (the cluster may then stay degraded, which the final phase shows).
 */
public final class NemesisScheduler {

  private static final Logger log = LoggerFactory.getLogger(NemesisScheduler.class);

  /**
   * Timing of the schedule.
   *
   * @param quietMillisMin shortest pause between faults
   * @param quietMillisMax longest pause between faults
   * @param faultMillisMin shortest fault window
   * @param faultMillisMax longest fault window
   */
  public record Timing(long quietMillisMin, long quietMillisMax, long faultMillisMin, long faultMillisMax) {
    public Timing validate() {
      if (quietMillisMin < 0 || quietMillisMax < quietMillisMin || faultMillisMin < 1 || faultMillisMax < faultMillisMin) {
        throw new IllegalArgumentException("bad nemesis timing " + this);
      }
      return this;
    }
  }

  private final List<Nemesis> nemeses;
  private final NemesisContext ctx;
  private final FaultBudget budget;
  private final boolean exceedBudget;
  private final RandomGenerator rnd;
  private final History history;
  private final Timing timing;
  private final List<String> errors = new ArrayList<>();
  private final Object lock = new Object();
  private volatile boolean stopping;
  private Thread thread;
  private Impact persistent = Impact.NONE;
  private boolean anyOutsideBudget;
  private int count;

  public NemesisScheduler(List<Nemesis> nemeses, NemesisContext ctx, FaultBudget budget, boolean exceedBudget,
      RandomGenerator rnd, History history, Timing timing) {
    if (nemeses.isEmpty()) {
      throw new IllegalArgumentException("no nemesis to schedule");
    }
    this.nemeses = List.copyOf(nemeses);
    this.ctx = ctx;
    this.budget = budget;
    this.exceedBudget = exceedBudget;
    this.rnd = rnd;
    this.history = history;
    this.timing = timing.validate();
  }

  public void start() {
    thread = Thread.ofPlatform().name("nemesis").start(this::loop);
  }

  /** Stops scheduling, heals the fault in progress, and waits for that. */
  public void stopAndHeal() throws InterruptedException {
    stopping = true;
    synchronized (lock) {
      lock.notifyAll();
    }
    if (thread != null) {
      thread.join();
    }
  }

  public synchronized List<String> errors() {
    return List.copyOf(errors);
  }

  public synchronized boolean anyOutsideBudget() {
    return anyOutsideBudget;
  }

  private void loop() {
    while (!stopping) {
      if (!sleep(between(timing.quietMillisMin(), timing.quietMillisMax()))) {
        return;
      }
      Fault fault = null;
      boolean within = false;
      for (int attempt = 0; attempt < 20 && fault == null; attempt++) {
        Nemesis n = nemeses.get(rnd.nextInt(nemeses.size()));
        try {
          Optional<Fault> planned = n.plan(ctx, rnd, exceedBudget);
          if (planned.isEmpty()) {
            continue;
          }
          within = budget.allows(persistent.plus(planned.get().impact()));
          if (within || exceedBudget) {
            fault = planned.get();
          }
        } catch (Exception e) {
          error("planning " + n.name() + ": " + e);
        }
      }
      if (fault == null) {
        log.info("no fault fits the budget now; skipping one slot");
        continue;
      }
      runOne(fault, within);
    }
  }

  private void runOne(Fault fault, boolean within) {
    String description = "#" + (++count) + " " + fault.description();
    history.fault(new FaultEvent(fault.nemesis(), description, fault.nodes(), history.now(), Long.MAX_VALUE, within));
    synchronized (this) {
      anyOutsideBudget |= !within;
    }
    log.info("fault start: {} {} (nodes {}, {})", fault.nemesis(), description, fault.nodes(),
        within ? "within budget" : "OUTSIDE budget");
    try {
      fault.inject().run();
    } catch (Exception e) {
      error("inject " + description + ": " + e);
    }
    sleep(between(timing.faultMillisMin(), timing.faultMillisMax()));
    try {
      fault.heal().run();
    } catch (Exception e) {
      error("heal " + description + ": " + e);
    }
    history.heal(description);
    if (fault.impact().persistent()) {
      persistent = persistent.plus(fault.impact());
    }
    log.info("fault end: {}", description);
  }

  private long between(long min, long max) {
    return max == min ? min : min + rnd.nextLong(max - min + 1);
  }

  /** Sleeps unless stopping; returns false when stopping began. */
  private boolean sleep(long millis) {
    long until = history.now() + millis * 1_000_000L;
    synchronized (lock) {
      while (!stopping) {
        long left = (until - history.now()) / 1_000_000L;
        if (left <= 0) {
          return true;
        }
        try {
          lock.wait(left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
    }
    return false;
  }

  private synchronized void error(String message) {
    log.error("nemesis: {}", message);
    errors.add(message);
  }
}
