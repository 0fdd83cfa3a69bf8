package io.moraine.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ObjectCannedACL;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Static website hosting (S3 User Guide, "Hosting a static website using Amazon S3": website
 * endpoints, index and error documents, redirects) against the website host form of the
 * gateway's listener, by plain HTTP as a browser sends it.
 */
class WebsiteTest {
  static GatewayFixture fx;
  static S3Client s3;

  @BeforeAll
  static void start() throws Exception {
    fx = GatewayFixture.start(100, 17);
    s3 = fx.client(GatewayFixture.AK, GatewayFixture.SK);
    s3.createBucket(b -> b.bucket("site"));
    page("index.html", "<h1>home</h1>");
    page("docs/index.html", "<h1>docs</h1>");
    page("about.html", "<h1>about</h1>");
    page("404.html", "<h1>lost?</h1>");
    s3.putObject(b -> b.bucket("site").key("secret.html"), RequestBody.fromString("private"));
    s3.putObject(b -> b.bucket("site").key("moved.html").acl(ObjectCannedACL.PUBLIC_READ)
        .websiteRedirectLocation("/about.html"), RequestBody.fromString(""));
    s3.putBucketWebsite(b -> b.bucket("site").websiteConfiguration(w -> w
        .indexDocument(i -> i.suffix("index.html")).errorDocument(e -> e.key("404.html"))
        .routingRules(r -> r.condition(c -> c.keyPrefixEquals("old/")).redirect(x -> x.replaceKeyPrefixWith("docs/")),
            r -> r.condition(c -> c.httpErrorCodeReturnedEquals("404").keyPrefixEquals("blog/"))
                .redirect(x -> x.hostName("blog.example.com").protocol("https").httpRedirectCode("302")))));
  }

  static void page(String key, String html) {
    s3.putObject(b -> b.bucket("site").key(key).contentType("text/html").acl(ObjectCannedACL.PUBLIC_READ),
        RequestBody.fromString(html));
  }

  @AfterAll
  static void stop() throws Exception {
    s3.close();
    fx.close();
  }

  /** One request with the website Host (a browser's view; no name resolution needed). */
  static RawHttp.Reply request(String method, String bucket, String path) throws Exception {
    return RawHttp.send(fx.gateway.port(), method, bucket + ".s3-website.localhost:" + fx.gateway.port(), path);
  }

  @Test
  void indexDocumentsAndFolders() throws Exception {
    RawHttp.Reply root = request("GET", "site", "/");
    assertThat(root.status()).isEqualTo(200);
    assertThat(root.body()).isEqualTo("<h1>home</h1>");
    assertThat(root.headers()).containsEntry("content-type", "text/html");
    assertThat(request("GET", "site", "/docs/").body()).isEqualTo("<h1>docs</h1>");
    RawHttp.Reply folder = request("GET", "site", "/docs");
    assertThat(folder.status()).isEqualTo(302);
    assertThat(folder.headers()).containsEntry("location", "/docs/");
    assertThat(request("GET", "site", "/about.html").body()).isEqualTo("<h1>about</h1>");
    RawHttp.Reply head = request("HEAD", "site", "/about.html");
    assertThat(head.status()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
  }

  /**
   * The website endpoint's own port (gateway.website.port): as on S3's website endpoints, the
   * Host names the bucket ({@code BUCKET.s3-website.DOMAIN}, {@code BUCKET.DOMAIN}, or a CNAME
   * equal to the bucket name) and nothing on it is the REST API.
   */
  @Test
  void theWebsitePortServesEveryHostFormAndNothingElse() throws Exception {
    int port = fx.gateway.websitePort();
    assertThat(port).isPositive().isNotEqualTo(fx.gateway.port());
    for (String host : java.util.List.of("site.s3-website.localhost:" + port, "site.s3-website-us-east-1.localhost",
        "site.localhost:" + port, "site")) {
      RawHttp.Reply root = RawHttp.send(port, "GET", host, "/");
      assertThat(root.status()).as(host).isEqualTo(200);
      assertThat(root.body()).as(host).isEqualTo("<h1>home</h1>");
    }
    assertThat(RawHttp.send(port, "GET", "site.localhost", "/docs").headers()).containsEntry("location", "/docs/");
    RawHttp.Reply bare = RawHttp.send(port, "GET", "127.0.0.1:" + port, "/");
    assertThat(bare.status()).isEqualTo(404);
    assertThat(bare.headers().get("content-type")).startsWith("text/html");
    assertThat(bare.body()).contains("Code: NoSuchBucket").contains("BucketName: 127.0.0.1");
    assertThat(RawHttp.send(port, "PUT", "site.localhost", "/new.html").status()).isEqualTo(405);
    assertThat(RawHttp.send(port, "GET", "site.localhost", "/secret.html").status()).isEqualTo(403);
  }

  @Test
  void errorsAreHtmlAndUseTheErrorDocument() throws Exception {
    RawHttp.Reply missing = request("GET", "site", "/nope.html");
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.body()).isEqualTo("<h1>lost?</h1>");
    RawHttp.Reply denied = request("GET", "site", "/secret.html");
    assertThat(denied.status()).isEqualTo(403);
    assertThat(denied.body()).isEqualTo("<h1>lost?</h1>");
    RawHttp.Reply put = request("PUT", "site", "/x");
    assertThat(put.status()).isEqualTo(405);
    assertThat(put.headers().get("content-type")).startsWith("text/html");
    assertThat(put.body()).contains("<li>Code: MethodNotAllowed</li>");
    RawHttp.Reply noBucket = request("GET", "no-such-site", "/");
    assertThat(noBucket.status()).isEqualTo(404);
    assertThat(noBucket.body()).contains("<li>Code: NoSuchBucket</li>").contains("<li>BucketName: no-such-site</li>");
    s3.createBucket(b -> b.bucket("not-a-site"));
    RawHttp.Reply notSite = request("GET", "not-a-site", "/");
    assertThat(notSite.status()).isEqualTo(404);
    assertThat(notSite.body()).contains("<li>Code: NoSuchWebsiteConfiguration</li>");
  }

