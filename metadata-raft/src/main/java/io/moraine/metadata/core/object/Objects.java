package io.moraine.metadata.core.object;

import static io.moraine.metadata.core.Tables.ok;
import static io.moraine.metadata.core.Tables.reply;
import static io.moraine.metadata.core.Tables.validName;

import io.moraine.metadata.core.ApplyResult;
import io.moraine.metadata.core.Command;
import io.moraine.metadata.core.Keys;
import io.moraine.metadata.core.Records;
import io.moraine.metadata.core.Tables;
import io.moraine.metadata.store.StateStore;
import io.moraine.metadata.store.StoreBatch;
import io.moraine.proto.meta.v1.*;
import static io.moraine.metadata.api.MetadataError.NO_SUCH_BUCKET;

/**
 * Object versions: put (conditional), delete, get, and repair's conditional shard relocation.
 */
public final class Objects {

  private final Tables t;

  public Objects(Tables t) {
    this.t = t;
  }
  // ---- objects ------------------------------------------------------------------------------

  public ApplyResult putObject(long logIndex, int slot, Command c, PutObject cmd, StoreBatch batch) {
    BucketRecord bucket = t.read(Keys.bucket(cmd.getBucket()), BucketRecord.parser());
    if (bucket == null) {
      return new ApplyResult.Failed(NO_SUCH_BUCKET, cmd.getBucket());
    }
    ObjectRecord v = cmd.getVersion();
    if (v.getKey().isEmpty()) {
      return new ApplyResult.Invalid("empty object key");
    }
    byte[] key = Keys.object(cmd.getBucket(), v.getKey());
    ObjectRecord current = t.read(key, ObjectRecord.parser());
    if (current != null && isSameWrite(current, v)) {
      // A retry of a put already applied (e.g. resent after every peer restarted and the retry
      // cache was lost): reporting the current record as "replaced" would get its live data
      // collected, so report it as committed with nothing replaced.
      return ok(reply().setPutObject(PutObjectReply.newBuilder().setCommitted(current)));
    }
    ApplyResult unmet = Versions.conditionFails(current, cmd.getIfMatch(), cmd.getIfNoneMatch(), v.getKey());
    if (unmet != null) {
      return unmet;
    }
    Versions.Committed done = Versions.commit(t.store(), bucket, v.toBuilder()
        .setLastModifiedMillis(c.leaderTimeMillis())
        .setCommitIndex(logIndex)
        .setOwnerAccountId(v.getOwnerAccountId().isEmpty() ? bucket.getOwnerAccountId() : v.getOwnerAccountId()),
        Versions.seq(logIndex, slot), batch);
    io.moraine.metadata.core.usage.Usage.put(t, batch, cmd.getBucket(), done.replaced(), done.committed(), c.leaderTimeMillis());
    PutObjectReply.Builder r = PutObjectReply.newBuilder().setCommitted(done.committed());
    if (done.replaced() != null) {
      r.setReplaced(done.replaced());
    }
    return ok(reply().setPutObject(r));
  }

  /** The same data written twice: only possible for a retried command, since data ids are unique. */
  private static boolean isSameWrite(ObjectRecord current, ObjectRecord incoming) {
    return current.getLayout().hasSegments()
        && current.getLayout().getSegments().getSegmentsCount() > 0
        && current.getLayout().equals(incoming.getLayout())
        && current.getEtag().equals(incoming.getEtag());
  }

  public ApplyResult deleteObject(long seq, Command c, DeleteObject cmd, StoreBatch batch) {
    BucketRecord bucket = t.read(Keys.bucket(cmd.getBucket()), BucketRecord.parser());
    if (bucket == null) {
      return new ApplyResult.Failed(NO_SUCH_BUCKET, cmd.getBucket());
    }
    if (cmd.getKey().isEmpty()) {
      return new ApplyResult.Invalid("empty object key");
    }
    DeleteObjectReply deleted = Versions.delete(t.store(), bucket, cmd.getKey(), cmd.getVersionId(), seq, c.leaderTimeMillis(), batch);
    io.moraine.metadata.core.usage.Usage.deleted(t, batch, cmd.getBucket(), cmd.getVersionId().isEmpty(), deleted, c.leaderTimeMillis());
    return ok(reply().setDeleteObject(deleted));
  }

