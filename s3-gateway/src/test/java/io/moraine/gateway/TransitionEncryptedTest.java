package io.moraine.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.moraine.gateway.crypto.RootKey;
import io.moraine.gateway.lifecycle.Reencoding;
import io.moraine.metadata.api.DataLayout;
import io.moraine.metadata.api.ObjectVersion;
import io.moraine.metadata.api.Segment;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/**
 * A lifecycle transition of encrypted objects through the gateway's real data path: the sealed
 * bytes are copied into blobs of the target profile under new ids, and the object still decrypts
 * — single PUTs (nonces independent of the blob id) and multipart parts (nonces derived from the
 * ids their blobs were written as, which the transition records in part_nonce_ids).
 */
class TransitionEncryptedTest {
  private static GatewayFixture gw;
  private static S3Client s3;

  @BeforeAll
  static void start() throws Exception {
    byte[] root = new byte[32];
    new SplittableRandom(21).nextBytes(root);
    gw = GatewayFixture.start(100, 21, RootKey.of(root, new SecureRandom()));
    s3 = gw.client(GatewayFixture.AK, GatewayFixture.SK);
    s3.createBucket(b -> b.bucket("txn"));
  }

  @AfterAll
  static void stop() throws Exception {
    s3.close();
    gw.close();
  }

  private static byte[] pattern(int n, long seed) {
    byte[] b = new byte[n];
    new SplittableRandom(seed).nextBytes(b);
    return b;
  }

  private static List<String> ids(ObjectVersion v) {
    return ((DataLayout.Segments) v.layout()).segments().stream().map(Segment::dataId).toList();
  }

  private static boolean transition(String key, String storageClass) throws Exception {
    Reencoding reencoding = new Reencoding(gw.metadata, gw.gateway.reencoder(), gw.gateway::profile,
        gw.gateway.collector(), InstantSource.system());
    return reencoding.transition("txn", gw.metadata.getObject("txn", key).orElseThrow(), storageClass, "rule-1");
  }

  @Test
  void anEncryptedMultipartObjectDecryptsAfterItsPartsMoveToNewBlobs() throws Exception {
    String upload = s3.createMultipartUpload(b -> b.bucket("txn").key("mpu")
        .serverSideEncryption(ServerSideEncryption.AES256)).uploadId();
    byte[] p1 = pattern(5 * 1024 * 1024, 1);
    byte[] p2 = pattern(70_000, 2);
    String e1 = s3.uploadPart(b -> b.bucket("txn").key("mpu").uploadId(upload).partNumber(1), RequestBody.fromBytes(p1)).eTag();
    String e2 = s3.uploadPart(b -> b.bucket("txn").key("mpu").uploadId(upload).partNumber(2), RequestBody.fromBytes(p2)).eTag();
    s3.completeMultipartUpload(b -> b.bucket("txn").key("mpu").uploadId(upload)
        .multipartUpload(m -> m.parts(p -> p.partNumber(1).eTag(e1), p -> p.partNumber(2).eTag(e2))));
    ObjectVersion before = gw.metadata.getObject("txn", "mpu").orElseThrow();

    assertThat(transition("mpu", "REDUCED_REDUNDANCY")).isTrue();
    ObjectVersion after = gw.metadata.getObject("txn", "mpu").orElseThrow();
    assertThat(after.storageClass()).isEqualTo("REDUCED_REDUNDANCY");
    assertThat(ids(after)).doesNotContainAnyElementsOf(ids(before));
    assertThat(after.encryption().getPartNonceIdsList()).isEqualTo(ids(before));
    byte[] all = s3.getObjectAsBytes(b -> b.bucket("txn").key("mpu")).asByteArray();
    assertThat(Arrays.copyOfRange(all, 0, p1.length)).isEqualTo(p1);
    assertThat(Arrays.copyOfRange(all, p1.length, all.length)).isEqualTo(p2);
    // A range across the part boundary, and a second transition keeps the first ids.
    byte[] range = s3.getObjectAsBytes(b -> b.bucket("txn").key("mpu").range("bytes=" + (p1.length - 10) + "-"
        + (p1.length + 9))).asByteArray();
    assertThat(Arrays.copyOfRange(range, 10, 20)).isEqualTo(Arrays.copyOfRange(p2, 0, 10));
    assertThat(transition("mpu", "STANDARD_IA")).isTrue();
    assertThat(gw.metadata.getObject("txn", "mpu").orElseThrow().encryption().getPartNonceIdsList()).isEqualTo(ids(before));
    assertThat(s3.getObjectAsBytes(b -> b.bucket("txn").key("mpu")).asByteArray()).isEqualTo(all);
  }

  @Test
  void anEncryptedSinglePutDecryptsAfterATransition() throws Exception {
    byte[] body = pattern(200_000, 3);
    s3.putObject(b -> b.bucket("txn").key("single").serverSideEncryption(ServerSideEncryption.AES256),
        RequestBody.fromBytes(body));
    assertThat(transition("single", "REDUCED_REDUNDANCY")).isTrue();
    assertThat(gw.metadata.getObject("txn", "single").orElseThrow().encryption().getPartNonceIdsList()).isEmpty();
    assertThat(s3.getObjectAsBytes(b -> b.bucket("txn").key("single")).asByteArray()).isEqualTo(body);
  }
}
