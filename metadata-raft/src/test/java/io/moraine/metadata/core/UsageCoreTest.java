package io.moraine.metadata.core;

import static io.moraine.metadata.core.CoreHarness.complete;
import static io.moraine.metadata.core.CoreHarness.createBucket;
import static io.moraine.metadata.core.CoreHarness.createUpload;
import static io.moraine.metadata.core.CoreHarness.deleteBucket;
import static io.moraine.metadata.core.CoreHarness.deleteObject;
import static io.moraine.metadata.core.CoreHarness.putPart;
import static io.moraine.metadata.core.CoreHarness.segments;
import static org.assertj.core.api.Assertions.assertThat;

import io.moraine.metadata.core.usage.UsageRecount;
import io.moraine.metadata.core.usage.UsageRules;
import io.moraine.metadata.store.MemoryStateStore;
import io.moraine.proto.meta.v1.AbortMultipartUpload;
import io.moraine.proto.meta.v1.CompleteRestore;
import io.moraine.proto.meta.v1.CreateMultipartUpload;
import io.moraine.proto.meta.v1.DeleteObject;
import io.moraine.proto.meta.v1.ExpireRestore;
import io.moraine.proto.meta.v1.GetObject;
import io.moraine.proto.meta.v1.MetaRequest;
import io.moraine.proto.meta.v1.ObjectRecord;
import io.moraine.proto.meta.v1.PutBucketVersioning;
import io.moraine.proto.meta.v1.PutObject;
import io.moraine.proto.meta.v1.RecordRetrieval;
import io.moraine.proto.meta.v1.RetrievalCount;
import io.moraine.proto.meta.v1.StartRestore;
import io.moraine.proto.meta.v1.TransitionObject;
import io.moraine.proto.meta.v1.UploadRecord;
import io.moraine.proto.meta.v1.UsageQuery;
import io.moraine.proto.meta.v1.UsageRecord;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Storage accounting in the core (core.usage): counters kept in the same apply as each change,
 * exact after every sequence, equal to a recount, and S3's billing rules (Amazon S3 User Guide,
 * "Comparing the Amazon S3 storage classes": 128 KB minimum billable size for STANDARD_IA,
 * ONEZONE_IA, GLACIER_IR; 40 KB added per GLACIER / DEEP_ARCHIVE object; minimum durations 30 /
 * 90 / 180 days with a pro-rated charge for the remaining days). The harness's leader clock moves
 * 1 s per command; the group's day is 10 s (announced as a gateway does), so 10 commands = 1 day.
 */
class UsageCoreTest {
  static final long DAY = 10_000;
  static final long KB = 1024;
  final CoreHarness h = new CoreHarness();

  UsageCoreTest() {
    h.ok(createBucket("alice", "b"));
    h.ok(announce(DAY));
  }

  static MetaRequest.Builder announce(long dayMillis, RetrievalCount... counts) {
    return MetaRequest.newBuilder().setRecordRetrieval(RecordRetrieval.newBuilder().setDayMillis(dayMillis)
        .addAllCounts(List.of(counts)));
  }

  static MetaRequest.Builder put(String key, String dataId, String storageClass, long size) {
    return MetaRequest.newBuilder().setPutObject(PutObject.newBuilder().setBucket("b").setVersion(ObjectRecord.newBuilder()
        .setKey(key).setSize(size).setEtag("e-" + dataId).setStorageClass(storageClass).setLayout(segments(dataId))));
  }

  MetaRequest.Builder versioning(int status) {
    return MetaRequest.newBuilder().setPutBucketVersioning(PutBucketVersioning.newBuilder().setBucket("b").setStatus(status));
  }

  ObjectRecord current(String key) {
    return h.query(MetaRequest.newBuilder().setGetObject(GetObject.newBuilder().setBucket("b").setKey(key)))
        .getObject().getObject();
  }

  /** Class → row, as the query answers. */
  Map<String, UsageRecord> usage() {
    return h.query(MetaRequest.newBuilder().setUsageQuery(UsageQuery.newBuilder().setBucket("b"))).getUsage()
        .getUsageList().stream().collect(Collectors.toMap(UsageRecord::getStorageClass, r -> r, (a, b) -> a, TreeMap::new));
  }

