package io.moraine.metadata.core.usage;

import io.moraine.metadata.core.Keys;
import io.moraine.proto.meta.v1.UsageRecord;

/**
 * The usage table's keys (in the bucket's own group):
 * <pre>
 *   'Z' bucket 0x00 storageClass  → UsageRecord (one bucket in one class)
 *   'Z' 0x00                      → UsageSettings (the group's day length; bucket names are never empty)
 * </pre>
 */
public final class UsageKeys {
  public static final byte USAGE = 'Z';
  public static final int FORMAT_VERSION = 1;

  private UsageKeys() {}

  public static byte[] row(String bucket, String storageClass) {
    return Keys.Builder.of(USAGE).terminated(bucket).raw(storageClass).build();
  }

  /** Every row of one bucket. */
  public static byte[] bucketPrefix(String bucket) {
    return Keys.Builder.of(USAGE).terminated(bucket).build();
  }

  /** Every row of the group (and the settings row, which sorts first). */
  public static byte[] tablePrefix() {
    return new byte[] {USAGE};
  }

  public static byte[] settings() {
    return new byte[] {USAGE, 0};
  }

  /** A stored row of a known format, or a loud failure (a newer peer wrote it, or corruption). */
  static UsageRecord checked(UsageRecord r) {
    if (r.getFormatVersion() != FORMAT_VERSION) {
      throw new IllegalStateException("usage row " + r.getBucket() + "/" + r.getStorageClass()
          + " has unknown format version " + r.getFormatVersion());
    }
    return r;
  }
}
