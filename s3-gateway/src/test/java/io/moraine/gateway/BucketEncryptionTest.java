package io.moraine.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moraine.gateway.crypto.RootKey;
import java.security.SecureRandom;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetBucketEncryptionResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.model.ServerSideEncryptionConfiguration;
import software.amazon.awssdk.services.s3.model.ServerSideEncryptionRule;

/**
 * Default bucket encryption (Put/Get/DeleteBucketEncryption) through a real gateway and the AWS SDK
 * v2: writes that name no encryption are sealed with SSE-S3 when the bucket says so (PUT, copy,
 * multipart), an explicit header still wins, and the configuration's errors are S3's.
 */
class BucketEncryptionTest {
  private static GatewayFixture gw;
  private static GatewayFixture noRootKey;
  private static S3Client s3;

  @BeforeAll
  static void start() throws Exception {
    byte[] root = new byte[32];
    new SplittableRandom(7).nextBytes(root);
    gw = GatewayFixture.start(100, 7, RootKey.of(root, new SecureRandom()));
    s3 = gw.client(GatewayFixture.AK, GatewayFixture.SK);
    noRootKey = GatewayFixture.start(100, 8);
  }

  @AfterAll
  static void stop() throws Exception {
    s3.close();
    gw.close();
    noRootKey.close();
  }

  private static void putDefault(S3Client c, String bucket, String algorithm) {
    c.putBucketEncryption(b -> b.bucket(bucket).serverSideEncryptionConfiguration(
        ServerSideEncryptionConfiguration.builder().rules(ServerSideEncryptionRule.builder()
            .applyServerSideEncryptionByDefault(d -> d.sseAlgorithm(algorithm)).bucketKeyEnabled(true).build()).build()));
  }

  @Test
  void withoutAConfigurationWritesArePlaintextAndGetIsNotFound() {
    s3.createBucket(b -> b.bucket("plain"));
    assertThatThrownBy(() -> s3.getBucketEncryption(b -> b.bucket("plain")))
        .isInstanceOfSatisfying(S3Exception.class, e -> {
          assertThat(e.statusCode()).isEqualTo(404);
          assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ServerSideEncryptionConfigurationNotFoundError");
        });
    assertThat(s3.putObject(b -> b.bucket("plain").key("k"), RequestBody.fromString("x")).serverSideEncryption()).isNull();
    assertThat(gw.metadata.getObject("plain", "k").orElseThrow().encrypted()).isFalse();
  }

  @Test
  void aDefaultOfSseS3SealsPutsCopiesAndUploadsThatAskForNothing() {
    s3.createBucket(b -> b.bucket("sealed"));
    s3.createBucket(b -> b.bucket("source"));
    putDefault(s3, "sealed", "AES256");
    GetBucketEncryptionResponse got = s3.getBucketEncryption(b -> b.bucket("sealed"));
    ServerSideEncryptionRule rule = got.serverSideEncryptionConfiguration().rules().get(0);
    assertThat(rule.applyServerSideEncryptionByDefault().sseAlgorithm()).isEqualTo(ServerSideEncryption.AES256);
    assertThat(rule.bucketKeyEnabled()).isTrue();

    assertThat(s3.putObject(b -> b.bucket("sealed").key("put"), RequestBody.fromString("secret")).serverSideEncryption())
        .isEqualTo(ServerSideEncryption.AES256);
    assertThat(gw.metadata.getObject("sealed", "put").orElseThrow().encrypted()).isTrue();
    assertThat(s3.getObjectAsBytes(b -> b.bucket("sealed").key("put")).asUtf8String()).isEqualTo("secret");

    s3.putObject(b -> b.bucket("source").key("src"), RequestBody.fromString("copied"));
    assertThat(s3.copyObject(b -> b.sourceBucket("source").sourceKey("src").destinationBucket("sealed")
        .destinationKey("copy")).serverSideEncryption()).isEqualTo(ServerSideEncryption.AES256);
    assertThat(gw.metadata.getObject("sealed", "copy").orElseThrow().encrypted()).isTrue();

    String upload = s3.createMultipartUpload(b -> b.bucket("sealed").key("mpu")).uploadId();
    String etag = s3.uploadPart(b -> b.bucket("sealed").key("mpu").uploadId(upload).partNumber(1),
        RequestBody.fromString("part")).eTag();
    s3.completeMultipartUpload(b -> b.bucket("sealed").key("mpu").uploadId(upload)
        .multipartUpload(m -> m.parts(p -> p.partNumber(1).eTag(etag))));
    assertThat(gw.metadata.getObject("sealed", "mpu").orElseThrow().encrypted()).isTrue();
    assertThat(s3.getObjectAsBytes(b -> b.bucket("sealed").key("mpu")).asUtf8String()).isEqualTo("part");

    // Deleting the default: new writes are plaintext again, the sealed ones stay readable.
    s3.deleteBucketEncryption(b -> b.bucket("sealed"));
    assertThat(s3.putObject(b -> b.bucket("sealed").key("after"), RequestBody.fromString("p")).serverSideEncryption())
        .isNull();
    assertThat(s3.getObjectAsBytes(b -> b.bucket("sealed").key("put")).asUtf8String()).isEqualTo("secret");
  }