  /**
   * Repair's commit: one shard of one segment of an object version (current or not) or of a part
   * of an upload in progress moves to another node. A no-op (applied = false) unless the record
   * still exists and names the expected node, so an overwrite, delete, abort/complete or a
   * concurrent relocation always wins over a repair that started before it.
   */
  public ApplyResult relocateShard(RelocateShard cmd, StoreBatch batch) {
    if (cmd.getNewNode().isEmpty() || cmd.getExpectedNode().isEmpty() || cmd.getDataId().isEmpty()) {
      return new ApplyResult.Invalid("relocate needs a data id, an expected and a new node");
    }
    if (t.store().get(Keys.bucket(cmd.getBucket())) == null) {
      return new ApplyResult.Failed(NO_SUCH_BUCKET, cmd.getBucket());
    }
    MetaReply.Builder notApplied = reply().setRelocateShard(RelocateShardReply.newBuilder().setApplied(false));
    if (!cmd.getUploadId().isEmpty()) {
      byte[] partKey = Keys.part(cmd.getBucket(), cmd.getKey(), cmd.getUploadId(), cmd.getPartNumber());
      PartRecord part = t.read(partKey, PartRecord.parser());
      LayoutRecord moved = part == null ? null : relocated(part.getLayout(), cmd);
      if (moved == null) {
        return ok(notApplied);
      }
      batch.put(partKey, Records.encode(part.toBuilder().setLayout(moved).build()));
      return ok(reply().setRelocateShard(RelocateShardReply.newBuilder().setApplied(true)));
    }
    byte[] key = Keys.object(cmd.getBucket(), cmd.getKey());
    ObjectRecord current = t.read(key, ObjectRecord.parser());
    boolean isCurrent = current != null
        && (cmd.getVersionId().isEmpty() || cmd.getVersionId().equals(current.getVersionId()));
    ObjectRecord target = isCurrent ? current
        : cmd.getVersionId().isEmpty() ? null : Versions.find(t.store(), cmd.getBucket(), cmd.getKey(), cmd.getVersionId());
    LayoutRecord moved = target == null ? null : relocated(target.getLayout(), cmd);
    // A restored temporary copy (archive classes) is repaired like the version's own blobs.
    LayoutRecord movedCopy = target == null || moved != null || !target.hasRestore() || !target.getRestore().hasCopy()
        ? null : relocated(target.getRestore().getCopy(), cmd);
    if (moved == null && movedCopy == null) {
      return ok(notApplied);
    }
    ObjectRecord updated = moved != null ? target.toBuilder().setLayout(moved).build()
        : target.toBuilder().setRestore(target.getRestore().toBuilder().setCopy(movedCopy)).build();
    if (isCurrent) {
      batch.put(key, Records.encode(updated));
    }
    if (updated.getVersionSeq() > 0) {
      batch.put(Keys.version(cmd.getBucket(), updated.getKey(), updated.getVersionSeq()), Records.encode(updated));
    }
    return ok(reply().setRelocateShard(RelocateShardReply.newBuilder().setApplied(true)));
  }

  /**
   * The background re-wrap's commit (docs/encryption.md): the version's data key wrapped anew,
   * applied only while its record is still the one the caller read — same instance id, same old
   * master key — so an overwrite, delete or concurrent re-wrap wins. Layout and data unchanged.
   */
  public ApplyResult rewrapDataKey(io.moraine.proto.meta.v1.RewrapDataKey cmd, StoreBatch batch) {
    if (cmd.getVersionId().isEmpty() || cmd.getInstanceId().isEmpty() || cmd.getMasterKeyId().isEmpty()
        || cmd.getWrappedDataKey().isEmpty()) {
      return new ApplyResult.Invalid("rewrap needs a version id, an instance id, a master key and a wrapped key");
    }
    if (t.store().get(Keys.bucket(cmd.getBucket())) == null) {
      return new ApplyResult.Failed(NO_SUCH_BUCKET, cmd.getBucket());
    }
    MetaReply.Builder notApplied = reply().setKeyring(io.moraine.proto.meta.v1.KeyringReply.newBuilder().setApplied(false));
    byte[] key = Keys.object(cmd.getBucket(), cmd.getKey());
    ObjectRecord current = t.read(key, ObjectRecord.parser());
    boolean isCurrent = current != null && cmd.getVersionId().equals(current.getVersionId());
    ObjectRecord target = isCurrent ? current : Versions.find(t.store(), cmd.getBucket(), cmd.getKey(), cmd.getVersionId());
    if (target == null || !target.hasEncryption()
        || !target.getEncryption().getInstanceId().equals(cmd.getInstanceId())
        || !target.getEncryption().getMasterKeyId().equals(cmd.getExpectedMasterKeyId())) {
      return ok(notApplied);
    }
    ObjectRecord updated = target.toBuilder().setEncryption(target.getEncryption().toBuilder()
        .setMasterKeyId(cmd.getMasterKeyId()).setWrappedDataKey(cmd.getWrappedDataKey())).build();
    if (isCurrent) {
      batch.put(key, Records.encode(updated));
    }
    if (updated.getVersionSeq() > 0) {
      batch.put(Keys.version(cmd.getBucket(), updated.getKey(), updated.getVersionSeq()), Records.encode(updated));
    }
    return ok(reply().setKeyring(io.moraine.proto.meta.v1.KeyringReply.newBuilder().setApplied(true)));
  }

  /** The layout with the shard moved, or null when it does not name the expected node there. */
  private static LayoutRecord relocated(LayoutRecord layout, RelocateShard cmd) {
    if (!layout.hasSegments()) {
      return null;
    }
    Segments.Builder segments = layout.getSegments().toBuilder();
    for (int s = 0; s < segments.getSegmentsCount(); s++) {
      var seg = segments.getSegments(s);
      if (!seg.getDataId().equals(cmd.getDataId())) {
        continue;
      }
      int i = cmd.getShardIndex();
      if (i >= seg.getShardNodesCount() || !seg.getShardNodes(i).equals(cmd.getExpectedNode())) {
        return null;
      }
      var moved = seg.toBuilder().setShardNodes(i, cmd.getNewNode());
      if (i < moved.getMisplacedCount()) {
        moved.setMisplaced(i, cmd.getMisplaced());
      }
      segments.setSegments(s, moved);
      return layout.toBuilder().setSegments(segments).build();
    }
    return null;
  }

  public ApplyResult getObject(io.moraine.proto.meta.v1.GetObject q) {
    String bucket = q.getBucket();
    String key = q.getKey();
    if (t.store().get(Keys.bucket(bucket)) == null) {
      return new ApplyResult.Failed(NO_SUCH_BUCKET, bucket);
    }
    ObjectRecord current = !q.getVersionId().isEmpty() ? Versions.find(t.store(), bucket, key, q.getVersionId())
        : q.getIncludeDeleteMarkers() ? Versions.latest(t.store(), bucket, key)
        : t.read(Keys.object(bucket, key), ObjectRecord.parser());
    ObjectReply.Builder r = ObjectReply.newBuilder();
    if (current != null) {
      r.setObject(current);
    }
    return ok(reply().setObject(r));
  }

}
