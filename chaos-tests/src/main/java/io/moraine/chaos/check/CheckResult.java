package io.moraine.chaos.check;

import java.util.List;

/**
 * What one checker concluded about a history.
 *
 * @param checker the checker's name
 * @param validity valid, invalid (then {@code anomalies} is not empty) or unknown
 * @param anomalies every anomaly, smallest witness first
 * @param notes what was checked (counts), and why a result is unknown
 */
public record CheckResult(String checker, Validity validity, List<Anomaly> anomalies, String notes) {

  public CheckResult {
    anomalies = List.copyOf(anomalies);
    if ((validity == Validity.INVALID) == anomalies.isEmpty()) {
      throw new IllegalStateException(checker + ": validity " + validity + " with " + anomalies.size() + " anomalies");
    }
  }

  public static CheckResult of(String checker, List<Anomaly> anomalies, boolean complete, String notes) {
    Validity v = !anomalies.isEmpty() ? Validity.INVALID : complete ? Validity.VALID : Validity.UNKNOWN;
    List<Anomaly> sorted = new java.util.ArrayList<>(anomalies);
    sorted.sort(java.util.Comparator.comparingInt(a -> a.ops().size()));
    return new CheckResult(checker, v, sorted, notes);
  }
}
