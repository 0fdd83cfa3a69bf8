package io.moraine.metadata.core.restore;

import static io.moraine.metadata.api.MetadataError.INVALID_OBJECT_STATE;
import static io.moraine.metadata.api.MetadataError.METHOD_NOT_ALLOWED;
import static io.moraine.metadata.api.MetadataError.NO_SUCH_BUCKET;
import static io.moraine.metadata.api.MetadataError.NO_SUCH_KEY;
import static io.moraine.metadata.api.MetadataError.NO_SUCH_VERSION;
import static io.moraine.metadata.api.MetadataError.RESTORE_ALREADY_IN_PROGRESS;
import static io.moraine.metadata.core.Tables.ok;
import static io.moraine.metadata.core.Tables.reply;

import io.moraine.metadata.api.DayScale;
import io.moraine.metadata.core.ApplyResult;
import io.moraine.metadata.core.Command;
import io.moraine.metadata.core.Keys;
import io.moraine.metadata.core.Records;
import io.moraine.metadata.core.Tables;
import io.moraine.metadata.core.object.Versions;
import io.moraine.metadata.store.StateStore;
import io.moraine.metadata.store.StoreBatch;
import io.moraine.proto.meta.v1.CompleteRestore;
import io.moraine.proto.meta.v1.ExpireRestore;
import io.moraine.proto.meta.v1.ListRestoreJobs;
import io.moraine.proto.meta.v1.ObjectRecord;
import io.moraine.proto.meta.v1.RestoreJob;
import io.moraine.proto.meta.v1.RestoreRecord;
import io.moraine.proto.meta.v1.RestoreReply;
import io.moraine.proto.meta.v1.StartRestore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * Restores of archived object versions (GLACIER, DEEP_ARCHIVE, and INTELLIGENT_TIERING versions in
 * the Archive Access / Deep Archive Access tiers, whose restore ends with core.tiering's TierObject
 * back to FREQUENT instead of CompleteRestore): the state kept in the version's
 * {@code ObjectRecord.restore} and the restore index ('R' rows, one per version with a restore in
 * progress or a copy to expire), which the restore service reads instead of walking every object.
 *
 * <p>States: none → ongoing (StartRestore; due at leader time + delay) → done (CompleteRestore,
 * with the copy; expiry = completion + Days rounded up to a day boundary, as S3 rounds to the
 * next midnight UTC) → none (ExpireRestore, once the expiry passed). StartRestore on a done
 * restore extends the expiry from now. Complete and Expire name the version by its version_seq,
 * so a restore of a version overwritten or deleted meanwhile applies nothing (its copy, if any,
 * is garbage for the caller or GC) and its stale index row is dropped.
 */
public final class Restores {
  /** The archive classes: their GET needs a restored copy. */
  public static final Set<String> ARCHIVE_CLASSES = Set.of("GLACIER", "DEEP_ARCHIVE");
  public static final int RECORD_FORMAT_VERSION = 1;
  static final int LIST_LIMIT = 1000;

  private final Tables t;

  public Restores(Tables t) {
    this.t = t;
  }

