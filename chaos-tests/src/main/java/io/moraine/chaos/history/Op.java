package io.moraine.chaos.history;

import java.util.List;
import java.util.Objects;

/**
 * One client operation of a history: who ran it, what it did and what it saw, between its
 * invocation and its completion (monotonic nanoseconds since the run started).
 *
 * <p>Fault model: an operation whose client gave up (timeout, connection reset after sending) has
 * outcome {@link Outcome#INFO}: it may have taken effect at any time after its invocation, or
 * never, and its {@code completeNanos} is only when the client stopped waiting. Checkers treat an
 * INFO operation's completion as infinitely late, as Jepsen does.
 *
 * @param id unique within the history, in invocation order
 * @param process the logical client (one thread = one process at a time)
 * @param type what was asked
 * @param key the object key (for LIST: the prefix)
 * @param value for WRITE the value written; for READ the value seen ({@code null} = no such key);
 *     for MULTIPART_COMPLETE the identifier of the whole object; null otherwise
 * @param listed for an OK LIST: the keys returned, sorted; empty otherwise
 * @param invokeNanos when the client sent the request
 * @param completeNanos when the client got the answer or gave up
 * @param outcome ok, fail (certainly not applied) or info (unknown)
 * @param error why it failed or is unknown; empty for ok
 */
public record Op(
    long id,
    int process,
    OpType type,
    String key,
    String value,
    List<String> listed,
    long invokeNanos,
    long completeNanos,
    Outcome outcome,
    String error) {

  public Op {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(outcome, "outcome");
    listed = listed == null ? List.of() : List.copyOf(listed);
    error = error == null ? "" : error;
    if (completeNanos < invokeNanos) {
      throw new IllegalArgumentException("op " + id + " completes at " + completeNanos + " before its invocation " + invokeNanos);
    }
  }

  /** A write (PUT or DELETE or multipart Complete): changes the key's register. */
  public boolean isMutation() {
    return type == OpType.WRITE || type == OpType.DELETE || type == OpType.MULTIPART_COMPLETE;
  }

  /** The value the register holds after this mutation ({@code null} after a DELETE). */
  public String writtenValue() {
    if (!isMutation()) {
      throw new IllegalStateException("op " + id + " of type " + type + " writes nothing");
    }
    return type == OpType.DELETE ? null : value;
  }

  /** When the effect is known to be over: {@code completeNanos}, or never for an unknown outcome. */
  public long effectiveCompleteNanos() {
    return outcome == Outcome.INFO ? Long.MAX_VALUE : completeNanos;
  }

  public Op withId(long newId) {
    return new Op(newId, process, type, key, value, listed, invokeNanos, completeNanos, outcome, error);
  }

  /** A short human form: {@code p3 WRITE k1=v17 ok [1.203s..1.250s]}. */
  public String describe() {
    String what = switch (type) {
      case READ -> "READ " + key + " -> " + (outcome == Outcome.OK ? String.valueOf(value) : "?");
      case WRITE, MULTIPART_COMPLETE -> type + " " + key + "=" + value;
      case DELETE -> "DELETE " + key;
      case LIST -> "LIST " + key + "* -> " + (outcome == Outcome.OK ? listed.toString() : "?");
    };
    return "#" + id + " p" + process + " " + what + " " + outcome.name().toLowerCase(java.util.Locale.ROOT)
        + " [" + seconds(invokeNanos) + ".." + (outcome == Outcome.INFO ? "?" : seconds(completeNanos)) + "]"
        + (error.isEmpty() ? "" : " (" + error + ")");
  }

  static String seconds(long nanos) {
    return String.format(java.util.Locale.ROOT, "%.3fs", nanos / 1e9);
  }
}
