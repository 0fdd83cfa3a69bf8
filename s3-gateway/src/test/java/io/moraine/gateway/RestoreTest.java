package io.moraine.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moraine.gateway.data.ErasureProfile;
import io.moraine.metadata.api.DataLayout;
import io.moraine.metadata.api.ObjectVersion;
import io.moraine.metadata.client.Codec;
import io.moraine.proto.meta.v1.CompleteRestore;
import io.moraine.proto.meta.v1.ListRestoreJobs;
import io.moraine.proto.meta.v1.RestoreJob;
import java.util.SplittableRandom;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.RestoreObjectResponse;
import software.amazon.awssdk.services.s3.model.RestoreRequestType;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.StorageClass;
import software.amazon.awssdk.services.s3.model.Tier;

/**
 * RestoreObject and archive access through the SDK (S3 API reference: RestoreObject — 202 when a
 * restore starts, 409 RestoreAlreadyInProgress, 200 when extending; GetObject / CopyObject — 403
 * InvalidObjectState for an archived object without a restored copy; HeadObject works and carries
 * x-amz-restore). The restore service is not running here: the test makes the copy itself with
 * the gateway's Reencoder and commits it as the service would.
 */
class RestoreTest {
  static GatewayFixture fx;
  static S3Client s3;
  static byte[] body = new byte[200_000];

  @BeforeAll
  static void start() throws Exception {
    fx = GatewayFixture.start(100, 11);
    s3 = fx.client(GatewayFixture.AK, GatewayFixture.SK);
    s3.createBucket(b -> b.bucket("arch"));
    new SplittableRandom(3).nextBytes(body);
  }

  @AfterAll
  static void stop() throws Exception {
    s3.close();
    fx.close();
  }

  static void refused(ThrowingCallable call, int status, String code) {
    assertThatThrownBy(call).isInstanceOfSatisfying(S3Exception.class, e -> {
      assertThat(e.statusCode()).isEqualTo(status);
      assertThat(e.awsErrorDetails().errorCode()).isEqualTo(code);
    });
  }

  static void put(String key, StorageClass sc) {
    s3.putObject(b -> b.bucket("arch").key(key).storageClass(sc), RequestBody.fromBytes(body));
  }

  static RestoreObjectResponse restore(String key, int days, Tier tier) {
    return s3.restoreObject(b -> b.bucket("arch").key(key)
        .restoreRequest(rr -> rr.days(days).glacierJobParameters(g -> g.tier(tier))));
  }

  /** What the restore service does when the job is due: copy into STANDARD's profile, commit. */
  static void completeAsTheServiceWould(String key) throws Exception {
    RestoreJob job = fx.metadata.listRestoreJobs(ListRestoreJobs.getDefaultInstance()).getJobsList().stream()
        .filter(j -> j.getKey().equals(key)).findFirst().orElseThrow();
    ObjectVersion v = fx.metadata.getObjectVersion("arch", key, job.getVersionId()).orElseThrow();
    DataLayout copy = fx.gateway.reencoder().reencode(v.layout(), ErasureProfile.RS_4_2);
    assertThat(fx.metadata.completeRestore(CompleteRestore.newBuilder().setBucket("arch").setKey(key)
        .setVersionId(job.getVersionId()).setVersionSeq(job.getVersionSeq()).setCopy(Codec.layout(copy)).build())
        .getApplied()).isTrue();
  }

