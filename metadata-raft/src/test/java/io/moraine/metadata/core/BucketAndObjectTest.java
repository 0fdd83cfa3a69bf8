package io.moraine.metadata.core;

import static io.moraine.metadata.api.MetadataError.ACCESS_KEY_ALREADY_EXISTS;
import static io.moraine.metadata.api.MetadataError.BUCKET_ALREADY_EXISTS;
import static io.moraine.metadata.api.MetadataError.BUCKET_ALREADY_OWNED_BY_YOU;
import static io.moraine.metadata.api.MetadataError.BUCKET_NOT_EMPTY;
import static io.moraine.metadata.api.MetadataError.NO_SUCH_BUCKET;
import static io.moraine.metadata.api.MetadataError.TOO_MANY_BUCKETS;
import static io.moraine.metadata.api.MetadataError.USER_ALREADY_EXISTS;
import static io.moraine.metadata.core.CoreHarness.createBucket;
import static io.moraine.metadata.core.CoreHarness.createUpload;
import static io.moraine.metadata.core.CoreHarness.deleteBucket;
import static io.moraine.metadata.core.CoreHarness.deleteObject;
import static io.moraine.metadata.core.CoreHarness.put;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moraine.proto.meta.v1.BucketRecord;
import io.moraine.proto.meta.v1.CreateAccount;
import io.moraine.proto.meta.v1.EnsureRootAccount;
import io.moraine.proto.meta.v1.FindCredential;
import io.moraine.proto.meta.v1.GetBucket;
import io.moraine.proto.meta.v1.GetObject;
import io.moraine.proto.meta.v1.ListBuckets;
import io.moraine.proto.meta.v1.MetaRequest;
import org.junit.jupiter.api.Test;

/** Bucket, object and account commands (S3 API reference: CreateBucket, DeleteBucket, PutObject, DeleteObject). */
class BucketAndObjectTest {
  final CoreHarness h = new CoreHarness();

  @Test
  void createBucketOutcomes() {
    assertThat(h.ok(createBucket("alice", "b1")).getBucket().getCreatedMillis()).isEqualTo(1000);
    // CreateBucket on a bucket you own → BucketAlreadyOwnedByYou; someone else's → BucketAlreadyExists.
    assertThat(h.error(createBucket("alice", "b1"))).isEqualTo(BUCKET_ALREADY_OWNED_BY_YOU);
    assertThat(h.error(createBucket("bob", "b1"))).isEqualTo(BUCKET_ALREADY_EXISTS);
    assertThat(h.apply(createBucket("alice", ""))).isInstanceOf(ApplyResult.Invalid.class);
  }

  @Test
  void bucketLimitComesFromTheLogEntry() {
    h.maxBuckets = 3;
    h.ok(createBucket("alice", "b1"));
    h.ok(createBucket("alice", "b2"));
    h.ok(createBucket("alice", "b3"));
    assertThat(h.error(createBucket("alice", "b4"))).isEqualTo(TOO_MANY_BUCKETS);
    h.ok(createBucket("bob", "b4")); // the limit is per account
    h.ok(deleteBucket("b2"));
    h.ok(createBucket("alice", "b5"));
    h.maxBuckets = 100;
    h.ok(createBucket("alice", "b6"));
  }

  @Test
  void listBucketsIsPerOwnerAndSortedByName() {
    for (String b : new String[] {"zeta", "alpha", "mid"}) {
      h.ok(createBucket("alice", b));
    }
    h.ok(createBucket("bob", "bobs"));
    var list = h.query(MetaRequest.newBuilder().setListBuckets(ListBuckets.newBuilder().setOwnerAccountId("alice")))
        .getBuckets().getBucketsList();
    assertThat(list).extracting(BucketRecord::getName).containsExactly("alpha", "mid", "zeta");
  }

  @Test
  void deleteBucketOutcomes() {
    assertThat(h.error(deleteBucket("nope"))).isEqualTo(NO_SUCH_BUCKET);
    h.ok(createBucket("alice", "b1"));
    h.ok(put("b1", "k", "d1"));
    assertThat(h.error(deleteBucket("b1"))).isEqualTo(BUCKET_NOT_EMPTY);
    h.ok(deleteObject("b1", "k"));
    h.ok(createUpload("b1", "k2", "u1"));
    assertThat(h.error(deleteBucket("b1"))).as("an in-progress upload keeps it non-empty").isEqualTo(BUCKET_NOT_EMPTY);
    h.ok(MetaRequest.newBuilder().setAbortMultipartUpload(
        io.moraine.proto.meta.v1.AbortMultipartUpload.newBuilder().setBucket("b1").setKey("k2").setUploadId("u1")));
    h.ok(deleteBucket("b1"));
    assertThat(h.core.query(MetaRequest.newBuilder().setFormatVersion(1)
        .setGetBucket(GetBucket.newBuilder().setBucket("b1")).build())).isInstanceOf(ApplyResult.Failed.class);
    h.ok(createBucket("bob", "b1")); // the name is free again
  }

