package io.moraine.launcher.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.moraine.launcher.dev.DevCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/**
 * SSE-S3 on a dev cluster (real ZooKeeper, Ratis, storage nodes writing BlockFrame files): the
 * generated root key (0600, reused on restart), the storage nodes' shard files scanned for a known
 * plaintext — absent for encrypted objects, present for an unencrypted control — and
 * `admin kms rotate-master` with old and new objects readable, the old object's data key re-wrapped
 * in the background, all readable after a whole-cluster restart.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SseIT {
  private static final Pattern MASTER_KEY = Pattern.compile("master_key=([0-9a-f]{32})\\n");
  private static final String SECRET = "SSE-IT-SECRET-PLAINTEXT:";
  private static final String CONTROL = "SSE-IT-CONTROL-PLAINTEXT:";

  private DevFixture dev;

  @BeforeAll
  void start() throws Exception {
    dev = DevFixture.start("moraine-sse-it");
  }

  @AfterAll
  void stop() throws Exception {
    if (dev != null) {
      dev.close();
    }
  }

  private static byte[] marked(String prefix, int n) {
    StringBuilder s = new StringBuilder(n + 64);
    for (int i = 0; s.length() < n; i++) {
      s.append(prefix).append(i).append('\n');
    }
    return s.substring(0, n).getBytes(StandardCharsets.US_ASCII);
  }

  /** Shard files of every storage node (their disks live under DATA_DIR/storage-*). */
  private long shardFilesContaining(String needle) throws Exception {
    byte[] n = needle.getBytes(StandardCharsets.US_ASCII);
    long hits = 0;
    try (Stream<Path> files = Files.walk(dev.dataDir)) {
      for (Path f : files.filter(Files::isRegularFile)
          .filter(p -> dev.dataDir.relativize(p).getName(0).toString().startsWith("storage-")).toList()) {
        if (indexOf(Files.readAllBytes(f), n) >= 0) {
          hits++;
        }
      }
    }
    return hits;
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  @Test
  void shardFilesHoldOnlyCiphertextAndRotationKeepsOldObjectsReadable() throws Exception {
    Path rootKey = dev.dataDir.resolve(DevCluster.ROOT_KEY_FILE);
    assertThat(rootKey).exists();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(rootKey))).isEqualTo("rw-------");
    String rootKeyText = Files.readString(rootKey);

    byte[] secret = marked(SECRET, 600_000);
    byte[] control = marked(CONTROL, 600_000);
    byte[] afterRotation = marked(SECRET, 300_000);
    try (S3Client s3 = S3TestClients.rootClient(dev.cluster().gatewayPort())) {
      s3.createBucket(b -> b.bucket("sse-it"));
      assertThat(s3.putObject(b -> b.bucket("sse-it").key("secret").serverSideEncryption(ServerSideEncryption.AES256),
          RequestBody.fromBytes(secret)).serverSideEncryption()).isEqualTo(ServerSideEncryption.AES256);
      s3.putObject(b -> b.bucket("sse-it").key("control"), RequestBody.fromBytes(control));

      assertThat(shardFilesContaining(CONTROL)).as("the unencrypted control's plaintext is in its shard files")
          .isGreaterThan(0);
      assertThat(shardFilesContaining(SECRET)).as("no shard file holds the encrypted object's plaintext").isZero();

      String sealedUnder;
      try (org.apache.curator.framework.CuratorFramework zk = io.moraine.launcher.role.Zk.connectBlocking(
              "127.0.0.1:" + dev.zkPort, io.moraine.launcher.role.Zk.SESSION_TIMEOUT_MILLIS);
          io.moraine.metadata.client.RaftMetadataClient meta = io.moraine.launcher.role.MetaDirectory.connectClient(zk,
              io.moraine.launcher.role.MetaDirectory.read(zk))) {
        sealedUnder = meta.getObject("sse-it", "secret").orElseThrow().encryption().getMasterKeyId();
      }
      Launcher.Result rotated = dev.admin(60, "kms", "rotate-master");
      assertThat(rotated.exitCode()).isZero();
      Matcher m = MASTER_KEY.matcher(rotated.stdout());
      assertThat(m.matches()).as("admin kms rotate-master printed %s", rotated.stdout()).isTrue();
      assertThat(m.group(1)).isNotEqualTo(sealedUnder);

      s3.putObject(b -> b.bucket("sse-it").key("after-rotation").serverSideEncryption(ServerSideEncryption.AES256),
          RequestBody.fromBytes(afterRotation));
      assertThat(s3.getObjectAsBytes(b -> b.bucket("sse-it").key("secret")).asByteArray()).isEqualTo(secret);
      assertThat(s3.getObjectAsBytes(b -> b.bucket("sse-it").key("after-rotation")).asByteArray()).isEqualTo(afterRotation);
      assertThat(shardFilesContaining(SECRET)).isZero();

      // The background re-wrap (every 10 s in dev) moves the old object's data key to the new master.
      try (org.apache.curator.framework.CuratorFramework zk = io.moraine.launcher.role.Zk.connectBlocking(
              "127.0.0.1:" + dev.zkPort, io.moraine.launcher.role.Zk.SESSION_TIMEOUT_MILLIS);
          io.moraine.metadata.client.RaftMetadataClient meta = io.moraine.launcher.role.MetaDirectory.connectClient(zk,
              io.moraine.launcher.role.MetaDirectory.read(zk))) {
        // (It may have run already: the pass can follow the rotation within seconds.)
        String now = meta.getObject("sse-it", "secret").orElseThrow().encryption().getMasterKeyId();
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(90);
        while (!now.equals(m.group(1)) && System.nanoTime() < deadline) {
          Thread.sleep(500);
          now = meta.getObject("sse-it", "secret").orElseThrow().encryption().getMasterKeyId();
        }
        assertThat(now).as("the old object's data key was re-wrapped to the rotated master key").isEqualTo(m.group(1));
      }
      // admin status shows the walk's counters, and the walk rests once one finds nothing left (docs/encryption.md).
      Pattern done = Pattern.compile("(?m)^sse-rewrap leader gateway-\\S+ master " + m.group(1)
          + " state done passes (\\d+) seen (\\d+) rewrapped ([1-9]\\d*) raced (\\d+)$");
      String status = "";
      long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(90);
      while (System.nanoTime() < deadline && !done.matcher(status).find()) {
        Thread.sleep(1000);
        status = dev.admin(60, "status").stdout();
      }
      assertThat(done.matcher(status).find()).as("admin status: %s", status).isTrue();
      assertThat(s3.getObjectAsBytes(b -> b.bucket("sse-it").key("secret")).asByteArray()).isEqualTo(secret);
    }

    dev.restart();
    assertThat(Files.readString(rootKey)).as("the root key is reused on later starts").isEqualTo(rootKeyText);
    try (S3Client s3 = S3TestClients.rootClient(dev.cluster().gatewayPort())) {
      for (String k : List.of("secret", "after-rotation")) {
        assertThat(s3.headObject(b -> b.bucket("sse-it").key(k)).serverSideEncryption()).isEqualTo(ServerSideEncryption.AES256);
      }
      assertThat(s3.getObjectAsBytes(b -> b.bucket("sse-it").key("secret").range("bytes=65530-131080")).asByteArray())
          .isEqualTo(java.util.Arrays.copyOfRange(secret, 65530, 131081));
      assertThat(s3.getObjectAsBytes(b -> b.bucket("sse-it").key("after-rotation")).asByteArray()).isEqualTo(afterRotation);
    }
  }
}
