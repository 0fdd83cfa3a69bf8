package io.moraine.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moraine.gateway.tiering.TieringWorker;
import io.moraine.metadata.api.DataLayout;
import io.moraine.metadata.api.DayScale;
import io.moraine.metadata.api.ObjectVersion;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.IntelligentTieringAccessTier;
import software.amazon.awssdk.services.s3.model.IntelligentTieringStatus;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.StorageClass;
import software.amazon.awssdk.services.s3.model.Tiering;

/**
 * Intelligent-Tiering end to end in one gateway (real core, in-memory shards), with the tiering
 * pass run on a clock set ahead on a 1-second day: GET counts as access and HEAD does not; an
 * untouched object moves Frequent → Infrequent → Archive Instant and a GET brings it back; with an
 * ARCHIVE_ACCESS configuration it is re-encoded into the GLACIER profile, GET is 403
 * InvalidObjectState, HEAD shows x-amz-archive-status, RestoreObject (no Days) starts a restore.
 */
class TieringGatewayTest {
  static GatewayFixture fx;
  static S3Client s3;
  static final byte[] BODY = new byte[200 * 1024];

  @BeforeAll
  static void start() throws Exception {
    fx = GatewayFixture.start(100, 16);
    s3 = fx.client(GatewayFixture.AK, GatewayFixture.SK);
    new java.util.SplittableRandom(3).nextBytes(BODY);
  }

  @AfterAll
  static void stop() throws Exception {
    s3.close();
    fx.close();
  }

  final AtomicLong aheadSeconds = new AtomicLong();
  final InstantSource ahead = () -> Instant.now().plusSeconds(aheadSeconds.get());

  TieringWorker worker() {
    return new TieringWorker(fx.metadata, fx.gateway.reencoder(), fx.gateway::profile, fx.gateway.collector(), ahead,
        new DayScale(1));
  }

  ObjectVersion version(String bucket, String key) {
    return fx.metadata.getObjectVersion(bucket, key, null).orElseThrow();
  }

  static String firstDataId(ObjectVersion v) {
    return ((DataLayout.Segments) v.layout()).segments().get(0).dataId();
  }

  @Test
  void getCountsAsAccessHeadDoesNot() {
    s3.createBucket(b -> b.bucket("itg-access"));
    s3.putObject(b -> b.bucket("itg-access").key("k").storageClass(StorageClass.INTELLIGENT_TIERING),
        RequestBody.fromBytes(BODY));
    s3.headObject(b -> b.bucket("itg-access").key("k"));
    fx.gateway.accessTracker().flush();
    assertThat(version("itg-access", "k").lastAccessMillis()).as("HEAD is no access").isZero();
    assertThat(version("itg-access", "k").accessTier()).isEqualTo("FREQUENT");
    long before = System.currentTimeMillis();
    s3.getObjectAsBytes(b -> b.bucket("itg-access").key("k"));
    assertThat(version("itg-access", "k").lastAccessMillis()).as("not committed per GET").isZero();
    assertThat(fx.gateway.accessTracker().flush()).isEqualTo(1);
    assertThat(version("itg-access", "k").lastAccessMillis()).isGreaterThanOrEqualTo(before);
  }

  @Test
  void uploadPartCopysSourceReadCountsAsAccess() {
    s3.createBucket(b -> b.bucket("itg-partcopy"));
    s3.putObject(b -> b.bucket("itg-partcopy").key("src").storageClass(StorageClass.INTELLIGENT_TIERING),
        RequestBody.fromBytes(BODY));
    fx.gateway.accessTracker().flush();
    String upload = s3.createMultipartUpload(b -> b.bucket("itg-partcopy").key("dst")).uploadId();
    long before = System.currentTimeMillis();
    s3.uploadPartCopy(b -> b.sourceBucket("itg-partcopy").sourceKey("src").destinationBucket("itg-partcopy")
        .destinationKey("dst").uploadId(upload).partNumber(1));
    assertThat(fx.gateway.accessTracker().flush()).isEqualTo(1);
    assertThat(version("itg-partcopy", "src").lastAccessMillis()).isGreaterThanOrEqualTo(before);
    s3.abortMultipartUpload(b -> b.bucket("itg-partcopy").key("dst").uploadId(upload));
  }