  @Test
  void putOverwriteDelete() {
    assertThat(h.error(put("nope", "k", "d0"))).isEqualTo(NO_SUCH_BUCKET);
    h.ok(createBucket("alice", "b"));
    var first = h.ok(put("b", "k", "d1")).getPutObject();
    assertThat(first.hasReplaced()).isFalse();
    assertThat(first.getCommitted().getLastModifiedMillis()).isEqualTo(1000 * h.index);
    assertThat(first.getCommitted().getCommitIndex()).isEqualTo(h.index);
    assertThat(first.getCommitted().getOwnerAccountId()).isEqualTo("alice");
    var second = h.ok(put("b", "k", "d2")).getPutObject();
    assertThat(second.getReplaced()).isEqualTo(first.getCommitted());
    var got = h.query(MetaRequest.newBuilder().setGetObject(GetObject.newBuilder().setBucket("b").setKey("k"))).getObject();
    assertThat(got.getObject()).isEqualTo(second.getCommitted());
    var removed = h.ok(deleteObject("b", "k")).getDeleteObject();
    assertThat(removed.getRemoved()).isEqualTo(second.getCommitted());
    assertThat(h.ok(deleteObject("b", "k")).getDeleteObject().hasRemoved()).isFalse();
    assertThat(h.error(deleteObject("nope", "k"))).isEqualTo(NO_SUCH_BUCKET);
  }

  @Test
  void aRetriedPutDoesNotReportItsOwnDataAsReplaced() {
    h.ok(createBucket("alice", "b"));
    var first = h.ok(put("b", "k", "d1")).getPutObject();
    var again = h.ok(put("b", "k", "d1")).getPutObject();
    assertThat(again.hasReplaced()).isFalse();
    assertThat(again.getCommitted()).isEqualTo(first.getCommitted());
  }

  @Test
  void accounts() {
    var root = h.ok(MetaRequest.newBuilder().setEnsureRootAccount(EnsureRootAccount.newBuilder().setAccessKeyId("AK").setSecretKey("SK"))).getAccount();
    var again = h.ok(MetaRequest.newBuilder().setEnsureRootAccount(EnsureRootAccount.newBuilder().setAccessKeyId("AK").setSecretKey("SK"))).getAccount();
    assertThat(again).isEqualTo(root);
    assertThat(root.getAccountId()).hasSize(64).isEqualTo(MetadataCore.accountIdFor("root"));
    var cred = h.query(MetaRequest.newBuilder().setFindCredential(FindCredential.newBuilder().setAccessKeyId("AK"))).getCredential();
    assertThat(cred.getFound()).isTrue();
    assertThat(cred.getAccountId()).isEqualTo(root.getAccountId());
    assertThat(cred.getSecretKey()).isEqualTo("SK");

    var alice = h.ok(MetaRequest.newBuilder().setCreateAccount(CreateAccount.newBuilder().setUserName("alice").setAccessKeyId("AK2").setSecretKey("S2"))).getAccount();
    assertThat(alice.getUserName()).isEqualTo("alice");
    assertThat(h.error(MetaRequest.newBuilder().setCreateAccount(CreateAccount.newBuilder().setUserName("alice").setAccessKeyId("AK3").setSecretKey("S3"))))
        .isEqualTo(USER_ALREADY_EXISTS);
    assertThat(h.error(MetaRequest.newBuilder().setCreateAccount(CreateAccount.newBuilder().setUserName("carol").setAccessKeyId("AK2").setSecretKey("S3"))))
        .isEqualTo(ACCESS_KEY_ALREADY_EXISTS);
    assertThat(h.error(MetaRequest.newBuilder().setEnsureRootAccount(EnsureRootAccount.newBuilder().setAccessKeyId("AK2").setSecretKey("x"))))
        .isEqualTo(ACCESS_KEY_ALREADY_EXISTS);
    assertThat(h.query(MetaRequest.newBuilder().setFindCredential(FindCredential.newBuilder().setAccessKeyId("nope"))).getCredential().getFound()).isFalse();
  }

  @Test
  void replayedEntriesAreSkipped() {
    h.ok(createBucket("alice", "b"));
    long applied = h.store.applied().index();
    ApplyResult replay = h.core.apply(1, applied, new Command(5, 100, createBucket("alice", "c").setFormatVersion(1).build()));
    assertThat(replay).isInstanceOf(ApplyResult.Invalid.class);
    assertThat(h.store.get(Keys.bucket("c"))).isNull();
  }

  @Test
  void unknownRecordVersionsAreRejectedLoudly() {
    byte[] stored = Records.encode(BucketRecord.newBuilder().setName("b").build());
    stored[0] = 2;
    assertThatThrownBy(() -> Records.decode(stored, BucketRecord.parser()))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("version 2");
    byte[] entry = new Command(1, 1, MetaRequest.getDefaultInstance()).encode();
    assertThat(Command.decode(entry).leaderTimeMillis()).isEqualTo(1);
    byte[] v2 = io.moraine.proto.meta.v1.MetaLogEntry.newBuilder().setFormatVersion(2).build().toByteArray();
    assertThatThrownBy(() -> Command.decode(v2)).isInstanceOf(IllegalStateException.class).hasMessageContaining("version 2");
  }
}
