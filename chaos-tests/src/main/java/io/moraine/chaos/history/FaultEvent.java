package io.moraine.chaos.history;

import java.util.List;

/**
 * One fault window of a run: which nemesis did what to which nodes, from when to when
 * (monotonic nanoseconds since the run started; {@code endNanos} is when it was healed).
 *
 * @param nemesis the nemesis name ({@code kill}, {@code partition}, ...)
 * @param description what exactly ({@code isolate leader meta-2}, {@code flip 3 bytes in ...})
 * @param nodes the node ids affected
 * @param startNanos when the fault began
 * @param endNanos when it was healed ({@code Long.MAX_VALUE} while still active)
 * @param withinBudget whether it stays inside DESIGN.md's fault budget together with the faults active at once
 */
public record FaultEvent(String nemesis, String description, List<String> nodes, long startNanos, long endNanos,
    boolean withinBudget) {

  public FaultEvent {
    nodes = List.copyOf(nodes);
  }

  public FaultEvent healedAt(long nanos) {
    return new FaultEvent(nemesis, description, nodes, startNanos, nanos, withinBudget);
  }

  public boolean overlaps(long fromNanos, long toNanos) {
    return startNanos <= toNanos && fromNanos <= endNanos;
  }
}