  UsageRecord row(String storageClass) {
    return usage().getOrDefault(storageClass, UsageRecord.getDefaultInstance());
  }

  void advanceDays(long days) {
    h.epochMillis += days * DAY;
  }

  /** The incremental rows equal a recount of the store, state fields only. */
  void assertRecountEquals() {
    Map<String, UsageRecord> state = new TreeMap<>();
    usage().forEach((c, r) -> {
      UsageRecord s = UsageRecount.stateOf(r);
      if (!s.toBuilder().clearFormatVersion().clearBucket().clearStorageClass().build().equals(UsageRecord.getDefaultInstance())) {
        state.put(c, s);
      }
    });
    assertThat(state).isEqualTo(UsageRecount.recount(new Tables(h.store), "b"));
  }

  @Test
  void putsAndOverwritesOfAnUnversionedBucketCountTheStoredVersionOnly() {
    h.ok(put("a", "d1", "STANDARD", 100));
    h.ok(put("c", "d2", "STANDARD_IA", 1000));
    assertThat(row("STANDARD").getObjects()).isEqualTo(1);
    assertThat(row("STANDARD").getBytes()).isEqualTo(100);
    assertThat(row("STANDARD").getBillableBytes()).isEqualTo(100);
    assertThat(row("STANDARD_IA").getBillableBytes()).as("128 KB minimum").isEqualTo(128 * KB);
    h.ok(put("a", "d3", "STANDARD", 300)); // replaces the null version
    assertThat(row("STANDARD").getObjects()).isEqualTo(1);
    assertThat(row("STANDARD").getBytes()).isEqualTo(300);
    h.ok(put("c", "d4", "GLACIER", 10)); // STANDARD_IA replaced after less than a day
    assertThat(row("STANDARD_IA").getObjects()).isZero();
    assertThat(row("STANDARD_IA").getEarlyDeleteObjects()).isEqualTo(1);
    // 30 days minimum, gone after 2 s of a 10 s day: 29.8 days of 128 KB remain.
    assertThat(row("STANDARD_IA").getEarlyDeleteByteDays()).isEqualTo(128 * KB * 298 / 10);
    assertThat(row("GLACIER").getBillableBytes()).as("+40 KB per archive object").isEqualTo(10 + 40 * KB);
    h.ok(deleteObject("b", "a"));
    assertThat(usage()).doesNotContainKey("STANDARD").as("a row back to zeros goes");
    assertRecountEquals();
  }

  @Test
  void versionedBucketsCountNoncurrentVersionsAndDeleteMarkersApart() {
    h.ok(versioning(1));
    h.ok(put("k", "d1", "STANDARD", 10));
    h.ok(put("k", "d2", "STANDARD", 20));
    h.ok(deleteObject("b", "k")); // a marker; both versions stay
    UsageRecord s = row("STANDARD");
    assertThat(s.getObjects()).isEqualTo(2);
    assertThat(s.getBytes()).isEqualTo(30);
    assertThat(s.getDeleteMarkers()).isEqualTo(1);
    String markerId = h.query(MetaRequest.newBuilder().setListObjectVersions(
        io.moraine.proto.meta.v1.ListObjectVersions.newBuilder().setBucket("b").setMaxKeys(10)))
        .getListVersions().getVersions(0).getVersion().getVersionId();
    h.ok(MetaRequest.newBuilder().setDeleteObject(DeleteObject.newBuilder().setBucket("b").setKey("k").setVersionId(markerId)));
    assertThat(row("STANDARD").getDeleteMarkers()).isZero();
    String v2 = current("k").getVersionId();
    h.ok(MetaRequest.newBuilder().setDeleteObject(DeleteObject.newBuilder().setBucket("b").setKey("k").setVersionId(v2)));
    assertThat(row("STANDARD").getObjects()).isEqualTo(1);
    assertThat(row("STANDARD").getBytes()).isEqualTo(10);
    h.ok(versioning(2)); // suspended: a delete replaces the null version with a null marker
    h.ok(put("k", "d3", "STANDARD", 5)); // the null version
    h.ok(deleteObject("b", "k"));
    assertThat(row("STANDARD").getObjects()).isEqualTo(1);
    assertThat(row("STANDARD").getDeleteMarkers()).isEqualTo(1);
    h.ok(deleteObject("b", "k")); // the null marker replaced by a new one
    assertThat(row("STANDARD").getDeleteMarkers()).isEqualTo(1);
    assertRecountEquals();
  }

