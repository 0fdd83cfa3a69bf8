package io.moraine.metadata.core.usage;

import io.moraine.metadata.core.Records;
import io.moraine.metadata.core.Tables;
import io.moraine.metadata.store.StoreBatch;
import io.moraine.proto.meta.v1.ObjectRecord;
import io.moraine.proto.meta.v1.PartRecord;
import io.moraine.proto.meta.v1.UsageRecord;
import io.moraine.proto.meta.v1.UsageSettings;
import java.util.Map;
import java.util.TreeMap;

/**
 * The changes one apply makes to one bucket's usage rows, summed per storage class and written
 * once ({@link #write}), so two changes to the same row in one command (an overwrite in the same
 * class) add up instead of the second overwriting the first. Pure: reads the rows through
 * {@link Tables}, times come from the command.
 *
 * <p>State fields move with the set of stored versions and parts: {@link #add} and
 * {@link #subtract} are exact inverses, so the rows always equal a recount ({@link UsageRecount}).
 * History fields (early deletion, retrieval) only grow.
 */
public final class UsageLedger {
  private final Tables t;
  private final String bucket;
  private final TreeMap<String, UsageRecord.Builder> deltas = new TreeMap<>();
  private long dayMillis = -1;

  public UsageLedger(Tables t, String bucket) {
    this.t = t;
    this.bucket = bucket;
  }

  private UsageRecord.Builder delta(String storageClass) {
    return deltas.computeIfAbsent(UsageRules.storageClass(storageClass), c -> UsageRecord.newBuilder());
  }

  /** A version (or delete marker) is now stored. */
  public UsageLedger add(ObjectRecord v) {
    return contribute(v, 1);
  }

  /** A version (or delete marker) is no longer stored, with no charge (it lives on changed). */
  UsageLedger subtract(ObjectRecord v) {
    return contribute(v, -1);
  }

  /** A version leaves storage at {@code nowMillis}: its contribution goes, an early departure is charged. */
  public UsageLedger remove(ObjectRecord v, long nowMillis) {
    if (v == null) {
      return this;
    }
    subtract(v);
    return v.getDeleteMarker() ? this : chargeEarly(v, nowMillis);
  }

  /**
   * The same version rewritten (transition, restore completed or expired): a new class charges the
   * old one's unserved minimum; a restored copy that appears counts its bytes as retrieved.
   */
  public UsageLedger change(ObjectRecord before, ObjectRecord after, long nowMillis) {
    subtract(before);
    add(after);
    if (!UsageRules.storageClass(before.getStorageClass()).equals(UsageRules.storageClass(after.getStorageClass()))) {
      chargeEarly(before, nowMillis);
    }
    if (hasCopy(after) && !hasCopy(before)) {
      UsageRecord.Builder d = delta(after.getStorageClass());
      d.setRestoreRetrievalBytes(d.getRestoreRetrievalBytes() + after.getSize());
    }
    return this;
  }

  /** A part of an upload in progress in {@code storageClass}: +1 ({@code sign} 1) or -1. */
  public UsageLedger part(String storageClass, PartRecord p, int sign) {
    if (p != null) {
      UsageRecord.Builder d = delta(storageClass);
      d.setUploadParts(d.getUploadParts() + sign).setUploadBytes(d.getUploadBytes() + sign * p.getSize());
    }
    return this;
  }

  /** A gateway reported {@code bytes} read by GETs in {@code storageClass}. */
  public UsageLedger retrieved(String storageClass, long bytes) {
    UsageRecord.Builder d = delta(storageClass);
    d.setGetRetrievalBytes(d.getGetRetrievalBytes() + bytes);
    return this;
  }

  private UsageLedger contribute(ObjectRecord v, int sign) {
    if (v == null) {
      return this;
    }
    if (v.getDeleteMarker()) {
      UsageRecord.Builder d = delta(UsageRules.DEFAULT_CLASS);
      d.setDeleteMarkers(d.getDeleteMarkers() + sign);
      return this;
    }
    String c = UsageRules.storageClass(v.getStorageClass());
    UsageRecord.Builder d = delta(c);
    d.setObjects(d.getObjects() + sign).setBytes(d.getBytes() + sign * v.getSize())
        .setBillableBytes(d.getBillableBytes() + sign * UsageRules.billableBytes(c, v.getSize()));
    if (hasCopy(v)) {
      d.setRestoredCopies(d.getRestoredCopies() + sign).setRestoredBytes(d.getRestoredBytes() + sign * v.getSize());
    }
    return this;
  }

