package io.moraine.metadata.core.config;

import static io.moraine.metadata.api.MetadataError.METHOD_NOT_ALLOWED;
import static io.moraine.metadata.api.MetadataError.NO_SUCH_BUCKET;
import static io.moraine.metadata.api.MetadataError.NO_SUCH_KEY;
import static io.moraine.metadata.api.MetadataError.NO_SUCH_VERSION;
import static io.moraine.metadata.api.MetadataError.OPERATION_ABORTED;
import static io.moraine.metadata.core.Tables.ok;
import static io.moraine.metadata.core.Tables.reply;
import static io.moraine.metadata.core.Tables.validName;

import io.moraine.metadata.core.ApplyResult;
import io.moraine.metadata.core.Command;
import io.moraine.metadata.core.Keys;
import io.moraine.metadata.core.Records;
import io.moraine.metadata.core.Tables;
import io.moraine.metadata.core.object.Versions;
import io.moraine.metadata.store.StateStore;
import io.moraine.metadata.store.StoreBatch;
import io.moraine.proto.meta.v1.BucketConfigRecord;
import io.moraine.proto.meta.v1.BucketConfigsReply;
import io.moraine.proto.meta.v1.BucketRecord;
import io.moraine.proto.meta.v1.DeleteBucketConfig;
import io.moraine.proto.meta.v1.ObjectRecord;
import io.moraine.proto.meta.v1.ObjectReply;
import io.moraine.proto.meta.v1.ObjectSubresource;
import io.moraine.proto.meta.v1.PutBucketConfig;
import io.moraine.proto.meta.v1.SetObjectSubresource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The one record family for every bucket sub-resource ('S' rows: policy, ACL, CORS, lifecycle,
 * ...) and every object-version sub-resource (kept inside the version record). The core stores
 * bodies without reading them: each feature owns its body's message and its validation, done by
 * the gateway before the commit. Cross-checks between sub-resources stay race-free through the
 * bucket's generation: a put or delete may name the generation it validated against, and is
 * refused (OPERATION_ABORTED) when anything about the bucket changed since.
 */
public final class BucketConfigs {
  /** Longest kind name; kinds are S3 sub-resource names ("publicAccessBlock", ...), optionally with an id. */
  public static final int MAX_KIND_CHARS = 128;
  /** Largest body: S3's largest documents (lifecycle with 1,000 rules, inventory lists) fit. */
  public static final int MAX_BODY_BYTES = 1024 * 1024;

  private final Tables t;

  public BucketConfigs(Tables t) {
    this.t = t;
  }

  public ApplyResult put(long seq, Command c, PutBucketConfig cmd, StoreBatch batch) {
    BucketConfigRecord config = cmd.getConfig();
    ApplyResult invalid = checkKind(config.getKind());
    if (invalid != null) {
      return invalid;
    }
    if (config.getBody().size() > MAX_BODY_BYTES) {
      return new ApplyResult.Invalid("sub-resource body of " + config.getBody().size() + " bytes over " + MAX_BODY_BYTES);
    }
    BucketRecord bucket = t.bucket(cmd.getBucket());
    if (bucket == null) {
      return new ApplyResult.Failed(NO_SUCH_BUCKET, cmd.getBucket());
    }
    if (cmd.getExpectedGeneration() != 0 && cmd.getExpectedGeneration() != bucket.getGeneration()) {
      return conflict(cmd.getBucket(), cmd.getExpectedGeneration(), bucket.getGeneration());
    }
    batch.put(Keys.bucketConfig(cmd.getBucket(), config.getKind()), Records.encode(config.toBuilder()
        .setModifiedMillis(c.leaderTimeMillis()).setCommitSeq(seq).build()));
    return ok(reply().setBucket(touch(bucket, seq, batch)));
  }

  public ApplyResult delete(long seq, DeleteBucketConfig cmd, StoreBatch batch) {
    ApplyResult invalid = checkKind(cmd.getKind());
    if (invalid != null) {
      return invalid;
    }
    BucketRecord bucket = t.bucket(cmd.getBucket());
    if (bucket == null) {
      return new ApplyResult.Failed(NO_SUCH_BUCKET, cmd.getBucket());
    }
    if (cmd.getExpectedGeneration() != 0 && cmd.getExpectedGeneration() != bucket.getGeneration()) {
      return conflict(cmd.getBucket(), cmd.getExpectedGeneration(), bucket.getGeneration());
    }
    byte[] key = Keys.bucketConfig(cmd.getBucket(), cmd.getKind());
    if (!t.exists(key)) {
      return ok(reply().setBucket(bucket));
    }
    batch.delete(key);
    return ok(reply().setBucket(touch(bucket, seq, batch)));
  }

