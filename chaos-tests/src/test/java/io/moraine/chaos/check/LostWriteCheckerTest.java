package io.moraine.chaos.check;

import static io.moraine.chaos.check.Hist.h;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Final reads after heal (DESIGN.md, Invariants: an acknowledged write is never lost). */
class LostWriteCheckerTest {

  private static final LostWriteChecker CHECKER = new LostWriteChecker();

  static Stream<Arguments> histories() {
    return Stream.of(
        Arguments.of("last acknowledged write survives",
            h().w(1, "k", "a", 0, 10).w(1, "k", "b", 20, 30).finalPhase(100).r(9, "k", "b", 100, 110), Validity.VALID),
        Arguments.of("a concurrent unknown write may win",
            h().w(1, "k", "a", 0, 10).wInfo(2, "k", "b", 5, 8).finalPhase(100).r(9, "k", "b", 100, 110), Validity.VALID),
        Arguments.of("an unknown write may be lost",
            h().w(1, "k", "a", 0, 10).wInfo(2, "k", "b", 20, 30).finalPhase(100).r(9, "k", "a", 100, 110), Validity.VALID),
        Arguments.of("an unknown write after the last ack may be the final value",
            h().w(1, "k", "a", 0, 10).wInfo(2, "k", "b", 20, 30).finalPhase(100).r(9, "k", "b", 100, 110), Validity.VALID),
        Arguments.of("two concurrent acknowledged writes: either may win",
            h().w(1, "k", "a", 0, 50).w(2, "k", "b", 10, 40).finalPhase(100).r(9, "k", "a", 100, 110), Validity.VALID),
        Arguments.of("acknowledged delete leaves the key empty",
            h().w(1, "k", "a", 0, 10).del(1, "k", 20, 30).finalPhase(100).r(9, "k", null, 100, 110), Validity.VALID),
        Arguments.of("only unknown writes: empty is fine",
            h().wInfo(1, "k", "a", 0, 10).finalPhase(100).r(9, "k", null, 100, 110), Validity.VALID),

        Arguments.of("acknowledged write gone",
            h().w(1, "k", "a", 0, 10).finalPhase(100).r(9, "k", null, 100, 110), Validity.INVALID),
        Arguments.of("last acknowledged write replaced by an older one",
            h().w(1, "k", "a", 0, 10).w(1, "k", "b", 20, 30).finalPhase(100).r(9, "k", "a", 100, 110), Validity.INVALID),
        Arguments.of("acknowledged delete undone",
            h().w(1, "k", "a", 0, 10).del(1, "k", 20, 30).finalPhase(100).r(9, "k", "a", 100, 110), Validity.INVALID),
        Arguments.of("a value nobody wrote",
            h().w(1, "k", "a", 0, 10).finalPhase(100).r(9, "k", "zzz", 100, 110), Validity.INVALID),
        Arguments.of("a failed write is the final value",
            h().w(1, "k", "a", 0, 10).wFail(1, "k", "b", 20, 30).finalPhase(100).r(9, "k", "b", 100, 110), Validity.INVALID),
        Arguments.of("acknowledged write never read after heal is not judged valid",
            h().w(1, "k", "a", 0, 10).finalPhase(100), Validity.UNKNOWN),
        Arguments.of("acknowledged write unreadable after heal",
            h().w(1, "k", "a", 0, 10).finalPhase(100).rInfo(9, "k", 100, 110).rInfo(9, "k", 120, 130), Validity.INVALID));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("histories")
  void judgesFinalReads(String name, Hist hist, Validity expected) {
    CheckResult result = CHECKER.check(hist.build());
    assertThat(result.validity()).as(result.toString()).isEqualTo(expected);
  }

  @Test
  void witnessNamesTheLostWriteAndTheRead() {
    CheckResult result = CHECKER.check(
        h().w(1, "k", "a", 0, 10).w(1, "k", "b", 20, 30).w(1, "k", "c", 40, 50).finalPhase(100)
            .r(9, "k", "a", 100, 110).build());
    assertThat(result.anomalies()).hasSize(1);
    assertThat(result.anomalies().get(0).ops()).extracting(o -> o.value()).containsExactly("a", "c", "a");
  }
}