  @Test
  void multipartPartsCountUntilCompleteOrAbortThenTheObjectCounts() {
    h.ok(MetaRequest.newBuilder().setCreateMultipartUpload(CreateMultipartUpload.newBuilder().setBucket("b")
        .setUpload(UploadRecord.newBuilder().setKey("m").setUploadId("u1").setStorageClass("ONEZONE_IA").setOwnerAccountId("o"))));
    String e1 = "0123456789abcdef0123456789abcdef";
    String e2 = "fedcba9876543210fedcba9876543210";
    h.ok(putPart("b", "m", "u1", 1, 6000, e1, segments("p1")));
    h.ok(putPart("b", "m", "u1", 2, 7000, e2, segments("p2")));
    h.ok(putPart("b", "m", "u1", 2, 4000, e2, segments("p2b"))); // replaces part 2
    assertThat(row("ONEZONE_IA").getUploadParts()).isEqualTo(2);
    assertThat(row("ONEZONE_IA").getUploadBytes()).isEqualTo(10000);
    assertThat(row("ONEZONE_IA").getObjects()).isZero();
    assertRecountEquals();
    h.ok(complete("b", "m", "u1", 0, 1, e1, 2, e2));
    assertThat(row("ONEZONE_IA").getUploadParts()).isZero();
    assertThat(row("ONEZONE_IA").getObjects()).isEqualTo(1);
    assertThat(row("ONEZONE_IA").getBytes()).isEqualTo(10000);
    assertThat(row("ONEZONE_IA").getBillableBytes()).isEqualTo(128 * KB);
    h.ok(createUpload("b", "n", "u2"));
    h.ok(putPart("b", "n", "u2", 1, 6000, e1, segments("p3")));
    h.ok(MetaRequest.newBuilder().setAbortMultipartUpload(AbortMultipartUpload.newBuilder().setBucket("b").setKey("n").setUploadId("u2")));
    assertThat(row("STANDARD").getUploadParts()).isZero();
    assertRecountEquals();
  }

  @Test
  void transitionsMoveTheVersionAndChargeTheOldClassesUnservedMinimum() {
    h.ok(put("k", "d1", "STANDARD", 200 * KB));
    advanceDays(31);
    h.ok(transition("k", "d1", "STANDARD_IA", "d2", h.epochMillis + 1000 * (h.index + 1)));
    assertThat(row("STANDARD").getObjects()).isZero();
    assertThat(row("STANDARD").getEarlyDeleteObjects()).as("STANDARD has no minimum").isZero();
    assertThat(row("STANDARD_IA").getBytes()).isEqualTo(200 * KB);
    advanceDays(10); // 10 days in STANDARD_IA, then on to GLACIER: 20 days of 200 KB owed
    long at = h.epochMillis + 1000 * (h.index + 1);
    ObjectRecord before = current("k");
    h.ok(transition("k", "d2", "GLACIER", "d3", at));
    long owedMillis = 30 * DAY - (at - before.getTransitionedMillis());
    assertThat(row("STANDARD_IA").getEarlyDeleteObjects()).isEqualTo(1);
    assertThat(row("STANDARD_IA").getEarlyDeleteByteDays()).isEqualTo(200 * KB * owedMillis / DAY);
    assertThat(row("GLACIER").getBillableBytes()).isEqualTo(240 * KB);
    advanceDays(100); // GLACIER's 90 days served from the transition: no charge
    h.ok(deleteObject("b", "k"));
    assertThat(row("GLACIER").getEarlyDeleteObjects()).isZero();
    assertThat(usage()).containsOnlyKeys("STANDARD_IA");
    assertRecountEquals();
  }

