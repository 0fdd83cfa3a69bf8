package io.moraine.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moraine.gateway.crypto.RootKey;
import io.moraine.metadata.api.ObjectVersion;
import io.moraine.proto.meta.v1.KmsAuditEntry;
import io.moraine.proto.meta.v1.KmsQuery;
import io.moraine.proto.meta.v1.ListKmsAudit;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/**
 * SSE-KMS through the S3 SDK against a real gateway and its built-in KMS (S3 User Guide:
 * "Using server-side encryption with AWS KMS keys", "Reducing the cost of SSE-KMS with Amazon S3
 * Bucket Keys"): headers on PUT/GET/HEAD/copy/multipart, ranges, copies between modes, default
 * bucket encryption aws:kms, bucket keys, a disabled key, a caller without kms:Decrypt.
 */
class SseKmsTest {
  private static GatewayFixture gw;
  private static S3Client s3;
  private static KmsClient kms;
  private static String keyId;
  private static String keyArn;

  @BeforeAll
  static void start() throws Exception {
    byte[] root = new byte[32];
    new SplittableRandom(7).nextBytes(root);
    gw = GatewayFixture.start(100, 77, RootKey.of(root, new SecureRandom()));
    s3 = gw.client(GatewayFixture.AK, GatewayFixture.SK);
    kms = KmsClient.builder().endpointOverride(gw.endpoint).region(Region.US_EAST_1).credentialsProvider(
        StaticCredentialsProvider.create(AwsBasicCredentials.create(GatewayFixture.AK, GatewayFixture.SK))).build();
    s3.createBucket(b -> b.bucket("kms"));
    var key = kms.createKey(b -> b.description("s3 data")).keyMetadata();
    keyId = key.keyId();
    keyArn = key.arn();
    kms.createAlias(b -> b.aliasName("alias/s3data").targetKeyId(keyId));
  }

  @AfterAll
  static void stop() throws Exception {
    kms.close();
    s3.close();
    gw.close();
  }

  private static byte[] pattern(int n, long seed) {
    byte[] b = new byte[n];
    new SplittableRandom(seed).nextBytes(b);
    return b;
  }

  private static ObjectVersion stored(String key) {
    return gw.metadata.getObject("kms", key).orElseThrow();
  }

  @Test
  void putGetHeadAndRangesWithAKeyByAliasAndContext() {
    byte[] body = pattern(200_000, 1);
    String ctx = Base64.getEncoder().encodeToString("{\"app\":\"photos\"}".getBytes(StandardCharsets.UTF_8));
    var put = s3.putObject(b -> b.bucket("kms").key("a").serverSideEncryption(ServerSideEncryption.AWS_KMS)
        .ssekmsKeyId("alias/s3data").ssekmsEncryptionContext(ctx), RequestBody.fromBytes(body));
    assertThat(put.serverSideEncryption()).isEqualTo(ServerSideEncryption.AWS_KMS);
    assertThat(put.ssekmsKeyId()).isEqualTo(keyArn);
    assertThat(put.ssekmsEncryptionContext()).isEqualTo(ctx);
    var head = s3.headObject(b -> b.bucket("kms").key("a"));
    assertThat(head.serverSideEncryption()).isEqualTo(ServerSideEncryption.AWS_KMS);
    assertThat(head.ssekmsKeyId()).isEqualTo(keyArn);
    assertThat(head.bucketKeyEnabled()).isNull();
    assertThat(s3.getObjectAsBytes(b -> b.bucket("kms").key("a")).asByteArray()).isEqualTo(body);
    // A range across the 64 KiB package boundary.
    var range = s3.getObjectAsBytes(b -> b.bucket("kms").key("a").range("bytes=65000-70000"));
    assertThat(range.asByteArray()).isEqualTo(Arrays.copyOfRange(body, 65000, 70001));
    assertThat(range.response().ssekmsKeyId()).isEqualTo(keyArn);
    var e = stored("a").encryption();
    assertThat(e.getMode()).isEqualTo(2);
    assertThat(e.getKmsKeyArn()).isEqualTo(keyArn);
    assertThat(e.getKmsEncryptionContext()).isEqualTo("{\"app\":\"photos\",\"aws:s3:arn\":\"arn:aws:s3:::kms/a\"}");
    assertThat(e.getWrappedDataKey().isEmpty()).isTrue();
  }

