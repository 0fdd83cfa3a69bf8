package io.moraine.launcher.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.ExpirationStatus;
import software.amazon.awssdk.services.s3.model.LifecycleRule;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectVersion;

/**
 * The lifecycle engine on a dev cluster with 1-second days (time.day.seconds=1; the engine passes
 * every second): rules put through the SDK as a user would, then watched taking effect —
 * expiration deletes, NoncurrentVersionExpiration keeps NewerNoncurrentVersions, an expired delete
 * marker goes, a stale multipart upload is aborted — and the counters in {@code admin status}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LifecycleIT {
  private DevFixture dev;
  private S3Client s3;

  @BeforeAll
  void start() throws Exception {
    dev = DevFixture.start("moraine-lifecycle-it", o -> o.withDaySeconds(1));
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

  private static void await(String what, Duration limit, BooleanSupplier done) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + limit + ": " + what);
      }
      Thread.sleep(250);
    }
  }

  private boolean exists(String bucket, String key) {
    try {
      s3.headObject(b -> b.bucket(bucket).key(key));
      return true;
    } catch (NoSuchKeyException e) {
      return false;
    } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
      if (e.statusCode() == 404) {
        return false;
      }
      throw e;
    }
  }

  private List<ObjectVersion> versions(String bucket, String prefix) {
    return s3.listObjectVersions(b -> b.bucket(bucket).prefix(prefix)).versions();
  }

  @Test
  void rulesTakeEffectOnScaledDays() throws Exception {
    // Expiration (Days 2) and AbortIncompleteMultipartUpload (1 day) on an unversioned bucket.
    s3.createBucket(b -> b.bucket("lc-expire"));
    s3.putBucketLifecycleConfiguration(b -> b.bucket("lc-expire").lifecycleConfiguration(c -> c.rules(
        LifecycleRule.builder().id("tmp").status(ExpirationStatus.ENABLED).filter(f -> f.prefix("tmp/"))
            .expiration(e -> e.days(2)).build(),
        LifecycleRule.builder().id("uploads").status(ExpirationStatus.ENABLED).filter(f -> f.prefix("up/"))
            .abortIncompleteMultipartUpload(a -> a.daysAfterInitiation(1)).build())));
    long putAt = System.currentTimeMillis();
    var put = s3.putObject(b -> b.bucket("lc-expire").key("tmp/a"), RequestBody.fromString("short-lived"));
    assertThat(put.expiration()).contains("rule-id=\"tmp\"");
    s3.putObject(b -> b.bucket("lc-expire").key("keep/b"), RequestBody.fromString("kept"));
    String uploadId = s3.createMultipartUpload(b -> b.bucket("lc-expire").key("up/big")).uploadId();
    s3.uploadPart(b -> b.bucket("lc-expire").key("up/big").uploadId(uploadId).partNumber(1),
        RequestBody.fromBytes(new byte[64 * 1024]));

    // Versioned: keep the newest noncurrent version of k*, drop older ones after a day; m/ keeps no
    // noncurrent version and removes the delete marker left alone.
    s3.createBucket(b -> b.bucket("lc-versions"));
    s3.putBucketVersioning(b -> b.bucket("lc-versions").versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
    s3.putBucketLifecycleConfiguration(b -> b.bucket("lc-versions").lifecycleConfiguration(c -> c.rules(
        LifecycleRule.builder().id("keep-one").status(ExpirationStatus.ENABLED).filter(f -> f.prefix("k"))
            .noncurrentVersionExpiration(n -> n.noncurrentDays(1).newerNoncurrentVersions(1)).build(),
        LifecycleRule.builder().id("markers").status(ExpirationStatus.ENABLED).filter(f -> f.prefix("m/"))
            .noncurrentVersionExpiration(n -> n.noncurrentDays(1))
            .expiration(e -> e.expiredObjectDeleteMarker(true)).build())));
    String v1 = s3.putObject(b -> b.bucket("lc-versions").key("k"), RequestBody.fromString("1")).versionId();
    String v2 = s3.putObject(b -> b.bucket("lc-versions").key("k"), RequestBody.fromString("2")).versionId();
    String v3 = s3.putObject(b -> b.bucket("lc-versions").key("k"), RequestBody.fromString("3")).versionId();
    s3.putObject(b -> b.bucket("lc-versions").key("m/x"), RequestBody.fromString("x"));
    s3.deleteObject(b -> b.bucket("lc-versions").key("m/x"));
    assertThat(versions("lc-versions", "m/")).hasSize(1);

    Duration limit = Duration.ofSeconds(30);
    await("tmp/a expired", limit, () -> !exists("lc-expire", "tmp/a"));
    // Not before its day: created at putAt, 2 days rounded up to the next boundary.
    assertThat(System.currentTimeMillis()).isGreaterThanOrEqualTo(putAt + 2000 - 1000);
    assertThat(exists("lc-expire", "keep/b")).isTrue();
    await("stale upload aborted", limit,
        () -> s3.listMultipartUploads(b -> b.bucket("lc-expire")).uploads().isEmpty());
    await("k's oldest version removed", limit, () -> versions("lc-versions", "k").size() == 2);
    assertThat(versions("lc-versions", "k")).extracting(ObjectVersion::versionId).containsExactly(v3, v2);
    assertThat(v1).isNotIn(v2, v3);
    await("m/x's data version and then its lone delete marker removed", limit,
        () -> s3.listObjectVersions(b -> b.bucket("lc-versions").prefix("m/")).versions().isEmpty()
            && s3.listObjectVersions(b -> b.bucket("lc-versions").prefix("m/")).deleteMarkers().isEmpty());

    Launcher.Result status = dev.admin(60, "status");
    String line = status.stdout().lines().filter(l -> l.startsWith("lifecycle ")).findFirst().orElseThrow();
    assertThat(line).startsWith("lifecycle leader gateway-1 passes ");
    assertThat(number(line, "expired")).isGreaterThanOrEqualTo(1);
    assertThat(number(line, "aborted")).isGreaterThanOrEqualTo(1);
    assertThat(number(line, "noncurrent_expired")).isGreaterThanOrEqualTo(2);
    assertThat(number(line, "markers_removed")).isGreaterThanOrEqualTo(1);
    assertThat(number(line, "evaluated")).isGreaterThan(0);
  }

  private static long number(String line, String name) {
    String[] words = line.split(" ");
    for (int i = 0; i < words.length - 1; i++) {
      if (words[i].equals(name)) {
        return Long.parseLong(words[i + 1]);
      }
    }
    throw new AssertionError(name + " not in " + line);
  }
}