  @Test
  void aVersionOverwrittenThenExpiredByLifecycleBeforeItsMinimumIsChargedOnlyWhenItGoes() {
    h.ok(versioning(1));
    h.ok(put("k", "d1", "STANDARD_IA", 200 * KB));
    ObjectRecord v1 = current("k");
    h.ok(put("k", "d2", "STANDARD", 1)); // v1 noncurrent: still stored, nothing owed yet
    assertThat(row("STANDARD_IA").getObjects()).isEqualTo(1);
    assertThat(row("STANDARD_IA").getEarlyDeleteObjects()).isZero();
    advanceDays(10);
    long at = h.epochMillis + 1000 * (h.index + 1);
    var expired = h.ok(MetaRequest.newBuilder().setLifecycleDelete(io.moraine.proto.meta.v1.LifecycleDelete.newBuilder()
        .setDelete(DeleteObject.newBuilder().setBucket("b").setKey("k").setVersionId(v1.getVersionId()))
        .setExpectedVersionId(v1.getVersionId()).setExpectedLastModifiedMillis(v1.getLastModifiedMillis())
        .setExpectedEtag(v1.getEtag()).setRuleId("noncurrent").setAction(2))).getLifecycleDelete();
    assertThat(expired.getApplied()).isTrue();
    assertThat(row("STANDARD_IA").getObjects()).isZero();
    assertThat(row("STANDARD_IA").getEarlyDeleteObjects()).isEqualTo(1);
    assertThat(row("STANDARD_IA").getEarlyDeleteByteDays())
        .isEqualTo(200 * KB * (30 * DAY - (at - v1.getLastModifiedMillis())) / DAY);
    assertRecountEquals();
  }

  @Test
  void deepArchiveDeletedEarlyOwesTheRestOf180Days() {
    h.ok(put("k", "d1", "DEEP_ARCHIVE", 60 * KB));
    advanceDays(80);
    h.ok(deleteObject("b", "k"));
    // 180 days minimum, 80 days and 1 s (one command) served: 99.9 days of (60 + 40) KB.
    assertThat(row("DEEP_ARCHIVE").getEarlyDeleteByteDays()).isEqualTo(100 * KB * 999 / 10);
    assertThat(row("DEEP_ARCHIVE").getObjects()).isZero();
  }

  @Test
  void restoresCountTheCopyWhileItLastsAndItsBytesAsRetrieved() {
    h.ok(put("k", "d1", "GLACIER", 5000));
    h.ok(MetaRequest.newBuilder().setStartRestore(StartRestore.newBuilder().setBucket("b").setKey("k").setDays(2)
        .setTier("Standard").setDelayMillis(0).setDayMillis(DAY)));
    assertThat(row("GLACIER").getRestoredCopies()).as("ongoing: no copy yet").isZero();
    ObjectRecord v = current("k");
    h.ok(MetaRequest.newBuilder().setCompleteRestore(CompleteRestore.newBuilder().setBucket("b").setKey("k")
        .setVersionId(v.getVersionId()).setVersionSeq(v.getVersionSeq()).setCopy(segments("copy1"))));
    assertThat(row("GLACIER").getRestoredCopies()).isEqualTo(1);
    assertThat(row("GLACIER").getRestoredBytes()).isEqualTo(5000);
    assertThat(row("GLACIER").getRestoreRetrievalBytes()).isEqualTo(5000);
    assertThat(row("GLACIER").getObjects()).isEqualTo(1);
    assertRecountEquals();
    advanceDays(3);
    h.ok(MetaRequest.newBuilder().setExpireRestore(ExpireRestore.newBuilder().setBucket("b").setKey("k")
        .setVersionId(v.getVersionId()).setVersionSeq(v.getVersionSeq())));
    assertThat(row("GLACIER").getRestoredCopies()).isZero();
    assertThat(row("GLACIER").getRestoredBytes()).isZero();
    assertThat(row("GLACIER").getRestoreRetrievalBytes()).as("history stays").isEqualTo(5000);
    assertThat(row("GLACIER").getObjects()).isEqualTo(1);
    assertRecountEquals();
  }

