package io.moraine.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moraine.gateway.fakes.FixedPlacement;
import io.moraine.gateway.fakes.InMemoryMetadata;
import io.moraine.gateway.fakes.InMemoryShards;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * The gateway against the real AWS SDK for Java v2 (default checksums: aws-chunked PUTs with
 * signed chunks and a CRC32 trailer), wired to in-memory metadata, shards and placement.
 */
class S3GatewaySdkTest {
  static final String AK = GatewayFixture.AK;
  static final String SK = GatewayFixture.SK;

  static GatewayFixture fixture;
  static io.moraine.metadata.api.MetadataClient metadata;
  static InMemoryShards shards;
  static FixedPlacement placement;
  static S3Gateway gateway;
  static S3Client s3;
  static URI endpoint;

  @BeforeAll
  static void start() throws Exception {
    fixture = GatewayFixture.start(InMemoryMetadata.DEFAULT_MAX_BUCKETS, 7);
    metadata = fixture.metadata;
    shards = fixture.shards;
    placement = fixture.placement;
    gateway = fixture.gateway;
    endpoint = fixture.endpoint;
    s3 = client(AK, SK);
  }

  static S3Client client(String ak, String sk) {
    return fixture.client(ak, sk);
  }

  @AfterAll
  static void stop() throws Exception {
    s3.close();
    fixture.close();
  }