  @Test
  void archivedObjectsAreRefusedUntilRestoredThenReadableWithRange() throws Exception {
    put("g", StorageClass.GLACIER);
    refused(() -> s3.getObjectAsBytes(b -> b.bucket("arch").key("g")), 403, "InvalidObjectState");
    refused(() -> s3.getObjectAsBytes(b -> b.bucket("arch").key("g").range("bytes=0-9")), 403, "InvalidObjectState");
    refused(() -> s3.getObjectAsBytes(b -> b.bucket("arch").key("g").partNumber(1)), 403, "InvalidObjectState");
    refused(() -> s3.copyObject(b -> b.sourceBucket("arch").sourceKey("g").destinationBucket("arch").destinationKey("c")),
        403, "InvalidObjectState");
    HeadObjectResponse head = s3.headObject(b -> b.bucket("arch").key("g"));
    assertThat(head.storageClass()).isEqualTo(StorageClass.GLACIER);
    assertThat(head.restore()).isNull();

    assertThat(restore("g", 2, Tier.STANDARD).sdkHttpResponse().statusCode()).isEqualTo(202);
    assertThat(s3.headObject(b -> b.bucket("arch").key("g")).restore()).isEqualTo("ongoing-request=\"true\"");
    refused(() -> restore("g", 2, Tier.STANDARD), 409, "RestoreAlreadyInProgress");
    refused(() -> s3.getObjectAsBytes(b -> b.bucket("arch").key("g")), 403, "InvalidObjectState");

    completeAsTheServiceWould("g");

    ResponseBytes<GetObjectResponse> whole = s3.getObjectAsBytes(b -> b.bucket("arch").key("g"));
    assertThat(whole.asByteArray()).isEqualTo(body);
    assertThat(whole.response().storageClass()).isEqualTo(StorageClass.GLACIER);
    assertThat(whole.response().restore()).startsWith("ongoing-request=\"false\", expiry-date=\"").endsWith(" GMT\"");
    byte[] ranged = s3.getObjectAsBytes(b -> b.bucket("arch").key("g").range("bytes=100000-100099")).asByteArray();
    assertThat(ranged).isEqualTo(java.util.Arrays.copyOfRange(body, 100_000, 100_100));
    s3.copyObject(b -> b.sourceBucket("arch").sourceKey("g").destinationBucket("arch").destinationKey("g-copy"));
    assertThat(s3.getObjectAsBytes(b -> b.bucket("arch").key("g-copy")).asByteArray()).isEqualTo(body);

    String expiry = whole.response().restore();
    RestoreObjectResponse extended = restore("g", 30, Tier.BULK);
    assertThat(extended.sdkHttpResponse().statusCode()).isEqualTo(200);
    assertThat(s3.headObject(b -> b.bucket("arch").key("g")).restore()).isNotEqualTo(expiry);
  }

  @Test
  void deepArchiveRefusesExpeditedAndDefaultsToStandard() throws Exception {
    put("d", StorageClass.DEEP_ARCHIVE);
    refused(() -> s3.getObjectAsBytes(b -> b.bucket("arch").key("d")), 403, "InvalidObjectState");
    refused(() -> restore("d", 1, Tier.EXPEDITED), 400, "InvalidArgument");
    RestoreObjectResponse r = s3.restoreObject(b -> b.bucket("arch").key("d").restoreRequest(rr -> rr.days(1)));
    assertThat(r.sdkHttpResponse().statusCode()).isEqualTo(202);
    RestoreJob job = fx.metadata.listRestoreJobs(ListRestoreJobs.getDefaultInstance()).getJobsList().stream()
        .filter(j -> j.getKey().equals("d")).findFirst().orElseThrow();
    assertThat(job.getStorageClass()).isEqualTo("DEEP_ARCHIVE");
    ObjectVersion v = fx.metadata.getObjectVersion("arch", "d", null).orElseThrow();
    assertThat(v.restore().tier()).isEqualTo("Standard");
    // the real day: DEEP_ARCHIVE Standard is 12 h
    assertThat(v.restore().readyMillis() - v.restore().requestedMillis()).isEqualTo(12 * 3600 * 1000L);
  }

  @Test
  void otherClassesAreImmediateAndCannotBeRestored() {
    put("ir", StorageClass.GLACIER_IR);
    put("std", StorageClass.STANDARD);
    assertThat(s3.getObjectAsBytes(b -> b.bucket("arch").key("ir")).asByteArray()).isEqualTo(body);
    refused(() -> restore("ir", 1, Tier.STANDARD), 403, "InvalidObjectState");
    refused(() -> restore("std", 1, Tier.STANDARD), 403, "InvalidObjectState");
    refused(() -> restore("missing", 1, Tier.STANDARD), 404, "NoSuchKey");
  }