  @Test
  void withoutAKeyIdTheAccountsAwsS3KeyIsMadeOnFirstUse() {
    var put = s3.putObject(b -> b.bucket("kms").key("default-key").serverSideEncryption(ServerSideEncryption.AWS_KMS),
        RequestBody.fromString("x"));
    var aws = kms.describeKey(b -> b.keyId("alias/aws/s3")).keyMetadata();
    assertThat(put.ssekmsKeyId()).isEqualTo(aws.arn());
    assertThat(aws.keyManagerAsString()).isEqualTo("AWS");
    assertThat(s3.getObjectAsBytes(b -> b.bucket("kms").key("default-key")).asUtf8String()).isEqualTo("x");
    assertThatThrownBy(() -> s3.putObject(b -> b.bucket("kms").key("nokey").serverSideEncryption(ServerSideEncryption.AWS_KMS)
        .ssekmsKeyId("alias/none"), RequestBody.fromString("x")))
        .isInstanceOf(S3Exception.class).satisfies(x -> {
          assertThat(((S3Exception) x).statusCode()).isEqualTo(400);
          assertThat(((S3Exception) x).awsErrorDetails().errorCode()).isEqualTo("KMS.NotFoundException");
        });
  }

  @Test
  void aCustomerKeyWithAwsKmsIsRefused() {
    byte[] k = pattern(32, 9);
    String md5;
    try {
      md5 = Base64.getEncoder().encodeToString(java.security.MessageDigest.getInstance("MD5").digest(k));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
    assertThatThrownBy(() -> s3.putObject(b -> b.bucket("kms").key("both").serverSideEncryption(ServerSideEncryption.AWS_KMS)
        .sseCustomerAlgorithm("AES256").sseCustomerKey(Base64.getEncoder().encodeToString(k)).sseCustomerKeyMD5(md5),
        RequestBody.fromString("x"))).isInstanceOf(S3Exception.class).satisfies(x -> {
          assertThat(((S3Exception) x).statusCode()).isEqualTo(400);
          assertThat(((S3Exception) x).awsErrorDetails().errorCode()).isEqualTo("InvalidArgument");
        });
    assertThatThrownBy(() -> s3.putObject(b -> b.bucket("kms").key("keyid-only").ssekmsKeyId(keyId),
        RequestBody.fromString("x"))).isInstanceOf(S3Exception.class)
        .satisfies(x -> assertThat(((S3Exception) x).statusCode()).isEqualTo(400));
  }

  @Test
  void aDisabledKeyRefusesGetUntilReEnabled() {
    String own = kms.createKey(b -> { }).keyMetadata().keyId();
    s3.putObject(b -> b.bucket("kms").key("disabled").serverSideEncryption(ServerSideEncryption.AWS_KMS).ssekmsKeyId(own),
        RequestBody.fromString("secret"));
    kms.disableKey(b -> b.keyId(own));
    assertThatThrownBy(() -> s3.getObjectAsBytes(b -> b.bucket("kms").key("disabled"))).isInstanceOf(S3Exception.class)
        .satisfies(x -> {
          assertThat(((S3Exception) x).statusCode()).isEqualTo(400);
          assertThat(((S3Exception) x).awsErrorDetails().errorCode()).isEqualTo("KMS.DisabledException");
        });
    kms.enableKey(b -> b.keyId(own));
    assertThat(s3.getObjectAsBytes(b -> b.bucket("kms").key("disabled")).asUtf8String()).isEqualTo("secret");
  }

  @Test
  void copiesBetweenModes() {
    byte[] body = pattern(70_000, 2);
    s3.putObject(b -> b.bucket("kms").key("c/plain"), RequestBody.fromBytes(body));
    var toKms = s3.copyObject(b -> b.sourceBucket("kms").sourceKey("c/plain").destinationBucket("kms")
        .destinationKey("c/kms").serverSideEncryption(ServerSideEncryption.AWS_KMS).ssekmsKeyId(keyId));
    assertThat(toKms.serverSideEncryption()).isEqualTo(ServerSideEncryption.AWS_KMS);
    assertThat(toKms.ssekmsKeyId()).isEqualTo(keyArn);
    var toS3 = s3.copyObject(b -> b.sourceBucket("kms").sourceKey("c/kms").destinationBucket("kms")
        .destinationKey("c/sse-s3").serverSideEncryption(ServerSideEncryption.AES256));
    assertThat(toS3.serverSideEncryption()).isEqualTo(ServerSideEncryption.AES256);
    var toPlain = s3.copyObject(b -> b.sourceBucket("kms").sourceKey("c/kms").destinationBucket("kms")
        .destinationKey("c/plain2"));
    assertThat(toPlain.serverSideEncryption()).isNull();
    var s3ToKms = s3.copyObject(b -> b.sourceBucket("kms").sourceKey("c/sse-s3").destinationBucket("kms")
        .destinationKey("c/kms2").serverSideEncryption(ServerSideEncryption.AWS_KMS).bucketKeyEnabled(true));
    assertThat(s3ToKms.bucketKeyEnabled()).isTrue();
    for (String k : new String[] {"c/kms", "c/sse-s3", "c/plain2", "c/kms2"}) {
      assertThat(s3.getObjectAsBytes(b -> b.bucket("kms").key(k)).asByteArray()).as(k).isEqualTo(body);
    }
    assertThat(stored("c/plain2").encrypted()).isFalse();
    assertThat(stored("c/kms2").encryption().getBucketKeyEnabled()).isTrue();
  }

  @Test
  void multipartWithSseKms() {
    byte[] p1 = pattern(5 * 1024 * 1024, 3);
    byte[] p2 = pattern(1000, 4);
    var created = s3.createMultipartUpload(b -> b.bucket("kms").key("mpu").serverSideEncryption(ServerSideEncryption.AWS_KMS)
        .ssekmsKeyId(keyArn));
    assertThat(created.ssekmsKeyId()).isEqualTo(keyArn);
    String id = created.uploadId();
    var u1 = s3.uploadPart(b -> b.bucket("kms").key("mpu").uploadId(id).partNumber(1), RequestBody.fromBytes(p1));
    assertThat(u1.serverSideEncryption()).isEqualTo(ServerSideEncryption.AWS_KMS);
    var u2 = s3.uploadPart(b -> b.bucket("kms").key("mpu").uploadId(id).partNumber(2), RequestBody.fromBytes(p2));
    var done = s3.completeMultipartUpload(b -> b.bucket("kms").key("mpu").uploadId(id).multipartUpload(
        CompletedMultipartUpload.builder().parts(CompletedPart.builder().partNumber(1).eTag(u1.eTag()).build(),
            CompletedPart.builder().partNumber(2).eTag(u2.eTag()).build()).build()));
    assertThat(done.ssekmsKeyId()).isEqualTo(keyArn);
    byte[] whole = new byte[p1.length + p2.length];
    System.arraycopy(p1, 0, whole, 0, p1.length);
    System.arraycopy(p2, 0, whole, p1.length, p2.length);
    assertThat(s3.getObjectAsBytes(b -> b.bucket("kms").key("mpu")).asByteArray()).isEqualTo(whole);
    var range = s3.getObjectAsBytes(b -> b.bucket("kms").key("mpu").range("bytes=" + (p1.length - 10) + "-" + (p1.length + 9)));
    assertThat(range.asByteArray()).isEqualTo(Arrays.copyOfRange(whole, p1.length - 10, p1.length + 10));
  }

  @Test
  void bucketDefaultAwsKmsWithABucketKeyCallsTheKmsOncePerInterval() {
    s3.createBucket(b -> b.bucket("kms-default"));
    s3.putBucketEncryption(b -> b.bucket("kms-default").serverSideEncryptionConfiguration(c -> c.rules(r -> r
        .applyServerSideEncryptionByDefault(d -> d.sseAlgorithm(ServerSideEncryption.AWS_KMS).kmsMasterKeyID(keyArn))
        .bucketKeyEnabled(true))));
    var config = s3.getBucketEncryption(b -> b.bucket("kms-default")).serverSideEncryptionConfiguration().rules().get(0);
    assertThat(config.applyServerSideEncryptionByDefault().kmsMasterKeyID()).isEqualTo(keyArn);
    assertThat(config.bucketKeyEnabled()).isTrue();
    for (int i = 0; i < 5; i++) {
      String k = "o" + i;
      var put = s3.putObject(b -> b.bucket("kms-default").key(k), RequestBody.fromString("v" + k));
      assertThat(put.serverSideEncryption()).isEqualTo(ServerSideEncryption.AWS_KMS);
      assertThat(put.ssekmsKeyId()).isEqualTo(keyArn);
      assertThat(put.bucketKeyEnabled()).isTrue();
    }
    var a = gw.metadata.getObject("kms-default", "o0").orElseThrow().encryption();
    var b4 = gw.metadata.getObject("kms-default", "o4").orElseThrow().encryption();
    // One bucket-level key (one KMS blob), a different data key per object.
    assertThat(b4.getKmsCiphertextBlob()).isEqualTo(a.getKmsCiphertextBlob());
    assertThat(b4.getWrappedDataKey()).isNotEqualTo(a.getWrappedDataKey());
    assertThat(a.getKmsEncryptionContext()).isEqualTo("{\"aws:s3:arn\":\"arn:aws:s3:::kms-default\"}");
    assertThat(s3.getObjectAsBytes(b -> b.bucket("kms-default").key("o3")).asUtf8String()).isEqualTo("vo3");
    assertThat(s3.headObject(b -> b.bucket("kms-default").key("o3")).bucketKeyEnabled()).isTrue();

    gw.gateway.kms().audit().flush();
    var audit = gw.metadata.kmsQuery(KmsQuery.newBuilder().setListAudit(ListKmsAudit.newBuilder().setKeyId(keyId)).build())
        .getAuditList().stream().filter(x -> x.getResource().startsWith("arn:aws:s3:::kms-default/")).toList();
    // Every object's use is audited, cached or not.
    assertThat(audit).extracting(KmsAuditEntry::getResource).contains("arn:aws:s3:::kms-default/o0",
        "arn:aws:s3:::kms-default/o4");
    assertThat(audit.stream().filter(x -> x.getOp().equals("GenerateDataKey")).count()).isEqualTo(5);
  }

  @Test
  void aUserWithoutKmsDecryptGetsAccessDenied() {
    s3.putObject(b -> b.bucket("kms").key("private").serverSideEncryption(ServerSideEncryption.AWS_KMS).ssekmsKeyId(keyId),
        RequestBody.fromString("private"));
    try (IamClient iam = IamClient.builder().endpointOverride(gw.endpoint).region(Region.US_EAST_1).credentialsProvider(
        StaticCredentialsProvider.create(AwsBasicCredentials.create(GatewayFixture.AK, GatewayFixture.SK))).build()) {
      iam.createUser(b -> b.userName("reader"));
      iam.putUserPolicy(b -> b.userName("reader").policyName("s3").policyDocument("""
          {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],
           "Resource":"arn:aws:s3:::kms/*"}]}"""));
      var key = iam.createAccessKey(b -> b.userName("reader")).accessKey();
      try (S3Client reader = gw.client(key.accessKeyId(), key.secretAccessKey())) {
        assertThatThrownBy(() -> reader.getObjectAsBytes(b -> b.bucket("kms").key("private")))
            .isInstanceOf(S3Exception.class).satisfies(x -> {
              assertThat(((S3Exception) x).statusCode()).isEqualTo(403);
              assertThat(((S3Exception) x).awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
            });
        assertThatThrownBy(() -> reader.putObject(b -> b.bucket("kms").key("by-reader")
            .serverSideEncryption(ServerSideEncryption.AWS_KMS).ssekmsKeyId(keyId), RequestBody.fromString("x")))
            .isInstanceOf(S3Exception.class).satisfies(x -> assertThat(((S3Exception) x).statusCode()).isEqualTo(403));
        iam.putUserPolicy(b -> b.userName("reader").policyName("kms").policyDocument("""
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["kms:Decrypt","kms:GenerateDataKey"],
             "Resource":"%s"}]}""".formatted(keyArn)));
        assertThat(reader.getObjectAsBytes(b -> b.bucket("kms").key("private")).asUtf8String()).isEqualTo("private");
        reader.putObject(b -> b.bucket("kms").key("by-reader").serverSideEncryption(ServerSideEncryption.AWS_KMS)
            .ssekmsKeyId(keyId), RequestBody.fromString("x"));
      }
    }
  }
}
