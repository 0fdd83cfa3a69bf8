package io.moraine.chaos.check;

import static io.moraine.chaos.check.Hist.h;
import static org.assertj.core.api.Assertions.assertThat;

import io.moraine.chaos.history.History;
import io.moraine.chaos.history.Op;
import io.moraine.chaos.history.OpType;
import io.moraine.chaos.history.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hand-written register histories, valid and invalid, after Herlihy & Wing's definition
 * (a history is linearizable when some total order respects real time and the register's
 * sequential specification) and Jepsen's reading of unknown outcomes.
 */
class LinearizabilityCheckerTest {

  private static final LinearizabilityChecker CHECKER = new LinearizabilityChecker(System::nanoTime, 5_000_000_000L);

  static Stream<Arguments> histories() {
    return Stream.of(
        Arguments.of("empty register reads empty", h().r(1, "k", null, 0, 10), Validity.VALID),
        Arguments.of("read after write sees it", h().w(1, "k", "a", 0, 10).r(2, "k", "a", 20, 30), Validity.VALID),
        Arguments.of("read concurrent with write may see the old value",
            h().w(1, "k", "a", 0, 10).w(1, "k", "b", 20, 50).r(2, "k", "a", 30, 40), Validity.VALID),
        Arguments.of("read concurrent with write may see the new value",
            h().w(1, "k", "a", 0, 10).w(1, "k", "b", 20, 50).r(2, "k", "b", 30, 40), Validity.VALID),
        Arguments.of("unknown write may take effect late",
            h().wInfo(1, "k", "a", 0, 10).r(2, "k", null, 20, 30).r(2, "k", "a", 40, 50), Validity.VALID),
        Arguments.of("unknown write may never take effect",
            h().wInfo(1, "k", "a", 0, 10).r(2, "k", null, 20, 30).r(2, "k", null, 400, 500), Validity.VALID),
        Arguments.of("failed write is dropped", h().wFail(1, "k", "a", 0, 10).r(2, "k", null, 20, 30), Validity.VALID),
        Arguments.of("unknown read says nothing", h().w(1, "k", "a", 0, 10).rInfo(2, "k", 20, 30), Validity.VALID),
        Arguments.of("delete empties the register",
            h().w(1, "k", "a", 0, 10).del(1, "k", 20, 30).r(2, "k", null, 40, 50), Validity.VALID),
        Arguments.of("equal timestamps count as concurrent",
            h().w(1, "k", "a", 0, 10).r(2, "k", null, 10, 20), Validity.VALID),

        Arguments.of("stale read after a later acknowledged write",
            h().w(1, "k", "a", 0, 10).w(1, "k", "b", 20, 30).r(2, "k", "a", 40, 50), Validity.INVALID),
        Arguments.of("read of a value nobody wrote", h().w(1, "k", "a", 0, 10).r(2, "k", "z", 20, 30), Validity.INVALID),
        Arguments.of("acknowledged write lost", h().w(1, "k", "a", 0, 10).r(2, "k", null, 20, 30), Validity.INVALID),
        Arguments.of("failed write became visible", h().wFail(1, "k", "a", 0, 10).r(2, "k", "a", 20, 30), Validity.INVALID),
        Arguments.of("value flickers back: seen, then gone, during one write",
            h().w(1, "k", "a", 0, 100).r(2, "k", "a", 10, 20).r(2, "k", null, 30, 40), Validity.INVALID),
        Arguments.of("unknown write seen, then an older value again",
            h().w(1, "k", "a", 0, 10).wInfo(1, "k", "b", 20, 25).r(2, "k", "b", 30, 40).r(3, "k", "a", 50, 60),
            Validity.INVALID),
        Arguments.of("deleted value read back",
            h().w(1, "k", "a", 0, 10).del(1, "k", 20, 30).r(2, "k", "a", 40, 50), Validity.INVALID),
        Arguments.of("two readers disagree on the order of two writes",
            h().w(1, "k", "a", 0, 100).w(2, "k", "b", 0, 100)
                .r(3, "k", "a", 10, 20).r(3, "k", "b", 30, 40)
                .r(4, "k", "b", 10, 20).r(4, "k", "a", 30, 40),
            Validity.INVALID));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("histories")
  void judgesHandWrittenHistories(String name, Hist hist, Validity expected) {
    CheckResult result = CHECKER.check(hist.build());
    assertThat(result.validity()).as(result.toString()).isEqualTo(expected);
  }

  @Test
  void keysAreIndependent() {
    History h = h().w(1, "x", "a", 0, 10).r(2, "y", null, 20, 30).r(2, "x", "a", 20, 30).build();
    assertThat(CHECKER.check(h).validity()).isEqualTo(Validity.VALID);
  }

  @Test
  void witnessIsTheMinimalStaleRead() {
    // Noise around one stale read: 20 unrelated writes and reads before, the anomaly in the middle.
    Hist hist = h();
    long t = 0;
    for (int i = 0; i < 20; i++) {
      hist.w(1, "k", "n" + i, t, t + 5).r(2, "k", "n" + i, t + 6, t + 9);
      t += 10;
    }
    hist.w(1, "k", "a", t, t + 5).w(1, "k", "b", t + 10, t + 15).r(3, "k", "a", t + 20, t + 25);
    CheckResult result = CHECKER.check(hist.build());
    assertThat(result.validity()).isEqualTo(Validity.INVALID);
    List<Op> witness = result.anomalies().get(0).ops();
    assertThat(witness).extracting(Op::value).containsExactly("a", "b", "a");
  }

  @Test
  void simulatedLinearizableHistoriesPassAndAStaleReadFails() {
    for (long seed = 1; seed <= 30; seed++) {
      SplittableRandom rnd = new SplittableRandom(seed);
      List<Op> ops = simulate(rnd, 5, 60);
      assertThat(CHECKER.check(History.of(ops)).validity()).as("seed " + seed).isEqualTo(Validity.VALID);

      // Append a read, after everything, of a value that was certainly overwritten.
      Op firstWrite = ops.stream().filter(o -> o.type() == OpType.WRITE && o.outcome() == Outcome.OK).findFirst().orElseThrow();
      long end = ops.stream().mapToLong(Op::completeNanos).max().orElseThrow() + 1_000_000_000L;
      List<Op> broken = new ArrayList<>(ops);
      broken.add(new Op(ops.size(), 99, OpType.WRITE, "k", "last-" + seed, List.of(), end, end + 10, Outcome.OK, ""));
      broken.add(new Op(ops.size() + 1, 99, OpType.READ, "k", firstWrite.value(), List.of(), end + 20, end + 30, Outcome.OK, ""));
      assertThat(CHECKER.check(History.of(broken)).validity()).as("seed " + seed).isEqualTo(Validity.INVALID);
    }
  }

  /**
   * A linearizable register under concurrency: each op takes effect at a random instant inside its
   * interval (its linearization point); unknown writes take effect or not at random.
   */
  static List<Op> simulate(SplittableRandom rnd, int processes, int opsPerProcess) {
    record Planned(int p, boolean write, String value, long inv, long point, long comp, Outcome outcome) {}
    List<Planned> planned = new ArrayList<>();
    int unique = 0;
    for (int p = 0; p < processes; p++) {
      long t = rnd.nextLong(1_000);
      for (int i = 0; i < opsPerProcess; i++) {
        long inv = t + rnd.nextLong(1, 50);
        long comp = inv + rnd.nextLong(1, 200);
        long point = rnd.nextLong(inv, comp + 1);
        boolean write = rnd.nextInt(3) == 0;
        Outcome outcome = write && rnd.nextInt(10) == 0 ? Outcome.INFO : Outcome.OK;
        if (outcome == Outcome.INFO && rnd.nextBoolean()) {
          point = Long.MAX_VALUE; // never took effect
        }
        planned.add(new Planned(p, write, write ? "v" + unique++ : null, inv, point, comp, outcome));
        t = comp;
      }
    }
    List<Planned> byPoint = new ArrayList<>(planned);
    byPoint.sort((a, b) -> Long.compare(a.point(), b.point()));
    String state = null;
    List<Op> ops = new ArrayList<>();
    for (Planned pl : byPoint) {
      if (pl.write()) {
        if (pl.point() != Long.MAX_VALUE) {
          state = pl.value();
        }
        ops.add(new Op(ops.size(), pl.p(), OpType.WRITE, "k", pl.value(), List.of(), pl.inv() * 1000, pl.comp() * 1000, pl.outcome(), ""));
      } else {
        ops.add(new Op(ops.size(), pl.p(), OpType.READ, "k", state, List.of(), pl.inv() * 1000, pl.comp() * 1000, Outcome.OK, ""));
      }
    }
    return ops;
  }
}
