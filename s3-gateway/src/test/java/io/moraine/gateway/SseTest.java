package io.moraine.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moraine.gateway.crypto.PackageFormat;
import io.moraine.gateway.crypto.RootKey;
import io.moraine.metadata.api.DataLayout;
import io.moraine.metadata.api.ObjectVersion;
import io.moraine.metadata.api.Segment;
import io.moraine.proto.meta.v1.AddMasterKey;
import io.moraine.proto.meta.v1.EmptyReply;
import io.moraine.proto.meta.v1.KeyringCommand;
import io.moraine.proto.meta.v1.KeyringQuery;
import io.moraine.proto.meta.v1.MasterKeyRecord;
import io.moraine.storage.api.ShardId;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CopyObjectResponse;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.model.UploadPartCopyResponse;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * SSE-S3 end to end through a real gateway and the AWS SDK v2 (docs/encryption.md): PUT / GET /
 * HEAD / ranged GET across package boundaries, tampering detected, master-key rotation, copies
 * between modes, multipart, and a scan of every stored shard byte and inline byte for the plaintext.
 */
class SseTest {
  private static final long SEED = 0x5EE5L;
  private static final int P = PackageFormat.PACKAGE_BYTES;
  private static GatewayFixture gw;
  private static S3Client s3;

  @BeforeAll
  static void start() throws Exception {
    byte[] root = new byte[32];
    new SplittableRandom(SEED).nextBytes(root);
    gw = GatewayFixture.start(100, SEED, RootKey.of(root, new SecureRandom()));
    s3 = gw.client(GatewayFixture.AK, GatewayFixture.SK);
    s3.createBucket(b -> b.bucket("sse"));
  }

  @AfterAll
  static void stop() throws Exception {
    s3.close();
    gw.close();
  }

  /** Bytes that differ at every offset (a shifted range returns different bytes). */
  private static byte[] pattern(int n, long seed) {
    byte[] b = new byte[n];
    new SplittableRandom(seed).nextBytes(b);
    return b;
  }