  static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  static String md5(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(b));
  }

  @Test
  void bucketLifecycle() {
    s3.createBucket(b -> b.bucket("life-cycle"));
    s3.headBucket(b -> b.bucket("life-cycle"));
    assertThat(s3.listBuckets().buckets()).extracting(x -> x.name()).contains("life-cycle");
    assertThat(s3.getBucketLocation(b -> b.bucket("life-cycle")).locationConstraintAsString()).isEmpty();
    // us-east-1: re-creating an owned bucket is 200, a no-op (409 BucketAlreadyOwnedByYou elsewhere).
    s3.createBucket(b -> b.bucket("life-cycle"));
    assertThatThrownBy(() -> s3.createBucket(b -> b.bucket("xn--bucket")))
        .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidBucketName"));
    s3.putObject(b -> b.bucket("life-cycle").key("x"), RequestBody.fromString("x"));
    assertThatThrownBy(() -> s3.deleteBucket(b -> b.bucket("life-cycle")))
        .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("BucketNotEmpty"));
    s3.deleteObject(b -> b.bucket("life-cycle").key("x"));
    s3.deleteBucket(b -> b.bucket("life-cycle"));
    assertThatThrownBy(() -> s3.headBucket(b -> b.bucket("life-cycle")))
        .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(404));
  }

  @Test
  void objectsRoundTripByteExact() throws Exception {
    s3.createBucket(b -> b.bucket("round-trip"));
    for (int size : new int[] {0, 1, 4096, 4097, 5 * 1024 * 1024 + 1}) {
      byte[] data = random(size, size);
      String key = "obj-" + size;
      var put = s3.putObject(b -> b.bucket("round-trip").key(key).contentType("text/plain").metadata(java.util.Map.of("color", "blue")),
          RequestBody.fromBytes(data));
      assertThat(put.eTag()).isEqualTo("\"" + md5(data) + "\"");
      ResponseBytes<GetObjectResponse> got = s3.getObjectAsBytes(b -> b.bucket("round-trip").key(key));
      assertThat(got.asByteArray()).as("size %d", size).isEqualTo(data);
      assertThat(got.response().contentType()).isEqualTo("text/plain");
      assertThat(got.response().metadata()).containsEntry("color", "blue");
      HeadObjectResponse head = s3.headObject(b -> b.bucket("round-trip").key(key));
      assertThat(head.contentLength()).isEqualTo(size);
      assertThat(head.eTag()).isEqualTo("\"" + md5(data) + "\"");
    }
  }

  @Test
  void rangesAndOverwriteAndDelete() throws Exception {
    s3.createBucket(b -> b.bucket("ranges"));
    byte[] data = random(300_000, 3);
    s3.putObject(b -> b.bucket("ranges").key("k"), RequestBody.fromBytes(data));
    var r1 = s3.getObjectAsBytes(b -> b.bucket("ranges").key("k").range("bytes=100-199"));
    assertThat(r1.asByteArray()).isEqualTo(java.util.Arrays.copyOfRange(data, 100, 200));
    assertThat(r1.response().contentRange()).isEqualTo("bytes 100-199/300000");
    var r2 = s3.getObjectAsBytes(b -> b.bucket("ranges").key("k").range("bytes=-1000"));
    assertThat(r2.asByteArray()).isEqualTo(java.util.Arrays.copyOfRange(data, 299_000, 300_000));
    var r3 = s3.getObjectAsBytes(b -> b.bucket("ranges").key("k").range("bytes=131000-"));
    assertThat(r3.asByteArray()).isEqualTo(java.util.Arrays.copyOfRange(data, 131_000, 300_000));
    assertThatThrownBy(() -> s3.getObjectAsBytes(b -> b.bucket("ranges").key("k").range("bytes=300000-")))
        .isInstanceOfSatisfying(S3Exception.class, e -> {
          assertThat(e.statusCode()).isEqualTo(416);
          assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidRange");
        });
    byte[] data2 = random(200_000, 4);
    s3.putObject(b -> b.bucket("ranges").key("k"), RequestBody.fromBytes(data2));
    assertThat(s3.getObjectAsBytes(b -> b.bucket("ranges").key("k")).asByteArray()).isEqualTo(data2);
    s3.deleteObject(b -> b.bucket("ranges").key("k"));
    s3.deleteObject(b -> b.bucket("ranges").key("k"));
    assertThatThrownBy(() -> s3.getObjectAsBytes(b -> b.bucket("ranges").key("k")))
        .isInstanceOf(NoSuchKeyException.class);
  }

  @Test
  void listingWithDelimiterAndPages() {
    s3.createBucket(b -> b.bucket("listing"));
    for (String k : List.of("a.txt", "dir/one", "dir/two", "dir/sub/three", "other/x", "z")) {
      s3.putObject(b -> b.bucket("listing").key(k), RequestBody.fromString(k));
    }
    ListObjectsV2Response top = s3.listObjectsV2(b -> b.bucket("listing").delimiter("/"));
    assertThat(top.contents()).extracting(S3Object::key).containsExactly("a.txt", "z");
    assertThat(top.commonPrefixes()).extracting(CommonPrefix::prefix).containsExactly("dir/", "other/");
    assertThat(top.keyCount()).isEqualTo(4);
    ListObjectsV2Response dir = s3.listObjectsV2(b -> b.bucket("listing").prefix("dir/").delimiter("/"));
    assertThat(dir.contents()).extracting(S3Object::key).containsExactly("dir/one", "dir/two");
    assertThat(dir.commonPrefixes()).extracting(CommonPrefix::prefix).containsExactly("dir/sub/");
    List<String> all = s3.listObjectsV2Paginator(b -> b.bucket("listing").maxKeys(2)).contents().stream()
        .map(S3Object::key).toList();
    assertThat(all).containsExactly("a.txt", "dir/one", "dir/sub/three", "dir/two", "other/x", "z");
    var v1 = s3.listObjects(b -> b.bucket("listing").maxKeys(3));
    assertThat(v1.isTruncated()).isTrue();
    assertThat(v1.contents()).extracting(S3Object::key).containsExactly("a.txt", "dir/one", "dir/sub/three");

    var del = s3.deleteObjects(b -> b.bucket("listing").delete(d -> d.objects(
        ObjectIdentifier.builder().key("a.txt").build(), ObjectIdentifier.builder().key("z").build())));
    assertThat(del.deleted()).hasSize(2);
    assertThat(s3.listObjectsV2(b -> b.bucket("listing").delimiter("/")).contents()).isEmpty();
  }

  @Test
  void multipartUpload() throws Exception {
    s3.createBucket(b -> b.bucket("multi"));
    byte[] p1 = random(5 * 1024 * 1024, 11);
    byte[] p2 = random(1024 * 1024 + 3, 12);
    String id = s3.createMultipartUpload(b -> b.bucket("multi").key("big")).uploadId();
    assertThat(s3.listMultipartUploads(b -> b.bucket("multi")).uploads()).hasSize(1);
    String e1 = s3.uploadPart(b -> b.bucket("multi").key("big").uploadId(id).partNumber(1), RequestBody.fromBytes(p1)).eTag();
    String e2 = s3.uploadPart(b -> b.bucket("multi").key("big").uploadId(id).partNumber(2), RequestBody.fromBytes(p2)).eTag();
    assertThat(s3.listParts(b -> b.bucket("multi").key("big").uploadId(id)).parts()).hasSize(2);
    var done = s3.completeMultipartUpload(b -> b.bucket("multi").key("big").uploadId(id).multipartUpload(m -> m.parts(
        CompletedPart.builder().partNumber(1).eTag(e1).build(), CompletedPart.builder().partNumber(2).eTag(e2).build())));
    assertThat(done.eTag()).endsWith("-2\"");
    byte[] all = new byte[p1.length + p2.length];
    System.arraycopy(p1, 0, all, 0, p1.length);
    System.arraycopy(p2, 0, all, p1.length, p2.length);
    assertThat(s3.getObjectAsBytes(b -> b.bucket("multi").key("big")).asByteArray()).isEqualTo(all);
    var mid = s3.getObjectAsBytes(b -> b.bucket("multi").key("big").range("bytes=5242000-5243000"));
    assertThat(mid.asByteArray()).isEqualTo(java.util.Arrays.copyOfRange(all, 5242000, 5243001));

    String id2 = s3.createMultipartUpload(b -> b.bucket("multi").key("aborted")).uploadId();
    s3.uploadPart(b -> b.bucket("multi").key("aborted").uploadId(id2).partNumber(1), RequestBody.fromBytes(p2));
    s3.abortMultipartUpload(b -> b.bucket("multi").key("aborted").uploadId(id2));
    assertThatThrownBy(() -> s3.listParts(b -> b.bucket("multi").key("aborted").uploadId(id2)))
        .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("NoSuchUpload"));
  }

  @Test
  void degradedReadsReconstructFromParity() throws Exception {
    s3.createBucket(b -> b.bucket("degraded"));
    byte[] data = random(1_000_000, 21);
    s3.putObject(b -> b.bucket("degraded").key("k"), RequestBody.fromBytes(data));
    var layout = (io.moraine.metadata.api.DataLayout.Segments) metadata.getObject("degraded", "k").orElseThrow().layout();
    List<String> nodes = layout.segments().get(0).shardNodes();
    assertThat(nodes).hasSize(6).doesNotHaveDuplicates();
    try {
      // Two data shards lost: one node serves a corrupt block, one is dead.
      shards.corruptReads.add(nodes.get(0));
      shards.failingReads.add(nodes.get(2));
      assertThat(s3.getObjectAsBytes(b -> b.bucket("degraded").key("k")).asByteArray()).isEqualTo(data);
      var part = s3.getObjectAsBytes(b -> b.bucket("degraded").key("k").range("bytes=70000-500000"));
      assertThat(part.asByteArray()).isEqualTo(java.util.Arrays.copyOfRange(data, 70000, 500001));
      // A hung node: its stream is abandoned after shardReadTimeoutMillis and parity takes over.
      shards.corruptReads.clear();
      shards.failingReads.clear();
      shards.stallingReads.add(nodes.get(3));
      long t0 = System.nanoTime();
      assertThat(s3.getObjectAsBytes(b -> b.bucket("degraded").key("k")).asByteArray()).isEqualTo(data);
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
      shards.stallingReads.clear();
      // A node membership reports down is not even asked.
      placement.down.add(nodes.get(1));
      shards.failingReads.clear();
      shards.corruptReads.clear();
      shards.failingReads.add(nodes.get(1));
      assertThat(s3.getObjectAsBytes(b -> b.bucket("degraded").key("k")).asByteArray()).isEqualTo(data);
    } finally {
      shards.corruptReads.clear();
      shards.failingReads.clear();
      shards.stallingReads.clear();
      placement.down.clear();
    }
  }

  @Test
  void writesAvoidDownNodesAndFailCleanly() throws Exception {
    s3.createBucket(b -> b.bucket("writes"));
    byte[] data = random(200_000, 41);
    try {
      placement.down.add("storage-az1-1");
      s3.putObject(b -> b.bucket("writes").key("fallback"), RequestBody.fromBytes(data));
      var seg = ((io.moraine.metadata.api.DataLayout.Segments) metadata.getObject("writes", "fallback").orElseThrow()
          .layout()).segments().get(0);
      assertThat(seg.shardNodes()).doesNotContain("storage-az1-1");
      assertThat(seg.misplaced()).contains(true);
      assertThat(s3.getObjectAsBytes(b -> b.bucket("writes").key("fallback")).asByteArray()).isEqualTo(data);
      placement.down.clear();

      // A node that refuses connections before membership notices: its shard goes to a fallback.
      shards.failingWrites.add("storage-az2-2");
      s3.putObject(b -> b.bucket("writes").key("refused"), RequestBody.fromBytes(data));
      var seg2 = ((io.moraine.metadata.api.DataLayout.Segments) metadata.getObject("writes", "refused").orElseThrow()
          .layout()).segments().get(0);
      assertThat(seg2.shardNodes()).doesNotContain("storage-az2-2");
      assertThat(s3.getObjectAsBytes(b -> b.bucket("writes").key("refused")).asByteArray()).isEqualTo(data);
      shards.failingWrites.clear();

      // A node dying mid-write fails the PUT (503, retryable) and leaves nothing behind.
      int before = shards.shardCount();
      shards.failingMidWrite.add("storage-az2-2");
      assertThatThrownBy(() -> s3.putObject(b -> b.bucket("writes").key("failed"), RequestBody.fromBytes(data)))
          .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(503));
      assertThat(metadata.getObject("writes", "failed")).isEmpty();
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> shards.shardCount() == before);
    } finally {
      placement.down.clear();
      shards.failingWrites.clear();
      shards.failingMidWrite.clear();
    }
  }

  @Test
  void virtualHostedStyleAddressing() throws Exception {
    // *.localhost does not resolve on every machine: the client's resolver maps it to loopback.
    org.apache.http.conn.DnsResolver loopback = host -> new java.net.InetAddress[] {java.net.InetAddress.getLoopbackAddress()};
    try (S3Client vhost = S3Client.builder()
        .endpointOverride(URI.create("http://localhost:" + gateway.port()))
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(AK, SK)))
        .httpClientBuilder(software.amazon.awssdk.http.apache.ApacheHttpClient.builder().dnsResolver(loopback))
        .build()) {
      vhost.createBucket(b -> b.bucket("vhosted"));
      vhost.putObject(b -> b.bucket("vhosted").key("dir/key"), RequestBody.fromString("virtual"));
      assertThat(vhost.getObjectAsBytes(b -> b.bucket("vhosted").key("dir/key")).asUtf8String()).isEqualTo("virtual");
      assertThat(vhost.listObjectsV2(b -> b.bucket("vhosted")).contents()).extracting(S3Object::key).containsExactly("dir/key");
    }
    assertThat(s3.getObjectAsBytes(b -> b.bucket("vhosted").key("dir/key")).asUtf8String()).isEqualTo("virtual");
  }

  @Test
  void integrityHeadersAreVerified() throws Exception {
    s3.createBucket(b -> b.bucket("integrity"));
    byte[] data = random(50_000, 51);
    for (var algorithm : List.of(software.amazon.awssdk.services.s3.model.ChecksumAlgorithm.SHA256,
        software.amazon.awssdk.services.s3.model.ChecksumAlgorithm.CRC32_C,
        software.amazon.awssdk.services.s3.model.ChecksumAlgorithm.SHA1)) {
      s3.putObject(b -> b.bucket("integrity").key("k").checksumAlgorithm(algorithm), RequestBody.fromBytes(data));
      assertThat(s3.getObjectAsBytes(b -> b.bucket("integrity").key("k")).asByteArray()).isEqualTo(data);
    }
    String wrongMd5 = java.util.Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(new byte[1]));
    assertThatThrownBy(() -> s3.putObject(b -> b.bucket("integrity").key("bad").contentMD5(wrongMd5), RequestBody.fromBytes(data)))
        .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("BadDigest"));
    assertThat(metadata.getObject("integrity", "bad")).isEmpty();
  }

  @Test
  void conditionalReads() throws Exception {
    s3.createBucket(b -> b.bucket("conditional"));
    byte[] data = random(10_000, 61);
    String etag = s3.putObject(b -> b.bucket("conditional").key("k"), RequestBody.fromBytes(data)).eTag();
    assertThat(s3.getObjectAsBytes(b -> b.bucket("conditional").key("k").ifMatch(etag)).asByteArray()).isEqualTo(data);
    assertThatThrownBy(() -> s3.getObjectAsBytes(b -> b.bucket("conditional").key("k").ifMatch("\"nope\"")))
        .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(412));
    assertThatThrownBy(() -> s3.getObjectAsBytes(b -> b.bucket("conditional").key("k").ifNoneMatch(etag)))
        .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(304));
    java.time.Instant future = java.time.Instant.now().plusSeconds(3600);
    assertThatThrownBy(() -> s3.headObject(b -> b.bucket("conditional").key("k").ifModifiedSince(future)))
        .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(304));
    assertThatThrownBy(() -> s3.headObject(b -> b.bucket("conditional").key("k")
        .ifUnmodifiedSince(java.time.Instant.now().minusSeconds(3600))))
        .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(412));
  }

  @Test
  void copyObject() throws Exception {
    s3.createBucket(b -> b.bucket("copy-src"));
    s3.createBucket(b -> b.bucket("copy-dst"));
    byte[] data = random(700_000, 71);
    s3.putObject(b -> b.bucket("copy-src").key("a b").contentType("image/png").metadata(java.util.Map.of("m", "1")),
        RequestBody.fromBytes(data));
    var copied = s3.copyObject(b -> b.sourceBucket("copy-src").sourceKey("a b").destinationBucket("copy-dst").destinationKey("c"));
    assertThat(copied.copyObjectResult().eTag()).isEqualTo("\"" + md5(data) + "\"");
    var got = s3.getObjectAsBytes(b -> b.bucket("copy-dst").key("c"));
    assertThat(got.asByteArray()).isEqualTo(data);
    assertThat(got.response().contentType()).isEqualTo("image/png");
    assertThat(got.response().metadata()).containsEntry("m", "1");
    s3.copyObject(b -> b.sourceBucket("copy-src").sourceKey("a b").destinationBucket("copy-src").destinationKey("a b")
        .metadataDirective(software.amazon.awssdk.services.s3.model.MetadataDirective.REPLACE).contentType("text/csv"));
    var replaced = s3.getObjectAsBytes(b -> b.bucket("copy-src").key("a b"));
    assertThat(replaced.asByteArray()).isEqualTo(data);
    assertThat(replaced.response().contentType()).isEqualTo("text/csv");
    assertThat(replaced.response().metadata()).isEmpty();
    assertThatThrownBy(() -> s3.copyObject(b -> b.sourceBucket("copy-src").sourceKey("a b").destinationBucket("copy-src")
        .destinationKey("a b"))).isInstanceOfSatisfying(S3Exception.class,
            e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidRequest"));
    assertThatThrownBy(() -> s3.copyObject(b -> b.sourceBucket("copy-src").sourceKey("missing").destinationBucket("copy-dst")
        .destinationKey("x"))).isInstanceOfSatisfying(S3Exception.class,
            e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("NoSuchKey"));
    // Deleting the source must not hurt the copy: their data is not shared.
    s3.deleteObject(b -> b.bucket("copy-src").key("a b"));
    Thread.sleep(200);
    assertThat(s3.getObjectAsBytes(b -> b.bucket("copy-dst").key("c")).asByteArray()).isEqualTo(data);
  }

  @Test
  void wrongSignatureIsRefused() {
    try (S3Client bad = client(AK, "not-the-secret")) {
      assertThatThrownBy(() -> bad.listBuckets()).isInstanceOfSatisfying(S3Exception.class, e -> {
        assertThat(e.statusCode()).isEqualTo(403);
        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("SignatureDoesNotMatch");
      });
    }
    try (S3Client unknown = client("nobody", "x")) {
      assertThatThrownBy(() -> unknown.listBuckets()).isInstanceOfSatisfying(S3Exception.class, e -> {
        assertThat(e.statusCode()).isEqualTo(403);
        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidAccessKeyId");
      });
    }
  }

  @Test
  void otherAccountsAreDenied() {
    s3.createBucket(b -> b.bucket("private-one"));
    metadata.createAccount("alice", "alice-key", "alice-secret");
    try (S3Client alice = client("alice-key", "alice-secret")) {
      assertThatThrownBy(() -> alice.listObjectsV2(b -> b.bucket("private-one")))
          .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied"));
      assertThat(alice.listBuckets().buckets()).isEmpty();
    }
  }

  @Test
  void presignedUrlsAndRawErrors() throws Exception {
    s3.createBucket(b -> b.bucket("presigned"));
    byte[] data = random(100_000, 31);
    s3.putObject(b -> b.bucket("presigned").key("a b+c"), RequestBody.fromBytes(data));
    try (S3Presigner presigner = S3Presigner.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(AK, SK)))
        .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build()).build()) {
      URI get = presigner.presignGetObject(p -> p.signatureDuration(Duration.ofMinutes(5))
          .getObjectRequest(g -> g.bucket("presigned").key("a b+c"))).url().toURI();
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<byte[]> resp = http.send(HttpRequest.newBuilder(get).build(), HttpResponse.BodyHandlers.ofByteArray());
      assertThat(resp.statusCode()).isEqualTo(200);
      assertThat(resp.body()).isEqualTo(data);
      URI put = presigner.presignPutObject(p -> p.signatureDuration(Duration.ofMinutes(5))
          .putObjectRequest(g -> g.bucket("presigned").key("via-url"))).url().toURI();
      HttpResponse<String> putResp = http.send(HttpRequest.newBuilder(put).PUT(HttpRequest.BodyPublishers.ofByteArray(data)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(putResp.statusCode()).isEqualTo(200);
      assertThat(s3.getObjectAsBytes(b -> b.bucket("presigned").key("via-url")).asByteArray()).isEqualTo(data);

      HttpResponse<String> anon = http.send(HttpRequest.newBuilder(endpoint.resolve("/presigned/via-url")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(anon.statusCode()).isEqualTo(403);
      assertThat(anon.headers().firstValue("x-amz-request-id")).isPresent();
      assertThat(anon.body()).startsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>AccessDenied</Code>");
    }
  }
}