  public ApplyResult start(Command c, StartRestore cmd, StoreBatch batch) {
    if (cmd.getKey().isEmpty() || cmd.getDays() < 1 || cmd.getTier().isEmpty() || cmd.getDelayMillis() < 0
        || cmd.getDayMillis() < 1000 || cmd.getDayMillis() % 1000 != 0) {
      return new ApplyResult.Invalid("restore needs a key, days >= 1, a tier, a delay >= 0 and whole-second days; got "
          + cmd.getKey() + " days=" + cmd.getDays() + " tier=" + cmd.getTier() + " delay=" + cmd.getDelayMillis()
          + " dayMillis=" + cmd.getDayMillis());
    }
    if (t.bucket(cmd.getBucket()) == null) {
      return new ApplyResult.Failed(NO_SUCH_BUCKET, cmd.getBucket());
    }
    ObjectRecord target;
    if (cmd.getVersionId().isEmpty()) {
      target = t.read(Keys.object(cmd.getBucket(), cmd.getKey()), ObjectRecord.parser());
      if (target == null) {
        ObjectRecord latest = Versions.latest(t.store(), cmd.getBucket(), cmd.getKey());
        return latest != null && latest.getDeleteMarker()
            ? new ApplyResult.Failed(METHOD_NOT_ALLOWED, cmd.getKey() + " is a delete marker")
            : new ApplyResult.Failed(NO_SUCH_KEY, cmd.getKey());
      }
    } else {
      target = Versions.find(t.store(), cmd.getBucket(), cmd.getKey(), cmd.getVersionId());
      if (target == null) {
        return new ApplyResult.Failed(NO_SUCH_VERSION, cmd.getKey() + " version " + cmd.getVersionId());
      }
      if (target.getDeleteMarker()) {
        return new ApplyResult.Failed(METHOD_NOT_ALLOWED, cmd.getKey() + " version " + cmd.getVersionId()
            + " is a delete marker");
      }
    }
    boolean tiered = target.getStorageClass().equals(io.moraine.metadata.core.tiering.Tiering.CLASS)
        && io.moraine.metadata.core.tiering.Tiering.ARCHIVE_TIERS.contains(target.getAccessTier());
    if (!ARCHIVE_CLASSES.contains(target.getStorageClass()) && !tiered) {
      return new ApplyResult.Failed(INVALID_OBJECT_STATE, cmd.getKey() + " is " + target.getStorageClass());
    }
    long now = c.leaderTimeMillis();
    if (target.hasRestore() && target.getRestore().getOngoing()) {
      return new ApplyResult.Failed(RESTORE_ALREADY_IN_PROGRESS, cmd.getKey() + " version " + target.getVersionId());
    }
    RestoreRecord restore;
    boolean started;
    if (target.hasRestore()) {
      // Done: only the expiry moves, to Days from now.
      restore = target.getRestore().toBuilder().setDays(cmd.getDays()).setDayMillis(cmd.getDayMillis())
          .setExpiryMillis(expiry(now, cmd.getDays(), cmd.getDayMillis())).build();
      started = false;
    } else {
      restore = RestoreRecord.newBuilder().setFormatVersion(RECORD_FORMAT_VERSION).setOngoing(true)
          .setTier(cmd.getTier()).setDays(cmd.getDays()).setRequestedMillis(now)
          .setReadyMillis(Math.addExact(now, cmd.getDelayMillis())).setDayMillis(cmd.getDayMillis()).build();
      started = true;
    }
    ObjectRecord updated = target.toBuilder().setRestore(restore).build();
    write(cmd.getBucket(), updated, batch);
    index(cmd.getBucket(), updated, batch);
    return ok(reply().setRestore(RestoreReply.newBuilder().setApplied(started).setObject(updated)));
  }

  /**
   * Applied only while version version_seq exists with its restore ongoing. A version (or bucket)
   * gone meanwhile drops its index row; without a copy the command does only that.
   */
  public ApplyResult complete(Command c, CompleteRestore cmd, StoreBatch batch) {
    ObjectRecord target = t.bucket(cmd.getBucket()) == null ? null
        : bySeq(cmd.getBucket(), cmd.getKey(), cmd.getVersionSeq());
    if (target == null) {
      batch.delete(Keys.restoreJob(cmd.getBucket(), cmd.getKey(), cmd.getVersionSeq()));
      return notApplied();
    }
    if (!target.hasRestore() || !target.getRestore().getOngoing() || !cmd.hasCopy()) {
      return notApplied();
    }
    long now = c.leaderTimeMillis();
    RestoreRecord r = target.getRestore();
    ObjectRecord updated = target.toBuilder().setRestore(r.toBuilder().setOngoing(false).setReadyMillis(now)
        .setExpiryMillis(expiry(now, r.getDays(), r.getDayMillis())).setCopy(cmd.getCopy())).build();
    io.moraine.metadata.core.usage.Usage.changed(t, batch, cmd.getBucket(), target, updated, now);
    write(cmd.getBucket(), updated, batch);
    index(cmd.getBucket(), updated, batch);
    return ok(reply().setRestore(RestoreReply.newBuilder().setApplied(true).setObject(updated)));
  }