  @Test
  void retrievalReportsAddUpPerClassAndIgnoreBucketsTheGroupDoesNotHold() {
    h.ok(announce(DAY, count("b", "STANDARD_IA", 100), count("b", "GLACIER_IR", 7), count("nope", "STANDARD_IA", 9)));
    h.ok(announce(DAY, count("b", "STANDARD_IA", 50)));
    assertThat(row("STANDARD_IA").getGetRetrievalBytes()).isEqualTo(150);
    assertThat(row("GLACIER_IR").getGetRetrievalBytes()).isEqualTo(7);
    assertThat(h.query(MetaRequest.newBuilder().setUsageQuery(UsageQuery.newBuilder().setBucket("nope")))
        .getUsage().getUsageCount()).isZero();
    assertThat(h.apply(announce(0))).isInstanceOf(ApplyResult.Invalid.class);
  }

  @Test
  void aDeletedBucketTakesItsRowsAlong() {
    h.ok(put("k", "d1", "STANDARD", 1));
    h.ok(deleteObject("b", "k"));
    h.ok(announce(DAY, count("b", "STANDARD_IA", 5)));
    h.ok(deleteBucket("b"));
    assertThat(h.query(MetaRequest.newBuilder().setUsageQuery(UsageQuery.getDefaultInstance())).getUsage()
        .getUsageCount()).isZero();
  }

  @Test
  void billingRulesPerClass() {
    // Amazon S3 User Guide, storage class comparison table; KB = 1024 bytes.
    assertThat(UsageRules.billableBytes("STANDARD", 1)).isEqualTo(1);
    assertThat(UsageRules.billableBytes("", 1)).isEqualTo(1);
    assertThat(UsageRules.billableBytes("REDUCED_REDUNDANCY", 1)).isEqualTo(1);
    assertThat(UsageRules.billableBytes("INTELLIGENT_TIERING", 1)).isEqualTo(1);
    for (String c : List.of("STANDARD_IA", "ONEZONE_IA", "GLACIER_IR")) {
      assertThat(UsageRules.billableBytes(c, 0)).isEqualTo(128 * KB);
      assertThat(UsageRules.billableBytes(c, 200 * KB)).isEqualTo(200 * KB);
    }
    for (String c : List.of("GLACIER", "DEEP_ARCHIVE")) {
      assertThat(UsageRules.billableBytes(c, 0)).isEqualTo(40 * KB);
      assertThat(UsageRules.billableBytes(c, 1 << 20)).isEqualTo((1 << 20) + 40 * KB);
    }
    assertThat(UsageRules.minimumDays("STANDARD_IA")).isEqualTo(30);
    assertThat(UsageRules.minimumDays("ONEZONE_IA")).isEqualTo(30);
    assertThat(UsageRules.minimumDays("GLACIER_IR")).isEqualTo(90);
    assertThat(UsageRules.minimumDays("GLACIER")).isEqualTo(90);
    assertThat(UsageRules.minimumDays("DEEP_ARCHIVE")).isEqualTo(180);
    assertThat(UsageRules.minimumDays("INTELLIGENT_TIERING")).isZero();
    assertThat(UsageRules.earlyDeleteByteDays("STANDARD_IA", 1000, 30 * DAY, DAY)).isZero();
    assertThat(UsageRules.earlyDeleteByteDays("STANDARD_IA", 1000, 29 * DAY, DAY)).isEqualTo(1000);
    // 5 TB × 180 real days in milliseconds overflows a long; the result does not.
    assertThat(UsageRules.earlyDeleteByteDays("DEEP_ARCHIVE", 5L << 40, 0, 86_400_000L)).isEqualTo((5L << 40) * 180);
  }

