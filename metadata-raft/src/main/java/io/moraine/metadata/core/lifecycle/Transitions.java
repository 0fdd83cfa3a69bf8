package io.moraine.metadata.core.lifecycle;

import static io.moraine.metadata.api.MetadataError.NO_SUCH_BUCKET;
import static io.moraine.metadata.core.Tables.ok;
import static io.moraine.metadata.core.Tables.reply;

import io.moraine.metadata.core.ApplyResult;
import io.moraine.metadata.core.Keys;
import io.moraine.metadata.core.Records;
import io.moraine.metadata.core.Tables;
import io.moraine.metadata.core.object.Versions;
import io.moraine.metadata.store.StoreBatch;
import io.moraine.proto.meta.v1.LayoutRecord;
import io.moraine.proto.meta.v1.ObjectRecord;
import io.moraine.proto.meta.v1.SegmentRecord;
import io.moraine.proto.meta.v1.TransitionObject;
import io.moraine.proto.meta.v1.TransitionObjectReply;
import java.util.List;

/**
 * The lifecycle engine's commit of a transition (docs/lifecycle.md): one object version, current
 * or noncurrent, gets a new storage class and the layout its data was re-encoded into. Like
 * repair's relocation it is conditional — applied only while the version exists and its layout
 * still names exactly the data ids the engine read — so an overwrite, delete, or a concurrent
 * transition always wins and the engine collects the shards it wrote. Pure: the time recorded
 * comes in the command.
 */
public final class Transitions {
  private final Tables t;

  public Transitions(Tables t) {
    this.t = t;
  }

  public ApplyResult transition(TransitionObject cmd, StoreBatch batch) {
    if (cmd.getVersionId().isEmpty() || cmd.getStorageClass().isEmpty() || !cmd.hasLayout()) {
      return new ApplyResult.Invalid("transition needs a version id, a storage class and a layout");
    }
    if (t.store().get(Keys.bucket(cmd.getBucket())) == null) {
      return new ApplyResult.Failed(NO_SUCH_BUCKET, cmd.getBucket());
    }
    byte[] key = Keys.object(cmd.getBucket(), cmd.getKey());
    ObjectRecord current = t.read(key, ObjectRecord.parser());
    boolean isCurrent = current != null && cmd.getVersionId().equals(current.getVersionId());
    ObjectRecord target = isCurrent ? current : Versions.find(t.store(), cmd.getBucket(), cmd.getKey(), cmd.getVersionId());
    if (target == null || target.getDeleteMarker() || !dataIds(target.getLayout()).equals(cmd.getExpectedDataIdsList())) {
      return ok(reply().setTransitionObject(TransitionObjectReply.newBuilder().setApplied(false)));
    }
    ObjectRecord.Builder b = target.toBuilder().setStorageClass(cmd.getStorageClass()).setLayout(cmd.getLayout())
        .setTransitionedMillis(cmd.getTransitionedMillis());
    if (!cmd.getStorageClass().equals(target.getStorageClass())) {
      b.clearAccessTier().clearLastAccessMillis(); // Intelligent-Tiering state belongs to that class only
    }
    if (target.hasEncryption() && target.getPartCount() > 0 && target.getEncryption().getPartNonceIdsCount() == 0) {
      // The sealed parts keep the nonces of the blobs they were written as: record those ids once.
      b.setEncryption(target.getEncryption().toBuilder().addAllPartNonceIds(dataIds(target.getLayout())));
    }
    ObjectRecord updated = b.build();
    io.moraine.metadata.core.usage.Usage.changed(t, batch, cmd.getBucket(), target, updated, cmd.getTransitionedMillis());
    if (isCurrent) {
      batch.put(key, Records.encode(updated));
    }
    if (updated.getVersionSeq() > 0) {
      batch.put(Keys.version(cmd.getBucket(), updated.getKey(), updated.getVersionSeq()), Records.encode(updated));
    }
    return ok(reply().setTransitionObject(TransitionObjectReply.newBuilder().setApplied(true)
        .setPreviousLayout(target.getLayout())));
  }

  /**
   * A lifecycle delete: {@code deleter} (the ordinary DeleteObject apply) runs only while the
   * version the engine evaluated is still as it was, so a write that came in between wins.
   */
  public ApplyResult lifecycleDelete(io.moraine.proto.meta.v1.LifecycleDelete cmd,
      java.util.function.Function<io.moraine.proto.meta.v1.DeleteObject, ApplyResult> deleter) {
    var d = cmd.getDelete();
    if (cmd.getExpectedVersionId().isEmpty() || cmd.getAction() < 1 || cmd.getAction() > 3) {
      return new ApplyResult.Invalid("lifecycle delete needs an expected version and an action 1..3");
    }
    if (t.store().get(Keys.bucket(d.getBucket())) == null) {
      return new ApplyResult.Failed(NO_SUCH_BUCKET, d.getBucket());
    }
    ObjectRecord target;
    if (d.getVersionId().isEmpty() || cmd.getAction() == 3) {
      target = Versions.latest(t.store(), d.getBucket(), d.getKey()); // must still be the latest (markers included)
      if (target != null && !target.getVersionId().equals(cmd.getExpectedVersionId())) {
        target = null;
      }
    } else {
      ObjectRecord current = Versions.latest(t.store(), d.getBucket(), d.getKey());
      boolean stillNoncurrent = current == null || !current.getVersionId().equals(d.getVersionId());
      target = stillNoncurrent ? Versions.find(t.store(), d.getBucket(), d.getKey(), d.getVersionId()) : null;
    }
    boolean holds = target != null && target.getVersionId().equals(cmd.getExpectedVersionId())
        && target.getLastModifiedMillis() == cmd.getExpectedLastModifiedMillis()
        && target.getEtag().equals(cmd.getExpectedEtag())
        && (cmd.getAction() == 2 || target.getDeleteMarker() == (cmd.getAction() == 3));
    if (!holds) {
      return ok(reply().setLifecycleDelete(io.moraine.proto.meta.v1.LifecycleDeleteReply.newBuilder().setApplied(false)));
    }
    ApplyResult deleted = deleter.apply(d);
    if (!(deleted instanceof ApplyResult.Ok o)) {
      return deleted;
    }
    return ok(reply().setLifecycleDelete(io.moraine.proto.meta.v1.LifecycleDeleteReply.newBuilder().setApplied(true)
        .setDelete(o.reply().getDeleteObject())));
  }

  /** The data ids a layout names, in order (none for inline data). */
  public static List<String> dataIds(LayoutRecord layout) {
    return layout.hasSegments()
        ? layout.getSegments().getSegmentsList().stream().map(SegmentRecord::getDataId).toList()
        : List.of();
  }
}
