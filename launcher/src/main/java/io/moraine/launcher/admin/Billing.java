package io.moraine.launcher.admin;

import java.util.Locale;

/**
 * S3's billable storage size of one object (the {@code billable} figure of {@code admin usage}).
 * Pure. From the Amazon S3 pricing page and the storage class guide ("Minimum storage duration
 * and object size"):
 * <ul>
 *   <li>STANDARD_IA, ONEZONE_IA and GLACIER_IR have a minimum billable object size of 128 KiB:
 *       smaller objects are billed as 128 KiB;
 *   <li>GLACIER (Flexible Retrieval) and DEEP_ARCHIVE add 40 KiB per object: 32 KiB of archive
 *       index and metadata billed at the class's rate and 8 KiB of object name and metadata
 *       billed at STANDARD's (both count here: this is a size, not a price);
 *   <li>every other class (STANDARD, REDUCED_REDUNDANCY, INTELLIGENT_TIERING — whose objects
 *       under 128 KiB are simply not monitored — EXPRESS_ONEZONE, ...) bills the bytes stored.
 * </ul>
 * Minimum storage durations are time, not size, and are not part of this figure.
 */
final class Billing {
  static final long MIN_OBJECT_BYTES = 128 * 1024;
  static final long ARCHIVE_OVERHEAD_BYTES = (32 + 8) * 1024;

  private Billing() {}

  /** The billable bytes of one object of {@code sizeBytes} (≥ 0) in {@code storageClass} (null or "" = STANDARD). */
  static long billableBytes(String storageClass, long sizeBytes) {
    if (sizeBytes < 0) {
      throw new IllegalArgumentException("object size must be >= 0, got " + sizeBytes + " (" + storageClass + ")");
    }
    return switch (storageClass == null ? "" : storageClass.toUpperCase(Locale.ROOT)) {
      case "STANDARD_IA", "ONEZONE_IA", "GLACIER_IR" -> Math.max(sizeBytes, MIN_OBJECT_BYTES);
      case "GLACIER", "DEEP_ARCHIVE" -> sizeBytes + ARCHIVE_OVERHEAD_BYTES;
      default -> sizeBytes;
    };
  }
}
