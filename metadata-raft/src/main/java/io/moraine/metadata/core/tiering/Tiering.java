package io.moraine.metadata.core.tiering;

import static io.moraine.metadata.api.MetadataError.NO_SUCH_BUCKET;
import static io.moraine.metadata.core.Tables.ok;
import static io.moraine.metadata.core.Tables.reply;

import io.moraine.metadata.core.ApplyResult;
import io.moraine.metadata.core.Keys;
import io.moraine.metadata.core.Records;
import io.moraine.metadata.core.Tables;
import io.moraine.metadata.core.lifecycle.Transitions;
import io.moraine.metadata.core.object.Versions;
import io.moraine.metadata.store.StoreBatch;
import io.moraine.proto.meta.v1.AccessEntry;
import io.moraine.proto.meta.v1.EmptyReply;
import io.moraine.proto.meta.v1.ObjectRecord;
import io.moraine.proto.meta.v1.RecordAccess;
import io.moraine.proto.meta.v1.TierObject;
import io.moraine.proto.meta.v1.TierObjectReply;
import java.util.Set;

/**
 * S3 Intelligent-Tiering in the metadata tier (docs/storage-classes.md): the batched access records
 * a gateway flushes ({@code RecordAccess}) and the tiering pass's conditional moves between access
 * tiers ({@code TierObject}). Pure: every time comes in the command (the gateway's clock), none is
 * read here.
 *
 * <p>Tiers: FREQUENT (stored as "" or "FREQUENT"), INFREQUENT and ARCHIVE_INSTANT keep the
 * INTELLIGENT_TIERING layout; ARCHIVE_ACCESS and DEEP_ARCHIVE_ACCESS hold a GLACIER / DEEP_ARCHIVE
 * layout and come back only through a restore (a TierObject to FREQUENT with the re-encoded layout).
 */
public final class Tiering {
  public static final String CLASS = "INTELLIGENT_TIERING";
  public static final String FREQUENT = "FREQUENT";
  public static final String INFREQUENT = "INFREQUENT";
  public static final String ARCHIVE_INSTANT = "ARCHIVE_INSTANT";
  public static final String ARCHIVE_ACCESS = "ARCHIVE_ACCESS";
  public static final String DEEP_ARCHIVE_ACCESS = "DEEP_ARCHIVE_ACCESS";
  public static final Set<String> TIERS = Set.of(FREQUENT, INFREQUENT, ARCHIVE_INSTANT, ARCHIVE_ACCESS,
      DEEP_ARCHIVE_ACCESS);
  /** The tiers whose reads need a restore first. */
  public static final Set<String> ARCHIVE_TIERS = Set.of(ARCHIVE_ACCESS, DEEP_ARCHIVE_ACCESS);
  /** Most entries one RecordAccess may carry (the gateway's flush splits bigger batches). */
  public static final int MAX_ENTRIES = 10_000;

  private final Tables t;

  public Tiering(Tables t) {
    this.t = t;
  }

  /** The tier a version is in ("" reads as FREQUENT). */
  public static String tier(ObjectRecord r) {
    return r.getAccessTier().isEmpty() ? FREQUENT : r.getAccessTier();
  }

  /** The version's last access as the tiering pass counts it: the latest recorded read, else the write. */
  public static long effectiveLastAccess(ObjectRecord r) {
    return r.getLastAccessMillis() > 0 ? r.getLastAccessMillis() : r.getLastModifiedMillis();
  }

  public ApplyResult recordAccess(RecordAccess cmd, StoreBatch batch) {
    if (cmd.getEntriesCount() > MAX_ENTRIES) {
      return new ApplyResult.Invalid("record access carries " + cmd.getEntriesCount() + " entries, at most "
          + MAX_ENTRIES);
    }
    // Later entries see the writes of earlier ones: the same version twice keeps the later time.
    java.util.Map<String, ObjectRecord> written = new java.util.TreeMap<>();
    for (AccessEntry e : cmd.getEntriesList()) {
      if (e.getBucket().isEmpty() || e.getKey().isEmpty() || e.getVersionId().isEmpty() || e.getAccessMillis() <= 0
          || t.bucket(e.getBucket()) == null) {
        continue;
      }
      Located v = locate(e.getBucket(), e.getKey(), e.getVersionId(), written);
      if (v == null || v.record.getDeleteMarker() || !CLASS.equals(v.record.getStorageClass())) {
        continue;
      }
      ObjectRecord r = v.record;
      ObjectRecord.Builder b = r.toBuilder();
      boolean changed = false;
      if (e.getAccessMillis() > r.getLastAccessMillis()) {
        b.setLastAccessMillis(e.getAccessMillis());
        changed = true;
      }
      String tier = tier(r);
      if (tier.equals(INFREQUENT) || tier.equals(ARCHIVE_INSTANT)) {
        b.setAccessTier(FREQUENT);
        changed = true;
      }
      if (changed) {
        ObjectRecord updated = b.build();
        write(e.getBucket(), v.isCurrent, updated, batch);
        written.put(id(e.getBucket(), e.getKey(), e.getVersionId()), updated);
      }
    }
    return ok(reply().setEmpty(EmptyReply.getDefaultInstance()));
  }

