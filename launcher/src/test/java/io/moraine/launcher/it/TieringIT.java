package io.moraine.launcher.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.IntelligentTieringAccessTier;
import software.amazon.awssdk.services.s3.model.IntelligentTieringStatus;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.StorageClass;
import software.amazon.awssdk.services.s3.model.Tier;
import software.amazon.awssdk.services.s3.model.Tiering;

/**
 * Intelligent-Tiering on a dev cluster with 1-second days (docs/storage-classes.md), watched with
 * {@code admin object info} as an operator would: an untouched object moves to INFREQUENT after 30
 * days and ARCHIVE_INSTANT after 90, and a GET brings it back to FREQUENT; in a bucket with an
 * ARCHIVE_ACCESS configuration at 90 days another one is re-encoded into the GLACIER layout
 * (its segment's profile becomes a GLACIER object's), GET is 403 InvalidObjectState, HEAD has
 * x-amz-archive-status, and RestoreObject (no Days) brings it back readable, byte-exact, in the
 * INTELLIGENT_TIERING layout. S3's 90-day Archive Instant threshold makes this take about 95 s
 * on the shortest day the clock allows (1 s).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TieringIT {
  private DevFixture dev;
  private S3Client s3;

  @BeforeAll
  void start() throws Exception {
    dev = DevFixture.start("moraine-tiering-it", o -> o.withDaySeconds(1)
        // GLACIER's small-cluster profile set apart from INTELLIGENT_TIERING's 4+2, so the re-encode shows.
        .withSettings(Map.of("tiering.access.flush.millis", "200", "restore.poll.interval.millis", "200",
            "storage-class.GLACIER.small-profile", "2+2")));
    s3 = S3TestClients.rootClient(dev.cluster().gatewayPort());
  }

  @AfterAll
  void stop() throws Exception {
    if (s3 != null) {
      s3.close();
    }
    if (dev != null) {
      dev.close();
    }
  }

  interface Check {
    boolean done() throws Exception;
  }

  private static void await(String what, Duration limit, Check done) throws Exception {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!done.done()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + limit + ": " + what);
      }
      Thread.sleep(250);
    }
  }

  private String info(String bucket, String key) throws Exception {
    Launcher.Result r = dev.admin(60, "object", "info", bucket, key);
    assertThat(r.exitCode()).as(r.stdout()).isZero();
    return r.stdout();
  }

  private static String field(String out, String linePrefix, String name) {
    String line = out.lines().filter(l -> l.startsWith(linePrefix)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + linePrefix + " line in " + out));
    for (String pair : line.split(" ")) {
      if (pair.startsWith(name + "=")) {
        return pair.substring(name.length() + 1);
      }
    }
    throw new AssertionError(name + " not in " + line);
  }

  /** The value after {@code name} in a spaced status line ({@code tiering leader N passes N ...}). */
  private static String spaced(String line, String name) {
    String[] t = line.split(" ");
    for (int i = 1; i + 1 < t.length; i += 2) {
      if (t[i].equals(name)) {
        return t[i + 1];
      }
    }
    throw new AssertionError(name + " not in " + line);
  }

  private String tier(String bucket, String key) throws Exception {
    return field(info(bucket, key), "tier=", "tier");
  }

  @Test
  void objectsMoveDownTheTiersAndBack() throws Exception {
    byte[] body = new byte[200 * 1024];
    new java.util.Random(5).nextBytes(body);
    s3.createBucket(b -> b.bucket("it-plain"));
    s3.createBucket(b -> b.bucket("it-archive"));
    s3.putBucketIntelligentTieringConfiguration(b -> b.bucket("it-archive").id("arch")
        .intelligentTieringConfiguration(c -> c.id("arch").status(IntelligentTieringStatus.ENABLED)
            .tierings(Tiering.builder().accessTier(IntelligentTieringAccessTier.ARCHIVE_ACCESS).days(90).build())));
    long putAt = System.currentTimeMillis();
    s3.putObject(b -> b.bucket("it-plain").key("a").storageClass(StorageClass.INTELLIGENT_TIERING),
        RequestBody.fromBytes(body));
    s3.putObject(b -> b.bucket("it-archive").key("b").storageClass(StorageClass.INTELLIGENT_TIERING),
        RequestBody.fromBytes(body));
    s3.putObject(b -> b.bucket("it-plain").key("reference").storageClass(StorageClass.GLACIER),
        RequestBody.fromBytes(body));
    // (each admin call is a JVM start of its own, seconds on a busy machine: as few as possible)
    String first = info("it-archive", "b");
    assertThat(System.currentTimeMillis() - putAt).as("the first look came in time").isLessThan(29_000);
    assertThat(field(first, "tier=", "tier")).isEqualTo("FREQUENT");
    assertThat(field(first, "tier=", "last_access")).isEqualTo("-");
    String itProfile = field(first, "segment=", "profile");
    String dataIdBefore = field(first, "segment=", "data_id");
    String glacierProfile = field(info("it-plain", "reference"), "segment=", "profile");
    assertThat(glacierProfile).as("the layouts differ, so a re-encode shows").isNotEqualTo(itProfile);

    await("a INFREQUENT", Duration.ofSeconds(45), () -> tier("it-plain", "a").equals("INFREQUENT"));
    assertThat(System.currentTimeMillis() - putAt).as("not before 30 days").isGreaterThanOrEqualTo(29_000);
    assertThat(s3.headObject(b -> b.bucket("it-plain").key("a")).archiveStatusAsString())
        .as("no archive status for the instant tiers").isNull();

    await("a ARCHIVE_INSTANT", Duration.ofSeconds(75), () -> tier("it-plain", "a").equals("ARCHIVE_INSTANT"));
    assertThat(System.currentTimeMillis() - putAt).as("not before 90 days").isGreaterThanOrEqualTo(89_000);
    assertThat(s3.getObjectAsBytes(b -> b.bucket("it-plain").key("a")).asByteArray()).isEqualTo(body);
    await("a back to FREQUENT after its GET", Duration.ofSeconds(10),
        () -> tier("it-plain", "a").equals("FREQUENT"));
    assertThat(field(info("it-plain", "a"), "tier=", "last_access")).isNotEqualTo("-");

    await("b ARCHIVE_ACCESS", Duration.ofSeconds(15), () -> tier("it-archive", "b").equals("ARCHIVE_ACCESS"));
    String archived = info("it-archive", "b");
    assertThat(field(archived, "bucket=", "class")).isEqualTo("INTELLIGENT_TIERING");
    assertThat(field(archived, "segment=", "profile")).as("re-encoded into GLACIER's layout").isEqualTo(glacierProfile);
    assertThat(field(archived, "segment=", "data_id")).isNotEqualTo(dataIdBefore);
    assertThatThrownBy(() -> s3.getObjectAsBytes(b -> b.bucket("it-archive").key("b")))
        .isInstanceOfSatisfying(S3Exception.class, e -> {
          assertThat(e.statusCode()).isEqualTo(403);
          assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidObjectState");
        });
    assertThat(s3.headObject(b -> b.bucket("it-archive").key("b")).archiveStatusAsString()).isEqualTo("ARCHIVE_ACCESS");

    int status = s3.restoreObject(b -> b.bucket("it-archive").key("b")
        .restoreRequest(r -> r.glacierJobParameters(g -> g.tier(Tier.STANDARD)))).sdkHttpResponse().statusCode();
    assertThat(status).isEqualTo(202);
    await("b restored to FREQUENT", Duration.ofSeconds(15), () -> tier("it-archive", "b").equals("FREQUENT"));
    String restored = info("it-archive", "b");
    assertThat(field(restored, "segment=", "profile")).as("back in the INTELLIGENT_TIERING layout").isEqualTo(itProfile);
    var head = s3.headObject(b -> b.bucket("it-archive").key("b"));
    assertThat(head.archiveStatusAsString()).isNull();
    assertThat(head.restore()).as("restored in place: no temporary copy").isNull();
    assertThat(s3.getObjectAsBytes(b -> b.bucket("it-archive").key("b")).asByteArray()).isEqualTo(body);

    // The pass's totals, as an operator reads them: a moved to INFREQUENT and ARCHIVE_INSTANT,
    // b to INFREQUENT and ARCHIVE_ACCESS (b may also have passed through ARCHIVE_INSTANT).
    Launcher.Result st = dev.admin(60, "status");
    assertThat(st.exitCode()).as(st.stdout()).isZero();
    String line = st.stdout().lines().filter(l -> l.startsWith("tiering leader ")).findFirst().orElseThrow();
    assertThat(Long.parseLong(spaced(line, "infrequent"))).as(line).isGreaterThanOrEqualTo(2);
    assertThat(Long.parseLong(spaced(line, "archive_instant"))).as(line).isGreaterThanOrEqualTo(1);
    assertThat(Long.parseLong(spaced(line, "archive"))).as(line).isEqualTo(1);
    assertThat(Long.parseLong(spaced(line, "failed"))).as(line).isZero();
    assertThat(spaced(line, "leader")).as(line).isNotEqualTo("none");
  }
}
