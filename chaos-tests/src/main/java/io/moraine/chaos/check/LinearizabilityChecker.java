package io.moraine.chaos.check;

import io.moraine.chaos.check.RegisterLinearizability.Answer;
import io.moraine.chaos.history.History;
import io.moraine.chaos.history.Op;
import io.moraine.chaos.history.OpType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Linearizability of every key's register history (keys are independent objects, so checking
 * them one by one is exact — linearizability is compositional). A non-linearizable key is
 * shrunk to a minimal failing sub-history by removing groups of operations while it stays
 * non-linearizable; a group is a write together with every read that saw its value, so the
 * witness never contains a read of a value whose write was removed.
 */
public final class LinearizabilityChecker implements Checker {

  private final LongSupplier nanoTime;
  private final long budgetNanosPerKey;

  public LinearizabilityChecker(LongSupplier nanoTime, long budgetNanosPerKey) {
    this.nanoTime = nanoTime;
    this.budgetNanosPerKey = budgetNanosPerKey;
  }

  @Override
  public String name() {
    return "linearizable-register";
  }

  @Override
  public CheckResult check(History history) {
    RegisterLinearizability search = new RegisterLinearizability(nanoTime);
    List<Anomaly> anomalies = new ArrayList<>();
    List<String> timedOut = new ArrayList<>();
    int keys = 0;
    int ops = 0;
    for (Map.Entry<String, List<Op>> e : history.byKey().entrySet()) {
      List<Op> relevant = RegisterLinearizability.relevant(e.getValue());
      if (relevant.isEmpty() || relevant.stream().allMatch(op -> op.type() == OpType.LIST)) {
        continue;
      }
      keys++;
      ops += relevant.size();
      Answer a = search.check(relevant, nanoTime.getAsLong() + budgetNanosPerKey);
      switch (a) {
        case LINEARIZABLE -> { }
        case TIMED_OUT -> timedOut.add(e.getKey());
        case NOT_LINEARIZABLE -> {
          List<Op> witness = shrink(search, relevant);
          anomalies.add(new Anomaly(name(), e.getKey(), explain(witness), witness));
        }
      }
    }
    String notes = keys + " keys, " + ops + " register operations"
        + (timedOut.isEmpty() ? "" : "; search budget exhausted on " + timedOut);
    return CheckResult.of(name(), anomalies, timedOut.isEmpty(), notes);
  }

  /** Removes groups of operations (halves, quarters, ... single groups) while the rest stays non-linearizable. */
  List<Op> shrink(RegisterLinearizability search, List<Op> ops) {
    List<Op> current = new ArrayList<>(ops);
    long deadline = nanoTime.getAsLong() + budgetNanosPerKey;
    for (int pass = 0; pass < 3; pass++) {
      boolean changed = false;
      List<Set<Op>> groups = groups(current);
      for (int chunk = Math.max(1, groups.size() / 2); chunk >= 1; chunk /= 2) {
        for (int start = 0; start < groups.size(); start += chunk) {
          if (nanoTime.getAsLong() > deadline) {
            return current;
          }
          Set<Op> drop = new HashSet<>();
          for (int g = start; g < Math.min(groups.size(), start + chunk); g++) {
            drop.addAll(groups.get(g));
          }
          List<Op> candidate = new ArrayList<>();
          for (Op op : current) {
            if (!drop.contains(op)) {
              candidate.add(op);
            }
          }
          if (candidate.size() < current.size() && !candidate.isEmpty()
              && search.check(candidate, Math.min(deadline, nanoTime.getAsLong() + budgetNanosPerKey / 10))
                  == Answer.NOT_LINEARIZABLE) {
            current = candidate;
            changed = true;
            groups = groups(current);
            start -= chunk;
          }
        }
        if (chunk == 1) {
          break;
        }
      }
      if (!changed) {
        break;
      }
    }
    return current;
  }

  /** Removal units: each write with the reads of its value; each delete with the later empty reads; each read. */
  private static List<Set<Op>> groups(List<Op> ops) {
    List<Set<Op>> groups = new ArrayList<>();
    for (Op op : ops) {
      Set<Op> g = new LinkedHashSet<>();
      g.add(op);
      if (op.isMutation()) {
        String v = op.writtenValue();
        for (Op r : ops) {
          if (r.type() == OpType.READ && Objects.equals(r.value(), v)
              && (v != null || r.invokeNanos() >= op.invokeNanos())) {
            g.add(r);
          }
        }
      }
      groups.add(g);
    }
    return groups;
  }

  private static String explain(List<Op> witness) {
    Set<String> written = new HashSet<>();
    for (Op op : witness) {
      if (op.isMutation() && op.writtenValue() != null) {
        written.add(op.writtenValue());
      }
    }
    for (Op op : witness) {
      if (op.type() == OpType.READ && op.value() != null && !written.contains(op.value())) {
        return "a read saw '" + op.value() + "', which no acknowledged-or-unknown write wrote";
      }
    }
    return "no order of these " + witness.size() + " operations respects real time and register semantics"
        + " (stale or lost read)";
  }
}
