package io.moraine.metadata.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.moraine.metadata.api.MetadataError;
import io.moraine.proto.meta.v1.CompleteRestore;
import io.moraine.proto.meta.v1.ExpireRestore;
import io.moraine.proto.meta.v1.GetObject;
import io.moraine.proto.meta.v1.ListRestoreJobs;
import io.moraine.proto.meta.v1.MetaRequest;
import io.moraine.proto.meta.v1.ObjectRecord;
import io.moraine.proto.meta.v1.PutBucketVersioning;
import io.moraine.proto.meta.v1.RestoreJob;
import io.moraine.proto.meta.v1.RestoreReply;
import io.moraine.proto.meta.v1.StartRestore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The restore state machine in the pure core (S3 API reference, RestoreObject: 202 when a restore
 * starts, 409 RestoreAlreadyInProgress while one runs, 200 when a restored copy's expiry is
 * extended; the expiry is Days after, rounded up to the next day boundary). Leader time is
 * 1000 ms per log index; days are 10 s long here, so the rounding shows.
 */
class RestoreCoreTest {
  private static final long DAY = 10_000;
  private final CoreHarness h = new CoreHarness();

  @BeforeEach
  void bucket() {
    h.ok(CoreHarness.createBucket("owner", "b"));
  }

  private static MetaRequest.Builder putClass(String key, String dataId, String storageClass) {
    MetaRequest.Builder r = CoreHarness.put("b", key, dataId);
    r.getPutObjectBuilder().getVersionBuilder().setStorageClass(storageClass);
    return r;
  }

  private static MetaRequest.Builder start(String key, String versionId, int days, String tier, long delay) {
    return MetaRequest.newBuilder().setStartRestore(StartRestore.newBuilder().setBucket("b").setKey(key)
        .setVersionId(versionId).setDays(days).setTier(tier).setDelayMillis(delay).setDayMillis(DAY));
  }

  private static MetaRequest.Builder complete(RestoreJob job, String copyId) {
    return MetaRequest.newBuilder().setCompleteRestore(CompleteRestore.newBuilder().setBucket(job.getBucket())
        .setKey(job.getKey()).setVersionId(job.getVersionId()).setVersionSeq(job.getVersionSeq())
        .setCopy(CoreHarness.segments(copyId)));
  }

  private static MetaRequest.Builder expire(RestoreJob job) {
    return MetaRequest.newBuilder().setExpireRestore(ExpireRestore.newBuilder().setBucket(job.getBucket())
        .setKey(job.getKey()).setVersionId(job.getVersionId()).setVersionSeq(job.getVersionSeq()));
  }

  private RestoreReply jobs(long dueBefore) {
    return h.query(MetaRequest.newBuilder().setListRestoreJobs(ListRestoreJobs.newBuilder().setDueBeforeMillis(dueBefore)))
        .getRestore();
  }

  private ObjectRecord current(String key) {
    return h.query(MetaRequest.newBuilder().setGetObject(GetObject.newBuilder().setBucket("b").setKey(key)))
        .getObject().getObject();
  }

  private long now() {
    return 1000 * h.index; // the leader time of the last applied entry
  }

  @Test
  void startRecordsAnOngoingRestoreDueAfterTheDelayAndIndexesIt() {
    h.ok(putClass("k", "d1", "GLACIER"));
    RestoreReply r = h.ok(start("k", "", 2, "Standard", 5_000)).getRestore();
    long requested = now();
    assertThat(r.getApplied()).isTrue();
    assertThat(r.getObject().getRestore().getOngoing()).isTrue();
    assertThat(r.getObject().getRestore().getReadyMillis()).isEqualTo(requested + 5_000);
    assertThat(current("k").getRestore().getTier()).isEqualTo("Standard");
    assertThat(current("k").getStorageClass()).isEqualTo("GLACIER");

    assertThat(jobs(requested + 4_999).getJobsList()).isEmpty();
    RestoreReply due = jobs(requested + 5_000);
    assertThat(due.getJobsList()).hasSize(1);
    assertThat(due.getJobs(0).getOngoing()).isTrue();
    assertThat(due.getJobs(0).getKey()).isEqualTo("k");
    assertThat(due.getOngoingCount()).isEqualTo(1);
    assertThat(due.getRestoredCount()).isZero();
  }

