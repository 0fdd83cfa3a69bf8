package io.moraine.metadata.core.bucket;

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
import static io.moraine.metadata.api.MetadataError.BUCKET_ALREADY_EXISTS;
import static io.moraine.metadata.api.MetadataError.BUCKET_ALREADY_OWNED_BY_YOU;
import static io.moraine.metadata.api.MetadataError.BUCKET_NOT_EMPTY;
import static io.moraine.metadata.api.MetadataError.NO_SUCH_BUCKET;
import static io.moraine.metadata.api.MetadataError.OPERATION_ABORTED;
import static io.moraine.metadata.api.MetadataError.TOO_MANY_BUCKETS;
import io.moraine.metadata.core.config.BucketConfigs;
import io.moraine.metadata.core.object.Versions;
import java.nio.charset.StandardCharsets;

/**
 * Bucket rows of one group (create, delete, list, versioning state) and the bucket-name
 * directory of group g1 (reserve, release), which decides uniqueness and the per-account limit
 * across every group.
 */
public final class Buckets {

  private final Tables t;

  private final BucketConfigs configs;

  public Buckets(Tables t) {
    this.t = t;
    this.configs = new BucketConfigs(t);
  }
  // ---- buckets ------------------------------------------------------------------------------

  public ApplyResult createBucket(long seq, Command c, CreateBucket cmd, StoreBatch batch) {
    if (!validName(cmd.getBucket()) || !validName(cmd.getOwnerAccountId())) {
      return new ApplyResult.Invalid("bucket and owner must be non-empty, without NUL");
    }
    BucketRecord existing = t.read(Keys.bucket(cmd.getBucket()), BucketRecord.parser());
    if (existing != null) {
      return existing.getOwnerAccountId().equals(cmd.getOwnerAccountId())
          ? new ApplyResult.Failed(BUCKET_ALREADY_OWNED_BY_YOU, cmd.getBucket())
          : new ApplyResult.Failed(BUCKET_ALREADY_EXISTS, cmd.getBucket());
    }
    // A reserved name had its uniqueness and the owner's limit decided by the directory (g1),
    // whose count spans every group; this group's own 'C' rows would undercount.
    int owned = cmd.getReserved() ? 0 : t.countPrefix(Keys.ownerBucketPrefix(cmd.getOwnerAccountId()), c.maxBucketsPerAccount());
    if (owned >= c.maxBucketsPerAccount()) {
      return new ApplyResult.Failed(TOO_MANY_BUCKETS,
          cmd.getOwnerAccountId() + " already owns " + owned + " buckets (limit " + c.maxBucketsPerAccount() + ")");
    }
    BucketRecord bucket = BucketRecord.newBuilder()
        .setName(cmd.getBucket()).setOwnerAccountId(cmd.getOwnerAccountId())
        .setRegion(cmd.getRegion()).setCreatedMillis(c.leaderTimeMillis()).setGeneration(seq).build();
    batch.put(Keys.bucket(cmd.getBucket()), Records.encode(bucket));
    batch.put(Keys.ownerBucket(cmd.getOwnerAccountId(), cmd.getBucket()), Records.encode(EmptyReply.getDefaultInstance()));
    return ok(reply().setBucket(bucket));
  }

  // ---- bucket directory (multi-raft; applied in group g1 only) ---------------------------------

  /**
   * Reserves a bucket name in the directory: uniqueness (BUCKET_ALREADY_EXISTS for another owner)
   * and the per-account limit are decided here, atomically, across every group. The owner
   * already holding the name gets its row back with {@code created = false} rather than an
   * error: the client then (re)creates the bucket in that group, which completes a CreateBucket
   * that crashed between its two steps, or answers BUCKET_ALREADY_OWNED_BY_YOU from the group
   * when the bucket is really there. The group is chosen here, deterministically from the
   * replicated state and the group count the leader logged: the one with the fewest names
   * (lowest number on ties), so buckets spread evenly and every peer picks the same.
   */
  public ApplyResult reserveBucketName(Command c, ReserveBucketName cmd, StoreBatch batch) {
    if (!validName(cmd.getBucket()) || !validName(cmd.getOwnerAccountId())) {
      return new ApplyResult.Invalid("bucket and owner must be non-empty, without NUL");
    }
    BucketDirRecord existing = t.read(Keys.bucketDir(cmd.getBucket()), BucketDirRecord.parser());
    if (existing != null) {
      if (!existing.getOwnerAccountId().equals(cmd.getOwnerAccountId())) {
        return new ApplyResult.Failed(BUCKET_ALREADY_EXISTS, cmd.getBucket());
      }
      return ok(reply().setBucketDir(BucketDirReply.newBuilder().setRecord(existing).setCreated(false)));
    }
    int owned = t.countPrefix(Keys.ownerDirPrefix(cmd.getOwnerAccountId()), c.maxBucketsPerAccount());
    if (owned >= c.maxBucketsPerAccount()) {
      return new ApplyResult.Failed(TOO_MANY_BUCKETS,
          cmd.getOwnerAccountId() + " already owns " + owned + " buckets (limit " + c.maxBucketsPerAccount() + ")");
    }
    int chosen = 1;
    long fewest = Long.MAX_VALUE;
    for (int g = 1; g <= c.metaGroups(); g++) {
      long n = groupCount(g);
      if (n < fewest) {
        fewest = n;
        chosen = g;
      }
    }
    BucketDirRecord row = BucketDirRecord.newBuilder().setBucket(cmd.getBucket())
        .setOwnerAccountId(cmd.getOwnerAccountId()).setGroup(chosen).setReservedMillis(c.leaderTimeMillis()).build();
    batch.put(Keys.bucketDir(cmd.getBucket()), Records.encode(row));
    batch.put(Keys.ownerDir(cmd.getOwnerAccountId(), cmd.getBucket()), Records.encode(EmptyReply.getDefaultInstance()));
    batch.put(Keys.groupDir(chosen, cmd.getBucket()), Records.encode(EmptyReply.getDefaultInstance()));
    return ok(reply().setBucketDir(BucketDirReply.newBuilder().setRecord(row).setCreated(true)));
  }

