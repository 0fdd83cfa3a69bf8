package io.moraine.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moraine.gateway.error.S3Error;
import io.moraine.gateway.error.S3Exception;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * SigV4 against the examples AWS publishes in the S3 API reference ("Signature calculations for
 * the Authorization header", "query parameters" and "multiple chunks"): example key
 * AKIAIOSFODNN7EXAMPLE, bucket examplebucket, 2013-05-24.
 */
class SigV4VectorsTest {
  static final String AK = "AKIAIOSFODNN7EXAMPLE";
  static final String SK = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  static final String EMPTY = SigV4.EMPTY_SHA256;

  final IdentityStore store = (ak, bucket) -> ak.equals(AK)
      ? Optional.of(Identity.root(AK, SK, "acct", "123456789012", "example", null)) : Optional.empty();
  final Authenticator auth = new Authenticator(store, InstantSource.fixed(Instant.parse("2013-05-24T00:05:00Z")), "us-east-1");

  static Map<String, List<String>> headers(String... kv) {
    Map<String, List<String>> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], List.of(kv[i + 1]));
    }
    return m;
  }

  static SignedRequest request(String method, String rawPath, String rawQuery, Map<String, List<String>> headers) {
    return new SignedRequest(method, rawPath, AwsUris.decode(rawPath, false), AwsUris.parseQuery(rawQuery), headers);
  }

  static String authorization(String signedHeaders, String signature) {
    return "AWS4-HMAC-SHA256 Credential=" + AK + "/20130524/us-east-1/s3/aws4_request,SignedHeaders=" + signedHeaders
        + ",Signature=" + signature;
  }

  @Test
  void getObjectExampleCanonicalRequestAndSignature() {
    Map<String, List<String>> h = headers("host", "examplebucket.s3.amazonaws.com", "range", "bytes=0-9",
        "x-amz-content-sha256", EMPTY, "x-amz-date", "20130524T000000Z");
    List<String> signed = List.of("host", "range", "x-amz-content-sha256", "x-amz-date");
    String canonical = SigV4.canonicalRequest("GET", SigV4.canonicalUri("/test.txt"), "",
        SigV4.canonicalHeaders(signed, h), signed, EMPTY);
    assertThat(canonical).isEqualTo("""
        GET
        /test.txt

        host:examplebucket.s3.amazonaws.com
        range:bytes=0-9
        x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
        x-amz-date:20130524T000000Z

        host;range;x-amz-content-sha256;x-amz-date
        e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855""");
    String toSign = SigV4.stringToSign("20130524T000000Z", "20130524/us-east-1/s3/aws4_request", canonical);
    assertThat(toSign).endsWith("7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972");
    byte[] key = SigV4.signingKey(SK, "20130524", "us-east-1", "s3");
    assertThat(SigV4.sign(key, toSign)).isEqualTo("f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");

    Map<String, List<String>> withAuth = new LinkedHashMap<>(h);
    withAuth.put("authorization", List.of(authorization("host;range;x-amz-content-sha256;x-amz-date",
        "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")));
    Authenticator.Principal p = auth.authenticate(request("GET", "/test.txt", null, withAuth), null);
    assertThat(p.identity().reply().getAccessKeyId()).isEqualTo(AK);
    assertThat(p.auth()).isEqualTo(new Authenticator.AuthInfo("REST-HEADER", "AWS4-HMAC-SHA256", 5 * 60 * 1000L));
    assertThat(p.payload()).isEqualTo(new PayloadMode.Sha256(EMPTY));
  }

  @Test
  void putObjectExample() {
    String sha = "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072";
    Map<String, List<String>> h = headers("host", "examplebucket.s3.amazonaws.com", "date", "Fri, 24 May 2013 00:00:00 GMT",
        "x-amz-date", "20130524T000000Z", "x-amz-storage-class", "REDUCED_REDUNDANCY", "x-amz-content-sha256", sha,
        "authorization", authorization("date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class",
            "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd"));
    assertThat(auth.authenticate(request("PUT", "/test%24file.text", null, h), null).payload())
        .isEqualTo(new PayloadMode.Sha256(sha));
  }

  @Test
  void getBucketLifecycleAndListObjectsExamples() {
    Map<String, List<String>> lifecycle = headers("host", "examplebucket.s3.amazonaws.com", "x-amz-date", "20130524T000000Z",
        "x-amz-content-sha256", EMPTY, "authorization", authorization("host;x-amz-content-sha256;x-amz-date",
            "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543"));
    auth.authenticate(request("GET", "/", "lifecycle", lifecycle), null);
    Map<String, List<String>> list = headers("host", "examplebucket.s3.amazonaws.com", "x-amz-date", "20130524T000000Z",
        "x-amz-content-sha256", EMPTY, "authorization", authorization("host;x-amz-content-sha256;x-amz-date",
            "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"));
    auth.authenticate(request("GET", "/", "max-keys=2&prefix=J", list), null);
  }

  @Test
  void presignedExample() {
    String query = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
        + "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
        + "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404";
    Map<String, List<String>> h = headers("host", "examplebucket.s3.amazonaws.com");
    assertThat(auth.authenticate(request("GET", "/test.txt", query, h), null).payload()).isEqualTo(new PayloadMode.Unsigned());

    Authenticator later = new Authenticator(store, InstantSource.fixed(Instant.parse("2013-05-25T00:00:01Z")), "us-east-1");
    assertThatThrownBy(() -> later.authenticate(request("GET", "/test.txt", query, h), null))
        .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.error()).isInstanceOf(S3Error.AccessDenied.class));
    assertThatThrownBy(() -> auth.authenticate(request("GET", "/test.txt", query.replace("aeeed9", "aeeed8"), h), null))
        .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.error()).isInstanceOf(S3Error.SignatureDoesNotMatch.class));
  }

  @Test
  void skewWrongKeyAndWrongRegion() {
    Map<String, List<String>> h = headers("host", "examplebucket.s3.amazonaws.com", "range", "bytes=0-9",
        "x-amz-content-sha256", EMPTY, "x-amz-date", "20130524T000000Z",
        "authorization", authorization("host;range;x-amz-content-sha256;x-amz-date",
            "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"));
    Authenticator skewed = new Authenticator(store, InstantSource.fixed(Instant.parse("2013-05-24T00:15:01Z")), "us-east-1");
    assertThatThrownBy(() -> skewed.authenticate(request("GET", "/test.txt", null, h), null))
        .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.error()).isInstanceOf(S3Error.RequestTimeTooSkewed.class));
    Authenticator otherRegion = new Authenticator(store, InstantSource.fixed(Instant.parse("2013-05-24T00:00:00Z")), "eu-west-1");
    assertThatThrownBy(() -> otherRegion.authenticate(request("GET", "/test.txt", null, h), null))
        .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.error()).isInstanceOf(S3Error.AuthorizationHeaderMalformed.class));
    Authenticator noKeys = new Authenticator((ak, bucket) -> Optional.empty(), InstantSource.fixed(Instant.parse("2013-05-24T00:00:00Z")), "us-east-1");
    assertThatThrownBy(() -> noKeys.authenticate(request("GET", "/test.txt", null, h), null))
        .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.error()).isInstanceOf(S3Error.InvalidAccessKeyId.class));
    // No Authorization header, or an empty one: an anonymous request, left to policies and ACLs.
    assertThat(auth.authenticate(request("GET", "/test.txt", null, headers("host", "x")), null).anonymousCaller()).isTrue();
    assertThat(auth.authenticate(request("GET", "/test.txt", null, headers("host", "x", "authorization", " ")), null)
        .anonymousCaller()).isTrue();
    // ... but not for the other AWS APIs.
    assertThatThrownBy(() -> auth.authenticate(request("GET", "/", null, headers("host", "x")), "iam", "us-east-1"))
        .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.error()).isInstanceOf(S3Error.AccessDenied.class));
  }

  /** The getObject example's request, signed with the example key. */
  static Map<String, List<String>> signedGetObject() {
    Map<String, List<String>> h = headers("host", "examplebucket.s3.amazonaws.com", "range", "bytes=0-9",
        "x-amz-content-sha256", EMPTY, "x-amz-date", "20130524T000000Z");
    h.put("authorization", List.of(authorization("host;range;x-amz-content-sha256;x-amz-date",
        "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")));
    return h;
  }

  @Test
  void inactiveKeysAreUnknownKeys() {
    var inactive = Identity.root(AK, SK, "acct", "123456789012", "example", null);
    inactive = new Identity(inactive.caller(), inactive.accountId(), inactive.awsAccountId(), inactive.accountName(),
        null, inactive.userId(), SK, false, inactive.reply());
    Identity frozen = inactive;
    Authenticator a = new Authenticator((ak, b) -> Optional.of(frozen),
        InstantSource.fixed(Instant.parse("2013-05-24T00:05:00Z")), "us-east-1");
    assertThatThrownBy(() -> a.authenticate(request("GET", "/test.txt", null, signedGetObject()), null))
        .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.error()).isInstanceOf(S3Error.InvalidAccessKeyId.class));
  }

  /** STS temporary credentials: the session token must come with the key, and the session must be live. */
  @Test
  void roleSessionsNeedTheirTokenAndExpire() {
    var reply = io.moraine.proto.meta.v1.IdentityReply.newBuilder().setFound(true).setActive(true).setAccessKeyId(AK)
        .setSecretKey(SK).setPrincipalType(3)
        .setAccount(io.moraine.proto.meta.v1.AccountRecord.newBuilder().setAccountId("acct").setAwsAccountId("123456789012")
            .setUserName("example"))
        .setSession(io.moraine.proto.meta.v1.SessionRecord.newBuilder().setAccessKeyId(AK).setSecretKey(SK)
            .setSessionToken("token-1").setRoleName("reader").setRoleId("AROAEXAMPLE").setSessionName("s1")
            .setExpiresMillis(Instant.parse("2013-05-24T00:10:00Z").toEpochMilli()))
        .build();
    Identity session = Identity.of(reply).orElseThrow();
    assertThat(session.caller().arn()).isEqualTo("arn:aws:sts::123456789012:assumed-role/reader/s1");
    assertThat(session.caller().roleArn()).isEqualTo("arn:aws:iam::123456789012:role/reader");
    IdentityStore sessions = (ak, b) -> Optional.of(session);
    Authenticator live = new Authenticator(sessions, InstantSource.fixed(Instant.parse("2013-05-24T00:05:00Z")), "us-east-1");
    Authenticator expired = new Authenticator(sessions, InstantSource.fixed(Instant.parse("2013-05-24T00:10:00Z")), "us-east-1");

    assertThatThrownBy(() -> live.authenticate(request("GET", "/test.txt", null, signedGetObject()), null))
        .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.error()).isInstanceOf(S3Error.InvalidToken.class));
    Map<String, List<String>> wrong = signedGetObject();
    wrong.put("x-amz-security-token", List.of("token-2"));
    assertThatThrownBy(() -> live.authenticate(request("GET", "/test.txt", null, wrong), null))
        .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.error()).isInstanceOf(S3Error.InvalidToken.class));
    Map<String, List<String>> right = signedGetObject();
    right.put("x-amz-security-token", List.of("token-1"));
    assertThat(live.authenticate(request("GET", "/test.txt", null, right), null).identity()).isEqualTo(session);
    assertThatThrownBy(() -> expired.authenticate(request("GET", "/test.txt", null, right), null))
        .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.error()).isInstanceOf(S3Error.ExpiredToken.class));
  }

  static final String SEED = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";

  static Map<String, List<String>> chunkedHeaders() {
    return headers("host", "s3.amazonaws.com", "x-amz-date", "20130524T000000Z", "x-amz-storage-class", "REDUCED_REDUNDANCY",
        "x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", "content-encoding", "aws-chunked",
        "x-amz-decoded-content-length", "66560", "content-length", "66824",
        "authorization", authorization("content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;"
            + "x-amz-decoded-content-length;x-amz-storage-class", SEED));
  }

  static byte[] chunkedBody(String firstSignature) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] a64k = new byte[65536];
    Arrays.fill(a64k, (byte) 'a');
    out.writeBytes(("10000;chunk-signature=" + firstSignature + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(a64k);
    out.writeBytes(("\r\n400;chunk-signature=0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497\r\n")
        .getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(Arrays.copyOf(a64k, 1024));
    out.writeBytes("\r\n0;chunk-signature=b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9\r\n\r\n"
        .getBytes(StandardCharsets.US_ASCII));
    return out.toByteArray();
  }

  @Test
  void chunkedUploadExampleSeedAndChunkSignatures() throws Exception {
    Authenticator.Principal p = auth.authenticate(request("PUT", "/examplebucket/chunkObject.txt", null, chunkedHeaders()), null);
    assertThat(p.payload()).isInstanceOf(PayloadMode.Streaming.class);
    byte[] body = chunkedBody("ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648");
    assertThat(body).hasSize(66824);
    VerifiedBody in = new VerifiedBody(new ByteArrayInputStream(body), p.payload(),
        new VerifiedBody.Declared(66560, Optional.empty(), Optional.empty(), Optional.empty()));
    byte[] decoded = in.readAllBytes();
    in.finish();
    assertThat(decoded).hasSize(66560).containsOnly((byte) 'a');
  }

  @Test
  void chunkedUploadWithATamperedChunkSignatureFails() {
    Authenticator.Principal p = auth.authenticate(request("PUT", "/examplebucket/chunkObject.txt", null, chunkedHeaders()), null);
    byte[] body = chunkedBody("ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288649");
    VerifiedBody in = new VerifiedBody(new ByteArrayInputStream(body), p.payload(),
        new VerifiedBody.Declared(66560, Optional.empty(), Optional.empty(), Optional.empty()));
    assertThatThrownBy(in::readAllBytes)
        .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.error()).isInstanceOf(S3Error.SignatureDoesNotMatch.class));
  }

  @Test
  void unsignedTrailerBodyVerifiesItsChecksum() throws Exception {
    byte[] data = "hello world".getBytes(StandardCharsets.US_ASCII);
    ChecksumAlgorithm.Hasher crc = ChecksumAlgorithm.CRC32.newHasher();
    crc.update(data, 0, data.length);
    String good = crc.base64();
    for (String value : List.of(good, "AAAAAA==")) {
      String body = "b\r\nhello world\r\n0\r\nx-amz-checksum-crc32:" + value + "\r\n\r\n";
      VerifiedBody in = new VerifiedBody(new ByteArrayInputStream(body.getBytes(StandardCharsets.US_ASCII)),
          new PayloadMode.Streaming(null, true),
          new VerifiedBody.Declared(11, Optional.empty(), Optional.of(ChecksumAlgorithm.CRC32), Optional.empty()));
      assertThat(in.readAllBytes()).isEqualTo(data);
      if (value.equals(good)) {
        assertThat(in.finish().checksumBase64()).contains(good);
      } else {
        assertThatThrownBy(in::finish)
            .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.error()).isInstanceOf(S3Error.BadDigest.class));
      }
    }
  }

  @Test
  void sha256AndContentMd5AreVerified() throws Exception {
    byte[] data = "payload".getBytes(StandardCharsets.US_ASCII);
    VerifiedBody wrongSha = new VerifiedBody(new ByteArrayInputStream(data), new PayloadMode.Sha256(EMPTY),
        new VerifiedBody.Declared(data.length, Optional.empty(), Optional.empty(), Optional.empty()));
    wrongSha.readAllBytes();
    assertThatThrownBy(wrongSha::finish).isInstanceOfSatisfying(S3Exception.class,
        e -> assertThat(e.error()).isInstanceOf(S3Error.XAmzContentSHA256Mismatch.class));
    VerifiedBody wrongMd5 = new VerifiedBody(new ByteArrayInputStream(data), new PayloadMode.Unsigned(),
        new VerifiedBody.Declared(data.length, Optional.of("1B2M2Y8AsgTpgAmY7PhCfg=="), Optional.empty(), Optional.empty()));
    wrongMd5.readAllBytes();
    assertThatThrownBy(wrongMd5::finish).isInstanceOfSatisfying(S3Exception.class,
        e -> assertThat(e.error()).isInstanceOf(S3Error.BadDigest.class));
  }

  @Test
  void uriEncodingFollowsSigV4() {
    assertThat(AwsUris.encode("a b+c/d~e_f-g.h*i", false)).isEqualTo("a%20b%2Bc/d~e_f-g.h%2Ai");
    assertThat(AwsUris.encode("a/b", true)).isEqualTo("a%2Fb");
    assertThat(AwsUris.encode("é", true)).isEqualTo("%C3%A9");
    assertThat(SigV4.canonicalQuery(AwsUris.parseQuery("prefix=J&max-keys=2&uploads"), null))
        .isEqualTo("max-keys=2&prefix=J&uploads=");
  }
}