  private UsageLedger chargeEarly(ObjectRecord v, long nowMillis) {
    String c = UsageRules.storageClass(v.getStorageClass());
    if (UsageRules.minimumDays(c) == 0) {
      return this;
    }
    long since = v.getTransitionedMillis() > 0 ? v.getTransitionedMillis() : v.getLastModifiedMillis();
    long byteDays = UsageRules.earlyDeleteByteDays(c, UsageRules.billableBytes(c, v.getSize()), nowMillis - since,
        dayMillis());
    if (byteDays > 0) {
      UsageRecord.Builder d = delta(c);
      d.setEarlyDeleteObjects(d.getEarlyDeleteObjects() + 1).setEarlyDeleteByteDays(d.getEarlyDeleteByteDays() + byteDays);
    }
    return this;
  }

  private long dayMillis() {
    if (dayMillis < 0) {
      dayMillis = dayMillis(t);
    }
    return dayMillis;
  }

  /** The group's day length (UsageSettings), the real day until a gateway reported one. */
  public static long dayMillis(Tables t) {
    UsageSettings s = t.read(UsageKeys.settings(), UsageSettings.parser());
    return s == null || s.getDayMillis() <= 0 ? UsageRules.DEFAULT_DAY_MILLIS : s.getDayMillis();
  }

  private static boolean hasCopy(ObjectRecord v) {
    return v.hasRestore() && v.getRestore().hasCopy();
  }

  /** Adds the summed changes to the stored rows; a row that comes back to all zeros is deleted. */
  public void write(StoreBatch batch) {
    for (Map.Entry<String, UsageRecord.Builder> e : deltas.entrySet()) {
      UsageRecord d = e.getValue().build();
      if (d.equals(UsageRecord.getDefaultInstance())) {
        continue;
      }
      byte[] key = UsageKeys.row(bucket, e.getKey());
      UsageRecord stored = t.read(key, UsageRecord.parser());
      UsageRecord.Builder row = stored == null
          ? UsageRecord.newBuilder().setFormatVersion(UsageKeys.FORMAT_VERSION).setBucket(bucket).setStorageClass(e.getKey())
          : UsageKeys.checked(stored).toBuilder();
      UsageRecord sum = add(row, d).build();
      if (isZero(sum)) {
        batch.delete(key);
      } else {
        batch.put(key, Records.encode(sum));
      }
    }
  }

  private static UsageRecord.Builder add(UsageRecord.Builder r, UsageRecord d) {
    return r.setObjects(r.getObjects() + d.getObjects())
        .setBytes(r.getBytes() + d.getBytes())
        .setBillableBytes(r.getBillableBytes() + d.getBillableBytes())
        .setDeleteMarkers(r.getDeleteMarkers() + d.getDeleteMarkers())
        .setRestoredCopies(r.getRestoredCopies() + d.getRestoredCopies())
        .setRestoredBytes(r.getRestoredBytes() + d.getRestoredBytes())
        .setUploadParts(r.getUploadParts() + d.getUploadParts())
        .setUploadBytes(r.getUploadBytes() + d.getUploadBytes())
        .setEarlyDeleteObjects(r.getEarlyDeleteObjects() + d.getEarlyDeleteObjects())
        .setEarlyDeleteByteDays(r.getEarlyDeleteByteDays() + d.getEarlyDeleteByteDays())
        .setRestoreRetrievalBytes(r.getRestoreRetrievalBytes() + d.getRestoreRetrievalBytes())
        .setGetRetrievalBytes(r.getGetRetrievalBytes() + d.getGetRetrievalBytes());
  }

  private static boolean isZero(UsageRecord r) {
    return r.toBuilder().clearFormatVersion().clearBucket().clearStorageClass().build()
        .equals(UsageRecord.getDefaultInstance());
  }
}
