package io.moraine.chaos.check;

import static io.moraine.chaos.check.Hist.h;
import static org.assertj.core.api.Assertions.assertThat;

import io.moraine.chaos.history.Outcome;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** CompleteMultipartUpload is all or nothing (S3 API reference, CompleteMultipartUpload). */
class MultipartCheckerTest {

  private static final MultipartChecker CHECKER = new MultipartChecker();

  static Stream<Arguments> histories() {
    return Stream.of(
        Arguments.of("whole object read", h().mp(1, "m", "mp-1", 0, 10, Outcome.OK).r(2, "m", "mp-1", 20, 30), Validity.VALID),
        Arguments.of("unknown complete may show", h().mp(1, "m", "mp-1", 0, 10, Outcome.INFO).r(2, "m", "mp-1", 20, 30),
            Validity.VALID),
        Arguments.of("nothing yet", h().mp(1, "m", "mp-1", 20, 30, Outcome.OK).r(2, "m", null, 0, 10), Validity.VALID),

        Arguments.of("torn object", h().mp(1, "m", "mp-1", 0, 10, Outcome.OK)
            .r(2, "m", MultipartChecker.TORN_PREFIX + "part 1 of 2 only", 20, 30), Validity.INVALID),
        Arguments.of("failed upload visible", h().mp(1, "m", "mp-1", 0, 10, Outcome.FAIL).r(2, "m", "mp-1", 20, 30),
            Validity.INVALID));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("histories")
  void judgesMultipartReads(String name, Hist hist, Validity expected) {
    CheckResult result = CHECKER.check(hist.build());
    assertThat(result.validity()).as(result.toString()).isEqualTo(expected);
  }
}
