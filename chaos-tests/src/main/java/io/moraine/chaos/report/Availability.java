package io.moraine.chaos.report;

import io.moraine.chaos.history.FaultEvent;
import io.moraine.chaos.history.History;
import io.moraine.chaos.history.Op;
import io.moraine.chaos.history.Outcome;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Availability = share of operations that succeeded, per fault class: an operation counts for a
 * nemesis when its interval overlaps one of that nemesis's fault windows, and for {@code none}
 * when it overlaps no fault at all. Final-phase reads are left out (they retry until they succeed).
 */
public final class Availability {

  /** Counts for one fault class. */
  public record Share(long ok, long total) {
    public double ratio() {
      return total == 0 ? 1.0 : (double) ok / total;
    }

    Share plus(boolean success) {
      return new Share(ok + (success ? 1 : 0), total + 1);
    }
  }

  private Availability() {}

  public static Map<String, Share> byFaultClass(History history) {
    List<FaultEvent> faults = history.faults();
    long finalPhase = history.finalPhaseNanos();
    Map<String, Share> out = new TreeMap<>();
    for (Op op : history.ops()) {
      if (op.invokeNanos() >= finalPhase) {
        continue;
      }
      boolean success = op.outcome() == Outcome.OK;
      boolean any = false;
      java.util.Set<String> classes = new java.util.TreeSet<>();
      for (FaultEvent f : faults) {
        if (f.overlaps(op.invokeNanos(), op.completeNanos())) {
          classes.add(f.nemesis());
          any = true;
        }
      }
      if (!any) {
        classes.add("none");
      }
      for (String c : classes) {
        out.merge(c, new Share(0, 0).plus(success), (a, b) -> new Share(a.ok() + b.ok(), a.total() + b.total()));
      }
    }
    return out;
  }
}