  /** The bucket row and every sub-resource, sorted by kind. */
  public ApplyResult get(String bucketName) {
    BucketRecord bucket = t.bucket(bucketName);
    if (bucket == null) {
      return new ApplyResult.Failed(NO_SUCH_BUCKET, bucketName);
    }
    BucketConfigsReply.Builder r = BucketConfigsReply.newBuilder().setBucket(bucket);
    byte[] prefix = Keys.bucketConfigPrefix(bucketName);
    try (StateStore.Cursor cur = t.store().cursor()) {
      for (cur.seek(prefix); cur.valid() && Keys.startsWith(cur.key(), prefix); cur.next()) {
        r.addConfigs(Records.decode(cur.value(), BucketConfigRecord.parser()));
      }
    }
    return ok(reply().setBucketConfigs(r));
  }

  /** Deletes every sub-resource row of a bucket that is being deleted. */
  public void deleteAll(String bucketName, StoreBatch batch) {
    byte[] prefix = Keys.bucketConfigPrefix(bucketName);
    try (StateStore.Cursor cur = t.store().cursor()) {
      for (cur.seek(prefix); cur.valid() && Keys.startsWith(cur.key(), prefix); cur.next()) {
        batch.delete(cur.key());
      }
    }
  }

  /**
   * One sub-resource of an object version. The 'O' row (current version) and the 'V' row
   * (history) hold copies of the same record: both are rewritten.
   */
  public ApplyResult setObjectSubresource(SetObjectSubresource cmd, StoreBatch batch) {
    ApplyResult invalid = checkKind(cmd.getKind());
    if (invalid != null) {
      return invalid;
    }
    if (cmd.getKey().isEmpty()) {
      return new ApplyResult.Invalid("empty object key");
    }
    if (cmd.getBody().size() > MAX_BODY_BYTES) {
      return new ApplyResult.Invalid("sub-resource body of " + cmd.getBody().size() + " bytes over " + MAX_BODY_BYTES);
    }
    if (t.bucket(cmd.getBucket()) == null) {
      return new ApplyResult.Failed(NO_SUCH_BUCKET, cmd.getBucket());
    }
    byte[] currentKey = Keys.object(cmd.getBucket(), cmd.getKey());
    ObjectRecord current = t.read(currentKey, ObjectRecord.parser());
    ObjectRecord target;
    if (cmd.getVersionId().isEmpty()) {
      target = current;
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
    }
    if (target.getDeleteMarker()) {
      return new ApplyResult.Failed(METHOD_NOT_ALLOWED, cmd.getKey() + " version " + target.getVersionId() + " is a delete marker");
    }
    ObjectRecord updated = target.toBuilder().clearSubresources()
        .addAllSubresources(withSubresource(target.getSubresourcesList(), cmd)).build();
    boolean isCurrent = current != null && current.getVersionSeq() == target.getVersionSeq()
        && current.getVersionId().equals(target.getVersionId());
    if (isCurrent) {
      batch.put(currentKey, Records.encode(updated));
    }
    if (updated.getVersionSeq() > 0) {
      batch.put(Keys.version(cmd.getBucket(), updated.getKey(), updated.getVersionSeq()), Records.encode(updated));
    }
    return ok(reply().setObject(ObjectReply.newBuilder().setObject(updated)));
  }

  /** {@code list} with the command's kind replaced or removed, sorted by kind. */
  private static List<ObjectSubresource> withSubresource(List<ObjectSubresource> list, SetObjectSubresource cmd) {
    List<ObjectSubresource> out = new ArrayList<>(list.size() + 1);
    for (ObjectSubresource s : list) {
      if (!s.getKind().equals(cmd.getKind())) {
        out.add(s);
      }
    }
    if (!cmd.getRemove()) {
      out.add(ObjectSubresource.newBuilder().setKind(cmd.getKind()).setBody(cmd.getBody()).build());
    }
    out.sort(Comparator.comparing(ObjectSubresource::getKind));
    return out;
  }

  /** Every change to a bucket's row or sub-resources moves its generation to the change's seq. */
  public static BucketRecord touch(BucketRecord bucket, long seq, StoreBatch batch) {
    BucketRecord updated = bucket.toBuilder().setGeneration(seq).build();
    batch.put(Keys.bucket(bucket.getName()), Records.encode(updated));
    return updated;
  }

  private static ApplyResult checkKind(String kind) {
    if (!validName(kind) || kind.length() > MAX_KIND_CHARS) {
      return new ApplyResult.Invalid("sub-resource kind must be 1.." + MAX_KIND_CHARS + " characters without NUL");
    }
    return null;
  }

  private static ApplyResult conflict(String bucket, long expected, long actual) {
    return new ApplyResult.Failed(OPERATION_ABORTED,
        bucket + " changed while its configuration was being validated (generation " + expected + " -> " + actual + ")");
  }
}
