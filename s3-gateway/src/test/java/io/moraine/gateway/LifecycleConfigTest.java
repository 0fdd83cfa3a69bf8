package io.moraine.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ExpirationStatus;
import software.amazon.awssdk.services.s3.model.LifecycleRule;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.TransitionDefaultMinimumObjectSize;
import software.amazon.awssdk.services.s3.model.TransitionStorageClass;

/**
 * Put/Get/DeleteBucketLifecycleConfiguration through the AWS SDK (S3 API Reference): the stored
 * rules come back as given, NoSuchLifecycleConfiguration when there are none, S3's validation
 * errors reach the client, and the integrity header S3 requires is required.
 */
class LifecycleConfigTest {
  static GatewayFixture fx;
  static S3Client s3;

  @BeforeAll
  static void start() throws Exception {
    fx = GatewayFixture.start(100, 14);
    s3 = fx.client(GatewayFixture.AK, GatewayFixture.SK);
  }

  @AfterAll
  static void stop() throws Exception {
    s3.close();
    fx.close();
  }

  @Test
  void configurationRoundTripsAndIsDeleted() {
    s3.createBucket(b -> b.bucket("lc-main"));
    assertThatThrownBy(() -> s3.getBucketLifecycleConfiguration(b -> b.bucket("lc-main")))
        .isInstanceOfSatisfying(S3Exception.class, e -> {
          assertThat(e.statusCode()).isEqualTo(404);
          assertThat(e.awsErrorDetails().errorCode()).isEqualTo("NoSuchLifecycleConfiguration");
        });
    var put = s3.putBucketLifecycleConfiguration(b -> b.bucket("lc-main")
        .transitionDefaultMinimumObjectSize(TransitionDefaultMinimumObjectSize.VARIES_BY_STORAGE_CLASS)
        .lifecycleConfiguration(c -> c.rules(
            LifecycleRule.builder().id("archive").status(ExpirationStatus.ENABLED).filter(f -> f.prefix("logs/"))
                .transitions(t -> t.days(30).storageClass(TransitionStorageClass.STANDARD_IA),
                    t -> t.days(90).storageClass(TransitionStorageClass.GLACIER))
                .expiration(e -> e.days(365)).build(),
            LifecycleRule.builder().id("versions").status(ExpirationStatus.DISABLED)
                .filter(f -> f.and(a -> a.prefix("v/").tags(t -> t.key("k").value("v")).objectSizeGreaterThan(10L)))
                .noncurrentVersionExpiration(n -> n.noncurrentDays(7).newerNoncurrentVersions(2))
                .build(),
            LifecycleRule.builder().id("uploads").status(ExpirationStatus.ENABLED).filter(f -> f.prefix(""))
                .abortIncompleteMultipartUpload(a -> a.daysAfterInitiation(3))
                .expiration(e -> e.expiredObjectDeleteMarker(true)).build())));
    assertThat(put.transitionDefaultMinimumObjectSize()).isEqualTo(TransitionDefaultMinimumObjectSize.VARIES_BY_STORAGE_CLASS);
    var got = s3.getBucketLifecycleConfiguration(b -> b.bucket("lc-main"));
    assertThat(got.transitionDefaultMinimumObjectSize()).isEqualTo(TransitionDefaultMinimumObjectSize.VARIES_BY_STORAGE_CLASS);
    assertThat(got.rules()).hasSize(3);
    LifecycleRule archive = got.rules().get(0);
    assertThat(archive.id()).isEqualTo("archive");
    assertThat(archive.filter().prefix()).isEqualTo("logs/");
    assertThat(archive.transitions()).extracting(t -> t.storageClassAsString() + "@" + t.days())
        .containsExactly("STANDARD_IA@30", "GLACIER@90");
    assertThat(archive.expiration().days()).isEqualTo(365);
    LifecycleRule versions = got.rules().get(1);
    assertThat(versions.status()).isEqualTo(ExpirationStatus.DISABLED);
    assertThat(versions.filter().and().prefix()).isEqualTo("v/");
    assertThat(versions.filter().and().tags()).singleElement().satisfies(t -> assertThat(t.key()).isEqualTo("k"));
    assertThat(versions.filter().and().objectSizeGreaterThan()).isEqualTo(10L);
    assertThat(versions.noncurrentVersionExpiration().noncurrentDays()).isEqualTo(7);
    assertThat(versions.noncurrentVersionExpiration().newerNoncurrentVersions()).isEqualTo(2);
    LifecycleRule uploads = got.rules().get(2);
    assertThat(uploads.abortIncompleteMultipartUpload().daysAfterInitiation()).isEqualTo(3);
    assertThat(uploads.expiration().expiredObjectDeleteMarker()).isTrue();

    s3.deleteBucketLifecycle(b -> b.bucket("lc-main"));
    assertThatThrownBy(() -> s3.getBucketLifecycleConfiguration(b -> b.bucket("lc-main")))
        .isInstanceOfSatisfying(S3Exception.class,
            e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("NoSuchLifecycleConfiguration"));
  }

