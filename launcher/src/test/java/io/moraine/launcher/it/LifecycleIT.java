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
import software.amazon.awssdk.services.s3.model.StorageClass;
import software.amazon.awssdk.services.s3.model.TransitionStorageClass;

/**
 * The lifecycle engine on a dev cluster with 1-second days (time.day.seconds=1; the engine passes
 * every second): rules put through the SDK as a user would, then watched taking effect —
 * expiration deletes, NoncurrentVersionExpiration keeps NewerNoncurrentVersions, an expired delete
 * marker goes, a stale multipart upload is aborted, a REDUCED_REDUNDANCY object moves to
 * STANDARD_IA after 30 days with its shards re-encoded from RS 2+1 to RS 4+2 on disk, another to
 * GLACIER — and the counters in {@code admin status}.
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
    // Transitions (>= 128 KiB objects): REDUCED_REDUNDANCY (RS 2+1, 3 shard files) to STANDARD_IA
    // (RS 4+2, 6 shard files) after 30 days, STANDARD to GLACIER at day 0.
    s3.createBucket(b -> b.bucket("lc-transition"));
    s3.putBucketLifecycleConfiguration(b -> b.bucket("lc-transition").lifecycleConfiguration(c -> c.rules(
        LifecycleRule.builder().id("to-ia").status(ExpirationStatus.ENABLED).filter(f -> f.prefix("rrs/"))
            .transitions(t -> t.days(30).storageClass(TransitionStorageClass.STANDARD_IA)).build(),
        LifecycleRule.builder().id("to-glacier").status(ExpirationStatus.ENABLED).filter(f -> f.prefix("gl/"))
            .transitions(t -> t.days(0).storageClass(TransitionStorageClass.GLACIER)).build())));
    byte[] big = new byte[200 * 1024];
    new java.util.Random(14).nextBytes(big);
    s3.putObject(b -> b.bucket("lc-transition").key("rrs/a").storageClass(StorageClass.REDUCED_REDUNDANCY),
        RequestBody.fromBytes(big));
    long rrsPutAt = System.currentTimeMillis();
    s3.putObject(b -> b.bucket("lc-transition").key("gl/b"), RequestBody.fromBytes(big));
    await("rrs/a written as 3 shards", Duration.ofSeconds(10), () -> shardFiles() == 3 + 6);

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

    await("gl/b in GLACIER", limit, () -> storageClass("lc-transition", "gl/b").equals("GLACIER"));
    await("rrs/a in STANDARD_IA", Duration.ofSeconds(60),
        () -> storageClass("lc-transition", "rrs/a").equals("STANDARD_IA"));
    assertThat(System.currentTimeMillis() - rrsPutAt).as("not before its 30 days").isGreaterThanOrEqualTo(29_000);
    // The data moved into the new profile: 6 + 6 shard files once the old 3 + 6 are collected.
    await("old shards collected, new ones in place", Duration.ofSeconds(20), () -> shardFiles() == 6 + 6);
    assertThat(s3.getObjectAsBytes(b -> b.bucket("lc-transition").key("rrs/a")).asByteArray()).isEqualTo(big);
    // GLACIER's archive access (403 until restored) belongs to the restore work; the bytes are intact either way.

    Launcher.Result status = dev.admin(60, "status");
    String line = status.stdout().lines().filter(l -> l.startsWith("lifecycle ")).findFirst().orElseThrow();
    assertThat(line).startsWith("lifecycle leader gateway-1 passes ");
    assertThat(number(line, "expired")).isGreaterThanOrEqualTo(1);
    assertThat(number(line, "aborted")).isGreaterThanOrEqualTo(1);
    assertThat(number(line, "noncurrent_expired")).isGreaterThanOrEqualTo(2);
    assertThat(number(line, "markers_removed")).isGreaterThanOrEqualTo(1);
    assertThat(number(line, "evaluated")).isGreaterThan(0);
    assertThat(number(line, "transitioned")).isGreaterThanOrEqualTo(2);
  }

  private String storageClass(String bucket, String key) {
    var c = s3.headObject(b -> b.bucket(bucket).key(key)).storageClassAsString();
    return c == null ? "STANDARD" : c;
  }

  /** Shard files on every storage node's disks (under DATA_DIR/storage-*); the other buckets' objects are inline. */
  private long shardFiles() {
    try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.walk(dev.dataDir)) {
      return files.filter(java.nio.file.Files::isRegularFile)
          .filter(p -> dev.dataDir.relativize(p).getName(0).toString().startsWith("storage-"))
          .filter(p -> p.getFileName().toString().endsWith(".shard")).count();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
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
