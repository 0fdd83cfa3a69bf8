package io.moraine.chaos.nemesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** DESIGN.md, Invariants: one AZ, or m storage nodes, or bitrot on ≤ m nodes, plus a minority of meta peers. */
class FaultBudgetTest {

  private static final FaultBudget BUDGET = new FaultBudget(2, 3, 3, 2);

  static Stream<Arguments> impacts() {
    return Stream.of(
        Arguments.of(List.of(), true),
        Arguments.of(List.of("storage-az1-1", "storage-az2-1"), true),
        Arguments.of(List.of("storage-az1-1", "storage-az1-2", "meta-1", "zk-1", "gateway-1"), true),
        Arguments.of(List.of("storage-az1-1", "storage-az1-2", "storage-az1-3"), true),
        Arguments.of(List.of("meta-2"), true),
        Arguments.of(List.of("storage-az1-1", "storage-az2-1", "storage-az3-1"), false),
        Arguments.of(List.of("meta-1", "meta-2"), false),
        Arguments.of(List.of("zk-1", "zk-3"), false),
        Arguments.of(List.of("gateway-1", "gateway-2"), false));
  }

  @ParameterizedTest(name = "{0} within budget: {1}")
  @MethodSource("impacts")
  void judgesImpacts(List<String> nodes, boolean within) {
    assertThat(BUDGET.allows(Impact.of(nodes, false))).isEqualTo(within);
  }

  @Test
  void persistentBitrotCountsAgainstLaterFaults() {
    Impact rot = Impact.of(List.of("storage-az1-1", "storage-az2-1"), true);
    assertThat(BUDGET.allows(rot)).isTrue();
    assertThat(BUDGET.allows(rot.plus(Impact.of(List.of("storage-az3-1"), false)))).isFalse();
    assertThat(BUDGET.allows(rot.plus(Impact.of(List.of("storage-az1-1"), false)))).isTrue();
  }

  @Test
  void mixedExpandsToEveryNemesisAndUnknownNamesFail() {
    assertThat(Nemeses.parse("mixed")).extracting(Nemesis::name)
        .containsExactly("kill", "pause", "partition", "latency", "loss", "bitrot");
    assertThat(Nemeses.parse("kill, partition")).extracting(Nemesis::name).containsExactly("kill", "partition");
    assertThatThrownBy(() -> Nemeses.parse("meteor")).hasMessageContaining("unknown nemesis 'meteor'");
  }
}