  @Test
  void aSecondRequestWhileOngoingIsRestoreAlreadyInProgress() {
    h.ok(putClass("k", "d1", "DEEP_ARCHIVE"));
    h.ok(start("k", "", 1, "Bulk", 5_000));
    assertThat(h.error(start("k", "", 3, "Standard", 1_000))).isEqualTo(MetadataError.RESTORE_ALREADY_IN_PROGRESS);
    assertThat(current("k").getRestore().getDays()).isEqualTo(1);
  }

  @Test
  void nonArchivedClassesAndMissingObjectsAreRefused() {
    h.ok(putClass("std", "d1", "STANDARD"));
    h.ok(putClass("ir", "d2", "GLACIER_IR"));
    assertThat(h.error(start("std", "", 1, "Standard", 0))).isEqualTo(MetadataError.INVALID_OBJECT_STATE);
    assertThat(h.error(start("ir", "", 1, "Standard", 0))).isEqualTo(MetadataError.INVALID_OBJECT_STATE);
    assertThat(h.error(start("nope", "", 1, "Standard", 0))).isEqualTo(MetadataError.NO_SUCH_KEY);
    assertThat(h.error(start("std", "0000000000010000", 1, "Standard", 0))).isEqualTo(MetadataError.NO_SUCH_VERSION);
    assertThat(h.apply(start("std", "", 0, "Standard", 0))).isInstanceOf(ApplyResult.Invalid.class);
    assertThat(jobs(0).getJobsList()).isEmpty();
  }

  @Test
  void completeMakesTheCopyReadableUntilDaysAfterRoundedUpThenExpireRemovesIt() {
    h.ok(putClass("k", "d1", "GLACIER"));
    h.ok(start("k", "", 2, "Expedited", 0));
    RestoreJob job = jobs(0).getJobs(0);
    h.index = 12; // leader time of the next entry: 13_000
    RestoreReply done = h.ok(complete(job, "copy1")).getRestore();
    assertThat(done.getApplied()).isTrue();
    // 13 s + 2 days of 10 s = 33 s, rounded up to the next day boundary: 40 s
    assertThat(done.getObject().getRestore().getExpiryMillis()).isEqualTo(40_000);
    assertThat(current("k").getRestore().getOngoing()).isFalse();
    assertThat(current("k").getRestore().getCopy().getSegments().getSegments(0).getDataId()).isEqualTo("copy1");
    RestoreReply index = jobs(0);
    assertThat(index.getJobs(0).getOngoing()).isFalse();
    assertThat(index.getJobs(0).getDueMillis()).isEqualTo(40_000);
    assertThat(index.getRestoredCount()).isEqualTo(1);
    assertThat(index.getOngoingCount()).isZero();

    // A second complete (a retry, another leader) changes nothing.
    assertThat(h.ok(complete(job, "copy2")).getRestore().getApplied()).isFalse();
    assertThat(current("k").getRestore().getCopy().getSegments().getSegments(0).getDataId()).isEqualTo("copy1");

    h.index = 38; // 39 s: not expired yet
    assertThat(h.ok(expire(job)).getRestore().getApplied()).isFalse();
    h.index = 39; // 40 s: expired
    RestoreReply gone = h.ok(expire(job)).getRestore();
    assertThat(gone.getApplied()).isTrue();
    assertThat(gone.getObject().getRestore().getCopy().getSegments().getSegments(0).getDataId()).isEqualTo("copy1");
    assertThat(current("k").hasRestore()).isFalse();
    assertThat(jobs(0).getJobsList()).isEmpty();
    // Archived again: a new restore may start.
    assertThat(h.ok(start("k", "", 1, "Standard", 0)).getRestore().getApplied()).isTrue();
  }

