package io.moraine.metadata.core;

import static io.moraine.metadata.api.MetadataError.NO_SUCH_BUCKET;
import static io.moraine.metadata.core.CoreHarness.createBucket;
import static io.moraine.metadata.core.CoreHarness.put;
import static io.moraine.metadata.core.CoreHarness.segments;
import static org.assertj.core.api.Assertions.assertThat;

import io.moraine.metadata.core.tiering.Tiering;
import io.moraine.proto.meta.v1.AccessEntry;
import io.moraine.proto.meta.v1.GetObject;
import io.moraine.proto.meta.v1.MetaRequest;
import io.moraine.proto.meta.v1.ObjectRecord;
import io.moraine.proto.meta.v1.PutBucketVersioning;
import io.moraine.proto.meta.v1.RecordAccess;
import io.moraine.proto.meta.v1.TierObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Intelligent-Tiering in the core (core.tiering.Tiering): batched access records and the tiering
 * pass's conditional moves, on the harness's leader clock (1 s per log index) with the access and
 * tiering times the gateway would send.
 */
class TieringCoreTest {
  final CoreHarness h = new CoreHarness();

  static MetaRequest.Builder putIt(String key, String dataId) {
    MetaRequest.Builder p = put("b", key, dataId);
    p.getPutObjectBuilder().getVersionBuilder().setStorageClass("INTELLIGENT_TIERING");
    return p;
  }

  ObjectRecord current(String key) {
    return h.query(MetaRequest.newBuilder().setGetObject(GetObject.newBuilder().setBucket("b").setKey(key)))
        .getObject().getObject();
  }

  ObjectRecord version(String key, String versionId) {
    return h.query(MetaRequest.newBuilder().setGetObject(GetObject.newBuilder().setBucket("b").setKey(key)
        .setVersionId(versionId))).getObject().getObject();
  }

  static AccessEntry access(String bucket, String key, String versionId, long millis) {
    return AccessEntry.newBuilder().setBucket(bucket).setKey(key).setVersionId(versionId).setAccessMillis(millis).build();
  }

  static MetaRequest.Builder record(AccessEntry... entries) {
    return MetaRequest.newBuilder().setRecordAccess(RecordAccess.newBuilder().addAllEntries(List.of(entries)));
  }

  static MetaRequest.Builder tier(String key, ObjectRecord seen, String tier) {
    return MetaRequest.newBuilder().setTierObject(TierObject.newBuilder().setBucket("b").setKey(key)
        .setVersionId(seen.getVersionId()).setExpectedLastAccessMillis(Tiering.effectiveLastAccess(seen))
        .addAllExpectedDataIds(io.moraine.metadata.core.lifecycle.Transitions.dataIds(seen.getLayout()))
        .setAccessTier(tier).setTieredMillis(999_000));
  }

  @Test
  void aNewObjectIsFrequentAndItsWriteCountsAsTheLastAccess() {
    h.ok(createBucket("alice", "b"));
    h.ok(putIt("k", "d1"));
    ObjectRecord r = current("k");
    assertThat(Tiering.tier(r)).isEqualTo(Tiering.FREQUENT);
    assertThat(r.getLastAccessMillis()).isZero();
    assertThat(Tiering.effectiveLastAccess(r)).isEqualTo(r.getLastModifiedMillis());
  }

  @Test
  void movesDownTheTiersAndAReadBringsItBackToFrequent() {
    h.ok(createBucket("alice", "b"));
    h.ok(putIt("k", "d1"));
    ObjectRecord seen = current("k");
    assertThat(h.ok(tier("k", seen, Tiering.INFREQUENT)).getTierObject().getApplied()).isTrue();
    ObjectRecord infrequent = current("k");
    assertThat(infrequent.getAccessTier()).isEqualTo(Tiering.INFREQUENT);
    assertThat(infrequent.getLayout()).as("no re-encode for the instant tiers").isEqualTo(seen.getLayout());
    assertThat(h.ok(tier("k", infrequent, Tiering.ARCHIVE_INSTANT)).getTierObject().getApplied()).isTrue();
    assertThat(current("k").getAccessTier()).isEqualTo(Tiering.ARCHIVE_INSTANT);

    h.ok(record(access("b", "k", "null", 500_000)));
    ObjectRecord read = current("k");
    assertThat(Tiering.tier(read)).isEqualTo(Tiering.FREQUENT);
    assertThat(read.getLastAccessMillis()).isEqualTo(500_000);
    // An older access (another gateway's late flush) never moves the time back.
    h.ok(record(access("b", "k", "null", 400_000)));
    assertThat(current("k").getLastAccessMillis()).isEqualTo(500_000);
  }

  @Test
  void aReadOrAnOverwriteBetweenTheEvaluationAndTheCommitWins() {
    h.ok(createBucket("alice", "b"));
    h.ok(putIt("k", "d1"));
    ObjectRecord seen = current("k");
    h.ok(record(access("b", "k", "null", 77_000))); // read after the pass listed it
    assertThat(h.ok(tier("k", seen, Tiering.INFREQUENT)).getTierObject().getApplied()).isFalse();
    assertThat(Tiering.tier(current("k"))).isEqualTo(Tiering.FREQUENT);

    ObjectRecord seen2 = current("k");
    h.ok(putIt("k", "d2")); // overwrite
    assertThat(h.ok(tier("k", seen2, Tiering.INFREQUENT)).getTierObject().getApplied()).isFalse();
    assertThat(current("k").getLayout().getSegments().getSegments(0).getDataId()).isEqualTo("d2");
  }

