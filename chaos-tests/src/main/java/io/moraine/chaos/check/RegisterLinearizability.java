package io.moraine.chaos.check;

import io.moraine.chaos.history.Op;
import io.moraine.chaos.history.OpType;
import io.moraine.chaos.history.Outcome;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Deque;
import java.util.HashSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Wing–Gong linearizability search with Lowe's memoization, as in Porcupine's {@code checkSingle},
 * for one key's register: writes (PUT, multipart Complete) set it, DELETE empties it, reads must
 * see the current value; the register starts empty ({@code null}).
 *
 * <p>Unknown outcomes are treated as Jepsen does: an INFO write's return is at +infinity, so the
 * search may linearize it anywhere after its invocation — including after every other operation,
 * which is the same as never. INFO and FAIL reads say nothing and are dropped; FAIL writes
 * certainly did not happen and are dropped.
 *
 * <p>Pure: the only outside input is the injected clock that bounds the search time.
 */
public final class RegisterLinearizability {

  /** The search's answer for one history. */
  public enum Answer { LINEARIZABLE, NOT_LINEARIZABLE, TIMED_OUT }

  private final LongSupplier nanoTime;

  public RegisterLinearizability(LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
  }

  /** The operations of a key's history that constrain the register. */
  public static List<Op> relevant(List<Op> ops) {
    List<Op> out = new ArrayList<>();
    for (Op op : ops) {
      boolean keep = switch (op.type()) {
        case READ -> op.outcome() == Outcome.OK;
        case WRITE, DELETE, MULTIPART_COMPLETE -> op.outcome() != Outcome.FAIL;
        case LIST -> false;
      };
      if (keep) {
        out.add(op);
      }
    }
    return out;
  }

  /** Checks one key's relevant operations; gives up at {@code deadlineNanos} of the injected clock. */
  public Answer check(List<Op> ops, long deadlineNanos) {
    // Unknown writes are the search's blow-up. Two exact reductions (values are unique per write):
    // an unknown write of a value nobody read can always be linearized last, so it is dropped; one
    // whose value was read took effect before the first such read completed, so that bounds it.
    Map<String, Long> firstSeen = new HashMap<>();
    for (Op op : ops) {
      if (op.type() == OpType.READ && op.value() != null) {
        firstSeen.merge(op.value(), op.completeNanos(), Math::min);
      }
    }
    List<Op> kept = new ArrayList<>(ops.size());
    List<Long> returns = new ArrayList<>(ops.size());
    for (Op op : ops) {
      long ret = op.effectiveCompleteNanos();
      if (op.isMutation() && op.outcome() == Outcome.INFO && op.writtenValue() != null) {
        Long seen = firstSeen.get(op.writtenValue());
        if (seen == null) {
          continue;
        }
        ret = Math.max(op.invokeNanos(), seen);
      }
      kept.add(op);
      returns.add(ret);
    }
    int n = kept.size();
    if (n == 0) {
      return Answer.LINEARIZABLE;
    }
    // Entries: call and return events in time order, calls first on ties (ties count as concurrent,
    // which can only make the search more permissive, never report a false anomaly).
    List<Entry> entries = new ArrayList<>(2 * n);
    for (int i = 0; i < n; i++) {
      Op op = kept.get(i);
      Entry call = new Entry(i, true, op.invokeNanos(), op);
      Entry ret = new Entry(i, false, returns.get(i), op);
      call.match = ret;
      entries.add(call);
      entries.add(ret);
    }
    entries.sort((a, b) -> {
      int c = Long.compare(a.time, b.time);
      if (c != 0) {
        return c;
      }
      if (a.isCall != b.isCall) {
        return a.isCall ? -1 : 1;
      }
      return Integer.compare(a.id, b.id);
    });
    Entry head = new Entry(-1, false, Long.MIN_VALUE, null);
    Entry prev = head;
    for (Entry e : entries) {
      prev.next = e;
      e.prev = prev;
      prev = e;
    }

    BitSet linearized = new BitSet(n);
    Set<CacheKey> cache = new HashSet<>();
    Deque<Frame> calls = new ArrayDeque<>();
    String state = null;
    Entry entry = head.next;
    long steps = 0;
    while (head.next != null) {
      if ((++steps & 0x3FF) == 0 && nanoTime.getAsLong() > deadlineNanos) {
        return Answer.TIMED_OUT;
      }
      if (entry.isCall) {
        Op op = entry.op;
        boolean ok;
        String next;
        if (op.isMutation()) {
          ok = true;
          next = op.writtenValue();
        } else {
          ok = Objects.equals(state, op.value());
          next = state;
        }
        if (ok) {
          BitSet candidate = (BitSet) linearized.clone();
          candidate.set(entry.id);
          if (cache.add(new CacheKey(candidate, next))) {
            calls.push(new Frame(entry, state));
            state = next;
            linearized.set(entry.id);
            lift(entry);
            entry = head.next;
            continue;
          }
        }
        entry = entry.next;
      } else {
        // A return whose call is not linearized yet: undo the latest choice and try the next one.
        if (calls.isEmpty()) {
          return Answer.NOT_LINEARIZABLE;
        }
        Frame top = calls.pop();
        state = top.stateBefore;
        linearized.clear(top.entry.id);
        unlift(top.entry);
        entry = top.entry.next;
      }
    }
    return Answer.LINEARIZABLE;
  }

  private static void lift(Entry call) {
    call.prev.next = call.next;
    if (call.next != null) {
      call.next.prev = call.prev;
    }
    Entry ret = call.match;
    ret.prev.next = ret.next;
    if (ret.next != null) {
      ret.next.prev = ret.prev;
    }
  }

  private static void unlift(Entry call) {
    Entry ret = call.match;
    ret.prev.next = ret;
    if (ret.next != null) {
      ret.next.prev = ret;
    }
    call.prev.next = call;
    if (call.next != null) {
      call.next.prev = call;
    }
  }

  private static final class Entry {
    final int id;
    final boolean isCall;
    final long time;
    final Op op;
    Entry match;
    Entry prev;
    Entry next;

    Entry(int id, boolean isCall, long time, Op op) {
      this.id = id;
      this.isCall = isCall;
      this.time = time;
      this.op = op;
    }
  }

  private record Frame(Entry entry, String stateBefore) {}

  private record CacheKey(BitSet linearized, String state) {}
}