  @Test
  void aBucketPolicyCanRequireEncryptionHeaders() {
    s3.createBucket(b -> b.bucket("must-encrypt"));
    s3.putBucketPolicy(b -> b.bucket("must-encrypt").policy("""
        {"Version":"2012-10-17","Statement":[{"Sid":"DenyUnencrypted","Effect":"Deny","Principal":"*",
        "Action":"s3:PutObject","Resource":"arn:aws:s3:::must-encrypt/*",
        "Condition":{"StringNotEquals":{"s3:x-amz-server-side-encryption":"AES256"}}}]}"""));
    refused(() -> s3.putObject(b -> b.bucket("must-encrypt").key("plain"), RequestBody.fromString("x")), 403, "AccessDenied");
    s3.putObject(b -> b.bucket("must-encrypt").key("sealed").serverSideEncryption(ServerSideEncryption.AES256),
        RequestBody.fromString("x"));
    assertThat(s3.headObject(b -> b.bucket("must-encrypt").key("sealed")).serverSideEncryption())
        .isEqualTo(ServerSideEncryption.AES256);
    refused(() -> s3.getObjectAsBytes(b -> b.bucket("must-encrypt").key("plain")), 404, "NoSuchKey");
  }

  private static void refused(Runnable call, int status, String code) {
    assertThatThrownBy(call::run).isInstanceOfSatisfying(S3Exception.class, e -> {
      assertThat(e.statusCode()).isEqualTo(status);
      assertThat(e.awsErrorDetails().errorCode()).isEqualTo(code);
    });
  }

  @Test
  void theConfigurationIsValidatedAsS3Does() {
    s3.createBucket(b -> b.bucket("bad"));
    refused(() -> putDefault(s3, "bad", "DES"), 400, "MalformedXML");
    refused(() -> s3.putBucketEncryption(b -> b.bucket("bad").serverSideEncryptionConfiguration(c -> c.rules(
        ServerSideEncryptionRule.builder().applyServerSideEncryptionByDefault(d -> d.sseAlgorithm("AES256")
            .kmsMasterKeyID("some-key")).build()))), 400, "InvalidArgument");
    refused(() -> s3.putBucketEncryption(b -> b.bucket("bad").serverSideEncryptionConfiguration(c -> c.rules(
        ServerSideEncryptionRule.builder().applyServerSideEncryptionByDefault(d -> d.sseAlgorithm("AES256")).build(),
        ServerSideEncryptionRule.builder().applyServerSideEncryptionByDefault(d -> d.sseAlgorithm("AES256")).build()))),
        400, "MalformedXML");
    // aws:kms works (SseKmsTest); dual-layer DSSE-KMS is not built.
    refused(() -> putDefault(s3, "bad", "aws:kms:dsse"), 501, "NotImplemented");
    refused(() -> s3.getBucketEncryption(b -> b.bucket("bad")), 404, "ServerSideEncryptionConfigurationNotFoundError");
  }

  @Test
  void aGatewayWithoutARootKeyRefusesTheDefaultRatherThanFailEveryWrite() {
    S3Client c = noRootKey.client(GatewayFixture.AK, GatewayFixture.SK);
    c.createBucket(b -> b.bucket("nokey"));
    assertThatThrownBy(() -> putDefault(c, "nokey", "AES256"))
        .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(501));
    c.close();
  }
}
