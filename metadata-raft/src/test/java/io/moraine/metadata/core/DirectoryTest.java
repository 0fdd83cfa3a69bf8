package io.moraine.metadata.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.moraine.metadata.api.MetadataError;
import io.moraine.proto.meta.v1.BucketDirReply;
import io.moraine.proto.meta.v1.LookupBucketName;
import io.moraine.proto.meta.v1.MetaRequest;
import io.moraine.proto.meta.v1.ReleaseBucketName;
import io.moraine.proto.meta.v1.ReserveBucketName;
import org.junit.jupiter.api.Test;

/** The multi-raft bucket directory (group g1): reserve, release, lookup. */
class DirectoryTest {

  static MetaRequest.Builder reserve(String owner, String bucket) {
    return MetaRequest.newBuilder().setReserveBucketName(ReserveBucketName.newBuilder().setOwnerAccountId(owner).setBucket(bucket));
  }

  static MetaRequest.Builder release(String bucket, int group) {
    return MetaRequest.newBuilder().setReleaseBucketName(ReleaseBucketName.newBuilder().setBucket(bucket).setGroup(group));
  }

  static BucketDirReply lookup(CoreHarness h, String bucket) {
    var r = h.core.query(MetaRequest.newBuilder().setFormatVersion(1)
        .setLookupBucketName(LookupBucketName.newBuilder().setBucket(bucket)).build());
    return ((ApplyResult.Ok) r).reply().getBucketDir();
  }

  @Test
  void namesGoToTheGroupWithFewestAndAreUniqueAcrossGroups() {
    CoreHarness h = new CoreHarness();
    h.metaGroups = 3;
    assertThat(h.ok(reserve("o", "a")).getBucketDir().getRecord().getGroup()).isEqualTo(1);
    assertThat(h.ok(reserve("o", "b")).getBucketDir().getRecord().getGroup()).isEqualTo(2);
    assertThat(h.ok(reserve("p", "c")).getBucketDir().getRecord().getGroup()).isEqualTo(3);
    assertThat(h.ok(reserve("o", "d")).getBucketDir().getRecord().getGroup()).isEqualTo(1);
    // The owner gets its reservation back (to complete a half-done create); others are refused.
    var again = h.ok(reserve("o", "b")).getBucketDir();
    assertThat(again.getCreated()).isFalse();
    assertThat(again.getRecord().getGroup()).isEqualTo(2);
    assertThat(h.error(reserve("p", "b"))).isEqualTo(MetadataError.BUCKET_ALREADY_EXISTS);
    // Release names its group: a stale release is a no-op.
    h.ok(release("b", 3));
    assertThat(lookup(h, "b").getRecord().getGroup()).isEqualTo(2);
    h.ok(release("b", 2));
    assertThat(lookup(h, "b").hasRecord()).isFalse();
    // Group 2 is the emptiest again.
    assertThat(h.ok(reserve("p", "b")).getBucketDir().getRecord().getGroup()).isEqualTo(2);
  }

  @Test
  void thePerAccountLimitCountsNamesInEveryGroup() {
    CoreHarness h = new CoreHarness();
    h.metaGroups = 2;
    h.maxBuckets = 3;
    for (String b : new String[] {"a", "b", "c"}) {
      h.ok(reserve("o", b));
    }
    assertThat(h.error(reserve("o", "d"))).isEqualTo(MetadataError.TOO_MANY_BUCKETS);
    h.ok(reserve("p", "d"));
    h.ok(release("a", 1));
    h.ok(reserve("o", "e"));
  }
}
