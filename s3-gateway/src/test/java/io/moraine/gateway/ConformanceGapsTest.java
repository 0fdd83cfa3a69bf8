package io.moraine.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListBucketsResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Behaviours real clients trip over (issue 12): ListBuckets pagination (S3 API reference,
 * ListBuckets: max-buckets, continuation-token, prefix, bucket-region), bucket names with a period
 * next to a hyphen (S3 User Guide, "General purpose bucket naming rules"), and versioning headers
 * only where S3 sends them.
 */
class ConformanceGapsTest {
  static GatewayFixture fx;
  static S3Client s3;

  @BeforeAll
  static void start() throws Exception {
    fx = GatewayFixture.start(100, 41);
    s3 = fx.client(GatewayFixture.AK, GatewayFixture.SK);
  }

  @AfterAll
  static void stop() throws Exception {
    s3.close();
    fx.close();
  }

  @Test
  void listBucketsPaginates() {
    for (String b : List.of("page-a", "page-b", "page-c", "page-d", "page-e", "other-x")) {
      s3.createBucket(x -> x.bucket(b));
    }
    List<String> seen = new ArrayList<>();
    String token = null;
    int pages = 0;
    do {
      String t = token;
      ListBucketsResponse page = s3.listBuckets(b -> b.maxBuckets(2).prefix("page-").continuationToken(t));
      page.buckets().forEach(x -> {
        seen.add(x.name());
        assertThat(x.bucketRegion()).isEqualTo("us-east-1");
      });
      assertThat(page.prefix()).isEqualTo("page-");
      token = page.continuationToken();
      pages++;
    } while (token != null);
    assertThat(seen).containsExactly("page-a", "page-b", "page-c", "page-d", "page-e");
    assertThat(pages).isEqualTo(3);
    assertThat(s3.listBuckets(b -> b.bucketRegion("eu-west-1")).buckets()).isEmpty();
    assertThatThrownBy(() -> s3.listBuckets(b -> b.maxBuckets(0))).isInstanceOfSatisfying(S3Exception.class,
        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidArgument"));
  }

  @Test
  void aPeriodNextToAHyphenIsAnInvalidBucketName() throws Exception {
    // The SDK refuses these names itself; other clients send them (boto3 does).
    for (String name : List.of("bad.-name", "bad-.name")) {
      RawHttp.Reply r = RawHttp.send(fx.gateway.port(), "PUT", "127.0.0.1", "/" + name);
      assertThat(r.status()).isEqualTo(400);
      assertThat(r.body()).contains("<Code>InvalidBucketName</Code>");
    }
  }

  /** Transfer-Encoding: chunked without Content-Length is a PUT like any other (S3 accepts it). */
  @Test
  void chunkedPutsWithoutContentLengthAreStored() throws Exception {
    s3.createBucket(b -> b.bucket("chunked").acl(software.amazon.awssdk.services.s3.model.BucketCannedACL.PUBLIC_READ_WRITE));
    RawHttp.Reply r = RawHttp.exchange(fx.gateway.port(), "PUT /chunked/streamed.txt HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.headers().get("etag")).isEqualTo("\"5eb63bbbe01eeed093cb22bb8f5acdc3\""); // md5("hello world")
    var got = s3.getObjectAsBytes(b -> b.bucket("chunked").key("streamed.txt"));
    assertThat(got.asUtf8String()).isEqualTo("hello world");
    assertThat(got.response().contentLength()).isEqualTo(11);
  }

  /** A garbage Content-MD5 is 400 InvalidDigest, and nothing is stored. */
  @Test
  void garbageContentMd5IsInvalidDigest() throws Exception {
    s3.createBucket(b -> b.bucket("digests").acl(software.amazon.awssdk.services.s3.model.BucketCannedACL.PUBLIC_READ_WRITE));
    RawHttp.Reply garbage = RawHttp.exchange(fx.gateway.port(), "PUT /digests/a HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + "Content-MD5: not-base64!!\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello");
    assertThat(garbage.status()).isEqualTo(400);
    assertThat(garbage.body()).contains("<Code>InvalidDigest</Code>");
    assertThat(s3.listObjectsV2(b -> b.bucket("digests")).keyCount()).isZero();
  }

  /**
   * S3 API reference, PutObject / "Common Request Headers" (Content-Length): a body shorter than its
   * Content-Length is 400 IncompleteBody, a Content-MD5 that does not match the bytes 400 BadDigest,
   * and neither replaces the stored version; S3 reads Content-Length bytes, so extra bytes are not
   * stored. Over a raw socket, since SDKs never send such bodies.
   */
  @Test
  void shortBodiesAndWrongDigestsStoreNothingAndLongBodiesStoreContentLengthBytes() throws Exception {
    s3.createBucket(b -> b.bucket("bodies").acl(software.amazon.awssdk.services.s3.model.BucketCannedACL.PUBLIC_READ_WRITE));
    s3.putObject(b -> b.bucket("bodies").key("k"), RequestBody.fromString("old"));

    String shortReply = halfClosed("PUT /bodies/k HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10\r\n\r\nabc");
    assertThat(shortReply).startsWith("HTTP/1.1 400").contains("<Code>IncompleteBody</Code>")
        .contains("You did not provide the number of bytes specified by the Content-Length HTTP header");
    assertThat(s3.getObjectAsBytes(b -> b.bucket("bodies").key("k")).asUtf8String()).isEqualTo("old");

    String md5OfOtherBytes = java.util.Base64.getEncoder().encodeToString(
        java.security.MessageDigest.getInstance("MD5").digest("xyz".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    RawHttp.Reply badDigest = RawHttp.exchange(fx.gateway.port(), "PUT /bodies/k HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + "Content-MD5: " + md5OfOtherBytes + "\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc");
    assertThat(badDigest.status()).isEqualTo(400);
    assertThat(badDigest.body()).contains("<Code>BadDigest</Code>");
    assertThat(s3.getObjectAsBytes(b -> b.bucket("bodies").key("k")).asUtf8String()).isEqualTo("old");

    String longReply = halfClosed("PUT /bodies/k HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 3\r\n"
        + "Connection: close\r\n\r\nabcdef");
    assertThat(longReply).startsWith("HTTP/1.1 200");
    assertThat(s3.getObjectAsBytes(b -> b.bucket("bodies").key("k")).asUtf8String()).isEqualTo("abc");
  }

  /**
   * Issue 12 item 6 (S3 API reference, UploadPart: "If you upload a new part using the same part
   * number that was used with a previous part, the previously uploaded part is overwritten"): part 1
   * is uploaded twice, the first attempt's body stalls until the second attempt has been answered,
   * then finishes. Both attempts are answered 200, ListParts and Complete work (never NoSuchUpload),
   * and the object holds the later upload's data: each attempt is ordered when it begins (the
   * metadata tier's BeginPart sequence), and the part commit keeps the attempt that began last.
   */
  @Test
  void aPartUploadedTwiceWithTheFirstAttemptFinishingLast() throws Exception {
    s3.createBucket(b -> b.bucket("parts-twice").acl(software.amazon.awssdk.services.s3.model.BucketCannedACL.PUBLIC_READ_WRITE));
    String uploadId = s3.createMultipartUpload(b -> b.bucket("parts-twice").key("k")).uploadId();
    String path = "/parts-twice/k?partNumber=1&uploadId=" + uploadId;
    // Larger than the loopback socket buffers: writing the first 16 MiB returns only once the
    // gateway is reading the body, so the first attempt has begun before the second is sent.
    byte[] first = new byte[17 << 20];
    java.util.Arrays.fill(first, (byte) 'A');
    int stall = 16 << 20;
    try (java.net.Socket slow = new java.net.Socket("127.0.0.1", fx.gateway.port())) {
      slow.setSoTimeout(20_000);
      var out = slow.getOutputStream();
      out.write(("PUT " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " + first.length
          + "\r\nConnection: close\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      out.write(first, 0, stall);
      out.flush();
      RawHttp.Reply second = RawHttp.exchange(fx.gateway.port(), "PUT " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          + "Content-Length: 3\r\nConnection: close\r\n\r\nBBB");
      assertThat(second.status()).isEqualTo(200);
      out.write(first, stall, first.length - stall);
      out.flush();
      String firstReply = new String(slow.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
      assertThat(firstReply).startsWith("HTTP/1.1 200");
    }
    var parts = s3.listParts(b -> b.bucket("parts-twice").key("k").uploadId(uploadId)).parts();
    assertThat(parts).hasSize(1);
    s3.completeMultipartUpload(b -> b.bucket("parts-twice").key("k").uploadId(uploadId)
        .multipartUpload(m -> m.parts(software.amazon.awssdk.services.s3.model.CompletedPart.builder()
            .partNumber(1).eTag(parts.get(0).eTag()).build())));
    String stored = s3.getObjectAsBytes(b -> b.bucket("parts-twice").key("k")).asUtf8String();
    // Length and first byte, so a failure does not print 17 MiB of characters.
    assertThat(stored.length() + " bytes starting " + stored.charAt(0)).isEqualTo("3 bytes starting B");
  }

  /**
   * Issue 12 item 6, "Complete must never answer NoSuchUpload": the race found is a Complete
   * repeated after its first attempt went through (the client lost the reply, timed out, or got a
   * 503 because the metadata commit's outcome was unknown to the gateway, and SDKs retry). S3 and
   * Ceph RGW answer the repeat with the completed object; a repeat with another part list is
   * NoSuchUpload (S3 API reference, CompleteMultipartUpload errors).
   */
  @Test
  void aRepeatedCompleteAnswersTheCompletedObject() {
    s3.createBucket(b -> b.bucket("complete-twice"));
    String uploadId = s3.createMultipartUpload(b -> b.bucket("complete-twice").key("k")).uploadId();
    String e1 = s3.uploadPart(b -> b.bucket("complete-twice").key("k").uploadId(uploadId).partNumber(1),
        RequestBody.fromBytes(new byte[5 << 20])).eTag();
    String e2 = s3.uploadPart(b -> b.bucket("complete-twice").key("k").uploadId(uploadId).partNumber(2),
        RequestBody.fromString("tail")).eTag();
    var parts = software.amazon.awssdk.services.s3.model.CompletedMultipartUpload.builder().parts(
        software.amazon.awssdk.services.s3.model.CompletedPart.builder().partNumber(1).eTag(e1).build(),
        software.amazon.awssdk.services.s3.model.CompletedPart.builder().partNumber(2).eTag(e2).build()).build();
    var first = s3.completeMultipartUpload(b -> b.bucket("complete-twice").key("k").uploadId(uploadId).multipartUpload(parts));
    var again = s3.completeMultipartUpload(b -> b.bucket("complete-twice").key("k").uploadId(uploadId).multipartUpload(parts));
    assertThat(again.eTag()).isEqualTo(first.eTag()).endsWith("-2\"");
    assertThat(s3.headObject(b -> b.bucket("complete-twice").key("k")).contentLength()).isEqualTo((5 << 20) + 4);
    assertThatThrownBy(() -> s3.completeMultipartUpload(b -> b.bucket("complete-twice").key("k").uploadId(uploadId)
        .multipartUpload(m -> m.parts(software.amazon.awssdk.services.s3.model.CompletedPart.builder()
            .partNumber(1).eTag(e1).build()))))
        .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("NoSuchUpload"));
  }

  /**
   * Issue 12 item 4: an Expect header other than 100-continue is ignored, as S3 ignores it (RFC
   * 9110 section 10.1.1 lets a server answer 417 instead; S3 serves the request), for a PUT with a
   * body and a GET; 100-continue still gets its interim "100 Continue" before the body is sent.
   */
  @Test
  void anExpectationOtherThan100ContinueIsIgnored() throws Exception {
    s3.createBucket(b -> b.bucket("expect").acl(software.amazon.awssdk.services.s3.model.BucketCannedACL.PUBLIC_READ_WRITE));
    for (String expect : List.of("200-ok", "foo=bar, baz", "")) {
      RawHttp.Reply put = RawHttp.exchange(fx.gateway.port(), "PUT /expect/k HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          + "x-amz-acl: public-read\r\nExpect: " + expect + "\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello");
      assertThat(put.status()).as(expect).isEqualTo(200);
      RawHttp.Reply get = RawHttp.exchange(fx.gateway.port(), "GET /expect/k HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          + "Expect: " + expect + "\r\nConnection: close\r\n\r\n");
      assertThat(get.status()).as(expect).isEqualTo(200);
      assertThat(get.body()).isEqualTo("hello");
    }
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", fx.gateway.port())) {
      socket.setSoTimeout(10_000);
      var out = socket.getOutputStream();
      var in = socket.getInputStream();
      out.write(("PUT /expect/c HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: 100-continue\r\nContent-Length: 3\r\n"
          + "Connection: close\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      out.flush();
      byte[] interim = new byte[25];
      int n = 0;
      while (n < interim.length) {
        int r = in.read(interim, n, interim.length - n);
        assertThat(r).as("interim response").isPositive();
        n += r;
      }
      assertThat(new String(interim, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 100 Continue\r\n\r\n");
      out.write("abc".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      out.flush();
      assertThat(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 200");
    }
    assertThat(s3.getObjectAsBytes(b -> b.bucket("expect").key("c")).asUtf8String()).isEqualTo("abc");
  }

  /** Sends {@code request}, closes the sending side (the client stops early) and reads the whole reply. */
  private static String halfClosed(String request) throws Exception {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", fx.gateway.port())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      socket.shutdownOutput();
      return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  @Test
  void unicodeUserMetadataSignsAndRoundTrips() {
    s3.createBucket(b -> b.bucket("unicode-meta"));
    s3.putObject(b -> b.bucket("unicode-meta").key("k").metadata(java.util.Map.of("name", "Zoë")),
        RequestBody.fromString("x"));
    // S3 answers non-ASCII values as RFC 2047 encoded words of their UTF-8 bytes.
    String encoded = "=?UTF-8?B?" + java.util.Base64.getEncoder().encodeToString(
        "Zoë".getBytes(java.nio.charset.StandardCharsets.UTF_8)) + "?=";
    assertThat(s3.headObject(b -> b.bucket("unicode-meta").key("k")).metadata()).containsEntry("name", encoded);
    s3.putObject(b -> b.bucket("unicode-meta").key("ascii").metadata(java.util.Map.of("plain", "just ascii")),
        RequestBody.fromString("x"));
    assertThat(s3.headObject(b -> b.bucket("unicode-meta").key("ascii")).metadata()).containsEntry("plain", "just ascii");
  }

  @Test
  void contentEncodingIsKeptByteForByte() {
    s3.createBucket(b -> b.bucket("encodings"));
    s3.putObject(b -> b.bucket("encodings").key("k").contentEncoding("deflate, gzip"), RequestBody.fromString("x"));
    assertThat(s3.headObject(b -> b.bucket("encodings").key("k")).contentEncoding()).isEqualTo("deflate, gzip");
  }

  /** S3 API reference, "Authenticating Requests: Using Query Parameters": X-Amz-Expires is 1..604800. */
  @Test
  void presignedExpiryRules() throws Exception {
    s3.createBucket(b -> b.bucket("presigned"));
    s3.putObject(b -> b.bucket("presigned").key("k"), RequestBody.fromString("v"));
    try (var presigner = software.amazon.awssdk.services.s3.presigner.S3Presigner.builder().endpointOverride(fx.endpoint)
        .region(software.amazon.awssdk.regions.Region.US_EAST_1)
        .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
            software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(GatewayFixture.AK, GatewayFixture.SK)))
        .serviceConfiguration(software.amazon.awssdk.services.s3.S3Configuration.builder().pathStyleAccessEnabled(true).build())
        .build()) {
      String url = presigner.presignGetObject(p -> p.signatureDuration(java.time.Duration.ofMinutes(5))
          .getObjectRequest(g -> g.bucket("presigned").key("k"))).url().toString();
      var http = java.net.http.HttpClient.newHttpClient();
      assertThat(http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString()).body()).isEqualTo("v");
      for (String expires : List.of("0", "-1", "604801")) {
        var r = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
            url.replaceFirst("X-Amz-Expires=\\d+", "X-Amz-Expires=" + expires))).build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(expires).isEqualTo(400);
        assertThat(r.body()).contains("<Code>AuthorizationQueryParametersError</Code>");
      }
    }
  }

  @Test
  void unversionedBucketsSendNoVersioningHeaders() {
    s3.createBucket(b -> b.bucket("never-versioned"));
    var put = s3.putObject(b -> b.bucket("never-versioned").key("k"), RequestBody.fromString("x"));
    assertThat(put.versionId()).isNull();
    var del = s3.deleteObject(b -> b.bucket("never-versioned").key("k"));
    assertThat(del.deleteMarker()).isNull();
    assertThat(del.versionId()).isNull();
  }
}
