package io.moraine.metadata.core;

import static io.moraine.metadata.api.MetadataError.NO_SUCH_BUCKET;
import static io.moraine.metadata.core.CoreHarness.createBucket;
import static io.moraine.metadata.core.CoreHarness.deleteObject;
import static io.moraine.metadata.core.CoreHarness.put;
import static org.assertj.core.api.Assertions.assertThat;

import io.moraine.proto.meta.v1.GetObject;
import io.moraine.proto.meta.v1.LayoutRecord;
import io.moraine.proto.meta.v1.MetaRequest;
import io.moraine.proto.meta.v1.ObjectRecord;
import io.moraine.proto.meta.v1.SegmentRecord;
import io.moraine.proto.meta.v1.Segments;
import io.moraine.proto.meta.v1.TransitionObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Lifecycle's transition commit (core.lifecycle.Transitions): applied only while the version still
 * holds the data ids the engine read, like repair's relocation, so a concurrent overwrite, delete
 * or other transition wins.
 */
class TransitionObjectTest {
  final CoreHarness h = new CoreHarness();

  static LayoutRecord layout(String dataId) {
    return LayoutRecord.newBuilder().setSegments(Segments.newBuilder().addSegments(SegmentRecord.newBuilder()
        .setDataId(dataId).setDataShards(4).setParityShards(2))).build();
  }

  static MetaRequest.Builder transition(String key, String versionId, List<String> expected, String newDataId) {
    return MetaRequest.newBuilder().setTransitionObject(TransitionObject.newBuilder().setBucket("b").setKey(key)
        .setVersionId(versionId).addAllExpectedDataIds(expected).setStorageClass("STANDARD_IA")
        .setLayout(layout(newDataId)).setTransitionedMillis(12345).setRuleId("r"));
  }

  ObjectRecord current(String key) {
    return h.query(MetaRequest.newBuilder().setGetObject(GetObject.newBuilder().setBucket("b").setKey(key)))
        .getObject().getObject();
  }

  @Test
  void movesTheVersionToTheNewLayoutAndClass() {
    h.ok(createBucket("alice", "b"));
    h.ok(put("b", "k", "d1"));
    ObjectRecord before = current("k");
    var reply = h.ok(transition("k", before.getVersionId(), List.of("d1"), "d2")).getTransitionObject();
    assertThat(reply.getApplied()).isTrue();
    assertThat(reply.getPreviousLayout()).isEqualTo(before.getLayout());
    ObjectRecord after = current("k");
    assertThat(after.getStorageClass()).isEqualTo("STANDARD_IA");
    assertThat(after.getLayout().getSegments().getSegments(0).getDataId()).isEqualTo("d2");
    assertThat(after.getTransitionedMillis()).isEqualTo(12345);
    assertThat(after.getEtag()).isEqualTo(before.getEtag());
    assertThat(after.getCommitIndex()).as("a transition is not a new version").isEqualTo(before.getCommitIndex());
  }

  @Test
  void aStaleExpectationAnOverwriteOrADeleteWins() {
    h.ok(createBucket("alice", "b"));
    h.ok(put("b", "k", "d1"));
    String v = current("k").getVersionId();
    assertThat(h.ok(transition("k", v, List.of("other"), "d2")).getTransitionObject().getApplied()).isFalse();
    assertThat(h.ok(transition("k", v, List.of(), "d2")).getTransitionObject().getApplied()).isFalse();
    h.ok(put("b", "k", "d3")); // a concurrent overwrite (unversioned: same "null" version id)
    assertThat(h.ok(transition("k", v, List.of("d1"), "d2")).getTransitionObject().getApplied()).isFalse();
    assertThat(current("k").getLayout().getSegments().getSegments(0).getDataId()).isEqualTo("d3");
    h.ok(deleteObject("b", "k"));
    assertThat(h.ok(transition("k", v, List.of("d3"), "d2")).getTransitionObject().getApplied()).isFalse();
    assertThat(h.error(transition("k", v, List.of("d3"), "d2").setTransitionObject(
        TransitionObject.newBuilder().setBucket("nope").setKey("k").setVersionId("null").setStorageClass("GLACIER")
            .setLayout(layout("x"))))).isEqualTo(NO_SUCH_BUCKET);
    assertThat(h.apply(MetaRequest.newBuilder().setTransitionObject(TransitionObject.newBuilder().setBucket("b")
        .setKey("k").setVersionId("null")))).isInstanceOf(ApplyResult.Invalid.class);
  }