  @Test
  void redirects() throws Exception {
    RawHttp.Reply rule = request("GET", "site", "/old/guide.html");
    assertThat(rule.status()).isEqualTo(301);
    assertThat(rule.headers().get("location")).endsWith("/docs/guide.html").startsWith("http://site.s3-website.localhost:");
    RawHttp.Reply onError = request("GET", "site", "/blog/post-1");
    assertThat(onError.status()).isEqualTo(302);
    assertThat(onError.headers()).containsEntry("location", "https://blog.example.com/blog/post-1");
    RawHttp.Reply object = request("GET", "site", "/moved.html");
    assertThat(object.status()).isEqualTo(301);
    assertThat(object.headers()).containsEntry("location", "/about.html");

    s3.createBucket(b -> b.bucket("www-site"));
    s3.putBucketWebsite(b -> b.bucket("www-site").websiteConfiguration(w -> w.redirectAllRequestsTo(
        x -> x.hostName("example.com").protocol("https"))));
    RawHttp.Reply all = request("GET", "www-site", "/a/b.html");
    assertThat(all.status()).isEqualTo(301);
    assertThat(all.headers()).containsEntry("location", "https://example.com/a/b.html");
  }

  @Test
  void configurationIsValidatedAndRoundTrips() {
    var got = s3.getBucketWebsite(b -> b.bucket("site"));
    assertThat(got.indexDocument().suffix()).isEqualTo("index.html");
    assertThat(got.errorDocument().key()).isEqualTo("404.html");
    assertThat(got.routingRules()).hasSize(2);
    assertThat(got.routingRules().get(1).redirect().httpRedirectCode()).isEqualTo("302");
    s3.createBucket(b -> b.bucket("bad-site"));
    assertThatThrownBy(() -> s3.putBucketWebsite(b -> b.bucket("bad-site").websiteConfiguration(w -> w
        .errorDocument(e -> e.key("e.html"))))).isInstanceOfSatisfying(S3Exception.class,
            e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidArgument"));
    assertThatThrownBy(() -> s3.putBucketWebsite(b -> b.bucket("bad-site").websiteConfiguration(w -> w
        .indexDocument(i -> i.suffix("a/index.html"))))).isInstanceOfSatisfying(S3Exception.class,
            e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidArgument"));
    assertThatThrownBy(() -> s3.putBucketWebsite(b -> b.bucket("bad-site").websiteConfiguration(w -> w
        .redirectAllRequestsTo(x -> x.hostName("h")).indexDocument(i -> i.suffix("index.html")))))
        .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidArgument"));
    assertThatThrownBy(() -> s3.getBucketWebsite(b -> b.bucket("bad-site"))).isInstanceOfSatisfying(S3Exception.class, e -> {
      assertThat(e.statusCode()).isEqualTo(404);
      assertThat(e.awsErrorDetails().errorCode()).isEqualTo("NoSuchWebsiteConfiguration");
    });
    assertThatThrownBy(() -> s3.putObject(b -> b.bucket("site").key("r").websiteRedirectLocation("elsewhere"),
        RequestBody.fromString(""))).isInstanceOfSatisfying(S3Exception.class,
            e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidArgument"));
  }
}
