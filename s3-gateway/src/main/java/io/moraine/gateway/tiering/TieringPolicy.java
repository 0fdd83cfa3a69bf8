package io.moraine.gateway.tiering;

import io.moraine.metadata.api.DayScale;
import io.moraine.proto.config.v1.IntelligentTieringConfiguration;
import io.moraine.proto.config.v1.TieringRule;
import io.moraine.proto.config.v1.TieringTag;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The pure decision of the tiering pass (docs/storage-classes.md, after S3's "How S3
 * Intelligent-Tiering works"): which access tier an INTELLIGENT_TIERING object version is due for
 * after so many scaled days without access. Frequent → Infrequent after {@value #INFREQUENT_DAYS}
 * days, → Archive Instant after {@value #ARCHIVE_INSTANT_DAYS}; with an enabled configuration
 * matching the object, → Archive Access / Deep Archive Access after the configured days. The pass
 * only moves objects down; a read (RecordAccess) brings Infrequent and Archive Instant back to
 * Frequent, a restore the archive tiers. Objects under {@value #MIN_MONITORED_BYTES} bytes are not
 * monitored and stay Frequent (S3: "If the size of an object is less than 128 KB, it is not
 * monitored and not eligible for auto-tiering").
 */
public final class TieringPolicy {
  public static final int INFREQUENT_DAYS = 30;
  public static final int ARCHIVE_INSTANT_DAYS = 90;
  public static final long MIN_MONITORED_BYTES = 128 * 1024;
  public static final List<String> ORDER = List.of("FREQUENT", "INFREQUENT", "ARCHIVE_INSTANT", "ARCHIVE_ACCESS",
      "DEEP_ARCHIVE_ACCESS");

  private TieringPolicy() {}

  /** The archive days that apply to an object: the smallest of the enabled configurations matching it. */
  public record ArchiveDays(OptionalInt archive, OptionalInt deepArchive) {
    public static final ArchiveDays NONE = new ArchiveDays(OptionalInt.empty(), OptionalInt.empty());
  }

  public static ArchiveDays archiveDays(List<IntelligentTieringConfiguration> configs, String key,
      Map<String, String> tags) {
    OptionalInt archive = OptionalInt.empty();
    OptionalInt deep = OptionalInt.empty();
    for (IntelligentTieringConfiguration c : configs) {
      if (!c.getEnabled() || !matches(c, key, tags)) {
        continue;
      }
      for (TieringRule t : c.getTieringsList()) {
        if (t.getAccessTier().equals("ARCHIVE_ACCESS")) {
          archive = min(archive, t.getDays());
        } else if (t.getAccessTier().equals("DEEP_ARCHIVE_ACCESS")) {
          deep = min(deep, t.getDays());
        }
      }
    }
    return new ArchiveDays(archive, deep);
  }

  private static OptionalInt min(OptionalInt a, int b) {
    return a.isPresent() && a.getAsInt() <= b ? a : OptionalInt.of(b);
  }

  /** Whether a configuration's filter (prefix and every tag) matches the object. */
  public static boolean matches(IntelligentTieringConfiguration c, String key, Map<String, String> tags) {
    if (!key.startsWith(c.getFilter().getPrefix())) {
      return false;
    }
    for (TieringTag t : c.getFilter().getTagsList()) {
      if (!t.getValue().equals(tags.get(t.getKey()))) {
        return false;
      }
    }
    return true;
  }

  public static boolean needsTags(List<IntelligentTieringConfiguration> configs) {
    return configs.stream().anyMatch(c -> c.getEnabled() && c.getFilter().getTagsCount() > 0);
  }

  /**
   * The tier the version should move to now, or {@code current} when none is due.
   *
   * @param lastAccessMillis the latest recorded read, or the write when none
   */
  public static String due(String current, long size, long lastAccessMillis, long nowMillis, DayScale scale,
      ArchiveDays archive) {
    String cur = current.isEmpty() ? "FREQUENT" : current;
    if (size < MIN_MONITORED_BYTES) {
      return cur;
    }
    long idle = Math.max(0, nowMillis - lastAccessMillis);
    String target = "FREQUENT";
    if (archive.deepArchive().isPresent() && idle >= scale.daysMillis(archive.deepArchive().getAsInt())) {
      target = "DEEP_ARCHIVE_ACCESS";
    } else if (archive.archive().isPresent() && idle >= scale.daysMillis(archive.archive().getAsInt())) {
      target = "ARCHIVE_ACCESS";
    } else if (idle >= scale.daysMillis(ARCHIVE_INSTANT_DAYS)) {
      target = "ARCHIVE_INSTANT";
    } else if (idle >= scale.daysMillis(INFREQUENT_DAYS)) {
      target = "INFREQUENT";
    }
    return ORDER.indexOf(target) > ORDER.indexOf(cur) ? target : cur;
  }

  /** The storage class whose layout a tier's data is kept in. */
  public static String layoutClass(String tier) {
    return switch (tier) {
      case "ARCHIVE_ACCESS" -> "GLACIER";
      case "DEEP_ARCHIVE_ACCESS" -> "DEEP_ARCHIVE";
      default -> "INTELLIGENT_TIERING";
    };
  }
}