  @Test
  void aSeededRandomWorkloadKeepsTheCountersEqualToARecount() {
    long seed = 14_6L;
    SplittableRandom random = new SplittableRandom(seed);
    List<String> classes = List.of("STANDARD", "STANDARD_IA", "ONEZONE_IA", "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE",
        "INTELLIGENT_TIERING", "REDUCED_REDUNDANCY");
    int data = 0;
    int transitions = 0;
    for (int step = 0; step < 600; step++) {
      String key = "k" + random.nextInt(8);
      int op = random.nextInt(10);
      if (op < 4) {
        h.apply(put(key, "d" + data++, classes.get(random.nextInt(classes.size())), random.nextInt(300_000)));
      } else if (op < 5) {
        h.apply(deleteObject("b", key));
      } else if (op < 6) {
        List<ObjectRecord> versions = h.query(MetaRequest.newBuilder().setListObjectVersions(
            io.moraine.proto.meta.v1.ListObjectVersions.newBuilder().setBucket("b").setPrefix(key).setMaxKeys(100)))
            .getListVersions().getVersionsList().stream().map(e -> e.getVersion()).toList();
        if (!versions.isEmpty()) {
          ObjectRecord v = versions.get(random.nextInt(versions.size()));
          h.apply(MetaRequest.newBuilder().setDeleteObject(DeleteObject.newBuilder().setBucket("b").setKey(v.getKey())
              .setVersionId(v.getVersionId())));
        }
      } else if (op < 7) {
        h.apply(versioning(1 + random.nextInt(2)));
      } else if (op < 8) {
        ObjectRecord v = current(key);
        if (v.getLayout().hasSegments()) {
          MetaRequest.Builder t = transition(key, v.getLayout().getSegments().getSegments(0).getDataId(),
              classes.get(random.nextInt(classes.size())), "d" + data++, h.epochMillis + 1000 * (h.index + 1));
          t.getTransitionObjectBuilder().setVersionId(v.getVersionId());
          assertThat(h.apply(t)).isInstanceOf(ApplyResult.Ok.class);
          transitions++;
        }
      } else if (op < 9) {
        ObjectRecord v = current(key);
        h.apply(MetaRequest.newBuilder().setStartRestore(StartRestore.newBuilder().setBucket("b").setKey(key).setDays(1)
            .setTier("Bulk").setDayMillis(DAY)));
        h.apply(MetaRequest.newBuilder().setCompleteRestore(CompleteRestore.newBuilder().setBucket("b").setKey(key)
            .setVersionId(v.getVersionId()).setVersionSeq(v.getVersionSeq()).setCopy(segments("c" + data++))));
      } else {
        h.epochMillis += random.nextLong(3 * DAY);
        h.query(MetaRequest.newBuilder().setListRestoreJobs(io.moraine.proto.meta.v1.ListRestoreJobs.getDefaultInstance()))
            .getRestore().getJobsList().forEach(j -> h.apply(MetaRequest.newBuilder().setExpireRestore(ExpireRestore
                .newBuilder().setBucket(j.getBucket()).setKey(j.getKey()).setVersionId(j.getVersionId())
                .setVersionSeq(j.getVersionSeq()))));
      }
      if (step % 50 == 49) {
        assertRecountEquals();
      }
    }
    assertRecountEquals();
    assertThat(usage().values().stream().mapToLong(UsageRecord::getEarlyDeleteObjects).sum())
        .as("seed " + seed + ": the workload deletes early").isPositive();
    assertThat(transitions).as("seed " + seed).isPositive();
    assertThat(usage().values().stream().mapToLong(UsageRecord::getRestoreRetrievalBytes).sum()).isPositive();
  }

  @Test
  void aBatchOfCommandsCountsEachOnce() {
    io.moraine.proto.meta.v1.MetaBatch.Builder batch = io.moraine.proto.meta.v1.MetaBatch.newBuilder();
    for (int i = 0; i < 5; i++) {
      batch.addRequests(put("k" + i, "d" + i, "STANDARD", 10).setFormatVersion(1));
    }
    batch.addRequests(put("k0", "d9", "STANDARD", 1).setFormatVersion(1)); // overwrite in the same entry
    h.ok(MetaRequest.newBuilder().setBatch(batch));
    assertThat(row("STANDARD").getObjects()).isEqualTo(5);
    assertThat(row("STANDARD").getBytes()).isEqualTo(41);
    assertRecountEquals();
  }

