package io.moraine.metadata.core;

import static io.moraine.metadata.core.CoreHarness.createBucket;
import static io.moraine.metadata.core.CoreHarness.deleteBucket;
import static io.moraine.metadata.core.CoreHarness.deleteObject;
import static io.moraine.metadata.core.CoreHarness.put;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.moraine.metadata.api.MetadataError;
import io.moraine.proto.meta.v1.BucketConfigRecord;
import io.moraine.proto.meta.v1.DeleteBucketConfig;
import io.moraine.proto.meta.v1.GetBucketConfigs;
import io.moraine.proto.meta.v1.GetObject;
import io.moraine.proto.meta.v1.MetaRequest;
import io.moraine.proto.meta.v1.ObjectRecord;
import io.moraine.proto.meta.v1.PutBucketConfig;
import io.moraine.proto.meta.v1.PutBucketVersioning;
import io.moraine.proto.meta.v1.SetObjectSubresource;
import org.junit.jupiter.api.Test;

/** The one sub-resource record family: bucket configs ('S' rows) and object-version sub-resources. */
class BucketConfigTest {

  static MetaRequest.Builder putConfig(String bucket, String kind, String body, long expectedGeneration) {
    return MetaRequest.newBuilder().setPutBucketConfig(PutBucketConfig.newBuilder().setBucket(bucket)
        .setExpectedGeneration(expectedGeneration)
        .setConfig(BucketConfigRecord.newBuilder().setKind(kind).setBody(ByteString.copyFromUtf8(body))));
  }

  static MetaRequest.Builder deleteConfig(String bucket, String kind) {
    return MetaRequest.newBuilder().setDeleteBucketConfig(DeleteBucketConfig.newBuilder().setBucket(bucket).setKind(kind));
  }

  static MetaRequest.Builder getConfigs(String bucket) {
    return MetaRequest.newBuilder().setGetBucketConfigs(GetBucketConfigs.newBuilder().setBucket(bucket));
  }

  static MetaRequest.Builder setSub(String bucket, String key, String versionId, String kind, String body) {
    SetObjectSubresource.Builder b = SetObjectSubresource.newBuilder().setBucket(bucket).setKey(key).setVersionId(versionId)
        .setKind(kind);
    if (body == null) {
      b.setRemove(true);
    } else {
      b.setBody(ByteString.copyFromUtf8(body));
    }
    return MetaRequest.newBuilder().setSetObjectSubresource(b);
  }

  @Test
  void configsAreStoredSortedByKindAndEveryChangeMovesTheGeneration() {
    CoreHarness h = new CoreHarness();
    long created = h.ok(createBucket("o", "b")).getBucket().getGeneration();
    assertThat(created).isPositive();
    long g1 = h.ok(putConfig("b", "policy", "{p}", 0)).getBucket().getGeneration();
    long g2 = h.ok(putConfig("b", "cors", "<c>", 0)).getBucket().getGeneration();
    assertThat(g1).isGreaterThan(created);
    assertThat(g2).isGreaterThan(g1);
    var reply = h.query(getConfigs("b")).getBucketConfigs();
    assertThat(reply.getBucket().getGeneration()).isEqualTo(g2);
    assertThat(reply.getConfigsList()).extracting(BucketConfigRecord::getKind).containsExactly("cors", "policy");
    assertThat(reply.getConfigs(1).getBody().toStringUtf8()).isEqualTo("{p}");
    assertThat(reply.getConfigs(1).getModifiedMillis()).isPositive();

    long g3 = h.ok(deleteConfig("b", "policy")).getBucket().getGeneration();
    assertThat(g3).isGreaterThan(g2);
    assertThat(h.query(getConfigs("b")).getBucketConfigs().getConfigsList()).extracting(BucketConfigRecord::getKind)
        .containsExactly("cors");
    // Deleting what is absent changes nothing, not even the generation.
    assertThat(h.ok(deleteConfig("b", "policy")).getBucket().getGeneration()).isEqualTo(g3);
    // Versioning changes are bucket changes too.
    long g4 = h.ok(MetaRequest.newBuilder().setPutBucketVersioning(PutBucketVersioning.newBuilder().setBucket("b")
        .setStatus(1).setMfaDelete(1))).getBucket().getGeneration();
    assertThat(g4).isGreaterThan(g3);
    assertThat(h.query(getConfigs("b")).getBucketConfigs().getBucket().getMfaDelete()).isTrue();
  }