  @Test
  void aRequestOnARestoredCopyExtendsItsExpiryFromNowAndAnExpiryBeforeTheExtensionDoesNothing() {
    h.ok(putClass("k", "d1", "GLACIER"));
    h.ok(start("k", "", 1, "Standard", 0));
    RestoreJob job = jobs(0).getJobs(0);
    h.ok(complete(job, "copy1")); // at 3 s: expiry 3 + 10 → 20 s
    assertThat(current("k").getRestore().getExpiryMillis()).isEqualTo(20_000);
    h.index = 17; // 18 s
    RestoreReply extended = h.ok(start("k", "", 3, "Bulk", 999_999)).getRestore();
    assertThat(extended.getApplied()).isFalse(); // 200, not 202
    // 18 s + 3 days = 48 s, rounded up: 50 s
    assertThat(extended.getObject().getRestore().getExpiryMillis()).isEqualTo(50_000);
    assertThat(extended.getObject().getRestore().getOngoing()).isFalse();
    assertThat(jobs(0).getJobs(0).getDueMillis()).isEqualTo(50_000);
    h.index = 25; // 26 s: past the old expiry, before the new one
    assertThat(h.ok(expire(job)).getRestore().getApplied()).isFalse();
    assertThat(current("k").getRestore().getCopy().getSegments().getSegments(0).getDataId()).isEqualTo("copy1");
  }

  @Test
  void aRestoreOfAnOverwrittenVersionAppliesNothingAndDropsItsIndexRow() {
    h.ok(putClass("k", "d1", "GLACIER"));
    h.ok(start("k", "", 1, "Standard", 0));
    RestoreJob job = jobs(0).getJobs(0);
    h.ok(putClass("k", "d2", "GLACIER")); // the null version replaced
    assertThat(h.ok(complete(job, "copy1")).getRestore().getApplied()).isFalse();
    assertThat(current("k").hasRestore()).isFalse();
    assertThat(current("k").getLayout().getSegments().getSegments(0).getDataId()).isEqualTo("d2");
    assertThat(jobs(0).getJobsList()).isEmpty();
  }

  @Test
  void aNoncurrentVersionIsRestoredByVersionIdAndTheCurrentOneIsUntouched() {
    h.ok(MetaRequest.newBuilder().setPutBucketVersioning(PutBucketVersioning.newBuilder().setBucket("b").setStatus(1)));
    String v1 = h.ok(putClass("k", "d1", "GLACIER")).getPutObject().getCommitted().getVersionId();
    h.ok(putClass("k", "d2", "GLACIER"));
    h.ok(start("k", v1, 1, "Standard", 0));
    RestoreJob job = jobs(0).getJobs(0);
    assertThat(job.getVersionId()).isEqualTo(v1);
    assertThat(h.ok(complete(job, "copy1")).getRestore().getApplied()).isTrue();
    assertThat(current("k").hasRestore()).isFalse();
    ObjectRecord old = h.query(MetaRequest.newBuilder().setGetObject(GetObject.newBuilder().setBucket("b").setKey("k")
        .setVersionId(v1))).getObject().getObject();
    assertThat(old.getRestore().getOngoing()).isFalse();
    // The version deleted for good: an expire applies nothing and drops the row.
    h.ok(MetaRequest.newBuilder().setDeleteObject(io.moraine.proto.meta.v1.DeleteObject.newBuilder().setBucket("b")
        .setKey("k").setVersionId(v1)));
    h.index = 1_000;
    assertThat(h.ok(expire(job)).getRestore().getApplied()).isFalse();
    assertThat(jobs(0).getJobsList()).isEmpty();
  }
}