  private static String md5(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(b));
  }

  private static PutObjectResponse putSse(String key, byte[] body) {
    return s3.putObject(b -> b.bucket("sse").key(key).serverSideEncryption(ServerSideEncryption.AES256),
        RequestBody.fromBytes(body));
  }

  private static byte[] range(String key, String range) {
    return s3.getObjectAsBytes(b -> b.bucket("sse").key(key).range(range)).asByteArray();
  }

  private static java.util.Optional<ObjectVersion> stored(String key) {
    return gw.metadata.getObject("sse", key);
  }

  private static long storedBytes(ObjectVersion v) {
    return switch (v.layout()) {
      case DataLayout.Inline i -> i.bytes().length;
      case DataLayout.Segments s -> s.segments().stream().mapToLong(Segment::size).sum();
    };
  }

  @Test
  void putGetHeadAndRangesAcrossPackageBoundaries() throws Exception {
    int[] sizes = {0, 1, P - 1, P, P + 1, 1024 * 1024 + 3, 3 * 1024 * 1024 + 17};
    for (int n : sizes) {
      String key = "sizes/" + n;
      byte[] body = pattern(n, n);
      PutObjectResponse put = putSse(key, body);
      assertThat(put.serverSideEncryption()).as("PUT %d", n).isEqualTo(ServerSideEncryption.AES256);
      assertThat(put.eTag()).as("ETag of %d is the plaintext MD5", n).isEqualTo("\"" + md5(body) + "\"");

      HeadObjectResponse head = s3.headObject(b -> b.bucket("sse").key(key));
      assertThat(head.contentLength()).as("HEAD %d", n).isEqualTo(n);
      assertThat(head.serverSideEncryption()).isEqualTo(ServerSideEncryption.AES256);

      ResponseBytes<GetObjectResponse> get = s3.getObjectAsBytes(b -> b.bucket("sse").key(key));
      assertThat(get.asByteArray()).as("GET %d", n).isEqualTo(body);
      assertThat(get.response().serverSideEncryption()).isEqualTo(ServerSideEncryption.AES256);

      ObjectVersion v = stored(key).orElseThrow();
      assertThat(v.encrypted()).isTrue();
      assertThat(v.size()).isEqualTo(n);
      assertThat(v.encryption().getPlaintextSize()).isEqualTo(n);
      assertThat(storedBytes(v)).as("stored bytes of %d are its sealed packages", n)
          .isEqualTo(PackageFormat.sealedSize(n));

      if (n == 0) {
        continue;
      }
      List<long[]> ranges = new ArrayList<>(List.of(new long[] {0, 0}, new long[] {n - 1, n - 1},
          new long[] {0, n - 1}));
      for (long boundary = P; boundary < n; boundary += P) {
        ranges.add(new long[] {boundary - 1, boundary}); // the last byte of one package, the first of the next
        ranges.add(new long[] {Math.max(0, boundary - 10), Math.min(n - 1, boundary + P + 10)}); // three packages
      }
      for (long[] r : ranges) {
        byte[] got = range(key, "bytes=" + r[0] + "-" + r[1]);
        assertThat(got).as("range %d-%d of %d", r[0], r[1], n)
            .isEqualTo(java.util.Arrays.copyOfRange(body, (int) r[0], (int) r[1] + 1));
      }
      int suffix = Math.min(n, 100);
      assertThat(range(key, "bytes=-" + suffix)).isEqualTo(java.util.Arrays.copyOfRange(body, n - suffix, n));
    }
    List<S3Object> listed = s3.listObjectsV2(b -> b.bucket("sse").prefix("sizes/")).contents();
    for (S3Object o : listed) {
      assertThat(o.size()).as("listing size of %s is the plaintext size", o.key())
          .isEqualTo(Long.parseLong(o.key().substring("sizes/".length())));
    }
  }

  @Test
  void conditionalGetStillAppliesToEncryptedObjects() {
    PutObjectResponse put = putSse("cond", "conditional".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> s3.getObject(b -> b.bucket("sse").key("cond").ifMatch("\"0000\"")))
        .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(412));
    assertThat(s3.getObjectAsBytes(b -> b.bucket("sse").key("cond").ifMatch(put.eTag())).asUtf8String())
        .isEqualTo("conditional");
  }

  @Test
  void unknownEncryptionValuesAreRefusedAsS3Does() throws Exception {
    assertThatThrownBy(() -> s3.putObject(b -> b.bucket("sse").key("bad").serverSideEncryption("AES512"),
        RequestBody.fromString("x")))
        .isInstanceOfSatisfying(S3Exception.class, e -> {
          assertThat(e.statusCode()).isEqualTo(400);
          assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidArgument");
        });
    assertThatThrownBy(() -> s3.createMultipartUpload(b -> b.bucket("sse").key("bad").serverSideEncryption("AES512")))
        .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(400));
    assertThat(stored("bad")).isEmpty();
  }

  @Test
  void aTamperedShardIsDetectedNotReturned() throws Exception {
    byte[] body = pattern(300_000, 7);
    putSse("tamper", body);
    Segment s = ((DataLayout.Segments) stored("tamper").orElseThrow().layout()).segments().get(0);
    byte[] shard = gw.shards.node(s.shardNodes().get(0)).get(new ShardId(s.dataId(), 0));
    shard[100] ^= 0x01; // a data shard's byte: ciphertext of package 0, no parity involved in the read
    assertThatThrownBy(() -> s3.getObjectAsBytes(b -> b.bucket("sse").key("tamper")).asByteArray())
        .isInstanceOf(software.amazon.awssdk.core.exception.SdkException.class);
    assertThatThrownBy(() -> range("tamper", "bytes=50-150"))
        .isInstanceOf(software.amazon.awssdk.core.exception.SdkException.class);
    shard[100] ^= 0x01;
    assertThat(s3.getObjectAsBytes(b -> b.bucket("sse").key("tamper")).asByteArray()).isEqualTo(body);
  }

  @Test
  void aDataKeyMovedToAnotherObjectDoesNotOpenIt() throws Exception {
    putSse("victim", pattern(1000, 1));
    putSse("donor", pattern(1000, 2));
    ObjectVersion victim = stored("victim").orElseThrow();
    ObjectVersion donor = stored("donor").orElseThrow();
    // The donor's record (key, nonce, instance) on the victim's packages: the AAD binds them, so it fails.
    gw.metadata.putObject("sse", victim.withEncryption(donor.encryption()));
    assertThatThrownBy(() -> s3.getObjectAsBytes(b -> b.bucket("sse").key("victim")).asByteArray())
        .isInstanceOf(software.amazon.awssdk.core.exception.SdkException.class);
  }

  @Test
  void rotateMasterKeepsOldObjectsReadableAndSealsNewOnesUnderTheNewKey() {
    byte[] before = pattern(200_000, 11);
    putSse("rotate/before", before);
    String oldKey = stored("rotate/before").orElseThrow().encryption().getMasterKeyId();
    // What `admin kms rotate-master` commits: a new active key without material (the admin holds no root key).
    gw.metadata.keyring(KeyringCommand.newBuilder().setAddMasterKey(AddMasterKey.newBuilder().setId("rotated-1")).build());
    byte[] after = pattern(200_000, 12);
    putSse("rotate/after", after);
    assertThat(stored("rotate/after").orElseThrow().encryption().getMasterKeyId()).isEqualTo("rotated-1");
    assertThat(oldKey).isNotEqualTo("rotated-1");
    MasterKeyRecord active = gw.metadata.keyringQuery(KeyringQuery.newBuilder()
        .setActive(EmptyReply.getDefaultInstance()).build()).getKeys(0);
    assertThat(active.getId()).isEqualTo("rotated-1");
    assertThat(active.getWrappedKey().isEmpty()).as("the gateway gave the rotated key its material").isFalse();
    assertThat(s3.getObjectAsBytes(b -> b.bucket("sse").key("rotate/before")).asByteArray()).isEqualTo(before);
    assertThat(s3.getObjectAsBytes(b -> b.bucket("sse").key("rotate/after")).asByteArray()).isEqualTo(after);
  }

  @Test
  void theRewrapMovesOldDataKeysToTheActiveMasterWithoutTouchingData() throws Exception {
    s3.createBucket(b -> b.bucket("rewrap"));
    s3.putBucketVersioning(b -> b.bucket("rewrap").versioningConfiguration(v -> v.status(
        software.amazon.awssdk.services.s3.model.BucketVersioningStatus.ENABLED)));
    byte[] v1 = pattern(100_000, 41);
    byte[] v2 = pattern(2_000, 42); // inline
    String id1 = s3.putObject(b -> b.bucket("rewrap").key("k").serverSideEncryption(ServerSideEncryption.AES256),
        RequestBody.fromBytes(v1)).versionId();
    String id2 = s3.putObject(b -> b.bucket("rewrap").key("k").serverSideEncryption(ServerSideEncryption.AES256),
        RequestBody.fromBytes(v2)).versionId();
    s3.putObject(b -> b.bucket("rewrap").key("plain"), RequestBody.fromString("plain"));
    gw.metadata.keyring(KeyringCommand.newBuilder().setAddMasterKey(AddMasterKey.newBuilder().setId("rewrap-target")).build());
    ObjectVersion before1 = gw.metadata.getObjectVersion("rewrap", "k", id1).orElseThrow();
    assertThat(before1.encryption().getMasterKeyId()).isNotEqualTo("rewrap-target");

    io.moraine.gateway.crypto.Rewrapper rewrapper = gw.gateway.rewrapper().orElseThrow();
    io.moraine.gateway.crypto.Rewrapper.Pass first = rewrapper.pass();
    assertThat(first.rewrapped()).isGreaterThanOrEqualTo(2); // both versions of k (and older objects of other tests)
    for (String id : List.of(id1, id2)) {
      ObjectVersion after = gw.metadata.getObjectVersion("rewrap", "k", id).orElseThrow();
      assertThat(after.encryption().getMasterKeyId()).as(id).isEqualTo("rewrap-target");
    }
    ObjectVersion after1 = gw.metadata.getObjectVersion("rewrap", "k", id1).orElseThrow();
    assertThat(after1.encryption().getWrappedDataKey()).isNotEqualTo(before1.encryption().getWrappedDataKey());
    assertThat(after1.layout()).as("the data is not touched").isEqualTo(before1.layout());
    assertThat(after1.encryption().getInstanceId()).isEqualTo(before1.encryption().getInstanceId());
    assertThat(s3.getObjectAsBytes(b -> b.bucket("rewrap").key("k").versionId(id1)).asByteArray()).isEqualTo(v1);
    assertThat(s3.getObjectAsBytes(b -> b.bucket("rewrap").key("k")).asByteArray()).isEqualTo(v2);
    assertThat(rewrapper.pass().rewrapped()).as("a second pass finds nothing to do").isZero();

    // A re-wrap that read an older record loses: the condition names the old master key.
    assertThat(gw.metadata.rewrapDataKey(io.moraine.proto.meta.v1.RewrapDataKey.newBuilder().setBucket("rewrap")
        .setKey("k").setVersionId(id1).setInstanceId(before1.encryption().getInstanceId())
        .setExpectedMasterKeyId(before1.encryption().getMasterKeyId()).setMasterKeyId("other")
        .setWrappedDataKey(before1.encryption().getWrappedDataKey()).build())).isFalse();
  }

  @Test
  void theRewrapResumesFromItsCheckpointAndRestsOnceAWalkFindsNothing() throws Exception {
    s3.createBucket(b -> b.bucket("rewrap-resume"));
    for (int i = 0; i < 7; i++) {
      int n = i;
      s3.putObject(b -> b.bucket("rewrap-resume").key("k" + n).serverSideEncryption(ServerSideEncryption.AES256),
          RequestBody.fromBytes(pattern(1_000 + n, 60 + n)));
    }
    gw.metadata.keyring(KeyringCommand.newBuilder().setAddMasterKey(AddMasterKey.newBuilder().setId("resume-target")).build());
    io.moraine.gateway.crypto.Rewrapper rewrapper = gw.gateway.rewrapper().orElseThrow().withPageSize(3);
    List<io.moraine.gateway.crypto.RewrapProgress> saved = new ArrayList<>();

    // The first leader checkpoints one page and loses leadership.
    io.moraine.gateway.crypto.RewrapProgress stopped = rewrapper.pass(io.moraine.gateway.crypto.RewrapProgress.empty(),
        "gw-a", saved::add, () -> saved.isEmpty(), () -> 1_000L);
    assertThat(saved).hasSize(1);
    assertThat(stopped.target()).isEqualTo("resume-target");
    assertThat(stopped.cursorBucket()).as("stopped mid-walk").isNotEmpty();
    assertThat(stopped.passes()).isZero();
    long firstPage = stopped.seen();
    assertThat(firstPage).isBetween(1L, 3L);

    // Its successor resumes after the cursor: nothing is seen twice, every key ends under the target.
    saved.clear();
    io.moraine.gateway.crypto.RewrapProgress walked = rewrapper.pass(decodeEncoded(stopped), "gw-b", saved::add,
        () -> true, () -> 2_000L);
    assertThat(walked.passes()).isEqualTo(1);
    assertThat(walked.leader()).isEqualTo("gw-b");
    assertThat(walked.cursorBucket()).isEmpty();
    assertThat(walked.lastPassEndMillis()).isEqualTo(2_000L);
    io.moraine.gateway.crypto.Rewrapper.Pass recount = gw.gateway.rewrapper().orElseThrow().pass();
    assertThat(walked.seen()).as("one walk sees every version once").isEqualTo(recount.versionsSeen());
    assertThat(recount.rewrapped()).as("nothing was left under an older key").isZero();
    for (int i = 0; i < 7; i++) {
      assertThat(gw.metadata.getObject("rewrap-resume", "k" + i).orElseThrow().encryption().getMasterKeyId())
          .isEqualTo("resume-target");
    }
    assertThat(walked.done()).as("a walk that changed keys is confirmed by another").isNotEqualTo("resume-target");

    io.moraine.gateway.crypto.RewrapProgress confirmed = rewrapper.pass(walked, "gw-b", saved::add, () -> true, () -> 3_000L);
    assertThat(confirmed.done()).isEqualTo("resume-target");
    assertThat(confirmed.passes()).isEqualTo(2);
    saved.clear();
    io.moraine.gateway.crypto.RewrapProgress idle = rewrapper.pass(confirmed, "gw-b", saved::add, () -> true, () -> 4_000L);
    assertThat(saved).as("no walk while the active key is done").isEmpty();
    assertThat(idle.seen()).isEqualTo(confirmed.seen());
  }

  private static io.moraine.gateway.crypto.RewrapProgress decodeEncoded(io.moraine.gateway.crypto.RewrapProgress p) {
    return io.moraine.gateway.crypto.RewrapProgress.decode(p.encode());
  }

  @Test
  void copiesEncryptAsTheDestinationAsks() throws Exception {
    byte[] body = pattern(150_000, 21);
    putSse("copy/sse", body);
    s3.putObject(b -> b.bucket("sse").key("copy/plain"), RequestBody.fromBytes(body));

    CopyObjectResponse toPlain = s3.copyObject(b -> b.sourceBucket("sse").sourceKey("copy/sse")
        .destinationBucket("sse").destinationKey("copy/sse-to-plain"));
    assertThat(toPlain.serverSideEncryption()).isNull();
    assertThat(stored("copy/sse-to-plain").orElseThrow().encrypted()).isFalse();

    CopyObjectResponse toSse = s3.copyObject(b -> b.sourceBucket("sse").sourceKey("copy/plain")
        .destinationBucket("sse").destinationKey("copy/plain-to-sse").serverSideEncryption(ServerSideEncryption.AES256));
    assertThat(toSse.serverSideEncryption()).isEqualTo(ServerSideEncryption.AES256);
    assertThat(stored("copy/plain-to-sse").orElseThrow().encrypted()).isTrue();

    CopyObjectResponse sseToSse = s3.copyObject(b -> b.sourceBucket("sse").sourceKey("copy/sse")
        .destinationBucket("sse").destinationKey("copy/sse-to-sse").serverSideEncryption(ServerSideEncryption.AES256));
    assertThat(sseToSse.serverSideEncryption()).isEqualTo(ServerSideEncryption.AES256);
    var src = stored("copy/sse").orElseThrow().encryption();
    var dst = stored("copy/sse-to-sse").orElseThrow().encryption();
    assertThat(dst.getInstanceId()).isNotEqualTo(src.getInstanceId());
    assertThat(dst.getWrappedDataKey()).isNotEqualTo(src.getWrappedDataKey());
    assertThat(dst.getNonceBase()).isNotEqualTo(src.getNonceBase());

    // In place, only the encryption changes: allowed (S3: "…or encryption attributes").
    s3.copyObject(b -> b.sourceBucket("sse").sourceKey("copy/plain").destinationBucket("sse")
        .destinationKey("copy/plain").serverSideEncryption(ServerSideEncryption.AES256));
    assertThat(stored("copy/plain").orElseThrow().encrypted()).isTrue();

    for (String k : List.of("copy/sse-to-plain", "copy/plain-to-sse", "copy/sse-to-sse", "copy/plain")) {
      assertThat(s3.getObjectAsBytes(b -> b.bucket("sse").key(k)).asByteArray()).as(k).isEqualTo(body);
      assertThat(s3.headObject(b -> b.bucket("sse").key(k)).eTag()).as(k).isEqualTo("\"" + md5(body) + "\"");
    }
  }

  @Test
  void multipartPartsAreSealedPerPartAndReadAcrossParts() throws Exception {
    byte[] part1 = pattern(5 * 1024 * 1024, 31);
    byte[] part2 = pattern(100_003, 32);
    byte[] copied = pattern(5 * 1024 * 1024 + 5, 33);
    putSse("mpu/source", copied);
    CreateMultipartUploadResponse created = s3.createMultipartUpload(b -> b.bucket("sse").key("mpu/object")
        .serverSideEncryption(ServerSideEncryption.AES256));
    assertThat(created.serverSideEncryption()).isEqualTo(ServerSideEncryption.AES256);
    String id = created.uploadId();
    UploadPartResponse p1 = s3.uploadPart(b -> b.bucket("sse").key("mpu/object").uploadId(id).partNumber(1),
        RequestBody.fromBytes(part1));
    assertThat(p1.serverSideEncryption()).isEqualTo(ServerSideEncryption.AES256);
    assertThat(p1.eTag()).isEqualTo("\"" + md5(part1) + "\"");
    UploadPartCopyResponse p2 = s3.uploadPartCopy(b -> b.sourceBucket("sse").sourceKey("mpu/source")
        .destinationBucket("sse").destinationKey("mpu/object").uploadId(id).partNumber(2));
    assertThat(p2.serverSideEncryption()).isEqualTo(ServerSideEncryption.AES256);
    UploadPartResponse p4 = s3.uploadPart(b -> b.bucket("sse").key("mpu/object").uploadId(id).partNumber(4),
        RequestBody.fromBytes(part2));
    assertThat(s3.listParts(b -> b.bucket("sse").key("mpu/object").uploadId(id)).parts())
        .extracting(software.amazon.awssdk.services.s3.model.Part::size)
        .containsExactly((long) part1.length, (long) copied.length, (long) part2.length);
    CompleteMultipartUploadResponse done = s3.completeMultipartUpload(b -> b.bucket("sse").key("mpu/object").uploadId(id)
        .multipartUpload(CompletedMultipartUpload.builder().parts(
            CompletedPart.builder().partNumber(1).eTag(p1.eTag()).build(),
            CompletedPart.builder().partNumber(2).eTag(p2.copyPartResult().eTag()).build(),
            CompletedPart.builder().partNumber(4).eTag(p4.eTag()).build()).build()));
    assertThat(done.serverSideEncryption()).isEqualTo(ServerSideEncryption.AES256);

    byte[] whole = new byte[part1.length + copied.length + part2.length];
    System.arraycopy(part1, 0, whole, 0, part1.length);
    System.arraycopy(copied, 0, whole, part1.length, copied.length);
    System.arraycopy(part2, 0, whole, part1.length + copied.length, part2.length);
    ObjectVersion v = stored("mpu/object").orElseThrow();
    assertThat(v.encryption().getPartNumbersList()).containsExactly(1, 2, 4);
    assertThat(v.size()).isEqualTo(whole.length);
    assertThat(s3.headObject(b -> b.bucket("sse").key("mpu/object")).serverSideEncryption())
        .isEqualTo(ServerSideEncryption.AES256);
    assertThat(s3.getObjectAsBytes(b -> b.bucket("sse").key("mpu/object")).asByteArray()).isEqualTo(whole);
    int b1 = part1.length;
    int b2 = part1.length + copied.length;
    for (int[] r : new int[][] {{b1 - 1, b1}, {b1 - 70_000, b2 + 70_000}, {b2 - 1, b2 + 1}, {whole.length - 1, whole.length - 1}}) {
      assertThat(range("mpu/object", "bytes=" + r[0] + "-" + r[1])).as("range %d-%d", r[0], r[1])
          .isEqualTo(java.util.Arrays.copyOfRange(whole, r[0], r[1] + 1));
    }
    assertThat(s3.getObjectAsBytes(b -> b.bucket("sse").key("mpu/object").partNumber(3)).asByteArray())
        .isEqualTo(part2);
  }

  @Test
  void storedShardsAndInlineBytesNeverHoldThePlaintext() throws Exception {
    byte[] secret = marker("SECRET-PLAINTEXT-", 40_000);
    byte[] control = marker("CONTROL-PLAINTEXT", 40_000);
    putSse("scan/secret-big", secret);
    putSse("scan/secret-small", java.util.Arrays.copyOf(secret, 2000)); // inline in metadata
    s3.putObject(b -> b.bucket("sse").key("scan/control-big"), RequestBody.fromBytes(control));
    s3.putObject(b -> b.bucket("sse").key("scan/control-small"), RequestBody.fromBytes(java.util.Arrays.copyOf(control, 2000)));
    assertThat(stored("scan/secret-small").orElseThrow().layout()).isInstanceOf(DataLayout.Inline.class);

    byte[] needleSecret = "SECRET-PLAINTEXT-".getBytes(StandardCharsets.US_ASCII);
    byte[] needleControl = "CONTROL-PLAINTEXT".getBytes(StandardCharsets.US_ASCII);
    List<byte[]> storedBytes = new ArrayList<>();
    for (String node : List.of("storage-az1-1", "storage-az2-1", "storage-az3-1", "storage-az1-2", "storage-az2-2",
        "storage-az3-2")) {
      storedBytes.addAll(gw.shards.node(node).values());
    }
    for (String k : List.of("scan/secret-small", "scan/control-small")) {
      storedBytes.add(((DataLayout.Inline) stored(k).orElseThrow().layout()).bytes());
    }
    assertThat(storedBytes.stream().filter(b -> contains(b, needleControl)).count())
        .as("the unencrypted control is found (so the scan can fail)").isGreaterThanOrEqualTo(2);
    assertThat(storedBytes.stream().filter(b -> contains(b, needleSecret)).count())
        .as("no stored byte string holds the encrypted objects' plaintext").isZero();
    assertThat(s3.getObjectAsBytes(b -> b.bucket("sse").key("scan/secret-big")).asByteArray()).isEqualTo(secret);
  }

  @Test
  void aGatewayWithoutRootKeyRefusesSseAndServesTheRest() throws Exception {
    try (GatewayFixture plain = GatewayFixture.start(100, SEED + 1); S3Client c = plain.client(GatewayFixture.AK, GatewayFixture.SK)) {
      c.createBucket(b -> b.bucket("nokey"));
      assertThatThrownBy(() -> c.putObject(b -> b.bucket("nokey").key("k").serverSideEncryption(ServerSideEncryption.AES256),
          RequestBody.fromString("x")))
          .isInstanceOfSatisfying(S3Exception.class, e -> {
            assertThat(e.statusCode()).isEqualTo(501);
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("NotImplemented");
          });
      c.putObject(b -> b.bucket("nokey").key("k"), RequestBody.fromString("plain"));
      assertThat(c.getObjectAsBytes(b -> b.bucket("nokey").key("k")).asUtf8String()).isEqualTo("plain");
    }
  }

  private static byte[] marker(String prefix, int n) {
    StringBuilder s = new StringBuilder(n + 64);
    for (int i = 0; s.length() < n; i++) {
      s.append(prefix).append(i).append('\n');
    }
    return s.substring(0, n).getBytes(StandardCharsets.US_ASCII);
  }

  private static boolean contains(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
