package io.moraine.chaos.check;

import static io.moraine.chaos.check.Hist.h;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** ListObjectsV2 against the writes around it (strong list consistency, DESIGN.md). */
class ListingCheckerTest {

  private static final ListingChecker CHECKER = new ListingChecker();

  static Stream<Arguments> histories() {
    return Stream.of(
        Arguments.of("lists what was written", h().w(1, "p/a", "1", 0, 10).w(1, "p/b", "2", 0, 10)
            .list(2, "p/", List.of("p/a", "p/b"), 20, 30), Validity.VALID),
        Arguments.of("other prefixes are ignored", h().w(1, "q/a", "1", 0, 10).list(2, "p/", List.of(), 20, 30),
            Validity.VALID),
        Arguments.of("a concurrent PUT may or may not show (shown)",
            h().w(1, "p/a", "1", 0, 50).list(2, "p/", List.of("p/a"), 10, 20), Validity.VALID),
        Arguments.of("a concurrent PUT may or may not show (hidden)",
            h().w(1, "p/a", "1", 0, 50).list(2, "p/", List.of(), 10, 20), Validity.VALID),
        Arguments.of("an unknown PUT may show later", h().wInfo(1, "p/a", "1", 0, 10).list(2, "p/", List.of("p/a"), 100, 110),
            Validity.VALID),
        Arguments.of("a deleted key is gone", h().w(1, "p/a", "1", 0, 10).del(1, "p/a", 20, 30)
            .list(2, "p/", List.of(), 40, 50), Validity.VALID),
        Arguments.of("an unknown DELETE may have happened", h().w(1, "p/a", "1", 0, 10).delInfo(1, "p/a", 20, 30)
            .list(2, "p/", List.of(), 40, 50), Validity.VALID),

        Arguments.of("an acknowledged PUT is missing", h().w(1, "p/a", "1", 0, 10).w(1, "p/b", "2", 0, 10)
            .list(2, "p/", List.of("p/a"), 20, 30), Validity.INVALID),
        Arguments.of("a deleted key still listed", h().w(1, "p/a", "1", 0, 10).del(1, "p/a", 20, 30)
            .list(2, "p/", List.of("p/a"), 40, 50), Validity.INVALID),
        Arguments.of("a key listed before anyone wrote it", h().list(2, "p/", List.of("p/a"), 0, 10)
            .w(1, "p/a", "1", 20, 30), Validity.INVALID),
        Arguments.of("a key nobody ever wrote", h().list(2, "p/", List.of("p/ghost"), 0, 10), Validity.INVALID),
        Arguments.of("a rewritten key missing after delete + put", h().w(1, "p/a", "1", 0, 10).del(1, "p/a", 20, 30)
            .w(1, "p/a", "2", 40, 50).list(2, "p/", List.of(), 60, 70), Validity.INVALID));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("histories")
  void judgesListings(String name, Hist hist, Validity expected) {
    CheckResult result = CHECKER.check(hist.build());
    assertThat(result.validity()).as(result.toString()).isEqualTo(expected);
  }
}
