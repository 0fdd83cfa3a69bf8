package io.moraine.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketCannedACL;

/**
 * POST Object as a browser sends it (S3 API reference, "POST Object"; "Browser-based uploads using
 * POST (AWS Signature Version 4)", including its worked example's signing steps): multipart forms
 * with SigV4-signed POST policies, built here independently of the gateway's code.
 */
class PostObjectTest {
  static GatewayFixture fx;
  static S3Client s3;
  static final HttpClient http = HttpClient.newHttpClient();
  static final DateTimeFormatter AMZ = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  @BeforeAll
  static void start() throws Exception {
    fx = GatewayFixture.start(100, 37);
    s3 = fx.client(GatewayFixture.AK, GatewayFixture.SK);
    s3.createBucket(b -> b.bucket("uploads"));
    s3.createBucket(b -> b.bucket("dropbox").acl(BucketCannedACL.PUBLIC_READ_WRITE));
  }

  @AfterAll
  static void stop() throws Exception {
    s3.close();
    fx.close();
  }

  static byte[] hmac(byte[] key, String data) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
  }

  /** The form fields of a signed policy with {@code conditions} (JSON array items) expiring at {@code expires}. */
  static Map<String, String> signed(String conditions, Instant expires, String secret) throws Exception {
    Instant now = Instant.now();
    String date = AMZ.format(now).substring(0, 8);
    String credential = GatewayFixture.AK + "/" + date + "/us-east-1/s3/aws4_request";
    String policy = "{\"expiration\":\"" + expires + "\",\"conditions\":[" + conditions
        + ",{\"x-amz-credential\":\"" + credential + "\"},{\"x-amz-algorithm\":\"AWS4-HMAC-SHA256\"},{\"x-amz-date\":\""
        + AMZ.format(now) + "\"}]}";
    String b64 = Base64.getEncoder().encodeToString(policy.getBytes(StandardCharsets.UTF_8));
    byte[] k = hmac(("AWS4" + secret).getBytes(StandardCharsets.UTF_8), date);
    k = hmac(k, "us-east-1");
    k = hmac(k, "s3");
    k = hmac(k, "aws4_request");
    Map<String, String> f = new LinkedHashMap<>();
    f.put("x-amz-credential", credential);
    f.put("x-amz-algorithm", "AWS4-HMAC-SHA256");
    f.put("x-amz-date", AMZ.format(now));
    f.put("Policy", b64);
    f.put("X-Amz-Signature", HexFormat.of().formatHex(hmac(k, b64)));
    return f;
  }

  static HttpResponse<String> post(String bucket, Map<String, String> fields, String fileName, byte[] file) throws Exception {
    String boundary = "----moraineFormBoundary7MA4YWxkTrZu0gW";
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (Map.Entry<String, String> e : fields.entrySet()) {
      body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + e.getKey() + "\"\r\n\r\n" + e.getValue()
          + "\r\n").getBytes(StandardCharsets.UTF_8));
    }
    body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + fileName
        + "\"\r\nContent-Type: text/plain\r\n\r\n").getBytes(StandardCharsets.UTF_8));
    body.write(file);
    body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    return http.send(HttpRequest.newBuilder(URI.create(fx.endpoint + "/" + bucket))
        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(), HttpResponse.BodyHandlers.ofString());
  }

  static final String CONDITIONS = """
      {"bucket":"uploads"},["starts-with","$key","user/"],["content-length-range",1,100000],
      {"success_action_status":"201"},["starts-with","$Content-Type","text/"],{"x-amz-meta-origin":"browser"}""";

  static Map<String, String> goodForm(Instant expires, String secret) throws Exception {
    Map<String, String> f = new LinkedHashMap<>();
    f.put("key", "user/${filename}");
    f.put("success_action_status", "201");
    f.put("Content-Type", "text/plain");
    f.put("x-amz-meta-origin", "browser");
    f.putAll(signed(CONDITIONS, expires, secret));
    return f;
  }

  @Test
  void aSignedPolicyUploadStoresTheFileWithItsFields() throws Exception {
    // Binary content with CR LF and dashes inside: only the real boundary ends the file.
    byte[] file = ("line one\r\n--not-the-boundary\r\n\r\n--" + "x".repeat(5000)).getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> r = post("uploads", goodForm(Instant.now().plusSeconds(600), GatewayFixture.SK), "hello.txt", file);
    assertThat(r.statusCode()).isEqualTo(201);
    assertThat(r.body()).contains("<Key>user/hello.txt</Key>").contains("<Bucket>uploads</Bucket>");
    var got = s3.getObjectAsBytes(b -> b.bucket("uploads").key("user/hello.txt"));
    assertThat(got.asByteArray()).isEqualTo(file);
    assertThat(got.response().contentType()).isEqualTo("text/plain");
    assertThat(got.response().metadata()).containsEntry("origin", "browser");
  }

  @Test
  void ssecFormFieldsSealTheFileWithTheCustomersKey() throws Exception {
    byte[] keyBytes = new byte[32];
    java.util.Arrays.fill(keyBytes, (byte) 7);
    String key = Base64.getEncoder().encodeToString(keyBytes);
    String md5 = Base64.getEncoder().encodeToString(java.security.MessageDigest.getInstance("MD5").digest(keyBytes));
    Map<String, String> f = new LinkedHashMap<>();
    f.put("key", "user/sealed.txt");
    f.put("x-amz-server-side-encryption-customer-algorithm", "AES256");
    f.put("x-amz-server-side-encryption-customer-key", key);
    f.put("x-amz-server-side-encryption-customer-key-MD5", md5);
    f.putAll(signed("""
        {"bucket":"uploads"},["starts-with","$key","user/"],
        {"x-amz-server-side-encryption-customer-algorithm":"AES256"},
        ["starts-with","$x-amz-server-side-encryption-customer-key",""],
        ["starts-with","$x-amz-server-side-encryption-customer-key-MD5",""]""", Instant.now().plusSeconds(600),
        GatewayFixture.SK));
    byte[] file = "sealed by a form".getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> r = post("uploads", f, "sealed.txt", file);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(204);
    assertThat(fx.metadata.getObject("uploads", "user/sealed.txt").orElseThrow().encryption().getMode())
        .isEqualTo(io.moraine.gateway.crypto.Sse.MODE_SSE_C);
    var got = s3.getObjectAsBytes(b -> b.bucket("uploads").key("user/sealed.txt").sseCustomerAlgorithm("AES256")
        .sseCustomerKey(key).sseCustomerKeyMD5(md5));
    assertThat(got.asByteArray()).isEqualTo(file);
    assertThatThrownBy(() -> s3.getObjectAsBytes(b -> b.bucket("uploads").key("user/sealed.txt")))
        .isInstanceOfSatisfying(software.amazon.awssdk.services.s3.model.S3Exception.class,
            e -> assertThat(e.statusCode()).isEqualTo(400));
  }

  @Test
  void policyViolationsAreRefusedAndStoreNothing() throws Exception {
    Map<String, String> expired = goodForm(Instant.now().minusSeconds(5), GatewayFixture.SK);
    HttpResponse<String> r = post("uploads", expired, "e.txt", "x".getBytes());
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.body()).contains("<Code>AccessDenied</Code>").contains("Policy expired");

    Map<String, String> wrongKey = goodForm(Instant.now().plusSeconds(600), GatewayFixture.SK);
    wrongKey.put("key", "admin/${filename}");
    r = post("uploads", wrongKey, "k.txt", "x".getBytes());
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.body()).contains("Policy Condition failed");

    r = post("uploads", goodForm(Instant.now().plusSeconds(600), GatewayFixture.SK), "big.txt", new byte[100001]);
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("<Code>EntityTooLarge</Code>");

    Map<String, String> extra = goodForm(Instant.now().plusSeconds(600), GatewayFixture.SK);
    extra.put("x-amz-meta-sneaky", "1");
    r = post("uploads", extra, "s.txt", "x".getBytes());
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.body()).contains("Extra input fields: x-amz-meta-sneaky");

    r = post("uploads", goodForm(Instant.now().plusSeconds(600), "not-the-secret"), "sig.txt", "x".getBytes());
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.body()).contains("<Code>SignatureDoesNotMatch</Code>");

    Map<String, String> noKey = goodForm(Instant.now().plusSeconds(600), GatewayFixture.SK);
    noKey.remove("key");
    r = post("uploads", noKey, "n.txt", "x".getBytes());
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("<Code>InvalidArgument</Code>");
    assertThat(s3.listObjectsV2(b -> b.bucket("uploads").prefix("admin/")).keyCount()).isZero();
    assertThat(s3.listObjectsV2(b -> b.bucket("uploads").prefix("user/")).contents())
        .extracting(o -> o.key()).doesNotContain("user/e.txt", "user/big.txt", "user/s.txt", "user/sig.txt", "user/n.txt");
  }

  @Test
  void redirectsAndAnonymousForms() throws Exception {
    Map<String, String> f = new LinkedHashMap<>();
    f.put("key", "user/r.txt");
    f.put("success_action_redirect", "https://app.example.com/done");
    f.putAll(signed("""
        {"bucket":"uploads"},{"key":"user/r.txt"},{"success_action_redirect":"https://app.example.com/done"}""",
        Instant.now().plusSeconds(600), GatewayFixture.SK));
    HttpResponse<String> r = post("uploads", f, "r.txt", "redirected".getBytes());
    assertThat(r.statusCode()).isEqualTo(303);
    assertThat(r.headers().firstValue("Location").orElseThrow())
        .startsWith("https://app.example.com/done?bucket=uploads&key=user%2Fr.txt&etag=%22");

    // No policy: the anonymous caller, allowed only where the bucket lets everyone write.
    HttpResponse<String> anon = post("dropbox", Map.of("key", "drop.txt"), "drop.txt", "dropped".getBytes());
    assertThat(anon.statusCode()).isEqualTo(204);
    assertThat(s3.getObjectAsBytes(b -> b.bucket("dropbox").key("drop.txt")).asUtf8String()).isEqualTo("dropped");
    HttpResponse<String> refused = post("uploads", Map.of("key", "user/anon.txt"), "a.txt", "x".getBytes());
    assertThat(refused.statusCode()).isEqualTo(403);
  }
}