  @Test
  void untouchedObjectsTierDownAndAReadBringsThemBack() {
    s3.createBucket(b -> b.bucket("itg-tiers"));
    s3.putObject(b -> b.bucket("itg-tiers").key("big").storageClass(StorageClass.INTELLIGENT_TIERING),
        RequestBody.fromBytes(BODY));
    s3.putObject(b -> b.bucket("itg-tiers").key("small").storageClass(StorageClass.INTELLIGENT_TIERING),
        RequestBody.fromBytes(new byte[1000]));
    s3.putObject(b -> b.bucket("itg-tiers").key("std"), RequestBody.fromBytes(BODY));
    String data = firstDataId(version("itg-tiers", "big"));
    aheadSeconds.set(31);
    TieringWorker.Pass p = worker().pass(() -> true);
    assertThat(p.toInfrequent()).isEqualTo(1);
    assertThat(version("itg-tiers", "big").accessTier()).isEqualTo("INFREQUENT");
    assertThat(version("itg-tiers", "small").accessTier()).as("under 128 KB: not monitored").isEqualTo("FREQUENT");
    aheadSeconds.set(91);
    assertThat(worker().pass(() -> true).toArchiveInstant()).isEqualTo(1);
    ObjectVersion instant = version("itg-tiers", "big");
    assertThat(instant.accessTier()).isEqualTo("ARCHIVE_INSTANT");
    assertThat(firstDataId(instant)).as("the instant tiers keep their layout").isEqualTo(data);
    // Archive Instant reads are immediate, and bring the object back.
    assertThat(s3.getObjectAsBytes(b -> b.bucket("itg-tiers").key("big")).asByteArray()).isEqualTo(BODY);
    fx.gateway.accessTracker().flush();
    assertThat(version("itg-tiers", "big").accessTier()).isEqualTo("FREQUENT");
    aheadSeconds.set(29);
    assertThat(worker().pass(() -> true).moved()).as("read 29 days ago: nothing due").isZero();
    aheadSeconds.set(31);
    assertThat(worker().pass(() -> true).toInfrequent()).as("30 days after the read").isEqualTo(1);
  }

  @Test
  void anArchiveAccessConfigurationReencodesAndNeedsARestore() {
    s3.createBucket(b -> b.bucket("itg-archive"));
    s3.putBucketIntelligentTieringConfiguration(b -> b.bucket("itg-archive").id("arch")
        .intelligentTieringConfiguration(c -> c.id("arch").status(IntelligentTieringStatus.ENABLED)
            .tierings(Tiering.builder().accessTier(IntelligentTieringAccessTier.ARCHIVE_ACCESS).days(90).build())));
    s3.putObject(b -> b.bucket("itg-archive").key("a").storageClass(StorageClass.INTELLIGENT_TIERING),
        RequestBody.fromBytes(BODY));
    String data = firstDataId(version("itg-archive", "a"));
    aheadSeconds.set(91);
    assertThat(worker().pass(() -> true).toArchiveAccess()).isEqualTo(1);
    ObjectVersion archived = version("itg-archive", "a");
    assertThat(archived.accessTier()).isEqualTo("ARCHIVE_ACCESS");
    assertThat(archived.storageClass()).isEqualTo("INTELLIGENT_TIERING");
    assertThat(firstDataId(archived)).as("re-encoded into new blobs").isNotEqualTo(data);
    var profile = fx.gateway.profile("GLACIER");
    var seg = ((DataLayout.Segments) archived.layout()).segments().get(0);
    assertThat(seg.dataShards() + "+" + seg.parityShards()).isEqualTo(profile.dataShards() + "+" + profile.parityShards());

    assertThatThrownBy(() -> s3.getObjectAsBytes(b -> b.bucket("itg-archive").key("a")))
        .isInstanceOfSatisfying(S3Exception.class, e -> {
          assertThat(e.statusCode()).isEqualTo(403);
          assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidObjectState");
        });
    var head = s3.headObject(b -> b.bucket("itg-archive").key("a"));
    assertThat(head.archiveStatusAsString()).isEqualTo("ARCHIVE_ACCESS");
    assertThat(head.storageClassAsString()).isEqualTo("INTELLIGENT_TIERING");
    fx.gateway.accessTracker().flush();
    assertThat(version("itg-archive", "a").accessTier()).as("a refused GET moves nothing").isEqualTo("ARCHIVE_ACCESS");

    var restore = s3.restoreObject(b -> b.bucket("itg-archive").key("a").restoreRequest(r -> r
        .glacierJobParameters(g -> g.tier("Standard"))));
    assertThat(restore.sdkHttpResponse().statusCode()).isEqualTo(202);
    assertThat(s3.headObject(b -> b.bucket("itg-archive").key("a")).restore()).isEqualTo("ongoing-request=\"true\"");
    assertThatThrownBy(() -> s3.restoreObject(b -> b.bucket("itg-archive").key("a").restoreRequest(r -> r
        .glacierJobParameters(g -> g.tier("Standard"))))).isInstanceOfSatisfying(S3Exception.class,
            e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("RestoreAlreadyInProgress"));
    assertThat(worker().pass(() -> true).moved()).as("a restore in progress is left alone").isZero();
  }

  @Test
  void restoreOfAFrequentIntelligentTieringObjectIsRefused() {
    s3.createBucket(b -> b.bucket("itg-norestore"));
    s3.putObject(b -> b.bucket("itg-norestore").key("a").storageClass(StorageClass.INTELLIGENT_TIERING),
        RequestBody.fromBytes(BODY));
    assertThatThrownBy(() -> s3.restoreObject(b -> b.bucket("itg-norestore").key("a").restoreRequest(r -> r
        .glacierJobParameters(g -> g.tier("Standard"))))).isInstanceOfSatisfying(S3Exception.class,
            e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidObjectState"));
    // Days stays required for the archive classes' temporary copies.
    s3.putObject(b -> b.bucket("itg-norestore").key("g").storageClass(StorageClass.GLACIER), RequestBody.fromBytes(BODY));
    assertThatThrownBy(() -> s3.restoreObject(b -> b.bucket("itg-norestore").key("g").restoreRequest(r -> r
        .glacierJobParameters(g -> g.tier("Standard"))))).isInstanceOfSatisfying(S3Exception.class,
            e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("MalformedXML"));
  }
}
