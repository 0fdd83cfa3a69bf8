package io.moraine.launcher.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moraine.metadata.api.DataLayout;
import io.moraine.metadata.api.ObjectVersion;
import io.moraine.metadata.api.Segment;
import io.moraine.metadata.client.RaftMetadataClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.model.StorageClass;
import software.amazon.awssdk.services.s3.model.Tier;

/**
 * Archive restore on a dev cluster with a 5-second day (so GLACIER Standard's 5 hours take about
 * 1 s, DEEP_ARCHIVE Bulk's 48 hours 10 s, and a copy's Day 5 s): GLACIER and DEEP_ARCHIVE objects
 * (one SSE-S3) refused, restored with every tier, readable with Range from a real copy whose
 * shard files sit on the storage nodes in STANDARD's RS 4+2, then gone after their Days (403
 * again, shard files deleted); and a DEEP_ARCHIVE restore still pending when the whole cluster
 * restarts completes after it (the job lives in Raft metadata, the new restore leader picks it up).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RestoreIT {
  private static final long DAY_SECONDS = 5;
  private static final int SIZE = 300_000;

  private DevFixture dev;

  @BeforeAll
  void start() throws Exception {
    dev = DevFixture.start("moraine-restore-it", o -> o.withDaySeconds(DAY_SECONDS)
        .withSettings(Map.of("restore.poll.interval.millis", "200")));
  }

  @AfterAll
  void stop() throws Exception {
    if (dev != null) {
      dev.close();
    }
  }

  private static byte[] bytes(long seed) {
    byte[] b = new byte[SIZE];
    new SplittableRandom(seed).nextBytes(b);
    return b;
  }

  private static void refused(S3Client s3, String key) {
    assertThatThrownBy(() -> s3.getObjectAsBytes(b -> b.bucket("arch").key(key)))
        .isInstanceOfSatisfying(S3Exception.class, e -> {
          assertThat(e.statusCode()).isEqualTo(403);
          assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidObjectState");
        });
  }

  private static boolean readable(S3Client s3, String key) {
    try {
      s3.headObject(b -> b.bucket("arch").key(key));
      s3.getObjectAsBytes(b -> b.bucket("arch").key(key).range("bytes=0-0"));
      return true;
    } catch (S3Exception e) {
      if (e.statusCode() != 403) {
        throw e;
      }
      return false;
    }
  }

  private static void await(String what, int seconds, BooleanSupplier done) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + seconds + " s: " + what);
      }
      Thread.sleep(100);
    }
  }

  /** Shard files of blob {@code dataId} on every storage node's disk. */
  private long shardFiles(String dataId) throws Exception {
    try (Stream<Path> files = Files.walk(dev.dataDir)) {
      return files.filter(Files::isRegularFile)
          .filter(p -> dev.dataDir.relativize(p).getName(0).toString().startsWith("storage-"))
          .filter(p -> p.getFileName().toString().startsWith(dataId + ".")).count();
    }
  }

  private <T> T withMeta(java.util.function.Function<RaftMetadataClient, T> f) throws Exception {
    try (CuratorFramework zk = io.moraine.launcher.role.Zk.connectBlocking("127.0.0.1:" + dev.zkPort,
            io.moraine.launcher.role.Zk.SESSION_TIMEOUT_MILLIS);
        RaftMetadataClient meta = io.moraine.launcher.role.MetaDirectory.connectClient(zk,
            io.moraine.launcher.role.MetaDirectory.read(zk))) {
      return f.apply(meta);
    }
  }

  private static int restore(S3Client s3, String key, int days, Tier tier) {
    return s3.restoreObject(b -> b.bucket("arch").key(key)
        .restoreRequest(r -> r.days(days).glacierJobParameters(g -> g.tier(tier)))).sdkHttpResponse().statusCode();
  }

  @Test
  void everyTierRestoresARealCopyThatExpiresAndAPendingRestoreSurvivesARestart() throws Exception {
    record Case(String key, StorageClass storageClass, Tier tier, boolean encrypted) {}
    List<Case> cases = List.of(new Case("g-expedited", StorageClass.GLACIER, Tier.EXPEDITED, false),
        new Case("g-standard", StorageClass.GLACIER, Tier.STANDARD, false),
        new Case("g-bulk", StorageClass.GLACIER, Tier.BULK, false),
        new Case("d-standard", StorageClass.DEEP_ARCHIVE, Tier.STANDARD, false),
        new Case("d-bulk", StorageClass.DEEP_ARCHIVE, Tier.BULK, false),
        new Case("g-sealed", StorageClass.GLACIER, Tier.EXPEDITED, true));
    try (S3Client s3 = S3TestClients.rootClient(dev.cluster().gatewayPort())) {
      s3.createBucket(b -> b.bucket("arch"));
      for (int i = 0; i < cases.size(); i++) {
        Case c = cases.get(i);
        byte[] body = bytes(i);
        s3.putObject(b -> b.bucket("arch").key(c.key()).storageClass(c.storageClass())
            .serverSideEncryption(c.encrypted() ? ServerSideEncryption.AES256 : null), RequestBody.fromBytes(body));
        refused(s3, c.key());
        assertThat(s3.headObject(b -> b.bucket("arch").key(c.key())).storageClass()).isEqualTo(c.storageClass());
      }

      // Every tier but DEEP_ARCHIVE Bulk (10 s, kept for the restart below), copies kept 2 days (10-15 s).
      for (Case c : cases.subList(0, 4)) {
        assertThat(restore(s3, c.key(), 2, c.tier())).as(c.key()).isEqualTo(202);
      }
      assertThat(restore(s3, "g-sealed", 2, Tier.EXPEDITED)).isEqualTo(202);
      assertThat(s3.headObject(b -> b.bucket("arch").key("g-bulk")).restore()).isEqualTo("ongoing-request=\"true\"");
      List<Case> restored = cases.stream().filter(c -> !c.key().equals("d-bulk")).toList();
      for (Case c : restored) {
        await(c.key() + " restored", 20, () -> readable(s3, c.key()));
      }
      Map<String, String> copyIds = new java.util.TreeMap<>();
      for (Case c : restored) {
        byte[] body = bytes(cases.indexOf(c));
        assertThat(s3.getObjectAsBytes(b -> b.bucket("arch").key(c.key())).asByteArray()).as(c.key()).isEqualTo(body);
        assertThat(s3.getObjectAsBytes(b -> b.bucket("arch").key(c.key()).range("bytes=123456-133455")).asByteArray())
            .isEqualTo(Arrays.copyOfRange(body, 123_456, 133_456));
        var head = s3.headObject(b -> b.bucket("arch").key(c.key()));
        assertThat(head.storageClass()).isEqualTo(c.storageClass());
        assertThat(head.restore()).startsWith("ongoing-request=\"false\", expiry-date=\"");
        ObjectVersion v = withMeta(m -> m.getObject("arch", c.key()).orElseThrow());
        Segment original = ((DataLayout.Segments) v.layout()).segments().getFirst();
        Segment copy = ((DataLayout.Segments) v.restore().copy()).segments().getFirst();
        assertThat(copy.dataId()).isNotEqualTo(original.dataId());
        copyIds.put(c.key(), copy.dataId());
        assertThat(copy.dataShards()).isEqualTo(4);
        assertThat(copy.parityShards()).isEqualTo(2);
        assertThat(shardFiles(copy.dataId())).as("shard files of %s's copy", c.key()).isEqualTo(6);
        assertThat(shardFiles(original.dataId())).isEqualTo(original.dataShards() + original.parityShards());
      }
      assertThat(restore(s3, "g-expedited", 1, Tier.STANDARD)).as("a restored copy is extended").isEqualTo(200);

      // After their Days the copies go: GET is refused again and the copies' shard files are deleted.
      for (Case c : restored) {
        String copyId = copyIds.get(c.key());
        await(c.key() + " expired", 30, () -> !readable(s3, c.key()));
        refused(s3, c.key());
        assertThat(s3.headObject(b -> b.bucket("arch").key(c.key())).restore()).isNull();
        await(c.key() + "'s copy deleted", 10, () -> {
          try {
            return shardFiles(copyId) == 0;
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
      }

      // A restore pending across a restart of every process (its leader included).
      assertThat(restore(s3, "d-bulk", 1, Tier.BULK)).isEqualTo(202);
      assertThat(s3.headObject(b -> b.bucket("arch").key("d-bulk")).restore()).isEqualTo("ongoing-request=\"true\"");
    }
    dev.restart();
    try (S3Client s3 = S3TestClients.rootClient(dev.cluster().gatewayPort())) {
      await("d-bulk restored after the restart", 40, () -> readable(s3, "d-bulk"));
      assertThat(s3.getObjectAsBytes(b -> b.bucket("arch").key("d-bulk")).asByteArray()).isEqualTo(bytes(4));
    }
    // The totals survive the leader's restart (kept in ZooKeeper): six copies made, five expired —
    // or six, when d-bulk's one-day copy has expired too by the time the status is read (a slow machine).
    Launcher.Result status = dev.admin(60, "status");
    assertThat(status.exitCode()).isZero();
    assertThat(status.stdout()).containsPattern(
        "(?m)^restore leader gateway-1 pending 0 (restored 1 completed 6 expired 5|restored 0 completed 6 expired 6)"
            + " bytes 1800000$");
  }
}