  /** Forgets a name once its bucket is gone from {@code group}; a no-op if it maps elsewhere now. */
  public ApplyResult releaseBucketName(ReleaseBucketName cmd, StoreBatch batch) {
    BucketDirRecord existing = t.read(Keys.bucketDir(cmd.getBucket()), BucketDirRecord.parser());
    if (existing == null || existing.getGroup() != cmd.getGroup()) {
      return ok(reply().setBucketDir(BucketDirReply.newBuilder()));
    }
    batch.delete(Keys.bucketDir(cmd.getBucket()));
    batch.delete(Keys.ownerDir(existing.getOwnerAccountId(), cmd.getBucket()));
    batch.delete(Keys.groupDir(existing.getGroup(), cmd.getBucket()));
    return ok(reply().setBucketDir(BucketDirReply.newBuilder().setRecord(existing)));
  }

  /** Names the directory maps to {@code group}: a scan of its index rows (CreateBucket is rare). */
  private long groupCount(int group) {
    return t.countPrefix(Keys.groupDirPrefix(group), Integer.MAX_VALUE);
  }

  public ApplyResult deleteBucket(DeleteBucket cmd, StoreBatch batch) {
    BucketRecord bucket = t.read(Keys.bucket(cmd.getBucket()), BucketRecord.parser());
    if (bucket == null) {
      return new ApplyResult.Failed(NO_SUCH_BUCKET, cmd.getBucket());
    }
    if (t.countPrefix(Keys.objectPrefix(cmd.getBucket()), 1) > 0
        || t.countPrefix(Keys.versionBucketPrefix(cmd.getBucket()), 1) > 0) {
      return new ApplyResult.Failed(BUCKET_NOT_EMPTY, cmd.getBucket() + " has objects");
    }
    if (t.countPrefix(Keys.uploadBucketPrefix(cmd.getBucket()), 1) > 0) {
      return new ApplyResult.Failed(BUCKET_NOT_EMPTY, cmd.getBucket() + " has multipart uploads in progress");
    }
    batch.delete(Keys.bucket(cmd.getBucket()));
    batch.delete(Keys.ownerBucket(bucket.getOwnerAccountId(), cmd.getBucket()));
    configs.deleteAll(cmd.getBucket(), batch);
    io.moraine.metadata.core.usage.Usage.bucketDeleted(t, batch, cmd.getBucket());
    return ok(reply().setEmpty(EmptyReply.getDefaultInstance()));
  }

  public ApplyResult listAllBuckets() {
    byte[] prefix = Keys.bucketPrefix();
    BucketList.Builder list = BucketList.newBuilder();
    try (StateStore.Cursor cur = t.store().cursor()) {
      for (cur.seek(prefix); cur.valid() && Keys.startsWith(cur.key(), prefix); cur.next()) {
        list.addBuckets(Records.decode(cur.value(), BucketRecord.parser()));
      }
    }
    return ok(reply().setBuckets(list));
  }

  public ApplyResult listBuckets(String ownerAccountId) {
    byte[] prefix = Keys.ownerBucketPrefix(ownerAccountId);
    BucketList.Builder list = BucketList.newBuilder();
    try (StateStore.Cursor cur = t.store().cursor()) {
      for (cur.seek(prefix); cur.valid() && Keys.startsWith(cur.key(), prefix); cur.next()) {
        String name = new String(cur.key(), prefix.length, cur.key().length - prefix.length, StandardCharsets.UTF_8);
        BucketRecord b = t.read(Keys.bucket(name), BucketRecord.parser());
        if (b == null) {
          throw new IllegalStateException("owner index names missing bucket " + name + " of " + ownerAccountId);
        }
        list.addBuckets(b);
      }
    }
    return ok(reply().setBuckets(list));
  }


  // ---- versioning state ---------------------------------------------------------------------

  public ApplyResult putBucketVersioning(long seq, PutBucketVersioning cmd, StoreBatch batch) {
    if (cmd.getStatus() != Versions.ENABLED && cmd.getStatus() != Versions.SUSPENDED) {
      return new ApplyResult.Invalid("versioning status must be Enabled (1) or Suspended (2), not " + cmd.getStatus());
    }
    BucketRecord bucket = t.read(Keys.bucket(cmd.getBucket()), BucketRecord.parser());
    if (bucket == null) {
      return new ApplyResult.Failed(NO_SUCH_BUCKET, cmd.getBucket());
    }
    if (cmd.getExpectedGeneration() != 0 && cmd.getExpectedGeneration() != bucket.getGeneration()) {
      return new ApplyResult.Failed(OPERATION_ABORTED, cmd.getBucket() + " changed while its versioning change was validated");
    }
    BucketRecord.Builder updated = bucket.toBuilder().setVersioning(cmd.getStatus());
    if (cmd.getMfaDelete() == 1 || cmd.getMfaDelete() == 2) {
      updated.setMfaDelete(cmd.getMfaDelete() == 1);
    } else if (cmd.getMfaDelete() != 0) {
      return new ApplyResult.Invalid("mfa_delete must be 0, 1 or 2, not " + cmd.getMfaDelete());
    }
    return ok(reply().setBucket(BucketConfigs.touch(updated.build(), seq, batch)));
  }
}
