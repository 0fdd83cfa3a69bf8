package io.moraine.metadata.core.usage;

import io.moraine.metadata.core.Keys;
import io.moraine.metadata.core.Records;
import io.moraine.metadata.core.Tables;
import io.moraine.metadata.store.StateStore;
import io.moraine.proto.meta.v1.ObjectRecord;
import io.moraine.proto.meta.v1.PartRecord;
import io.moraine.proto.meta.v1.UploadRecord;
import io.moraine.proto.meta.v1.UsageRecord;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The state fields of a bucket's usage rows computed from scratch: a walk of every version, delete
 * marker, upload and part. What the incremental rows must always equal (tests check it after
 * random workloads). The only apply path that calls it is the operator's RecountUsage
 * ({@link Usage#recount}), which costs a walk of the bucket inside one apply.
 */
public final class UsageRecount {
  private UsageRecount() {}

  /** Class → a row holding only the state fields (history fields are 0), rows of all zeros left out. */
  public static SortedMap<String, UsageRecord> recount(Tables t, String bucket) {
    TreeMap<String, UsageRecord.Builder> rows = new TreeMap<>();
    StateStore store = t.store();
    byte[] versions = Keys.versionBucketPrefix(bucket);
    try (StateStore.Cursor cur = store.cursor()) {
      for (cur.seek(versions); cur.valid() && Keys.startsWith(cur.key(), versions); cur.next()) {
        count(rows, Records.decode(cur.value(), ObjectRecord.parser()));
      }
    }
    byte[] current = Keys.objectPrefix(bucket);
    try (StateStore.Cursor cur = store.cursor()) {
      for (cur.seek(current); cur.valid() && Keys.startsWith(cur.key(), current); cur.next()) {
        ObjectRecord o = Records.decode(cur.value(), ObjectRecord.parser());
        if (o.getVersionSeq() == 0) {
          count(rows, o); // a row from before versions had a 'V' copy
        }
      }
    }
    byte[] uploads = Keys.uploadBucketPrefix(bucket);
    try (StateStore.Cursor cur = store.cursor()) {
      for (cur.seek(uploads); cur.valid() && Keys.startsWith(cur.key(), uploads); cur.next()) {
        UploadRecord u = Records.decode(cur.value(), UploadRecord.parser());
        byte[] parts = Keys.partPrefix(bucket, u.getKey(), u.getUploadId());
        try (StateStore.Cursor pc = store.cursor()) {
          for (pc.seek(parts); pc.valid() && Keys.startsWith(pc.key(), parts); pc.next()) {
            PartRecord p = Records.decode(pc.value(), PartRecord.parser());
            UsageRecord.Builder r = row(rows, u.getStorageClass());
            r.setUploadParts(r.getUploadParts() + 1).setUploadBytes(r.getUploadBytes() + p.getSize());
          }
        }
      }
    }
    SortedMap<String, UsageRecord> out = new TreeMap<>();
    rows.forEach((c, r) -> {
      UsageRecord built = r.build();
      if (!built.toBuilder().clearFormatVersion().clearBucket().clearStorageClass().build()
          .equals(UsageRecord.getDefaultInstance())) {
        out.put(c, built.toBuilder().setFormatVersion(UsageKeys.FORMAT_VERSION).setBucket(bucket).setStorageClass(c).build());
      }
    });
    return out;
  }

  /** The state fields of a stored row (history cleared), to compare with {@link #recount}. */
  public static UsageRecord stateOf(UsageRecord r) {
    return r.toBuilder().clearEarlyDeleteObjects().clearEarlyDeleteByteDays().clearRestoreRetrievalBytes()
        .clearGetRetrievalBytes().build();
  }

  private static UsageRecord.Builder row(TreeMap<String, UsageRecord.Builder> rows, String storageClass) {
    return rows.computeIfAbsent(UsageRules.storageClass(storageClass), c -> UsageRecord.newBuilder());
  }

  private static void count(TreeMap<String, UsageRecord.Builder> rows, ObjectRecord v) {
    if (v.getDeleteMarker()) {
      UsageRecord.Builder r = row(rows, UsageRules.DEFAULT_CLASS);
      r.setDeleteMarkers(r.getDeleteMarkers() + 1);
      return;
    }
    String c = UsageRules.storageClass(v.getStorageClass());
    UsageRecord.Builder r = row(rows, c);
    r.setObjects(r.getObjects() + 1).setBytes(r.getBytes() + v.getSize())
        .setBillableBytes(r.getBillableBytes() + UsageRules.billableBytes(c, v.getSize()));
    if (v.hasRestore() && v.getRestore().hasCopy()) {
      r.setRestoredCopies(r.getRestoredCopies() + 1).setRestoredBytes(r.getRestoredBytes() + v.getSize());
    }
  }
}
