package io.moraine.metadata.core;

import static io.moraine.metadata.core.CoreHarness.createBucket;
import static io.moraine.metadata.core.CoreHarness.deleteBucket;
import static io.moraine.metadata.core.CoreHarness.deleteObject;
import static io.moraine.metadata.core.CoreHarness.put;
import static org.assertj.core.api.Assertions.assertThat;

import io.moraine.proto.meta.v1.MetaBatch;
import io.moraine.proto.meta.v1.MetaReply;
import io.moraine.proto.meta.v1.MetaRequest;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A group-committed entry: commands apply in order, see each other, and commit together. */
class BatchTest {
  final CoreHarness h = new CoreHarness();

  static MetaRequest.Builder batch(MetaRequest.Builder... requests) {
    MetaBatch.Builder b = MetaBatch.newBuilder();
    for (MetaRequest.Builder r : requests) {
      b.addRequests(r.setFormatVersion(1));
    }
    return MetaRequest.newBuilder().setBatch(b);
  }

  @Test
  void commandsSeeEarlierCommandsOfTheSameEntry() {
    List<MetaReply> replies = h.ok(batch(
        createBucket("o", "b"),
        put("b", "k", "d1"),
        put("b", "k", "d2"),
        createBucket("o", "b"),
        deleteBucket("b"),
        deleteObject("b", "k"),
        deleteBucket("b"),
        put("b", "k", "d3"))).getBatch().getRepliesList();
    assertThat(replies).hasSize(8);
    assertThat(replies.get(0).hasBucket()).isTrue();
    assertThat(replies.get(1).getPutObject().hasReplaced()).isFalse();
    assertThat(replies.get(2).getPutObject().getReplaced().getLayout().getSegments().getSegments(0).getDataId()).isEqualTo("d1");
    assertThat(replies.get(3).getError().getCode()).isEqualTo("BUCKET_ALREADY_OWNED_BY_YOU");
    assertThat(replies.get(4).getError().getCode()).isEqualTo("BUCKET_NOT_EMPTY");
    assertThat(replies.get(5).getDeleteObject().getRemoved().getLayout().getSegments().getSegments(0).getDataId()).isEqualTo("d2");
    assertThat(replies.get(6).hasEmpty()).isTrue();
    assertThat(replies.get(7).getError().getCode()).isEqualTo("NO_SUCH_BUCKET");
    assertThat(h.store.get(Keys.bucket("b"))).isNull();
    assertThat(h.store.applied().index()).isEqualTo(h.index);
  }

  @Test
  void nestedBatchesAndQueriesAreRejectedInTheirSlot() {
    List<MetaReply> replies = h.ok(batch(
        createBucket("o", "b"),
        batch(put("b", "k", "d1")),
        CoreHarness.list("b", "", "", "", 10),
        put("b", "k2", "d2"))).getBatch().getRepliesList();
    assertThat(replies.get(1).getError().getCode()).isEqualTo(ApplyResult.INVALID_REQUEST);
    assertThat(replies.get(2).getError().getCode()).isEqualTo(ApplyResult.INVALID_REQUEST);
    assertThat(replies.get(3).hasPutObject()).isTrue();
    assertThat(h.listPage("b", "", "", "", 10).getContentsCount()).isEqualTo(1);
  }
}
