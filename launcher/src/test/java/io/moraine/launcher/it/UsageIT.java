package io.moraine.launcher.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.StorageClass;

/**
 * Storage accounting end to end (docs/storage-classes.md, Accounting) on a dev cluster with a
 * 1-second day: objects in five classes through the AWS SDK v2, IA / IR GETs, an early delete;
 * `admin usage` lines parsed and checked against S3's minimum sizes and durations; the same lines
 * after a restart of the whole cluster; the per-bucket series on /metrics.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UsageIT {
  private static final Pattern LINE = Pattern.compile("bucket usage-it class (\\S+) objects (\\d+) bytes (\\d+) "
      + "billable (\\d+) delete_markers (\\d+) upload_parts (\\d+) upload_bytes (\\d+) restored_copies (\\d+) "
      + "restored_bytes (\\d+) early_delete_objects (\\d+) early_delete_byte_days (\\d+) retrieval_bytes (\\d+)");
  private static final long KB = 1024;

  private DevFixture dev;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  void start() throws Exception {
    dev = DevFixture.start("moraine-usage-it", o -> o.withDaySeconds(1)
        .withSettings(Map.of("metrics.bucket.usage.interval.seconds", "2")));
  }

  @AfterAll
  void stop() throws Exception {
    if (dev != null) {
      dev.close();
    }
  }

  private List<String> admin(String... args) throws Exception {
    Launcher.Result r = dev.admin(120, args);
    assertThat(r.exitCode()).as("admin %s printed %s", String.join(" ", args), r.stdout()).isZero();
    return r.stdout().isEmpty() ? List.of() : Arrays.asList(r.stdout().split("\n"));
  }

  /** Class → the numbers of its line, in the line's order. */
  private static Map<String, long[]> parse(List<String> lines) {
    Map<String, long[]> byClass = new TreeMap<>();
    for (String line : lines) {
      Matcher m = LINE.matcher(line);
      assertThat(m.matches()).as("usage line %s", line).isTrue();
      long[] n = new long[11];
      for (int i = 0; i < n.length; i++) {
        n[i] = Long.parseLong(m.group(i + 2));
      }
      byClass.put(m.group(1), n);
    }
    return byClass;
  }

  private String metrics() throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + dev.cluster().adminPort() + "/metrics"))
        .build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  private boolean series(String text, String name, String storageClass, long value) {
    return Pattern.compile(Pattern.quote(name) + "\\{bucket=\"usage-it\",node_id=\"meta-\\d\",storage_class=\""
        + storageClass + "\"\\} " + value + "\\.0").matcher(text).find();
  }

  @Test
  void adminUsageAndMetricsReportEveryClassAndSurviveARestart() throws Exception {
    try (S3Client s3 = S3TestClients.rootClient(dev.cluster().gatewayPort())) {
      s3.createBucket(b -> b.bucket("usage-it"));
      s3.putObject(b -> b.bucket("usage-it").key("s"), RequestBody.fromBytes(new byte[100]));
      s3.putObject(b -> b.bucket("usage-it").key("ia").storageClass(StorageClass.STANDARD_IA),
          RequestBody.fromBytes(new byte[1000]));
      s3.putObject(b -> b.bucket("usage-it").key("ir").storageClass(StorageClass.GLACIER_IR),
          RequestBody.fromBytes(new byte[(int) (200 * KB)]));
      s3.putObject(b -> b.bucket("usage-it").key("g").storageClass(StorageClass.GLACIER), RequestBody.fromBytes(new byte[10]));
      s3.putObject(b -> b.bucket("usage-it").key("oz").storageClass(StorageClass.ONEZONE_IA),
          RequestBody.fromBytes(new byte[2000]));
      assertThat(s3.getObjectAsBytes(b -> b.bucket("usage-it").key("ia")).asByteArray()).hasSize(1000);
      assertThat(s3.getObjectAsBytes(b -> b.bucket("usage-it").key("ir").range("bytes=0-999")).asByteArray()).hasSize(1000);
      s3.getObjectAsBytes(b -> b.bucket("usage-it").key("s")); // STANDARD: no retrieval charge
      s3.deleteObject(b -> b.bucket("usage-it").key("oz")); // within ONEZONE_IA's 30 (1-second) days
    }
    // The gateway reports retrieval bytes every 5 s; the repair leader reads the counters every 2 s.
    Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500)).until(() -> {
      String m = metrics();
      return series(m, "moraine_bucket_retrieval_bytes_total", "STANDARD_IA", 1000)
          && series(m, "moraine_bucket_retrieval_bytes_total", "GLACIER_IR", 1000);
    });
    String m = metrics();
    assertThat(series(m, "moraine_bucket_objects", "STANDARD_IA", 1)).isTrue();
    assertThat(series(m, "moraine_bucket_bytes", "GLACIER_IR", 200 * KB)).isTrue();
    assertThat(series(m, "moraine_bucket_billable_bytes", "STANDARD_IA", 128 * KB)).isTrue();
    assertThat(series(m, "moraine_bucket_billable_bytes", "GLACIER", 10 + 40 * KB)).isTrue();

    // One admin JVM: a recount (a walk in the apply) that finds the counters right, then the lines.
    List<String> lines = admin("usage", "usage-it", "--recount");
    assertThat(lines).first().isEqualTo("recount bucket usage-it corrected none");
    Map<String, long[]> before = parse(lines.subList(1, lines.size()));
    assertThat(before).containsOnlyKeys("GLACIER", "GLACIER_IR", "ONEZONE_IA", "STANDARD", "STANDARD_IA");
    // objects, bytes, billable (S3's minimum sizes: 128 KB for IA / IR, +40 KB per archive object)
    assertThat(Arrays.copyOf(before.get("STANDARD"), 3)).containsExactly(1, 100, 100);
    assertThat(Arrays.copyOf(before.get("STANDARD_IA"), 3)).containsExactly(1, 1000, 128 * KB);
    assertThat(Arrays.copyOf(before.get("GLACIER_IR"), 3)).containsExactly(1, 200 * KB, 200 * KB);
    assertThat(Arrays.copyOf(before.get("GLACIER"), 3)).containsExactly(1, 10, 10 + 40 * KB);
    assertThat(Arrays.copyOf(before.get("ONEZONE_IA"), 3)).containsExactly(0, 0, 0);
    // retrieval_bytes: the IA GET and the IR range; none for STANDARD
    assertThat(before.get("STANDARD_IA")[10]).isEqualTo(1000);
    assertThat(before.get("GLACIER_IR")[10]).isEqualTo(1000);
    assertThat(before.get("STANDARD")[10]).isZero();
    // The ONEZONE_IA object went after a few of its 30 days: one early deletion, up to 30 days of 128 KB owed.
    long[] oz = before.get("ONEZONE_IA");
    assertThat(oz[8]).isEqualTo(1);
    assertThat(oz[9]).isBetween(20 * 128 * KB, 30 * 128 * KB);

    dev.restart();
    Map<String, long[]> after = parse(admin("usage", "usage-it"));
    assertThat(after.keySet()).isEqualTo(before.keySet());
    before.forEach((c, n) -> assertThat(after.get(c)).as(c).containsExactly(n));
    Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500))
        .until(() -> series(metrics(), "moraine_bucket_bytes", "STANDARD_IA", 1000));
  }
}
