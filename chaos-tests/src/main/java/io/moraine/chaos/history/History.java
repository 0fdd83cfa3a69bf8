package io.moraine.chaos.history;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * The record of a run: every client operation and every fault window. Thread-safe for the
 * recording side (many workload threads, one nemesis thread); the checkers read an immutable
 * {@link #ops()} snapshot.
 *
 * <p>Time comes from an injected monotonic {@link LongSupplier} (nanoseconds), so unit tests can
 * write histories by hand and runs never depend on the wall clock.
 */
public final class History {

  private final LongSupplier nanoTime;
  private final long originNanos;
  private final List<Op> ops = new ArrayList<>();
  private final List<FaultEvent> faults = new ArrayList<>();
  private long nextId;
  private long finalPhaseNanos = Long.MAX_VALUE;

  public History(LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
    this.originNanos = nanoTime.getAsLong();
  }

  /** A history made of the given operations (hand-written or loaded), ids reassigned in invocation order. */
  public static History of(List<Op> given) {
    History h = new History(() -> 0L);
    List<Op> sorted = new ArrayList<>(given);
    sorted.sort(Comparator.comparingLong(Op::invokeNanos).thenComparingLong(Op::id));
    for (Op op : sorted) {
      h.ops.add(op.withId(h.nextId++));
    }
    return h;
  }

  /** Nanoseconds since the run started. */
  public long now() {
    return nanoTime.getAsLong() - originNanos;
  }

  public synchronized void add(Op op) {
    ops.add(op.withId(nextId++));
  }

  public synchronized void fault(FaultEvent event) {
    faults.add(event);
  }

  /** Marks the most recent open fault with this description healed now. */
  public synchronized void heal(String description) {
    long at = now();
    for (int i = faults.size() - 1; i >= 0; i--) {
      FaultEvent f = faults.get(i);
      if (f.description().equals(description) && f.endNanos() == Long.MAX_VALUE) {
        faults.set(i, f.healedAt(at));
        return;
      }
    }
    throw new IllegalStateException("no open fault '" + description + "' to heal; open: " + faults);
  }

  /** Marks the start of the final phase: faults healed, every key read once more. */
  public synchronized void markFinalPhase() {
    finalPhaseNanos = now();
  }

  public synchronized void markFinalPhase(long atNanos) {
    finalPhaseNanos = atNanos;
  }

  /** When the final reads began, or {@code Long.MAX_VALUE} when the run had no final phase. */
  public synchronized long finalPhaseNanos() {
    return finalPhaseNanos;
  }

  /** Every operation, sorted by invocation time. */
  public synchronized List<Op> ops() {
    List<Op> copy = new ArrayList<>(ops);
    copy.sort(Comparator.comparingLong(Op::invokeNanos).thenComparingLong(Op::id));
    return List.copyOf(copy);
  }

  public synchronized List<FaultEvent> faults() {
    return List.copyOf(faults);
  }

  /** Operations grouped by key (LIST ops under their prefix), keys sorted. */
  public Map<String, List<Op>> byKey() {
    Map<String, List<Op>> m = new TreeMap<>();
    for (Op op : ops()) {
      m.computeIfAbsent(op.key(), k -> new ArrayList<>()).add(op);
    }
    return m;
  }
}
