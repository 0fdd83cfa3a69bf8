package io.moraine.metadata.core;

import static io.moraine.metadata.api.MetadataError.NO_SUCH_BUCKET;
import static io.moraine.metadata.core.CoreHarness.createBucket;
import static io.moraine.metadata.core.CoreHarness.deleteObject;
import static io.moraine.metadata.core.CoreHarness.put;
import static org.assertj.core.api.Assertions.assertThat;

import io.moraine.proto.meta.v1.GetObject;
import io.moraine.proto.meta.v1.MetaRequest;
import io.moraine.proto.meta.v1.RelocateShard;
import io.moraine.proto.meta.v1.SegmentRecord;
import org.junit.jupiter.api.Test;

/** Repair's commit: applied only while the manifest still names the expected node (issue 5). */
class RelocateShardTest {
  final CoreHarness h = new CoreHarness();

  static MetaRequest.Builder relocate(String key, String dataId, int index, String expected, String to, boolean misplaced) {
    return MetaRequest.newBuilder().setRelocateShard(RelocateShard.newBuilder().setBucket("b").setKey(key)
        .setDataId(dataId).setShardIndex(index).setExpectedNode(expected).setNewNode(to).setMisplaced(misplaced));
  }

  SegmentRecord segment(String key) {
    return h.query(MetaRequest.newBuilder().setGetObject(GetObject.newBuilder().setBucket("b").setKey(key)))
        .getObject().getObject().getLayout().getSegments().getSegments(0);
  }

  @Test
  void movesOneShardAndKeepsTheRest() {
    h.ok(createBucket("alice", "b"));
    h.ok(put("b", "k", "d1"));
    long commitIndex = h.query(MetaRequest.newBuilder().setGetObject(GetObject.newBuilder().setBucket("b").setKey("k")))
        .getObject().getObject().getCommitIndex();
    assertThat(h.ok(relocate("k", "d1", 2, "n3", "n9", true)).getRelocateShard().getApplied()).isTrue();
    assertThat(segment("k").getShardNodesList()).containsExactly("n1", "n2", "n9", "n4", "n5", "n6");
    assertThat(segment("k").getMisplacedList()).containsExactly(false, false, true, false, false, false);
    assertThat(h.query(MetaRequest.newBuilder().setGetObject(GetObject.newBuilder().setBucket("b").setKey("k")))
        .getObject().getObject().getCommitIndex()).as("a move is not a new version").isEqualTo(commitIndex);
    // Moving it home clears the flag.
    assertThat(h.ok(relocate("k", "d1", 2, "n9", "n3", false)).getRelocateShard().getApplied()).isTrue();
    assertThat(segment("k").getMisplacedList()).containsOnly(false);
  }

  @Test
  void aMoveKeepsTheSegmentsRecordedRule_zoneAndMaxShardsPerAz() {
    h.ok(createBucket("alice", "b"));
    MetaRequest.Builder put = put("b", "oz", "d1");
    var layout = put.getPutObject().getVersion().getLayout().toBuilder();
    layout.getSegmentsBuilder().setSegments(0,
        layout.getSegments().getSegments(0).toBuilder().setZone("az2").setMaxShardsPerAz(6));
    put.getPutObjectBuilder().getVersionBuilder().setStorageClass("ONEZONE_IA").setLayout(layout);
    h.ok(put);
    assertThat(h.ok(relocate("oz", "d1", 1, "n2", "n7", true)).getRelocateShard().getApplied()).isTrue();
    SegmentRecord moved = segment("oz");
    assertThat(moved.getShardNodes(1)).isEqualTo("n7");
    assertThat(moved.getZone()).isEqualTo("az2");
    assertThat(moved.getMaxShardsPerAz()).isEqualTo(6);
    // Through the client's codec: a segment without the fields (written before them) is spread, cap m.
    io.moraine.metadata.api.Segment decoded = io.moraine.metadata.client.Codec.segment(moved);
    assertThat(decoded.oneZone()).isTrue();
    assertThat(decoded.shardsPerNodeMax()).isEqualTo(1);
    assertThat(io.moraine.metadata.client.Codec.segment(decoded)).isEqualTo(moved);
    io.moraine.metadata.api.Segment old = io.moraine.metadata.client.Codec.segment(
        moved.toBuilder().clearZone().clearMaxShardsPerAz().build());
    assertThat(old.oneZone()).isFalse();
    assertThat(old.shardsPerAzMax()).isEqualTo(old.parityShards());
    assertThat(old.shardsPerNodeMax()).isEqualTo(old.parityShards());
  }

  @Test
  void aStaleExpectationOrAReplacedVersionIsANoOp() {
    h.ok(createBucket("alice", "b"));
    h.ok(put("b", "k", "d1"));
    assertThat(h.ok(relocate("k", "d1", 0, "n2", "n9", false)).getRelocateShard().getApplied()).isFalse();
    assertThat(h.ok(relocate("k", "d1", 9, "n1", "n9", false)).getRelocateShard().getApplied()).isFalse();
    h.ok(put("b", "k", "d2")); // a concurrent overwrite wins
    assertThat(h.ok(relocate("k", "d1", 0, "n1", "n9", false)).getRelocateShard().getApplied()).isFalse();
    assertThat(segment("k").getShardNodes(0)).isEqualTo("n1");
    h.ok(deleteObject("b", "k"));
    assertThat(h.ok(relocate("k", "d2", 0, "n1", "n9", false)).getRelocateShard().getApplied()).isFalse();
    assertThat(h.error(MetaRequest.newBuilder().setRelocateShard(RelocateShard.newBuilder().setBucket("nope")
        .setKey("k").setDataId("d").setExpectedNode("a").setNewNode("b")))).isEqualTo(NO_SUCH_BUCKET);
    assertThat(h.apply(relocate("k", "d2", 0, "n1", "", false))).isInstanceOf(ApplyResult.Invalid.class);
  }
}