  @Test
  void aConditionalChangeNamingAStaleGenerationIsRefusedAndChangesNothing() {
    CoreHarness h = new CoreHarness();
    h.ok(createBucket("o", "b"));
    long g = h.ok(putConfig("b", "replication", "r1", 0)).getBucket().getGeneration();
    h.ok(putConfig("b", "policy", "p", 0)); // a racing change
    assertThat(h.error(putConfig("b", "replication", "r2", g))).isEqualTo(MetadataError.OPERATION_ABORTED);
    assertThat(h.error(MetaRequest.newBuilder().setPutBucketVersioning(PutBucketVersioning.newBuilder().setBucket("b")
        .setStatus(2).setExpectedGeneration(g)))).isEqualTo(MetadataError.OPERATION_ABORTED);
    var configs = h.query(getConfigs("b")).getBucketConfigs();
    assertThat(configs.getConfigs(1).getBody().toStringUtf8()).isEqualTo("r1");
    assertThat(configs.getBucket().getVersioning()).isZero();
    long now = configs.getBucket().getGeneration();
    assertThat(h.ok(putConfig("b", "replication", "r2", now)).getBucket().getGeneration()).isGreaterThan(now);
  }

  @Test
  void aMissingBucketIsNoSuchBucketAndDeletingABucketDropsItsConfigs() {
    CoreHarness h = new CoreHarness();
    assertThat(h.error(putConfig("nope", "policy", "p", 0))).isEqualTo(MetadataError.NO_SUCH_BUCKET);
    assertThat(h.queryError(getConfigs("nope"))).isEqualTo(MetadataError.NO_SUCH_BUCKET);
    h.ok(createBucket("o", "b"));
    h.ok(putConfig("b", "policy", "p", 0));
    h.ok(deleteBucket("b"));
    h.ok(createBucket("o", "b"));
    assertThat(h.query(getConfigs("b")).getBucketConfigs().getConfigsList()).isEmpty();
  }

  @Test
  void objectSubresourcesLiveInTheVersionRecordCurrentAndHistory() {
    CoreHarness h = new CoreHarness();
    h.ok(createBucket("o", "b"));
    h.ok(MetaRequest.newBuilder().setPutBucketVersioning(PutBucketVersioning.newBuilder().setBucket("b").setStatus(1)));
    String v1 = h.ok(put("b", "k", "d1")).getPutObject().getCommitted().getVersionId();
    String v2 = h.ok(put("b", "k", "d2")).getPutObject().getCommitted().getVersionId();

    h.ok(setSub("b", "k", "", "tagging", "t-current"));
    h.ok(setSub("b", "k", v1, "tagging", "t-old"));
    h.ok(setSub("b", "k", v1, "acl", "a-old"));
    assertThat(object(h, "")).extracting(o -> o.getSubresources(0).getBody().toStringUtf8()).isEqualTo("t-current");
    assertThat(object(h, v2).getSubresourcesList()).hasSize(1);
    ObjectRecord old = object(h, v1);
    assertThat(old.getSubresourcesList()).extracting(s -> s.getKind()).containsExactly("acl", "tagging");
    assertThat(old.getSubresources(1).getBody().toStringUtf8()).isEqualTo("t-old");

    h.ok(setSub("b", "k", v1, "tagging", null));
    assertThat(object(h, v1).getSubresourcesList()).extracting(s -> s.getKind()).containsExactly("acl");

    assertThat(h.error(setSub("b", "k", "00000000000000ff", "tagging", "x"))).isEqualTo(MetadataError.NO_SUCH_VERSION);
    assertThat(h.error(setSub("b", "other", "", "tagging", "x"))).isEqualTo(MetadataError.NO_SUCH_KEY);
    String marker = h.ok(deleteObject("b", "k")).getDeleteObject().getVersionId();
    assertThat(h.error(setSub("b", "k", "", "tagging", "x"))).isEqualTo(MetadataError.METHOD_NOT_ALLOWED);
    assertThat(h.error(setSub("b", "k", marker, "tagging", "x"))).isEqualTo(MetadataError.METHOD_NOT_ALLOWED);
  }

  @Test
  void aPutKeepsTheSubresourcesAndOwnerItCarries() {
    CoreHarness h = new CoreHarness();
    h.ok(createBucket("o", "b"));
    MetaRequest.Builder p = put("b", "k", "d1");
    p.getPutObjectBuilder().getVersionBuilder().setOwnerAccountId("writer")
        .addSubresources(io.moraine.proto.meta.v1.ObjectSubresource.newBuilder().setKind("acl").setBody(ByteString.copyFromUtf8("a")));
    h.ok(p);
    ObjectRecord r = object(h, "");
    assertThat(r.getOwnerAccountId()).isEqualTo("writer");
    assertThat(r.getSubresources(0).getKind()).isEqualTo("acl");
    h.ok(put("b", "k2", "d2"));
    assertThat(h.query(MetaRequest.newBuilder().setGetObject(GetObject.newBuilder().setBucket("b").setKey("k2")))
        .getObject().getObject().getOwnerAccountId()).isEqualTo("o");
  }

  private static ObjectRecord object(CoreHarness h, String versionId) {
    return h.query(MetaRequest.newBuilder().setGetObject(GetObject.newBuilder().setBucket("b").setKey("k")
        .setVersionId(versionId))).getObject().getObject();
  }
}