  @Test
  void twoCoresFedTheSameLogHoldTheSameRows() {
    CoreHarness other = new CoreHarness(new MemoryStateStore());
    for (CoreHarness c : List.of(h, other)) {
      if (c != h) {
        c.ok(createBucket("alice", "b"));
        c.ok(announce(DAY));
      }
      c.ok(put("k", "d1", "GLACIER_IR", 10));
      c.ok(put("k", "d2", "STANDARD", 10));
    }
    assertThat(other.query(MetaRequest.newBuilder().setUsageQuery(UsageQuery.getDefaultInstance())).getUsage())
        .isEqualTo(h.query(MetaRequest.newBuilder().setUsageQuery(UsageQuery.getDefaultInstance())).getUsage());
  }

  @Test
  void aRecountSetsTheStateFromAWalkKeepsTheHistoryAndSaysWhatItCorrected() {
    h.ok(put("a", "d1", "STANDARD_IA", 100));
    h.ok(put("a", "d2", "GLACIER", 10)); // an early STANDARD_IA departure: history
    h.ok(put("c", "d3", "STANDARD", 7));
    h.ok(announce(DAY, count("b", "GLACIER", 3)));
    UsageRecord ia = row("STANDARD_IA");
    assertThat(ia.getEarlyDeleteObjects()).isEqualTo(1);
    var clean = h.ok(MetaRequest.newBuilder().setRecountUsage(
        io.moraine.proto.meta.v1.RecountUsage.newBuilder().setBucket("b"))).getUsage();
    assertThat(clean.getRecountCorrectedList()).as("the counters were right").isEmpty();
    // Rows lost or wrong (a bucket written before the counters existed, or a bug): the recount fixes them.
    io.moraine.metadata.store.StoreBatch damage = new io.moraine.metadata.store.StoreBatch()
        .delete(io.moraine.metadata.core.usage.UsageKeys.row("b", "STANDARD"))
        .put(io.moraine.metadata.core.usage.UsageKeys.row("b", "GLACIER"), Records.encode(row("GLACIER").toBuilder()
            .setObjects(5).setBytes(999).build()));
    h.store.commit(damage, new io.moraine.metadata.store.AppliedPosition(1, ++h.index));
    var fixed = h.ok(MetaRequest.newBuilder().setRecountUsage(
        io.moraine.proto.meta.v1.RecountUsage.newBuilder().setBucket("b"))).getUsage();
    assertThat(fixed.getRecountCorrectedList()).containsExactly("GLACIER", "STANDARD");
    assertThat(row("GLACIER").getObjects()).isEqualTo(1);
    assertThat(row("GLACIER").getBytes()).isEqualTo(10);
    assertThat(row("GLACIER").getGetRetrievalBytes()).as("history kept").isEqualTo(3);
    assertThat(row("STANDARD").getBytes()).isEqualTo(7);
    assertThat(row("STANDARD_IA")).isEqualTo(ia);
    assertRecountEquals();
    assertThat(h.error(MetaRequest.newBuilder().setRecountUsage(
        io.moraine.proto.meta.v1.RecountUsage.newBuilder().setBucket("nope"))))
        .isEqualTo(io.moraine.metadata.api.MetadataError.NO_SUCH_BUCKET);
  }

  static RetrievalCount count(String bucket, String storageClass, long bytes) {
    return RetrievalCount.newBuilder().setBucket(bucket).setStorageClass(storageClass).setBytes(bytes).build();
  }

  static MetaRequest.Builder transition(String key, String fromDataId, String storageClass, String newDataId, long at) {
    return MetaRequest.newBuilder().setTransitionObject(TransitionObject.newBuilder().setBucket("b").setKey(key)
        .setVersionId("null").addExpectedDataIds(fromDataId).setStorageClass(storageClass)
        .setLayout(segments(newDataId)).setTransitionedMillis(at).setRuleId("r"));
  }
}
