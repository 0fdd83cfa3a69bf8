package io.moraine.chaos.check;

import io.moraine.chaos.history.Op;
import java.util.List;

/**
 * One thing a checker found wrong, with the smallest set of operations that shows it.
 *
 * @param checker which checker found it
 * @param key the key (or list prefix) concerned
 * @param summary one line a person reads first
 * @param ops the witness: a minimal failing sub-history, in invocation order
 */
public record Anomaly(String checker, String key, String summary, List<Op> ops) {

  public Anomaly {
    ops = List.copyOf(ops);
  }

  public String describe() {
    StringBuilder b = new StringBuilder(checker).append(" on '").append(key).append("': ").append(summary);
    for (Op op : ops) {
      b.append("\n    ").append(op.describe());
    }
    return b.toString();
  }
}
