package io.moraine.gateway.tiering;

import static org.assertj.core.api.Assertions.assertThat;

import io.moraine.metadata.api.DayScale;
import io.moraine.proto.config.v1.IntelligentTieringConfiguration;
import io.moraine.proto.config.v1.TieringFilter;
import io.moraine.proto.config.v1.TieringRule;
import io.moraine.proto.config.v1.TieringTag;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * The tiering pass's decision on a 1-second day (S3 User Guide, "How S3 Intelligent-Tiering
 * works": Infrequent Access after 30 consecutive days without access, Archive Instant Access after
 * 90; the optional Archive Access and Deep Archive Access tiers after the configured days; objects
 * under 128 KB are not monitored).
 */
class TieringPolicyTest {
  static final DayScale DAY = new DayScale(1);
  static final long BIG = 200 * 1024;

  @ParameterizedTest(name = "{0} idle {1} days, archive {2} deep {3} -> {4}")
  @CsvSource(textBlock = """
      FREQUENT,          0,   0,   0,   FREQUENT
      FREQUENT,          29,  0,   0,   FREQUENT
      FREQUENT,          30,  0,   0,   INFREQUENT
      FREQUENT,          89,  0,   0,   INFREQUENT
      FREQUENT,          90,  0,   0,   ARCHIVE_INSTANT
      INFREQUENT,        90,  0,   0,   ARCHIVE_INSTANT
      ARCHIVE_INSTANT,   40,  0,   0,   ARCHIVE_INSTANT
      FREQUENT,          90,  90,  0,   ARCHIVE_ACCESS
      FREQUENT,          95,  100, 0,   ARCHIVE_INSTANT
      ARCHIVE_INSTANT,   100, 100, 0,   ARCHIVE_ACCESS
      FREQUENT,          180, 90,  180, DEEP_ARCHIVE_ACCESS
      ARCHIVE_ACCESS,    180, 90,  180, DEEP_ARCHIVE_ACCESS
      ARCHIVE_ACCESS,    120, 90,  180, ARCHIVE_ACCESS
      FREQUENT,          200, 0,   180, DEEP_ARCHIVE_ACCESS
      DEEP_ARCHIVE_ACCESS, 10, 90, 180, DEEP_ARCHIVE_ACCESS
      """)
  void dueTier(String current, int idleDays, int archive, int deep, String expected) {
    TieringPolicy.ArchiveDays days = new TieringPolicy.ArchiveDays(
        archive == 0 ? OptionalInt.empty() : OptionalInt.of(archive), deep == 0 ? OptionalInt.empty() : OptionalInt.of(deep));
    long now = 1_000_000_000L;
    assertThat(TieringPolicy.due(current, BIG, now - idleDays * 1000L, now, DAY, days)).isEqualTo(expected);
  }

  @Test
  void smallObjectsAreNotMonitored() {
    long now = 1_000_000_000L;
    assertThat(TieringPolicy.due("FREQUENT", 128 * 1024 - 1, 0, now, DAY, TieringPolicy.ArchiveDays.NONE))
        .isEqualTo("FREQUENT");
    assertThat(TieringPolicy.due("FREQUENT", 128 * 1024, 0, now, DAY, TieringPolicy.ArchiveDays.NONE))
        .isEqualTo("ARCHIVE_INSTANT");
  }

  @Test
  void archiveDaysComeFromEnabledMatchingConfigurationsTheSmallestWinning() {
    var logs = IntelligentTieringConfiguration.newBuilder().setId("logs").setEnabled(true)
        .setFilter(TieringFilter.newBuilder().setPrefix("logs/"))
        .addTierings(TieringRule.newBuilder().setAccessTier("ARCHIVE_ACCESS").setDays(120)).build();
    var cold = IntelligentTieringConfiguration.newBuilder().setId("cold").setEnabled(true)
        .setFilter(TieringFilter.newBuilder().addTags(TieringTag.newBuilder().setKey("t").setValue("cold")))
        .addTierings(TieringRule.newBuilder().setAccessTier("ARCHIVE_ACCESS").setDays(90))
        .addTierings(TieringRule.newBuilder().setAccessTier("DEEP_ARCHIVE_ACCESS").setDays(200)).build();
    var off = IntelligentTieringConfiguration.newBuilder().setId("off").setEnabled(false)
        .addTierings(TieringRule.newBuilder().setAccessTier("ARCHIVE_ACCESS").setDays(90)).build();
    List<IntelligentTieringConfiguration> all = List.of(logs, cold, off);
    assertThat(TieringPolicy.archiveDays(all, "other", Map.of())).isEqualTo(TieringPolicy.ArchiveDays.NONE);
    assertThat(TieringPolicy.archiveDays(all, "logs/a", Map.of()))
        .isEqualTo(new TieringPolicy.ArchiveDays(OptionalInt.of(120), OptionalInt.empty()));
    assertThat(TieringPolicy.archiveDays(all, "logs/a", Map.of("t", "cold")))
        .isEqualTo(new TieringPolicy.ArchiveDays(OptionalInt.of(90), OptionalInt.of(200)));
    assertThat(TieringPolicy.needsTags(all)).isTrue();
  }
}