  @Test
  void defaultMinimumSizeIsAllStorageClasses128K() {
    s3.createBucket(b -> b.bucket("lc-default"));
    s3.putBucketLifecycleConfiguration(b -> b.bucket("lc-default").lifecycleConfiguration(c -> c.rules(
        LifecycleRule.builder().id("r").status(ExpirationStatus.ENABLED).filter(f -> f.prefix(""))
            .expiration(e -> e.days(1)).build())));
    assertThat(s3.getBucketLifecycleConfiguration(b -> b.bucket("lc-default")).transitionDefaultMinimumObjectSize())
        .isEqualTo(TransitionDefaultMinimumObjectSize.ALL_STORAGE_CLASSES_128_K);
  }

  @Test
  void validationErrorsReachTheClient() {
    s3.createBucket(b -> b.bucket("lc-bad"));
    assertThatThrownBy(() -> s3.putBucketLifecycleConfiguration(b -> b.bucket("lc-bad").lifecycleConfiguration(c -> c.rules(
        LifecycleRule.builder().id("r").status(ExpirationStatus.ENABLED).filter(f -> f.prefix(""))
            .transitions(t -> t.days(10).storageClass(TransitionStorageClass.STANDARD_IA)).build()))))
        .isInstanceOfSatisfying(S3Exception.class, e -> {
          assertThat(e.statusCode()).isEqualTo(400);
          assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidArgument");
          assertThat(e.awsErrorDetails().errorMessage())
              .isEqualTo("'Days' in Transition action must be greater than or equal to 30 for storageClass 'STANDARD_IA'");
        });
    assertThatThrownBy(() -> s3.getBucketLifecycleConfiguration(b -> b.bucket("lc-bad")))
        .isInstanceOf(S3Exception.class); // nothing stored
  }

  /** S3 requires Content-MD5 (or an x-amz-checksum-*) on PutBucketLifecycleConfiguration. */
  @Test
  void aBodyWithoutIntegrityHeaderIsRefused() throws Exception {
    s3.createBucket(b -> b.bucket("lc-md5"));
    s3.putBucketPolicy(b -> b.bucket("lc-md5").policy("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
        + "\"Principal\":\"*\",\"Action\":\"s3:PutLifecycleConfiguration\",\"Resource\":\"arn:aws:s3:::lc-md5\"}]}"));
    String body = "<LifecycleConfiguration><Rule><ID>r</ID><Filter/><Status>Enabled</Status>"
        + "<Expiration><Days>1</Days></Expiration></Rule></LifecycleConfiguration>";
    RawHttp.Reply reply = RawHttp.exchange(fx.gateway.port(), "PUT /lc-md5?lifecycle HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + "Content-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body);
    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.body()).contains("<Code>InvalidRequest</Code>")
        .contains("Missing required header for this request: Content-MD5");
    String md5 = java.util.Base64.getEncoder().encodeToString(java.security.MessageDigest.getInstance("MD5")
        .digest(body.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    RawHttp.Reply ok = RawHttp.exchange(fx.gateway.port(), "PUT /lc-md5?lifecycle HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + "Content-MD5: " + md5 + "\r\nContent-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body);
    assertThat(ok.status()).as(ok.body()).isEqualTo(200);
  }

  /**
   * S3 API Reference, PutObject / GetObject / HeadObject {@code x-amz-expiration}: "the expiry-date
   * and rule-id key-value pairs" of the Expiration rule that applies; Days are rounded up to the
   * next midnight UTC.
   */
  @Test
  void expirationHeaderNamesTheRuleOnPutGetAndHead() {
    s3.createBucket(b -> b.bucket("lc-exp"));
    s3.putBucketLifecycleConfiguration(b -> b.bucket("lc-exp").lifecycleConfiguration(c -> c.rules(
        LifecycleRule.builder().id("short").status(ExpirationStatus.ENABLED).filter(f -> f.prefix("tmp/"))
            .expiration(e -> e.days(3)).build(),
        LifecycleRule.builder().id("long").status(ExpirationStatus.ENABLED).filter(f -> f.prefix(""))
            .expiration(e -> e.days(10)).build(),
        LifecycleRule.builder().id("off").status(ExpirationStatus.DISABLED).filter(f -> f.prefix("tmp/"))
            .expiration(e -> e.days(1)).build())));
    var put = s3.putObject(b -> b.bucket("lc-exp").key("tmp/a"), software.amazon.awssdk.core.sync.RequestBody.fromString("x"));
    var head = s3.headObject(b -> b.bucket("lc-exp").key("tmp/a"));
    long expected = io.moraine.metadata.api.DayScale.real().daysAfter(head.lastModified().toEpochMilli(), 3);
    String header = "expiry-date=\"" + io.moraine.gateway.http.S3Response.httpDate(expected)
        + "\", rule-id=\"short\"";
    assertThat(expected % 86_400_000L).isZero();
    assertThat(header).endsWith(" 00:00:00 GMT\", rule-id=\"short\"");
    assertThat(put.expiration()).isEqualTo(header);
    assertThat(head.expiration()).isEqualTo(header);
    assertThat(s3.getObjectAsBytes(b -> b.bucket("lc-exp").key("tmp/a")).response().expiration()).isEqualTo(header);
    assertThat(s3.putObject(b -> b.bucket("lc-exp").key("other"), software.amazon.awssdk.core.sync.RequestBody.fromString("x"))
        .expiration()).contains("rule-id=\"long\"");
    s3.createBucket(b -> b.bucket("lc-none"));
    assertThat(s3.putObject(b -> b.bucket("lc-none").key("k"), software.amazon.awssdk.core.sync.RequestBody.fromString("x"))
        .expiration()).isNull();
  }
}
