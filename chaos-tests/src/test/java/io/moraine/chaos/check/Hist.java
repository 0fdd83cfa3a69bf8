package io.moraine.chaos.check;

import io.moraine.chaos.history.History;
import io.moraine.chaos.history.Op;
import io.moraine.chaos.history.OpType;
import io.moraine.chaos.history.Outcome;
import java.util.ArrayList;
import java.util.List;

/** A tiny DSL for hand-written histories; times are in milliseconds for readability. */
final class Hist {

  private final List<Op> ops = new ArrayList<>();
  private long finalPhaseMillis = -1;

  static Hist h() {
    return new Hist();
  }

  Hist w(int p, String key, String value, long from, long to) {
    return add(p, OpType.WRITE, key, value, List.of(), from, to, Outcome.OK);
  }

  Hist wInfo(int p, String key, String value, long from, long to) {
    return add(p, OpType.WRITE, key, value, List.of(), from, to, Outcome.INFO);
  }

  Hist wFail(int p, String key, String value, long from, long to) {
    return add(p, OpType.WRITE, key, value, List.of(), from, to, Outcome.FAIL);
  }

  Hist del(int p, String key, long from, long to) {
    return add(p, OpType.DELETE, key, null, List.of(), from, to, Outcome.OK);
  }

  Hist delInfo(int p, String key, long from, long to) {
    return add(p, OpType.DELETE, key, null, List.of(), from, to, Outcome.INFO);
  }

  Hist r(int p, String key, String seen, long from, long to) {
    return add(p, OpType.READ, key, seen, List.of(), from, to, Outcome.OK);
  }

  Hist rInfo(int p, String key, long from, long to) {
    return add(p, OpType.READ, key, null, List.of(), from, to, Outcome.INFO);
  }

  Hist list(int p, String prefix, List<String> keys, long from, long to) {
    return add(p, OpType.LIST, prefix, null, keys, from, to, Outcome.OK);
  }

  Hist mp(int p, String key, String id, long from, long to, Outcome outcome) {
    return add(p, OpType.MULTIPART_COMPLETE, key, id, List.of(), from, to, outcome);
  }

  Hist finalPhase(long atMillis) {
    this.finalPhaseMillis = atMillis;
    return this;
  }

  private Hist add(int p, OpType t, String key, String value, List<String> listed, long from, long to, Outcome o) {
    ops.add(new Op(ops.size(), p, t, key, value, listed, from * 1_000_000, to * 1_000_000, o, o == Outcome.OK ? "" : "timeout"));
    return this;
  }

  History build() {
    History h = History.of(ops);
    if (finalPhaseMillis >= 0) {
      h.markFinalPhase(finalPhaseMillis * 1_000_000);
    }
    return h;
  }
}
