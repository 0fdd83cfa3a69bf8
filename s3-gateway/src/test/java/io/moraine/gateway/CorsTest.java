package io.moraine.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CORSRule;
import software.amazon.awssdk.services.s3.model.ObjectCannedACL;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * CORS as the S3 User Guide ("Using cross-origin resource sharing (CORS)", "Troubleshooting
 * CORS") describes it: configuration through the SDK, preflights and actual requests by raw HTTP
 * as a browser sends them.
 */
class CorsTest {
  static GatewayFixture fx;
  static S3Client s3;
  static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    fx = GatewayFixture.start(100, 9);
    s3 = fx.client(GatewayFixture.AK, GatewayFixture.SK);
    s3.createBucket(b -> b.bucket("web"));
    s3.putObject(b -> b.bucket("web").key("app.js").acl(ObjectCannedACL.PUBLIC_READ), RequestBody.fromString("js"));
  }

  @AfterAll
  static void stop() throws Exception {
    s3.close();
    fx.close();
  }

  static HttpResponse<String> send(String method, String path, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(fx.endpoint + path))
        .method(method, HttpRequest.BodyPublishers.noBody());
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static void configure() {
    s3.putBucketCors(b -> b.bucket("web").corsConfiguration(c -> c.corsRules(
        CORSRule.builder().id("app").allowedOrigins("https://app.example.com").allowedMethods("GET", "PUT")
            .allowedHeaders("x-amz-*", "Content-Type").exposeHeaders("ETag", "x-amz-request-id").maxAgeSeconds(600).build(),
        CORSRule.builder().allowedOrigins("https://*.example.org").allowedMethods("GET").build(),
        CORSRule.builder().allowedOrigins("*").allowedMethods("HEAD").build())));
  }

  @Test
  void configurationRoundTripsAndIsValidated() {
    s3.createBucket(b -> b.bucket("cors-config"));
    assertThatThrownBy(() -> s3.getBucketCors(b -> b.bucket("cors-config"))).isInstanceOfSatisfying(S3Exception.class, e -> {
      assertThat(e.statusCode()).isEqualTo(404);
      assertThat(e.awsErrorDetails().errorCode()).isEqualTo("NoSuchCORSConfiguration");
    });
    s3.putBucketCors(b -> b.bucket("cors-config").corsConfiguration(c -> c.corsRules(CORSRule.builder().id("r1")
        .allowedOrigins("https://a.example").allowedMethods("GET", "POST").allowedHeaders("*").exposeHeaders("ETag")
        .maxAgeSeconds(30).build())));
    CORSRule got = s3.getBucketCors(b -> b.bucket("cors-config")).corsRules().get(0);
    assertThat(got.id()).isEqualTo("r1");
    assertThat(got.allowedMethods()).containsExactly("GET", "POST");
    assertThat(got.maxAgeSeconds()).isEqualTo(30);
    assertThatThrownBy(() -> s3.putBucketCors(b -> b.bucket("cors-config").corsConfiguration(c -> c.corsRules(
        CORSRule.builder().allowedOrigins("*").allowedMethods("PATCH").build()))))
        .isInstanceOfSatisfying(S3Exception.class, e -> {
          assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidRequest");
          assertThat(e.awsErrorDetails().errorMessage()).contains("Unsupported method is PATCH");
        });
    assertThatThrownBy(() -> s3.putBucketCors(b -> b.bucket("cors-config").corsConfiguration(c -> c.corsRules(
        CORSRule.builder().allowedOrigins("https://*.*.example").allowedMethods("GET").build()))))
        .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidRequest"));
    List<CORSRule> many = new ArrayList<>();
    for (int i = 0; i < 101; i++) {
      many.add(CORSRule.builder().allowedOrigins("https://o" + i).allowedMethods("GET").build());
    }
    assertThatThrownBy(() -> s3.putBucketCors(b -> b.bucket("cors-config").corsConfiguration(c -> c.corsRules(many))))
        .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("MalformedXML"));
    assertThat(s3.getBucketCors(b -> b.bucket("cors-config")).corsRules()).hasSize(1);
    s3.deleteBucketCors(b -> b.bucket("cors-config"));
    assertThatThrownBy(() -> s3.getBucketCors(b -> b.bucket("cors-config"))).isInstanceOf(S3Exception.class);
  }

  @Test
  void preflightsAreAnsweredByTheFirstMatchingRule() throws Exception {
    configure();
    HttpResponse<String> ok = send("OPTIONS", "/web/app.js", "Origin", "https://app.example.com",
        "Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", "x-amz-date, content-type");
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://app.example.com");
    assertThat(ok.headers().firstValue("Access-Control-Allow-Methods")).hasValue("GET, PUT");
    assertThat(ok.headers().firstValue("Access-Control-Allow-Headers")).hasValue("x-amz-date, content-type");
    assertThat(ok.headers().firstValue("Access-Control-Expose-Headers")).hasValue("ETag, x-amz-request-id");
    assertThat(ok.headers().firstValue("Access-Control-Max-Age")).hasValue("600");
    assertThat(ok.headers().firstValue("Access-Control-Allow-Credentials")).hasValue("true");
    assertThat(ok.headers().firstValue("Vary")).hasValue("Origin, Access-Control-Request-Headers, Access-Control-Request-Method");

    HttpResponse<String> wildcard = send("OPTIONS", "/web/app.js", "Origin", "https://shop.example.org",
        "Access-Control-Request-Method", "GET");
    assertThat(wildcard.statusCode()).isEqualTo(200);
    assertThat(wildcard.headers().firstValue("Access-Control-Allow-Methods")).hasValue("GET");
    HttpResponse<String> any = send("OPTIONS", "/web", "Origin", "https://anyone.test", "Access-Control-Request-Method", "HEAD");
    assertThat(any.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
    assertThat(any.headers().firstValue("Access-Control-Allow-Credentials")).isEmpty();

    for (String[] bad : new String[][] {
        {"https://evil.test", "GET", ""}, {"https://app.example.com", "DELETE", ""},
        {"https://app.example.com", "PUT", "authorization"}, {"https://shop.example.org", "PUT", ""}}) {
      HttpResponse<String> no = bad[2].isEmpty()
          ? send("OPTIONS", "/web/app.js", "Origin", bad[0], "Access-Control-Request-Method", bad[1])
          : send("OPTIONS", "/web/app.js", "Origin", bad[0], "Access-Control-Request-Method", bad[1],
              "Access-Control-Request-Headers", bad[2]);
      assertThat(no.statusCode()).as(String.join(" ", bad)).isEqualTo(403);
      assertThat(no.body()).contains("<Code>AccessForbidden</Code>").contains("CORSResponse");
      assertThat(no.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }
    assertThat(send("OPTIONS", "/web/app.js", "Access-Control-Request-Method", "GET").statusCode()).isEqualTo(400);
    assertThat(send("OPTIONS", "/web/app.js", "Origin", "https://app.example.com").statusCode()).isEqualTo(400);
    s3.createBucket(b -> b.bucket("no-cors"));
    HttpResponse<String> off = send("OPTIONS", "/no-cors/x", "Origin", "https://app.example.com",
        "Access-Control-Request-Method", "GET");
    assertThat(off.statusCode()).isEqualTo(403);
    assertThat(off.body()).contains("CORS is not enabled for this bucket");
  }

  @Test
  void actualRequestsCarryTheHeadersOfTheMatchingRule() throws Exception {
    configure();
    HttpResponse<String> get = send("GET", "/web/app.js", "Origin", "https://app.example.com");
    assertThat(get.statusCode()).isEqualTo(200);
    assertThat(get.body()).isEqualTo("js");
    assertThat(get.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://app.example.com");
    assertThat(get.headers().firstValue("Access-Control-Expose-Headers")).hasValue("ETag, x-amz-request-id");
    assertThat(get.headers().firstValue("Vary")).hasValue("Origin, Access-Control-Request-Headers, Access-Control-Request-Method");
    // Not an allowed origin: the request is served (CORS is the browser's to enforce), without the headers.
    HttpResponse<String> other = send("GET", "/web/app.js", "Origin", "https://evil.test");
    assertThat(other.statusCode()).isEqualTo(200);
    assertThat(other.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    // Errors carry them too, so the page can read the error.
    HttpResponse<String> missing = send("GET", "/web/nope.js", "Origin", "https://app.example.com");
    assertThat(missing.statusCode()).isEqualTo(403);
    assertThat(missing.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://app.example.com");
  }
}
