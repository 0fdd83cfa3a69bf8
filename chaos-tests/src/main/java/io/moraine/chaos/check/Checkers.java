package io.moraine.chaos.check;

import io.moraine.chaos.history.History;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/** The full set of checkers a run is judged by, and the combined verdict. */
public final class Checkers {

  private final List<Checker> checkers;

  public Checkers(List<Checker> checkers) {
    this.checkers = List.copyOf(checkers);
  }

  /** Every checker; {@code budgetNanosPerKey} bounds the linearizability search of one key. */
  public static Checkers standard(LongSupplier nanoTime, long budgetNanosPerKey) {
    return new Checkers(List.of(
        new LinearizabilityChecker(nanoTime, budgetNanosPerKey),
        new LostWriteChecker(),
        new ListingChecker(),
        new MultipartChecker()));
  }

  public List<CheckResult> checkAll(History history) {
    List<CheckResult> results = new ArrayList<>();
    for (Checker c : checkers) {
      results.add(c.check(history));
    }
    return results;
  }

  public static Validity verdict(List<CheckResult> results) {
    Validity v = Validity.VALID;
    for (CheckResult r : results) {
      v = v.and(r.validity());
    }
    return v;
  }
}
