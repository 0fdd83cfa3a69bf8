package io.moraine.metadata.core.usage;

import static io.moraine.metadata.core.Tables.ok;
import static io.moraine.metadata.core.Tables.reply;

import io.moraine.metadata.core.ApplyResult;
import io.moraine.metadata.core.Keys;
import io.moraine.metadata.core.Records;
import io.moraine.metadata.core.Tables;
import io.moraine.metadata.store.StateStore;
import io.moraine.metadata.store.StoreBatch;
import io.moraine.proto.meta.v1.DeleteObjectReply;
import io.moraine.proto.meta.v1.ObjectRecord;
import io.moraine.proto.meta.v1.PartRecord;
import io.moraine.proto.meta.v1.RecordRetrieval;
import io.moraine.proto.meta.v1.RetrievalCount;
import io.moraine.proto.meta.v1.UploadRecord;
import io.moraine.proto.meta.v1.UsageQuery;
import io.moraine.proto.meta.v1.UsageRecord;
import io.moraine.proto.meta.v1.UsageReply;
import io.moraine.proto.meta.v1.UsageSettings;
import java.util.Collection;
import java.util.TreeMap;

/**
 * Storage accounting (docs/storage-classes.md, Accounting): the one-line hooks the apply paths
 * call in the same apply as their change, the RecordRetrieval command and the usage query. Each
 * hook writes into the command's own {@link StoreBatch}, so a failed command changes no counter
 * and a group-committed batch counts each of its commands once.
 */
public final class Usage {
  private Usage() {}

  /** PutObject / CopyObject / CompleteMultipartUpload: {@code committed} stored, {@code replaced} (the null version) gone. */
  public static void put(Tables t, StoreBatch batch, String bucket, ObjectRecord replaced, ObjectRecord committed,
      long nowMillis) {
    new UsageLedger(t, bucket).remove(replaced, nowMillis).add(committed).write(batch);
  }

  /**
   * DeleteObject (client or lifecycle): {@code byKey} when no version id was named (the null
   * version may go and a marker may be made), else one version or marker went.
   */
  public static void deleted(Tables t, StoreBatch batch, String bucket, boolean byKey, DeleteObjectReply r,
      long nowMillis) {
    UsageLedger ledger = new UsageLedger(t, bucket);
    if (r.hasRemoved()) {
      ledger.remove(r.getRemoved(), nowMillis);
    }
    if (byKey && r.getDeleteMarker()) {
      ledger.add(ObjectRecord.newBuilder().setDeleteMarker(true).build());
    } else if (!byKey && r.getDeleteMarker() && !r.hasRemoved()) {
      ledger.subtract(ObjectRecord.newBuilder().setDeleteMarker(true).build());
    }
    ledger.write(batch);
  }

  /** A version rewritten in place: transition (new class, {@code nowMillis} its start), restore completed or expired. */
  public static void changed(Tables t, StoreBatch batch, String bucket, ObjectRecord before, ObjectRecord after,
      long nowMillis) {
    new UsageLedger(t, bucket).change(before, after, nowMillis).write(batch);
  }

  /** UploadPart stored {@code stored}, replacing {@code replaced} (or null), in the upload's class. */
  public static void partStored(Tables t, StoreBatch batch, String bucket, byte[] uploadKey, PartRecord stored,
      PartRecord replaced) {
    UploadRecord u = t.read(uploadKey, UploadRecord.parser());
    String c = u == null ? UsageRules.DEFAULT_CLASS : u.getStorageClass();
    new UsageLedger(t, bucket).part(c, stored, 1).part(c, replaced, -1).write(batch);
  }

  /**
   * CompleteMultipartUpload or (committed null) AbortMultipartUpload: every part of the upload at
   * {@code uploadKey} goes; a completed upload's version is stored and the null version it replaced goes.
   */
  public static void completed(Tables t, StoreBatch batch, String bucket, byte[] uploadKey, Collection<PartRecord> parts,
      ObjectRecord replaced, ObjectRecord committed, long nowMillis) {
    UploadRecord u = t.read(uploadKey, UploadRecord.parser());
    String c = u == null ? UsageRules.DEFAULT_CLASS : u.getStorageClass();
    UsageLedger ledger = new UsageLedger(t, bucket);
    parts.forEach(p -> ledger.part(c, p, -1));
    if (committed != null) {
      ledger.remove(replaced, nowMillis).add(committed);
    }
    ledger.write(batch);
  }

  /** DeleteBucket (empty by then): its rows go with it, history included. */
  public static void bucketDeleted(Tables t, StoreBatch batch, String bucket) {
    byte[] prefix = UsageKeys.bucketPrefix(bucket);
    try (StateStore.Cursor cur = t.store().cursor()) {
      for (cur.seek(prefix); cur.valid() && Keys.startsWith(cur.key(), prefix); cur.next()) {
        batch.delete(cur.key());
      }
    }
  }