  static MetaRequest.Builder lifecycleDelete(String key, String versionId, ObjectRecord expected, int action) {
    return MetaRequest.newBuilder().setLifecycleDelete(io.moraine.proto.meta.v1.LifecycleDelete.newBuilder()
        .setDelete(io.moraine.proto.meta.v1.DeleteObject.newBuilder().setBucket("b").setKey(key)
            .setVersionId(versionId == null ? "" : versionId))
        .setExpectedVersionId(expected.getVersionId()).setExpectedLastModifiedMillis(expected.getLastModifiedMillis())
        .setExpectedEtag(expected.getEtag()).setRuleId("r").setAction(action));
  }

  /** Lifecycle's expiration: DeleteObject, applied only while the evaluated version is still current. */
  @Test
  void anExpirationLosesToAnOverwriteThatCameFirst() {
    h.ok(createBucket("alice", "b"));
    h.ok(put("b", "k", "d1"));
    ObjectRecord evaluated = current("k");
    h.ok(put("b", "k", "d2")); // overwrite after the engine listed k
    assertThat(h.ok(lifecycleDelete("k", null, evaluated, 1)).getLifecycleDelete().getApplied()).isFalse();
    assertThat(current("k").getLayout().getSegments().getSegments(0).getDataId()).isEqualTo("d2");
    var applied = h.ok(lifecycleDelete("k", null, current("k"), 1)).getLifecycleDelete();
    assertThat(applied.getApplied()).isTrue();
    assertThat(applied.getDelete().getRemoved().getLayout().getSegments().getSegments(0).getDataId()).isEqualTo("d2");
    assertThat(h.query(MetaRequest.newBuilder().setGetObject(GetObject.newBuilder().setBucket("b").setKey("k")))
        .hasObject() && h.query(MetaRequest.newBuilder().setGetObject(GetObject.newBuilder().setBucket("b").setKey("k")))
        .getObject().hasObject()).isFalse();
    assertThat(h.apply(lifecycleDelete("k", null, evaluated, 9))).isInstanceOf(ApplyResult.Invalid.class);
  }

  /** A noncurrent removal does not remove a version that became current again. */
  @Test
  void aNoncurrentRemovalNeedsTheVersionStillNoncurrent() {
    h.ok(createBucket("alice", "b"));
    h.ok(MetaRequest.newBuilder().setPutBucketVersioning(io.moraine.proto.meta.v1.PutBucketVersioning.newBuilder()
        .setBucket("b").setStatus(1))); // Enabled
    h.ok(put("b", "k", "d1"));
    ObjectRecord v1 = current("k");
    h.ok(put("b", "k", "d2"));
    ObjectRecord v2 = current("k");
    // v2 deleted by its id: v1 is current again, and a removal planned while it was noncurrent must not apply
    h.ok(MetaRequest.newBuilder().setDeleteObject(io.moraine.proto.meta.v1.DeleteObject.newBuilder().setBucket("b")
        .setKey("k").setVersionId(v2.getVersionId())));
    assertThat(h.ok(lifecycleDelete("k", v1.getVersionId(), v1, 2)).getLifecycleDelete().getApplied()).isFalse();
    assertThat(current("k").getVersionId()).isEqualTo(v1.getVersionId());
    h.ok(put("b", "k", "d3"));
    assertThat(h.ok(lifecycleDelete("k", v1.getVersionId(), v1, 2)).getLifecycleDelete().getApplied()).isTrue();
  }

  /** An expired delete marker is removed only while it is still the latest version. */
  @Test
  void anExpiredMarkerIsRemovedOnlyWhileLatest() {
    h.ok(createBucket("alice", "b"));
    h.ok(MetaRequest.newBuilder().setPutBucketVersioning(io.moraine.proto.meta.v1.PutBucketVersioning.newBuilder()
        .setBucket("b").setStatus(1))); // Enabled
    h.ok(put("b", "k", "d1"));
    ObjectRecord v1 = current("k");
    String marker = h.ok(deleteObject("b", "k")).getDeleteObject().getVersionId();
    h.ok(MetaRequest.newBuilder().setDeleteObject(io.moraine.proto.meta.v1.DeleteObject.newBuilder().setBucket("b")
        .setKey("k").setVersionId(v1.getVersionId())));
    ObjectRecord m = io.moraine.metadata.core.object.Versions.latest(h.core.store(), "b", "k");
    assertThat(m.getVersionId()).isEqualTo(marker);
    assertThat(m.getDeleteMarker()).isTrue();
    assertThat(h.ok(lifecycleDelete("k", marker, m, 1)).getLifecycleDelete().getApplied())
        .as("a marker is not expired as a current object").isFalse();
    assertThat(h.ok(lifecycleDelete("k", marker, m, 3)).getLifecycleDelete().getApplied()).isTrue();
    assertThat(io.moraine.metadata.core.object.Versions.latest(h.core.store(), "b", "k")).isNull();
  }
}
