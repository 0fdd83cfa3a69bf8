package io.moraine.launcher.admin;

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
 * Minimum storage durations are time, not size, and are not part of this figure. The rule itself is
 * the metadata core's {@code core.usage.UsageRules}, which the usage counters apply.
 */
final class Billing {
  static final long MIN_OBJECT_BYTES = io.moraine.metadata.core.usage.UsageRules.MIN_OBJECT_BYTES;
  static final long ARCHIVE_OVERHEAD_BYTES = io.moraine.metadata.core.usage.UsageRules.ARCHIVE_OVERHEAD_BYTES;

  private Billing() {}

  /** The billable bytes of one object of {@code sizeBytes} (≥ 0) in {@code storageClass} (null or "" = STANDARD). */
  static long billableBytes(String storageClass, long sizeBytes) {
    return io.moraine.metadata.core.usage.UsageRules.billableBytes(storageClass, sizeBytes);
  }
}