  /** The RecordRetrieval command: the reporter's day length, and its counts of buckets this group holds. */
  public static ApplyResult recordRetrieval(Tables t, RecordRetrieval cmd, StoreBatch batch) {
    if (cmd.getDayMillis() <= 0) {
      return new ApplyResult.Invalid("record_retrieval needs day_millis > 0, got " + cmd.getDayMillis());
    }
    UsageSettings settings = t.read(UsageKeys.settings(), UsageSettings.parser());
    if (settings == null || settings.getDayMillis() != cmd.getDayMillis()) {
      batch.put(UsageKeys.settings(), Records.encode(UsageSettings.newBuilder()
          .setFormatVersion(UsageKeys.FORMAT_VERSION).setDayMillis(cmd.getDayMillis()).build()));
    }
    TreeMap<String, UsageLedger> ledgers = new TreeMap<>();
    for (RetrievalCount count : cmd.getCountsList()) {
      if (count.getBytes() < 0) {
        return new ApplyResult.Invalid("negative retrieval bytes for " + count.getBucket());
      }
      if (count.getBytes() > 0 && t.bucket(count.getBucket()) != null) {
        ledgers.computeIfAbsent(count.getBucket(), b -> new UsageLedger(t, b))
            .retrieved(count.getStorageClass(), count.getBytes());
      }
    }
    ledgers.values().forEach(l -> l.write(batch));
    return ok(reply().setUsage(UsageReply.newBuilder().setDayMillis(cmd.getDayMillis())));
  }

  /**
   * RecountUsage: the bucket's state fields set to a walk of it ({@link UsageRecount}), history
   * kept; the reply names the classes it corrected and holds the rows after.
   */
  public static ApplyResult recount(Tables t, io.moraine.proto.meta.v1.RecountUsage cmd, StoreBatch batch) {
    String bucket = cmd.getBucket();
    if (t.bucket(bucket) == null) {
      return new ApplyResult.Failed(io.moraine.metadata.api.MetadataError.NO_SUCH_BUCKET, bucket);
    }
    java.util.SortedMap<String, UsageRecord> counted = UsageRecount.recount(t, bucket);
    TreeMap<String, UsageRecord> stored = new TreeMap<>();
    byte[] prefix = UsageKeys.bucketPrefix(bucket);
    try (StateStore.Cursor cur = t.store().cursor()) {
      for (cur.seek(prefix); cur.valid() && Keys.startsWith(cur.key(), prefix); cur.next()) {
        UsageRecord r = UsageKeys.checked(Records.decode(cur.value(), UsageRecord.parser()));
        stored.put(r.getStorageClass(), r);
      }
    }
    java.util.TreeSet<String> classes = new java.util.TreeSet<>(stored.keySet());
    classes.addAll(counted.keySet());
    UsageReply.Builder out = UsageReply.newBuilder().setDayMillis(UsageLedger.dayMillis(t));
    for (String c : classes) {
      UsageRecord old = stored.get(c);
      UsageRecord state = counted.getOrDefault(c, UsageRecord.newBuilder().setFormatVersion(UsageKeys.FORMAT_VERSION)
          .setBucket(bucket).setStorageClass(c).build());
      UsageRecord history = old == null ? UsageRecord.getDefaultInstance() : old;
      UsageRecord row = state.toBuilder().setEarlyDeleteObjects(history.getEarlyDeleteObjects())
          .setEarlyDeleteByteDays(history.getEarlyDeleteByteDays())
          .setRestoreRetrievalBytes(history.getRestoreRetrievalBytes())
          .setGetRetrievalBytes(history.getGetRetrievalBytes()).build();
      if (old == null || !UsageRecount.stateOf(old).equals(UsageRecount.stateOf(row))) {
        out.addRecountCorrected(c);
      }
      byte[] key = UsageKeys.row(bucket, c);
      if (row.toBuilder().clearFormatVersion().clearBucket().clearStorageClass().build()
          .equals(UsageRecord.getDefaultInstance())) {
        batch.delete(key);
      } else {
        batch.put(key, Records.encode(row));
        out.addUsage(row);
      }
    }
    return ok(reply().setUsage(out));
  }

  /** The usage query: one bucket's rows, or every row of the group; sorted by bucket, then class. */
  public static ApplyResult query(Tables t, UsageQuery q) {
    byte[] prefix = q.getBucket().isEmpty() ? UsageKeys.tablePrefix() : UsageKeys.bucketPrefix(q.getBucket());
    UsageReply.Builder r = UsageReply.newBuilder();
    UsageSettings settings = t.read(UsageKeys.settings(), UsageSettings.parser());
    if (settings != null) {
      r.setDayMillis(settings.getDayMillis());
    }
    byte[] settingsKey = UsageKeys.settings();
    try (StateStore.Cursor cur = t.store().cursor()) {
      for (cur.seek(prefix); cur.valid() && Keys.startsWith(cur.key(), prefix); cur.next()) {
        if (java.util.Arrays.equals(cur.key(), settingsKey)) {
          continue;
        }
        r.addUsage(UsageKeys.checked(Records.decode(cur.value(), UsageRecord.parser())));
      }
    }
    return ok(reply().setUsage(r));
  }
}
