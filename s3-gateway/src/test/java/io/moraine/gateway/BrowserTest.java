package io.moraine.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CORSRule;
import software.amazon.awssdk.services.s3.model.ObjectCannedACL;

/**
 * The web-facing bucket features in a real browser (Debian's headless Chromium): a page on
 * another origin reading an object through CORS, an HTML form uploading with a signed POST
 * policy, and a static website with an index page, a redirect rule and a custom 404. Screenshots
 * are kept under {@code target/browser-artifacts}. Skipped when Chromium is not installed
 * ({@code .ci/run} installs it).
 */
class BrowserTest {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static GatewayFixture fx;
  static S3Client s3;
  static HttpServer app;
  static String gw;
  static String appOrigin;
  static final Path ARTIFACTS = Path.of("target", "browser-artifacts");

  @BeforeAll
  static void start() throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(CHROMIUM), "Chromium is not installed");
    fx = GatewayFixture.start(100, 47);
    s3 = fx.client(GatewayFixture.AK, GatewayFixture.SK);
    gw = "http://localhost:" + fx.gateway.port();
    app = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    app.start();
    appOrigin = "http://127.0.0.1:" + app.getAddress().getPort();
    Files.createDirectories(ARTIFACTS);

    s3.createBucket(b -> b.bucket("browser-cors"));
    s3.putObject(b -> b.bucket("browser-cors").key("data.json").contentType("application/json")
        .acl(ObjectCannedACL.PUBLIC_READ), RequestBody.fromString("{\"hello\":\"cors\"}"));
    s3.putObject(b -> b.bucket("browser-cors").key("other.json").acl(ObjectCannedACL.PUBLIC_READ),
        RequestBody.fromString("{}"));
    s3.putBucketCors(b -> b.bucket("browser-cors").corsConfiguration(c -> c.corsRules(CORSRule.builder()
        .allowedOrigins(appOrigin).allowedMethods("GET").build())));
    s3.createBucket(b -> b.bucket("browser-nocors"));
    s3.putObject(b -> b.bucket("browser-nocors").key("data.json").acl(ObjectCannedACL.PUBLIC_READ),
        RequestBody.fromString("{\"hello\":\"nocors\"}"));

    s3.createBucket(b -> b.bucket("browser-site"));
    for (String[] p : new String[][] {{"index.html", "<h1 id=t>Welcome home</h1>"}, {"404.html", "<h1>Custom 404 page</h1>"},
        {"docs/guide.html", "<h1>The guide</h1>"}}) {
      s3.putObject(b -> b.bucket("browser-site").key(p[0]).contentType("text/html").acl(ObjectCannedACL.PUBLIC_READ),
          RequestBody.fromString("<html><body>" + p[1] + "</body></html>"));
    }
    s3.putBucketWebsite(b -> b.bucket("browser-site").websiteConfiguration(w -> w.indexDocument(i -> i.suffix("index.html"))
        .errorDocument(e -> e.key("404.html"))
        .routingRules(r -> r.condition(c -> c.keyPrefixEquals("old/")).redirect(x -> x.replaceKeyPrefixWith("docs/")))));
    s3.createBucket(b -> b.bucket("browser-up"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (fx != null) {
      app.stop(0);
      s3.close();
      fx.close();
    }
  }

  static void page(String path, String html) {
    app.createContext(path, ex -> {
      byte[] body = html.getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
      ex.sendResponseHeaders(200, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
  }

  /** Loads {@code url} in headless Chromium, lets scripts run, and returns the DOM (and saves a screenshot). */
  static String browse(String url, String screenshot) throws Exception {
    Path profile = Files.createTempDirectory("moraine-chromium");
    List<String> base = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--user-data-dir=" + profile, "--virtual-time-budget=8000"));
    List<String> dump = new ArrayList<>(base);
    dump.addAll(List.of("--dump-dom", url));
    Process p = new ProcessBuilder(dump).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String dom = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(90, TimeUnit.SECONDS)).isTrue();
    List<String> shot = new ArrayList<>(base);
    shot.addAll(List.of("--screenshot=" + ARTIFACTS.resolve(screenshot).toAbsolutePath(), "--window-size=1024,600", url));
    Process s = new ProcessBuilder(shot).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    s.waitFor(90, TimeUnit.SECONDS);
    return dom;
  }

  @Test
  void aPageOnAnotherOriginReadsOnlyWhatCorsAllows() throws Exception {
    page("/cors.html", """
        <html><body><div id=out>pending</div><script>
        async function get(u) { try { const r = await fetch(u); return 'OK:' + await r.text(); } catch (e) { return 'BLOCKED'; } }
        (async () => { document.getElementById('out').textContent =
            'allowed=' + await get('%s/browser-cors/data.json') + ' denied=' + await get('%s/browser-nocors/data.json'); })();
        </script></body></html>""".formatted(gw, gw));
    String dom = browse(appOrigin + "/cors.html", "cors.png");
    assertThat(dom).contains("allowed=OK:{\"hello\":\"cors\"}").contains("denied=BLOCKED");
  }

  @Test
  void anHtmlFormUploadsWithASignedPolicy() throws Exception {
    Map<String, String> f = new java.util.LinkedHashMap<>();
    f.put("key", "forms/upload.txt");
    f.put("success_action_redirect", appOrigin + "/done.html");
    f.putAll(PostObjectTest.signed("""
        {"bucket":"browser-up"},["starts-with","$key","forms/"],{"success_action_redirect":"%s/done.html"}"""
        .formatted(appOrigin), Instant.now().plusSeconds(600), GatewayFixture.SK));
    StringBuilder inputs = new StringBuilder();
    f.forEach((k, v) -> inputs.append("<input type=hidden name=\"").append(k).append("\" value=\"").append(v).append("\">"));
    page("/upload.html", """
        <html><body><form id=f method=post enctype="multipart/form-data" action="%s/browser-up">%s
        <textarea name=file>uploaded from a browser form</textarea></form>
        <script>document.getElementById('f').submit();</script></body></html>""".formatted(gw, inputs));
    page("/done.html", "<html><body><p id=done>upload finished</p><script>"
        + "document.getElementById('done').textContent += ' ' + location.search;</script></body></html>");
    String dom = browse(appOrigin + "/upload.html", "upload.png");
    assertThat(dom).contains("upload finished").contains("bucket=browser-up").contains("key=forms%2Fupload.txt");
    assertThat(s3.getObjectAsBytes(b -> b.bucket("browser-up").key("forms/upload.txt")).asUtf8String())
        .isEqualTo("uploaded from a browser form");
  }

  @Test
  void aStaticWebsiteServesItsIndexRedirectsAndCustom404() throws Exception {
    String site = "http://browser-site.s3-website.localhost:" + fx.gateway.port();
    assertThat(browse(site + "/", "website-index.png")).contains("Welcome home");
    assertThat(browse(site + "/old/guide.html", "website-redirect.png")).contains("The guide");
    assertThat(browse(site + "/no/such/page.html", "website-404.png")).contains("Custom 404 page");
  }
}
