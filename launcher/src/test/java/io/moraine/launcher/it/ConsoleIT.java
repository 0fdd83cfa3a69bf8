package io.moraine.launcher.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.moraine.launcher.config.Credentials;
import io.moraine.launcher.dev.DevCluster;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ObjectVersion;

/**
 * The web console end to end in Debian's headless Chromium (Selenium + chromedriver) against a dev
 * cluster: a wrong secret refused, login, the cluster map, buckets with usage, an upload of a
 * 20 MiB file through the browser (bytes checked with the SDK), prefix navigation, download and
 * presigned link (bytes checked), versioning switched on in the settings, versions listed and
 * one deleted, an object deleted, users and keys (a key created, deactivated, its login refused),
 * a POST without the CSRF token refused, and a storage node stopped: the map shows it down and
 * redundancy degraded, then full again once it is back. Screenshots of every page under
 * {@code target/console-artifacts/}. Skipped when Chromium or chromedriver is missing
 * ({@code .ci/run} installs both).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleIT {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  static final Path ARTIFACTS = Path.of("target", "console-artifacts");
  static final long UPLOAD_BYTES = Long.getLong("console.upload.bytes", 20L * 1024 * 1024);
  static final String BUCKET = "console-photos";
  static final String KEY = "photos/2026/big.bin";

  private Path dataDir;
  private Path uploadDir;
  private DevCluster cluster;
  private WebDriver driver;
  private S3Client s3;
  private String base;
  private Credentials root;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private int shot;

  @BeforeAll
  void start() throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "Chromium or chromedriver is not installed");
    Files.createDirectories(ARTIFACTS);
    dataDir = Files.createTempDirectory("moraine-console-it");
    uploadDir = Files.createTempDirectory("moraine-console-upload");
    cluster = DevCluster.start(new DevCluster.Options(dataDir, 0, S3TestClients.freePort()));
    base = cluster.consoleUrl().orElseThrow();
    root = Credentials.fromEnvironment(System.getenv());
    s3 = S3TestClients.client(cluster.gatewayPort(), root.accessKey(), root.secretKey());
    s3.createBucket(b -> b.bucket(BUCKET));
    s3.putObject(b -> b.bucket(BUCKET).key("notes/<b>hi<b>.txt"), RequestBody.fromString("escaped"));
    s3.putBucketCors(b -> b.bucket(BUCKET).corsConfiguration(c -> c.corsRules(r -> r.allowedMethods("GET")
        .allowedOrigins("https://shop.example"))));

    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1000");
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
        .usingAnyFreePort().build();
    driver = new ChromeDriver(service, options);
  }

  @AfterAll
  void stop() throws Exception {
    if (driver != null) {
      driver.quit();
    }
    if (s3 != null) {
      s3.close();
    }
    if (cluster != null) {
      cluster.close();
    }
    if (dataDir != null) {
      TestDirs.deleteRecursively(dataDir);
      TestDirs.deleteRecursively(uploadDir);
    }
  }

  private void screenshot(String name) throws Exception {
    byte[] png = ((ChromeDriver) driver).getScreenshotAs(OutputType.BYTES);
    Files.write(ARTIFACTS.resolve(String.format("%02d-%s.png", ++shot, name)), png);
    Files.writeString(ARTIFACTS.resolve(String.format("%02d-%s.html", shot, name)), driver.getPageSource());
  }

  private WebElement byId(String id) {
    return driver.findElement(By.id(id));
  }

  private void until(Duration timeout, Supplier<Boolean> condition) {
    new WebDriverWait(driver, timeout, Duration.ofMillis(250))
        .ignoring(org.openqa.selenium.StaleElementReferenceException.class).until(d -> condition.get());
  }

  /** Clicks something that loads a new page and waits until the old page is gone. */
  private void go(WebElement element) {
    element.click();
    new WebDriverWait(driver, Duration.ofSeconds(60)).until(d -> isStale(element));
  }

  /**
   * Whether the element's page has been replaced. Chromedriver reports a node of a replaced
   * document either as a stale element or, while the new document is being built, as the generic
   * "Node with given id does not belong to the document" error; both mean the old page is gone.
   */
  private static boolean isStale(WebElement element) {
    try {
      element.isEnabled();
      return false;
    } catch (org.openqa.selenium.StaleElementReferenceException e) {
      return true;
    } catch (org.openqa.selenium.WebDriverException e) {
      if (String.valueOf(e.getMessage()).contains("does not belong to the document")) {
        return true;
      }
      throw e;
    }
  }

  /** The text of the {@code tr.key} row naming {@code accessKey}, read once the page has settled. */
  private String keyRowText(String accessKey) {
    String[] text = new String[1];
    new WebDriverWait(driver, Duration.ofSeconds(30), Duration.ofMillis(250))
        .ignoring(org.openqa.selenium.WebDriverException.class, java.util.NoSuchElementException.class).until(d -> {
          text[0] = keyRow(accessKey).getText();
          return true;
        });
    return text[0];
  }

  private WebElement keyRow(String accessKey) {
    return driver.findElements(By.cssSelector("tr.key")).stream()
        .filter(e -> e.getText().contains(accessKey)).findFirst().orElseThrow();
  }

  private void login(String accessKey, String secretKey) {
    driver.get(base + "login");
    byId("access_key").sendKeys(accessKey);
    byId("secret_key").sendKeys(secretKey);
    go(byId("login-submit"));
  }

  private String cookieHeader() {
    Cookie c = driver.manage().getCookieNamed("moraine_console");
    return c == null ? "" : c.getName() + "=" + c.getValue();
  }

  @Test
  @Order(1)
  void aWrongSecretIsRefused() throws Exception {
    driver.get(base);
    assertThat(driver.getCurrentUrl()).endsWith("/console/login");
    login(root.accessKey(), root.secretKey() + "x");
    assertThat(byId("error").getText()).startsWith("Login refused");
    assertThat(driver.manage().getCookieNamed("moraine_console")).isNull();
    screenshot("login-refused");
    login("NOSUCHKEY", "whatever");
    assertThat(byId("error").getText()).startsWith("Login refused");
  }

  @Test
  @Order(2)
  void theClusterMapShowsEveryNodeUpAndRedundancyFull() throws Exception {
    login(root.accessKey(), root.secretKey());
    assertThat(driver.getCurrentUrl()).endsWith("/console/cluster");
    Cookie c = driver.manage().getCookieNamed("moraine_console");
    assertThat(c.isHttpOnly()).isTrue();
    assertThat(c.getSameSite()).isEqualTo("Strict");
    assertThat(byId("redundancy").getText()).isEqualTo("redundancy: full");
    for (int az = 1; az <= 3; az++) {
      WebElement section = byId("az-az" + az);
      assertThat(section.findElements(By.cssSelector("td.state.up"))).hasSize(DevCluster.STORAGE_PER_AZ);
    }
    assertThat(byId("groups").getText()).contains("g1").contains("g2").contains("meta-1, meta-2, meta-3");
    assertThat(byId("progress").getText()).contains("repair").contains("scrub");
    screenshot("cluster");
  }

  @Test
  @Order(3)
  void bucketsAndTheirUsageAreListedAndKeysAreEscaped() throws Exception {
    driver.get(base + "buckets");
    WebElement row = byId("bucket-" + BUCKET);
    assertThat(row.getText()).contains(BUCKET).contains("7 B");
    screenshot("buckets");
    go(row.findElement(By.linkText(BUCKET)));
    go(driver.findElement(By.linkText("notes/")));
    WebElement note = driver.findElement(By.cssSelector("tr.object"));
    assertThat(note.getAttribute("data-key")).isEqualTo("notes/<b>hi<b>.txt");
    assertThat(note.getText()).contains("<b>hi<b>.txt");
    assertThat(note.findElements(By.tagName("b"))).isEmpty();
  }

  @Test
  @Order(4)
  void aFileUploadedThroughTheBrowserArrivesByteExact() throws Exception {
    Path file = uploadDir.resolve("big.bin");
    try (InputStream in = S3TestClients.payload(19, UPLOAD_BYTES)) {
      Files.copy(in, file);
    }
    driver.get(base + "browse?bucket=" + BUCKET);
    WebElement prefix = byId("upload-prefix");
    prefix.clear();
    prefix.sendKeys("photos/2026/");
    byId("upload-file").sendKeys(file.toAbsolutePath().toString());
    long started = System.nanoTime();
    byId("upload-submit").click();
    until(Duration.ofMinutes(5), () -> byId("upload-status").getText().startsWith("done")
        || byId("upload-status").getText().startsWith("upload failed"));
    double seconds = (System.nanoTime() - started) / 1e9;
    String status = byId("upload-status").getText();
    assertThat(status).startsWith("done").contains("uploaded " + KEY + " (" + UPLOAD_BYTES + " bytes)");
    assertThat(byId("upload-progress").getAttribute("value")).isEqualTo("100");
    System.out.printf("ConsoleIT: browser upload of %d bytes took %.1f s (%.1f MiB/s)%n", UPLOAD_BYTES, seconds,
        UPLOAD_BYTES / 1048576.0 / seconds);
    screenshot("upload-done");
    try (InputStream in = s3.getObject(b -> b.bucket(BUCKET).key(KEY))) {
      assertThat(S3TestClients.sha256(in)).isEqualTo(S3TestClients.payloadSha256(19, UPLOAD_BYTES));
    }
  }

  @Test
  @Order(5)
  void prefixesNavigateAndDownloadAndPresignedLinkReturnTheBytes() throws Exception {
    driver.get(base + "browse?bucket=" + BUCKET);
    go(driver.findElement(By.linkText("photos/")));
    go(driver.findElement(By.linkText("2026/")));
    WebElement row = driver.findElement(By.cssSelector("tr.object[data-key='" + KEY + "']"));
    assertThat(row.getText()).contains("big.bin")
        .contains(String.format(java.util.Locale.ROOT, "%.1f MiB", UPLOAD_BYTES / 1048576.0));
    assertThat(byId("crumbs").getText()).contains(BUCKET + " / photos / 2026");
    screenshot("browse-prefix");

    // Download: the console answers with a redirect to a presigned GET of the gateway.
    String download = row.findElement(By.cssSelector("a.download")).getAttribute("href");
    HttpResponse<Void> redirect = http.send(HttpRequest.newBuilder(URI.create(download)).header("Cookie", cookieHeader())
        .build(), HttpResponse.BodyHandlers.discarding());
    assertThat(redirect.statusCode()).isEqualTo(303);
    String location = redirect.headers().firstValue("Location").orElseThrow();
    assertThat(location).startsWith("http://127.0.0.1:" + cluster.gatewayPort() + "/" + BUCKET + "/photos/2026/big.bin?")
        .contains("X-Amz-Signature=").contains("response-content-disposition=");
    assertThat(sha256Of(location)).isEqualTo(S3TestClients.payloadSha256(19, UPLOAD_BYTES));

    go(row.findElement(By.cssSelector("a.link")));
    String link = byId("presigned").getAttribute("value");
    assertThat(link).contains("X-Amz-Expires=3600");
    screenshot("presigned-link");
    assertThat(sha256Of(link)).isEqualTo(S3TestClients.payloadSha256(19, UPLOAD_BYTES));
  }

  private String sha256Of(String url) throws Exception {
    HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
        HttpResponse.BodyHandlers.ofInputStream());
    assertThat(r.statusCode()).isEqualTo(200);
    try (InputStream in = r.body()) {
      return S3TestClients.sha256(in);
    }
  }

  @Test
  @Order(6)
  void settingsShowStoredConfigurationsAndVersioningIsSwitchedOn() throws Exception {
    driver.get(base + "settings?bucket=" + BUCKET);
    assertThat(byId("versioning-status").getText()).isEqualTo("Unversioned");
    assertThat(byId("setting-cors").getText()).contains("<CORSConfiguration").contains("https://shop.example");
    assertThat(byId("setting-policy").getText()).startsWith("not set");
    go(byId("versioning-enable"));
    assertThat(byId("versioning-status").getText()).isEqualTo("Enabled");
    assertThat(s3.getBucketVersioning(b -> b.bucket(BUCKET)).statusAsString()).isEqualTo("Enabled");
    screenshot("settings");
  }

  @Test
  @Order(7)
  void versionsAreListedAndOneIsDeletedThenTheObject() throws Exception {
    s3.putObject(b -> b.bucket(BUCKET).key(KEY), RequestBody.fromString("second version"));
    driver.get(base + "versions?bucket=" + BUCKET + "&key=" + KEY);
    List<WebElement> rows = driver.findElements(By.cssSelector("tr.version"));
    assertThat(rows).hasSize(2);
    assertThat(rows.get(0).getText()).contains("latest");
    screenshot("versions");
    String older = rows.get(1).getAttribute("data-version");
    go(rows.get(1).findElement(By.cssSelector("button.delete")));
    assertThat(driver.findElements(By.cssSelector("tr.version"))).hasSize(1);
    List<ObjectVersion> left = s3.listObjectVersions(b -> b.bucket(BUCKET).prefix(KEY)).versions();
    assertThat(left).hasSize(1);
    assertThat(left.get(0).versionId()).isNotEqualTo(older);

    driver.get(base + "browse?bucket=" + BUCKET + "&prefix=photos/2026/");
    go(driver.findElement(By.cssSelector("tr.object[data-key='" + KEY + "'] button.delete")));
    assertThat(byId("empty").getText()).contains("Nothing under this prefix");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> s3.headObject(b -> b.bucket(BUCKET).key(KEY)))
        .isInstanceOf(software.amazon.awssdk.services.s3.model.S3Exception.class);
    driver.get(base + "versions?bucket=" + BUCKET + "&key=" + KEY);
    assertThat(driver.findElements(By.cssSelector("tr.version.marker"))).hasSize(1);
    screenshot("versions-after-delete");
  }

  @Test
  @Order(8)
  void postsWithoutTheCsrfTokenAreRefused() throws Exception {
    s3.putObject(b -> b.bucket(BUCKET).key("keep.txt"), RequestBody.fromString("keep"));
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "delete"))
        .header("Cookie", cookieHeader()).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("bucket=" + BUCKET + "&key=keep.txt")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.body()).contains("CSRF");
    assertThat(s3.headObject(b -> b.bucket(BUCKET).key("keep.txt")).contentLength()).isEqualTo(4);
  }

  @Test
  @Order(9)
  void usersAndKeysAKeyCreatedThenDeactivatedCannotLogIn() throws Exception {
    driver.get(base + "users");
    screenshot("users");
    assertThat(driver.findElement(By.cssSelector("table.keys")).getText()).contains(root.accessKey());
    go(driver.findElement(By.cssSelector("button.key-create")));
    String newKey = byId("new-access-key").getText();
    String newSecret = byId("new-secret-key").getText();
    assertThat(newKey).isNotBlank();
    driver.get(base + "users");
    assertThat(keyRowText(newKey)).contains("Active");
    screenshot("users-key-created");
    go(keyRow(newKey).findElement(By.tagName("button")));
    assertThat(keyRowText(newKey)).contains("Inactive");
    go(driver.findElement(By.id("logout")));
    assertThat(driver.manage().getCookieNamed("moraine_console")).isNull();
    login(newKey, newSecret);
    assertThat(byId("error").getText()).startsWith("Login refused");
    login(root.accessKey(), root.secretKey());
    assertThat(driver.getCurrentUrl()).endsWith("/console/cluster");
  }

  @Test
  @Order(10)
  void aStoppedStorageNodeShowsDownAndDegradedThenFullAgain() throws Exception {
    s3.putObject(b -> b.bucket(BUCKET).key("degraded/blob"), RequestBody.fromInputStream(S3TestClients.payload(5, 4 << 20),
        4 << 20));
    cluster.stopStorageNode("storage-az2-1");
    driver.get(base + "cluster");
    until(Duration.ofSeconds(40), () -> {
      driver.navigate().refresh();
      return byId("node-storage-az2-1").getText().contains("down") && byId("redundancy").getText().contains("degraded");
    });
    assertThat(byId("redundancy").getText()).matches("redundancy: degraded \\(\\d+ shards missing\\)");
    screenshot("cluster-degraded");
    cluster.startStorageNode("storage-az2-1");
    until(Duration.ofSeconds(40), () -> {
      driver.navigate().refresh();
      return byId("redundancy").getText().equals("redundancy: full");
    });
    assertThat(byId("node-storage-az2-1").getText()).contains("up");
    screenshot("cluster-full-again");
    try (InputStream in = s3.getObject(b -> b.bucket(BUCKET).key("degraded/blob"))) {
      assertThat(S3TestClients.sha256(in)).isEqualTo(S3TestClients.payloadSha256(5, 4 << 20));
    }
  }
}