  @Test
  void archiveTiersReplaceTheLayoutIgnoreReadsAndARestoreBringsThemBack() {
    h.ok(createBucket("alice", "b"));
    h.ok(putIt("k", "d1"));
    ObjectRecord seen = current("k");
    var reply = h.ok(tier("k", seen, Tiering.ARCHIVE_ACCESS).setTierObject(tier("k", seen, Tiering.ARCHIVE_ACCESS)
        .getTierObjectBuilder().setLayout(segments("g1")))).getTierObject();
    assertThat(reply.getApplied()).isTrue();
    assertThat(reply.getPreviousLayout()).isEqualTo(seen.getLayout());
    ObjectRecord archived = current("k");
    assertThat(archived.getAccessTier()).isEqualTo(Tiering.ARCHIVE_ACCESS);
    assertThat(archived.getStorageClass()).as("the class stays").isEqualTo("INTELLIGENT_TIERING");
    assertThat(archived.getLayout().getSegments().getSegments(0).getDataId()).isEqualTo("g1");

    h.ok(record(access("b", "k", "null", 600_000)));
    assertThat(current("k").getAccessTier()).as("a refused GET is no way out of an archive tier")
        .isEqualTo(Tiering.ARCHIVE_ACCESS);

    ObjectRecord again = current("k");
    assertThat(h.ok(tier("k", again, Tiering.FREQUENT).setTierObject(tier("k", again, Tiering.FREQUENT)
        .getTierObjectBuilder().setLayout(segments("it2")))).getTierObject().getApplied()).isTrue();
    ObjectRecord back = current("k");
    assertThat(Tiering.tier(back)).isEqualTo(Tiering.FREQUENT);
    assertThat(back.getLayout().getSegments().getSegments(0).getDataId()).isEqualTo("it2");
    assertThat(back.getLastAccessMillis()).isEqualTo(999_000);
    assertThat(back.hasRestore()).isFalse();
  }

  @Test
  void batchesSkipWhatIsNotIntelligentTieringAndHandleNoncurrentVersionsAndDuplicates() {
    h.ok(createBucket("alice", "b"));
    h.ok(MetaRequest.newBuilder().setPutBucketVersioning(PutBucketVersioning.newBuilder().setBucket("b")
        .setStatus(1))); // Enabled
    h.ok(putIt("k", "d1"));
    String v1 = current("k").getVersionId();
    h.ok(putIt("k", "d2"));
    String v2 = current("k").getVersionId();
    h.ok(put("b", "std", "d3"));
    ObjectRecord old = version("k", v1);
    h.ok(tier("k", old, Tiering.INFREQUENT));
    h.ok(record(access("b", "k", v1, 100_000), access("b", "k", v1, 300_000), access("b", "k", v1, 200_000),
        access("b", "std", "null", 300_000), access("gone", "k", "null", 300_000), access("b", "missing", "null", 1),
        access("b", "k", "bogus", 1)));
    assertThat(version("k", v1).getLastAccessMillis()).isEqualTo(300_000);
    assertThat(Tiering.tier(version("k", v1))).isEqualTo(Tiering.FREQUENT);
    assertThat(version("k", v2).getLastAccessMillis()).as("the other version untouched").isZero();
    assertThat(current("std").getLastAccessMillis()).as("STANDARD objects are not tracked").isZero();
  }

  @Test
  void aLifecycleTransitionOutOfIntelligentTieringDropsItsTierState() {
    h.ok(createBucket("alice", "b"));
    h.ok(putIt("k", "d1"));
    ObjectRecord seen = current("k");
    h.ok(tier("k", seen, Tiering.INFREQUENT));
    h.ok(record(access("b", "k", "null", 500_000)));
    h.ok(MetaRequest.newBuilder().setTransitionObject(io.moraine.proto.meta.v1.TransitionObject.newBuilder()
        .setBucket("b").setKey("k").setVersionId("null").addExpectedDataIds("d1").setStorageClass("GLACIER")
        .setLayout(segments("g")).setTransitionedMillis(1).setRuleId("r")));
    ObjectRecord moved = current("k");
    assertThat(moved.getStorageClass()).isEqualTo("GLACIER");
    assertThat(moved.getAccessTier()).isEmpty();
    assertThat(moved.getLastAccessMillis()).isZero();
  }

  @Test
  void invalidAndMissingBucket() {
    h.ok(createBucket("alice", "b"));
    h.ok(putIt("k", "d1"));
    ObjectRecord seen = current("k");
    assertThat(h.apply(tier("k", seen, "WARM"))).isInstanceOf(ApplyResult.Invalid.class);
    assertThat(h.error(tier("k", seen, Tiering.INFREQUENT).setTierObject(tier("k", seen, Tiering.INFREQUENT)
        .getTierObjectBuilder().setBucket("nope")))).isEqualTo(NO_SUCH_BUCKET);
    RecordAccess.Builder big = RecordAccess.newBuilder();
    for (int i = 0; i <= Tiering.MAX_ENTRIES; i++) {
      big.addEntries(access("b", "k", "null", i + 1));
    }
    assertThat(h.apply(MetaRequest.newBuilder().setRecordAccess(big))).isInstanceOf(ApplyResult.Invalid.class);
  }
}
