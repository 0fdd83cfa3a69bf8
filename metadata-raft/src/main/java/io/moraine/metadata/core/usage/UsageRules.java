package io.moraine.metadata.core.usage;

import java.math.BigInteger;
import java.util.Locale;

/**
 * S3's storage billing rules per class (pure). From the Amazon S3 User Guide, "Comparing the
 * Amazon S3 storage classes" (storage-class-intro.html#sc-compare) and the S3 pricing page:
 * <ul>
 *   <li>minimum billable object size 128 KB for STANDARD_IA, ONEZONE_IA and GLACIER_IR (smaller
 *       objects are billed as 128 KB);
 *   <li>GLACIER (Flexible Retrieval) and DEEP_ARCHIVE add 40 KB per object: 32 KB of index and
 *       metadata at the class's rate plus 8 KB of name and metadata at STANDARD's — both count
 *       here, this is a size, not a price;
 *   <li>INTELLIGENT_TIERING has no minimum size (objects under 128 KB are just not monitored nor
 *       auto-tiered) and, since 2021, no minimum duration; STANDARD and REDUCED_REDUNDANCY neither;
 *   <li>minimum storage duration 30 days STANDARD_IA and ONEZONE_IA, 90 days GLACIER_IR and
 *       GLACIER, 180 days DEEP_ARCHIVE: an object deleted, overwritten or transitioned earlier is
 *       charged for the remaining days (the pro-rated charge of the storage-class table).
 * </ul>
 * KB here is 1024 bytes, as S3 bills.
 */
public final class UsageRules {
  public static final String DEFAULT_CLASS = "STANDARD";
  public static final long MIN_OBJECT_BYTES = 128 * 1024;
  public static final long ARCHIVE_OVERHEAD_BYTES = (32 + 8) * 1024;
  public static final long DEFAULT_DAY_MILLIS = 86_400_000L;

  private UsageRules() {}

  /** The stored class name, "" (written before classes were recorded) being STANDARD. */
  public static String storageClass(String stored) {
    return stored == null || stored.isEmpty() ? DEFAULT_CLASS : stored.toUpperCase(Locale.ROOT);
  }

  /** The billable bytes of one object of {@code sizeBytes} (≥ 0) in {@code storageClass}. */
  public static long billableBytes(String storageClass, long sizeBytes) {
    if (sizeBytes < 0) {
      throw new IllegalArgumentException("object size must be >= 0, got " + sizeBytes + " (" + storageClass + ")");
    }
    return switch (storageClass(storageClass)) {
      case "STANDARD_IA", "ONEZONE_IA", "GLACIER_IR" -> Math.max(sizeBytes, MIN_OBJECT_BYTES);
      case "GLACIER", "DEEP_ARCHIVE" -> sizeBytes + ARCHIVE_OVERHEAD_BYTES;
      default -> sizeBytes;
    };
  }

  /** The class's minimum storage duration in days, 0 when it has none. */
  public static int minimumDays(String storageClass) {
    return switch (storageClass(storageClass)) {
      case "STANDARD_IA", "ONEZONE_IA" -> 30;
      case "GLACIER_IR", "GLACIER" -> 90;
      case "DEEP_ARCHIVE" -> 180;
      default -> 0;
    };
  }

  /** Classes whose GETs are charged per byte retrieved (S3 pricing, "Data retrieval"). */
  public static boolean retrievalCharged(String storageClass) {
    return switch (storageClass(storageClass)) {
      case "STANDARD_IA", "ONEZONE_IA", "GLACIER_IR" -> true;
      default -> false;
    };
  }

  /**
   * The byte-days an object leaving its class after {@code ageMillis} still owes: billable bytes
   * times the days that remained of the class's minimum (on the scaled day), rounded down; 0 once
   * the minimum is served or when the class has none.
   */
  public static long earlyDeleteByteDays(String storageClass, long billableBytes, long ageMillis, long dayMillis) {
    if (dayMillis <= 0) {
      throw new IllegalArgumentException("day length must be > 0 ms, got " + dayMillis);
    }
    long minimumMillis = Math.multiplyExact((long) minimumDays(storageClass), dayMillis);
    long remaining = minimumMillis - Math.max(0, ageMillis);
    if (remaining <= 0) {
      return 0;
    }
    // bytes (up to 5 TB) × milliseconds (up to 180 real days) overflows a long: exact arithmetic.
    return BigInteger.valueOf(billableBytes).multiply(BigInteger.valueOf(remaining))
        .divide(BigInteger.valueOf(dayMillis)).longValueExact();
  }
}