  public ApplyResult tierObject(TierObject cmd, StoreBatch batch) {
    if (cmd.getKey().isEmpty() || cmd.getVersionId().isEmpty() || !TIERS.contains(cmd.getAccessTier())) {
      return new ApplyResult.Invalid("tier object needs a key, a version id and a tier of " + TIERS + "; got "
          + cmd.getKey() + " " + cmd.getVersionId() + " " + cmd.getAccessTier());
    }
    if (t.bucket(cmd.getBucket()) == null) {
      return new ApplyResult.Failed(NO_SUCH_BUCKET, cmd.getBucket());
    }
    Located v = locate(cmd.getBucket(), cmd.getKey(), cmd.getVersionId(), java.util.Map.of());
    if (v == null || v.record.getDeleteMarker() || !CLASS.equals(v.record.getStorageClass())
        || effectiveLastAccess(v.record) != cmd.getExpectedLastAccessMillis()
        || !Transitions.dataIds(v.record.getLayout()).equals(cmd.getExpectedDataIdsList())) {
      return ok(reply().setTierObject(TierObjectReply.newBuilder().setApplied(false)));
    }
    ObjectRecord target = v.record;
    ObjectRecord.Builder b = target.toBuilder().setAccessTier(cmd.getAccessTier());
    TierObjectReply.Builder r = TierObjectReply.newBuilder().setApplied(true);
    if (cmd.hasLayout()) {
      b.setLayout(cmd.getLayout());
      r.setPreviousLayout(target.getLayout());
      if (target.hasEncryption() && target.getPartCount() > 0 && target.getEncryption().getPartNonceIdsCount() == 0) {
        // The sealed parts keep the nonces of the blobs they were written as (Transitions does the same).
        b.setEncryption(target.getEncryption().toBuilder().addAllPartNonceIds(Transitions.dataIds(target.getLayout())));
      }
    }
    if (cmd.getAccessTier().equals(FREQUENT) && ARCHIVE_TIERS.contains(tier(target))) {
      // A restore's end: readable again, counted as accessed now, the restore record and its index row gone.
      b.setLastAccessMillis(Math.max(cmd.getTieredMillis(), target.getLastAccessMillis())).clearRestore();
      batch.delete(Keys.restoreJob(cmd.getBucket(), target.getKey(), target.getVersionSeq()));
    }
    write(cmd.getBucket(), v.isCurrent, b.build(), batch);
    return ok(reply().setTierObject(r));
  }

  private record Located(ObjectRecord record, boolean isCurrent) {}

  private Located locate(String bucket, String key, String versionId, java.util.Map<String, ObjectRecord> written) {
    ObjectRecord current = t.read(Keys.object(bucket, key), ObjectRecord.parser());
    boolean isCurrent = current != null && versionId.equals(current.getVersionId());
    ObjectRecord w = written.get(id(bucket, key, versionId));
    if (w != null) {
      return new Located(w, isCurrent);
    }
    ObjectRecord r = isCurrent ? current : Versions.find(t.store(), bucket, key, versionId);
    return r == null ? null : new Located(r, isCurrent);
  }

  private static String id(String bucket, String key, String versionId) {
    return bucket + '\0' + key + '\0' + versionId;
  }

  private static void write(String bucket, boolean isCurrent, ObjectRecord updated, StoreBatch batch) {
    byte[] encoded = Records.encode(updated);
    if (isCurrent) {
      batch.put(Keys.object(bucket, updated.getKey()), encoded);
    }
    if (updated.getVersionSeq() > 0) {
      batch.put(Keys.version(bucket, updated.getKey(), updated.getVersionSeq()), encoded);
    }
  }
}