  /** Applied only once the expiry passed; the reply's object is the version as it was, copy included. */
  public ApplyResult expire(Command c, ExpireRestore cmd, StoreBatch batch) {
    ObjectRecord target = t.bucket(cmd.getBucket()) == null ? null
        : bySeq(cmd.getBucket(), cmd.getKey(), cmd.getVersionSeq());
    if (target == null) {
      batch.delete(Keys.restoreJob(cmd.getBucket(), cmd.getKey(), cmd.getVersionSeq()));
      return notApplied();
    }
    if (!target.hasRestore() || target.getRestore().getOngoing()
        || target.getRestore().getExpiryMillis() > c.leaderTimeMillis()) {
      return notApplied();
    }
    ObjectRecord expired = target.toBuilder().clearRestore().build();
    write(cmd.getBucket(), expired, batch);
    io.moraine.metadata.core.usage.Usage.changed(t, batch, cmd.getBucket(), target, expired, c.leaderTimeMillis());
    batch.delete(Keys.restoreJob(cmd.getBucket(), cmd.getKey(), cmd.getVersionSeq()));
    return ok(reply().setRestore(RestoreReply.newBuilder().setApplied(true).setObject(target)));
  }

  public ApplyResult listJobs(ListRestoreJobs q) {
    int limit = q.getLimit() == 0 ? LIST_LIMIT : Math.min(q.getLimit(), LIST_LIMIT);
    List<RestoreJob> due = new ArrayList<>();
    long ongoing = 0;
    long restored = 0;
    byte[] prefix = Keys.restoreJobPrefix();
    try (StateStore.Cursor cur = t.store().cursor()) {
      for (cur.seek(prefix); cur.valid() && Keys.startsWith(cur.key(), prefix); cur.next()) {
        RestoreJob job = Records.decode(cur.value(), RestoreJob.parser());
        if (job.getOngoing()) {
          ongoing++;
        } else {
          restored++;
        }
        if (q.getDueBeforeMillis() == 0 || job.getDueMillis() <= q.getDueBeforeMillis()) {
          due.add(job);
        }
      }
    }
    due.sort(Comparator.comparingLong(RestoreJob::getDueMillis).thenComparing(RestoreJob::getBucket)
        .thenComparing(RestoreJob::getKey).thenComparingLong(RestoreJob::getVersionSeq));
    return ok(reply().setRestore(RestoreReply.newBuilder()
        .addAllJobs(due.subList(0, Math.min(limit, due.size()))).setOngoingCount(ongoing).setRestoredCount(restored)));
  }

  /** S3: the copy is kept Days after the request (or completion), rounded up to the next day boundary. */
  static long expiry(long fromMillis, int days, long dayMillis) {
    return new DayScale(dayMillis / 1000).daysAfter(fromMillis, days);
  }

  private static ApplyResult notApplied() {
    return ok(reply().setRestore(RestoreReply.newBuilder().setApplied(false)));
  }

  /** The version with this version_seq (0: a row written before versions had one), or null. */
  private ObjectRecord bySeq(String bucket, String key, long versionSeq) {
    if (versionSeq > 0) {
      ObjectRecord r = t.read(Keys.version(bucket, key, versionSeq), ObjectRecord.parser());
      return r != null && r.getKey().equals(key) && !r.getDeleteMarker() ? r : null;
    }
    ObjectRecord current = t.read(Keys.object(bucket, key), ObjectRecord.parser());
    return current != null && current.getVersionSeq() == 0 ? current : null;
  }

  /** Stores an updated version in its 'V' row and, when it is the current version, its 'O' row. */
  private void write(String bucket, ObjectRecord updated, StoreBatch batch) {
    byte[] encoded = Records.encode(updated);
    byte[] currentKey = Keys.object(bucket, updated.getKey());
    ObjectRecord current = t.read(currentKey, ObjectRecord.parser());
    if (current != null && current.getVersionSeq() == updated.getVersionSeq()
        && current.getVersionId().equals(updated.getVersionId())) {
      batch.put(currentKey, encoded);
    }
    if (updated.getVersionSeq() > 0) {
      batch.put(Keys.version(bucket, updated.getKey(), updated.getVersionSeq()), encoded);
    }
  }

  private static void index(String bucket, ObjectRecord v, StoreBatch batch) {
    RestoreRecord r = v.getRestore();
    RestoreJob job = RestoreJob.newBuilder().setBucket(bucket).setKey(v.getKey()).setVersionId(v.getVersionId())
        .setVersionSeq(v.getVersionSeq()).setOngoing(r.getOngoing())
        .setDueMillis(r.getOngoing() ? r.getReadyMillis() : r.getExpiryMillis())
        .setStorageClass(v.getStorageClass()).build();
    batch.put(Keys.restoreJob(bucket, v.getKey(), v.getVersionSeq()), Records.encode(job));
  }
}
