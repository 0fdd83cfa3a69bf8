package io.moraine.metadata.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class DayScaleTest {

  @Test
  void theRealDayRoundsUpToTheNextMidnightUtcAsS3Does() {
    // S3 lifecycle documentation: created 2014-01-15 10:30 UTC, a 3-day rule -> 2014-01-19 00:00 UTC.
    long created = Instant.parse("2014-01-15T10:30:00Z").toEpochMilli();
    assertThat(Instant.ofEpochMilli(DayScale.real().daysAfter(created, 3))).isEqualTo(Instant.parse("2014-01-19T00:00:00Z"));
    long midnight = Instant.parse("2014-01-15T00:00:00Z").toEpochMilli();
    assertThat(DayScale.real().daysAfter(midnight, 1)).isEqualTo(Instant.parse("2014-01-16T00:00:00Z").toEpochMilli());
  }

  @Test
  void aScaledDayScalesHoursAndDays() {
    DayScale oneSecond = new DayScale(1);
    assertThat(oneSecond.daysMillis(30)).isEqualTo(30_000);
    assertThat(oneSecond.scale(Duration.ofHours(12))).isEqualTo(Duration.ofMillis(500));
    assertThat(oneSecond.scale(Duration.ofSeconds(1))).isEqualTo(Duration.ofMillis(1)); // never rounded to zero
    assertThat(oneSecond.daysBetween(1_000, 4_999)).isEqualTo(3);
    assertThat(oneSecond.daysBetween(5_000, 1_000)).isZero();
    assertThat(oneSecond.daysAfter(1_500, 2)).isEqualTo(4_000);
    assertThat(DayScale.real().scale(Duration.ofHours(5))).isEqualTo(Duration.ofHours(5));
  }

  @Test
  void aDayShorterThanASecondIsRefused() {
    assertThatThrownBy(() -> new DayScale(0)).isInstanceOf(IllegalArgumentException.class);
  }
}
