package io.moraine.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moraine.metadata.api.DataLayout;
import io.moraine.metadata.api.ObjectVersion;
import io.moraine.metadata.api.Segment;
import io.moraine.storage.api.ShardId;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * SSE-C through a real gateway and the AWS SDK v2 (docs/encryption.md): the customer's key seals
 * a random data key and is never stored; GET, HEAD, ranges, copies and multipart need it, a wrong
 * or missing key is refused with S3's errors, and no stored byte holds the plaintext. The gateway
 * runs without a root key: SSE-C needs none.
 */
class SseCustomerTest {
  private static GatewayFixture gw;
  private static S3Client s3;
  private static final String KEY = key(1);
  private static final String OTHER = key(2);

  @BeforeAll
  static void start() throws Exception {
    gw = GatewayFixture.start(100, 11);
    s3 = gw.client(GatewayFixture.AK, GatewayFixture.SK);
    s3.createBucket(b -> b.bucket("ssec"));
  }

  @AfterAll
  static void stop() throws Exception {
    s3.close();
    gw.close();
  }

  private static String key(long seed) {
    byte[] k = new byte[32];
    new SplittableRandom(seed).nextBytes(k);
    return Base64.getEncoder().encodeToString(k);
  }

  private static String md5(String base64Key) throws Exception {
    return Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(Base64.getDecoder().decode(base64Key)));
  }

  private static byte[] pattern(int n) {
    byte[] b = new byte[n];
    new SplittableRandom(n).nextBytes(b);
    return b;
  }

  private static PutObjectResponse put(String k, byte[] body, String customerKey) throws Exception {
    String md5 = md5(customerKey);
    return s3.putObject(b -> b.bucket("ssec").key(k).sseCustomerAlgorithm("AES256").sseCustomerKey(customerKey)
        .sseCustomerKeyMD5(md5), RequestBody.fromBytes(body));
  }

  private static GetObjectRequest.Builder get(GetObjectRequest.Builder b, String k, String customerKey) throws Exception {
    return b.bucket("ssec").key(k).sseCustomerAlgorithm("AES256").sseCustomerKey(customerKey).sseCustomerKeyMD5(md5(customerKey));
  }

  private static void refused(ThrowingRunnable call, int status, String code) {
    assertThatThrownBy(call::run).isInstanceOfSatisfying(S3Exception.class, e -> {
      assertThat(e.statusCode()).isEqualTo(status);
      if (code != null) {
        assertThat(e.awsErrorDetails().errorCode()).isEqualTo(code);
      }
    });
  }

  interface ThrowingRunnable {
    void run() throws Exception;
  }

  @Test
  void theCustomersKeyReadsTheObjectBackAndNothingElseDoes() throws Exception {
    byte[] body = pattern(3 * 65_536 + 17);
    PutObjectResponse put = put("obj", body, KEY);
    assertThat(put.sseCustomerAlgorithm()).isEqualTo("AES256");
    assertThat(put.sseCustomerKeyMD5()).isEqualTo(md5(KEY));
    assertThat(put.serverSideEncryption()).isNull();

    var got = s3.getObjectAsBytes(b -> unchecked(() -> get(b, "obj", KEY)));
    assertThat(got.asByteArray()).isEqualTo(body);
    assertThat(got.response().sseCustomerKeyMD5()).isEqualTo(md5(KEY));
    byte[] range = s3.getObjectAsBytes(b -> unchecked(() -> get(b, "obj", KEY).range("bytes=65530-131080"))).asByteArray();
    assertThat(range).isEqualTo(java.util.Arrays.copyOfRange(body, 65530, 131081));
    HeadObjectResponse head = s3.headObject(b -> b.bucket("ssec").key("obj").sseCustomerAlgorithm("AES256")
        .sseCustomerKey(KEY).sseCustomerKeyMD5(unchecked(() -> md5(KEY))));
    assertThat(head.contentLength()).isEqualTo(body.length);

    refused(() -> s3.getObjectAsBytes(b -> b.bucket("ssec").key("obj")), 400, "InvalidRequest");
    refused(() -> s3.headObject(b -> b.bucket("ssec").key("obj")), 400, null); // HEAD has no body to carry a code
    refused(() -> s3.getObjectAsBytes(b -> unchecked(() -> get(b, "obj", OTHER))), 403, "AccessDenied");
    // GetObjectAttributes reads metadata only, but an SSE-C object's needs its key all the same (S3).
    var attributes = s3.getObjectAttributes(b -> b.bucket("ssec").key("obj")
        .objectAttributes(software.amazon.awssdk.services.s3.model.ObjectAttributes.OBJECT_SIZE)
        .sseCustomerAlgorithm("AES256").sseCustomerKey(KEY).sseCustomerKeyMD5(unchecked(() -> md5(KEY))));
    assertThat(attributes.objectSize()).isEqualTo(body.length);
    refused(() -> s3.getObjectAttributes(b -> b.bucket("ssec").key("obj")
        .objectAttributes(software.amazon.awssdk.services.s3.model.ObjectAttributes.OBJECT_SIZE)), 400, "InvalidRequest");
    refused(() -> s3.getObjectAttributes(b -> b.bucket("ssec").key("obj")
        .objectAttributes(software.amazon.awssdk.services.s3.model.ObjectAttributes.OBJECT_SIZE)
        .sseCustomerAlgorithm("AES256").sseCustomerKey(OTHER).sseCustomerKeyMD5(unchecked(() -> md5(OTHER)))),
        403, "AccessDenied");

    // Nothing stored holds the plaintext: scan every shard byte for a 32-byte window of the body.
    ObjectVersion v = gw.metadata.getObject("ssec", "obj").orElseThrow();
    // Neither the key nor its MD5 is stored: a salted HMAC tells a wrong key from a tampered record.
    assertThat(v.encryption().getCustomerKeyHmac().size()).isEqualTo(32);
    assertThat(v.encryption().toString()).doesNotContain(md5(KEY));
    assertThat(new String(v.encryption().getWrappedDataKey().toByteArray(), java.nio.charset.StandardCharsets.ISO_8859_1))
        .doesNotContain(new String(Base64.getDecoder().decode(KEY), java.nio.charset.StandardCharsets.ISO_8859_1));
    String probe = new String(java.util.Arrays.copyOfRange(body, 1000, 1032), java.nio.charset.StandardCharsets.ISO_8859_1);
    for (Segment s : ((DataLayout.Segments) v.layout()).segments()) {
      for (int i = 0; i < s.shardNodes().size(); i++) {
        byte[] shard = gw.shards.node(s.shardNodes().get(i)).get(new ShardId(s.dataId(), i));
        assertThat(new String(shard, java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain(probe);
      }
    }
  }

  @Test
  void badKeyHeadersGetS3sErrors() throws Exception {
    refused(() -> s3.putObject(b -> b.bucket("ssec").key("bad").sseCustomerAlgorithm("AES128").sseCustomerKey(KEY)
        .sseCustomerKeyMD5(unchecked(() -> md5(KEY))), RequestBody.fromString("x")), 400, "InvalidEncryptionAlgorithmError");
    refused(() -> s3.putObject(b -> b.bucket("ssec").key("bad").sseCustomerAlgorithm("AES256")
        .sseCustomerKey(Base64.getEncoder().encodeToString(new byte[16]))
        .sseCustomerKeyMD5(unchecked(() -> md5(Base64.getEncoder().encodeToString(new byte[16])))),
        RequestBody.fromString("x")), 400, "InvalidArgument");
    refused(() -> s3.putObject(b -> b.bucket("ssec").key("bad").sseCustomerAlgorithm("AES256").sseCustomerKey(KEY)
        .sseCustomerKeyMD5(unchecked(() -> md5(OTHER))), RequestBody.fromString("x")), 400, "InvalidArgument");
    refused(() -> s3.putObject(b -> b.bucket("ssec").key("bad").sseCustomerAlgorithm("AES256").sseCustomerKey(KEY)
        .sseCustomerKeyMD5(unchecked(() -> md5(KEY))).serverSideEncryption("AES256"), RequestBody.fromString("x")),
        400, "InvalidArgument");
    assertThat(gw.metadata.getObject("ssec", "bad")).isEmpty();
    // A key for an object that is not SSE-C.
    s3.putObject(b -> b.bucket("ssec").key("plain"), RequestBody.fromString("plain"));
    refused(() -> s3.getObjectAsBytes(b -> unchecked(() -> get(b, "plain", KEY))), 400, "InvalidRequest");
  }

  @Test
  void copiesNeedTheSourceKeyAndSealTheDestinationAsAsked() throws Exception {
    byte[] body = pattern(70_000);
    put("copy/src", body, KEY);
    refused(() -> s3.copyObject(b -> b.sourceBucket("ssec").sourceKey("copy/src").destinationBucket("ssec")
        .destinationKey("copy/dst")), 400, "InvalidRequest");
    // Source key given, destination under another customer key.
    s3.copyObject(b -> b.sourceBucket("ssec").sourceKey("copy/src").destinationBucket("ssec").destinationKey("copy/dst")
        .copySourceSSECustomerAlgorithm("AES256").copySourceSSECustomerKey(KEY)
        .copySourceSSECustomerKeyMD5(unchecked(() -> md5(KEY)))
        .sseCustomerAlgorithm("AES256").sseCustomerKey(OTHER).sseCustomerKeyMD5(unchecked(() -> md5(OTHER))));
    assertThat(s3.getObjectAsBytes(b -> unchecked(() -> get(b, "copy/dst", OTHER))).asByteArray()).isEqualTo(body);
    refused(() -> s3.getObjectAsBytes(b -> unchecked(() -> get(b, "copy/dst", KEY))), 403, "AccessDenied");
    // Re-keying an object onto itself is a change S3 allows.
    s3.copyObject(b -> b.sourceBucket("ssec").sourceKey("copy/dst").destinationBucket("ssec").destinationKey("copy/dst")
        .copySourceSSECustomerAlgorithm("AES256").copySourceSSECustomerKey(OTHER)
        .copySourceSSECustomerKeyMD5(unchecked(() -> md5(OTHER)))
        .sseCustomerAlgorithm("AES256").sseCustomerKey(KEY).sseCustomerKeyMD5(unchecked(() -> md5(KEY))));
    assertThat(s3.getObjectAsBytes(b -> unchecked(() -> get(b, "copy/dst", KEY))).asByteArray()).isEqualTo(body);
  }

  @Test
  void everyPartOfAnSseCUploadNeedsTheUploadsKey() throws Exception {
    String md5 = md5(KEY);
    String upload = s3.createMultipartUpload(b -> b.bucket("ssec").key("mpu").sseCustomerAlgorithm("AES256")
        .sseCustomerKey(KEY).sseCustomerKeyMD5(md5)).uploadId();
    byte[] p1 = pattern(5 * 1024 * 1024);
    byte[] p2 = pattern(1000);
    refused(() -> s3.uploadPart(b -> b.bucket("ssec").key("mpu").uploadId(upload).partNumber(1),
        RequestBody.fromBytes(p1)), 400, "InvalidRequest");
    refused(() -> s3.uploadPart(b -> b.bucket("ssec").key("mpu").uploadId(upload).partNumber(1)
        .sseCustomerAlgorithm("AES256").sseCustomerKey(OTHER).sseCustomerKeyMD5(unchecked(() -> md5(OTHER))),
        RequestBody.fromBytes(p1)), 403, "AccessDenied");
    String e1 = s3.uploadPart(b -> b.bucket("ssec").key("mpu").uploadId(upload).partNumber(1)
        .sseCustomerAlgorithm("AES256").sseCustomerKey(KEY).sseCustomerKeyMD5(md5), RequestBody.fromBytes(p1)).eTag();
    String e2 = s3.uploadPart(b -> b.bucket("ssec").key("mpu").uploadId(upload).partNumber(2)
        .sseCustomerAlgorithm("AES256").sseCustomerKey(KEY).sseCustomerKeyMD5(md5), RequestBody.fromBytes(p2)).eTag();
    s3.completeMultipartUpload(b -> b.bucket("ssec").key("mpu").uploadId(upload)
        .multipartUpload(m -> m.parts(p -> p.partNumber(1).eTag(e1), p -> p.partNumber(2).eTag(e2))));
    byte[] all = s3.getObjectAsBytes(b -> unchecked(() -> get(b, "mpu", KEY))).asByteArray();
    assertThat(all.length).isEqualTo(p1.length + p2.length);
    assertThat(java.util.Arrays.copyOfRange(all, p1.length, all.length)).isEqualTo(p2);
    refused(() -> s3.getObjectAsBytes(b -> b.bucket("ssec").key("mpu")), 400, "InvalidRequest");
  }

  private interface ThrowingSupplier<T> {
    T get() throws Exception;
  }

  private static <T> T unchecked(ThrowingSupplier<T> s) {
    try {
      return s.get();
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
