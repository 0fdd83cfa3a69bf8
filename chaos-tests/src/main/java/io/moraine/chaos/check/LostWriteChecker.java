package io.moraine.chaos.check;

import io.moraine.chaos.history.History;
import io.moraine.chaos.history.Op;
import io.moraine.chaos.history.OpType;
import io.moraine.chaos.history.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * No acknowledged write is lost once faults heal. After the final phase begins (every fault
 * healed), each key is read once more; each such final read must return a value that some
 * acknowledged-or-unknown mutation could have left: a mutation of that value (or the initial
 * empty state, for an empty read) that no acknowledged mutation certainly followed — one invoked
 * after it completed and completed before the read began. So when the last acknowledged write
 * of a key has no later or concurrent rival, the final read must return exactly its value.
 *
 * <p>A key whose every final read failed while it holds acknowledged data is an anomaly too
 * (unreadable = lost, to a client); a key never read after heal (no final phase) is unknown.
 *
 * <p>Simpler than the linearizability search and never gives up, so it still judges histories
 * whose search ran out of budget.
 */
public final class LostWriteChecker implements Checker {

  @Override
  public String name() {
    return "no-lost-writes";
  }

  @Override
  public CheckResult check(History history) {
    long finalPhase = history.finalPhaseNanos();
    List<Anomaly> anomalies = new ArrayList<>();
    List<String> unread = new ArrayList<>();
    int checkedKeys = 0;
    for (Map.Entry<String, List<Op>> e : history.byKey().entrySet()) {
      List<Op> ops = e.getValue();
      List<Op> mutations = ops.stream().filter(Op::isMutation).filter(op -> op.outcome() != Outcome.FAIL).toList();
      List<Op> finals = ops.stream()
          .filter(op -> op.type() == OpType.READ && op.outcome() == Outcome.OK && op.invokeNanos() >= finalPhase)
          .toList();
      if (mutations.isEmpty() && finals.isEmpty()) {
        continue;
      }
      if (finals.isEmpty()) {
        Op lastAcked = mutations.stream().filter(op -> op.outcome() == Outcome.OK)
            .max((x, y) -> Long.compare(x.completeNanos(), y.completeNanos())).orElse(null);
        Op lastAttempt = ops.stream().filter(op -> op.type() == OpType.READ && op.invokeNanos() >= finalPhase)
            .reduce((x, y) -> y).orElse(null);
        if (lastAcked != null && lastAttempt != null) {
          // Every read after heal failed: to a client the acknowledged data is gone.
          anomalies.add(new Anomaly(name(), e.getKey(), "acknowledged data unreadable after heal (every final read failed,"
              + " last: " + lastAttempt.error() + ")", List.of(lastAcked, lastAttempt)));
        } else if (lastAcked != null) {
          unread.add(e.getKey());
        }
        continue;
      }
      checkedKeys++;
      for (Op read : finals) {
        Anomaly a = judge(e.getKey(), read, mutations);
        if (a != null) {
          anomalies.add(a);
          break;
        }
      }
    }
    String notes = checkedKeys + " keys read after heal"
        + (unread.isEmpty() ? "" : "; no successful final read of " + unread.size() + " written keys " + unread);
    return CheckResult.of(name(), anomalies, unread.isEmpty(), notes);
  }

  private Anomaly judge(String key, Op read, List<Op> mutations) {
    String seen = read.value();
    List<Op> acked = mutations.stream()
        .filter(m -> m.outcome() == Outcome.OK && m.completeNanos() < read.invokeNanos())
        .toList();
    // The initial empty register is a candidate too: "completed" before time began.
    if (seen == null && supersededBy(Long.MIN_VALUE, acked) == null) {
      return null;
    }
    Op lastRival = null;
    boolean anyWriter = false;
    for (Op m : mutations) {
      if (!Objects.equals(m.writtenValue(), seen) || m.invokeNanos() > read.completeNanos()) {
        continue;
      }
      anyWriter = true;
      Op rival = supersededBy(m.effectiveCompleteNanos(), acked);
      if (rival == null) {
        return null;
      }
      lastRival = rival;
    }
    if (!anyWriter && seen != null) {
      return new Anomaly(name(), key, "final read saw '" + seen + "', which no acknowledged-or-unknown write wrote",
          List.of(read));
    }
    Op lastAcked = acked.stream().max((x, y) -> Long.compare(x.completeNanos(), y.completeNanos())).orElseThrow();
    List<Op> witness = new ArrayList<>();
    String what;
    if (seen == null && !anyWriter) {
      what = "the key is gone after heal, but acknowledged " + lastAcked.describe() + " wrote it";
      witness.add(lastAcked);
    } else {
      Op writer = mutations.stream().filter(m -> Objects.equals(m.writtenValue(), seen)).findFirst().orElseThrow();
      what = "final read saw '" + seen + "', overwritten by acknowledged #" + lastRival.id()
          + "; acknowledged write lost";
      witness.add(writer);
      witness.add(lastRival);
    }
    witness.add(read);
    witness.sort((a, b) -> Long.compare(a.invokeNanos(), b.invokeNanos()));
    return new Anomaly(name(), key, what, witness);
  }

  /** The latest-completing acknowledged mutation invoked after {@code completeNanos}, or null. */
  private static Op supersededBy(long completeNanos, List<Op> acked) {
    Op found = null;
    for (Op m : acked) {
      if (completeNanos != Long.MAX_VALUE && m.invokeNanos() > completeNanos
          && (found == null || m.completeNanos() > found.completeNanos())) {
        found = m;
      }
    }
    return found;
  }
}