  @Test
  void listingsShowTheRestoreStatusOnlyWhenAskedFor() throws Exception {
    s3.createBucket(b -> b.bucket("listed"));
    s3.putObject(b -> b.bucket("listed").key("a").storageClass(StorageClass.GLACIER), RequestBody.fromBytes(body));
    s3.putObject(b -> b.bucket("listed").key("b").storageClass(StorageClass.GLACIER), RequestBody.fromBytes(body));
    s3.putObject(b -> b.bucket("listed").key("c").storageClass(StorageClass.GLACIER), RequestBody.fromBytes(body));
    s3.restoreObject(b -> b.bucket("listed").key("a").restoreRequest(rr -> rr.days(1)));
    s3.restoreObject(b -> b.bucket("listed").key("b").restoreRequest(rr -> rr.days(1)));
    RestoreJob job = fx.metadata.listRestoreJobs(ListRestoreJobs.getDefaultInstance()).getJobsList().stream()
        .filter(j -> j.getBucket().equals("listed") && j.getKey().equals("b")).findFirst().orElseThrow();
    ObjectVersion v = fx.metadata.getObjectVersion("listed", "b", null).orElseThrow();
    DataLayout copy = fx.gateway.reencoder().reencode(v.layout(), ErasureProfile.RS_4_2);
    fx.metadata.completeRestore(CompleteRestore.newBuilder().setBucket("listed").setKey("b").setVersionId("null")
        .setVersionSeq(job.getVersionSeq()).setCopy(Codec.layout(copy)).build());
    long expiry = fx.metadata.getObjectVersion("listed", "b", null).orElseThrow().restore().expiryMillis();

    var plain = s3.listObjectsV2(b -> b.bucket("listed")).contents();
    assertThat(plain).allSatisfy(o -> assertThat(o.restoreStatus()).isNull());
    var listed = s3.listObjectsV2(b -> b.bucket("listed")
        .optionalObjectAttributes(software.amazon.awssdk.services.s3.model.OptionalObjectAttributes.RESTORE_STATUS))
        .contents();
    assertThat(listed.get(0).restoreStatus().isRestoreInProgress()).isTrue();
    assertThat(listed.get(0).restoreStatus().restoreExpiryDate()).isNull();
    assertThat(listed.get(1).restoreStatus().isRestoreInProgress()).isFalse();
    assertThat(listed.get(1).restoreStatus().restoreExpiryDate().toEpochMilli()).isEqualTo(expiry);
    assertThat(listed.get(2).restoreStatus()).isNull();
    assertThat(listed).allSatisfy(o -> assertThat(o.storageClassAsString()).isEqualTo("GLACIER"));
    var versions = s3.listObjectVersions(b -> b.bucket("listed")
        .optionalObjectAttributes(software.amazon.awssdk.services.s3.model.OptionalObjectAttributes.RESTORE_STATUS))
        .versions();
    assertThat(versions.get(0).restoreStatus().isRestoreInProgress()).isTrue();
    assertThat(versions.get(1).restoreStatus().restoreExpiryDate().toEpochMilli()).isEqualTo(expiry);
    var v1 = s3.listObjects(b -> b.bucket("listed")
        .optionalObjectAttributes(software.amazon.awssdk.services.s3.model.OptionalObjectAttributes.RESTORE_STATUS))
        .contents();
    assertThat(v1.get(0).restoreStatus().isRestoreInProgress()).isTrue();
  }

  @Test
  void selectRestoresAreNotImplemented() {
    put("sel", StorageClass.GLACIER);
    refused(() -> s3.restoreObject(b -> b.bucket("arch").key("sel").restoreRequest(rr -> rr.type(RestoreRequestType.SELECT)
        .tier(Tier.STANDARD))), 501, "NotImplemented");
  }
}
