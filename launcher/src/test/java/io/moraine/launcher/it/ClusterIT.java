package io.moraine.launcher.it;

import static io.moraine.launcher.it.S3TestClients.payload;
import static io.moraine.launcher.it.S3TestClients.payloadSha256;
import static io.moraine.launcher.it.S3TestClients.sha256;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The multi-process cluster as an operator drives it: `cluster start`, the exact `status` lines,
 * `kill -9` of both storage processes of one AZ, every object read back through both gateways,
 * new writes, `admin status`, and `cluster stop` leaving no process behind.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterIT {

  private static final String BUCKET = "cluster-it";
  private static final long MIB = 1024 * 1024;

  private Path dir;

  private int gatewayPort;
  private boolean passed;
  private int zkPort;

  @BeforeAll
  void start() throws Exception {
    dir = java.nio.file.Files.createTempDirectory("moraine-cluster-it");
    gatewayPort = S3TestClients.freePort();
    zkPort = S3TestClients.freePort();
    // A long repair grace period: this suite checks the degraded state, which repair would end.
    Launcher.Result r = Launcher.run(java.util.Map.of("MORAINE_REPAIR_GRACE_SECONDS", "3600"), 300,
        "cluster", "start", "--dir", dir.toString(),
        "--gateway-port", Integer.toString(gatewayPort), "--zk-port", Integer.toString(zkPort));
    assertThat(r.exitCode()).as("cluster start; logs under %s", dir.resolve("logs")).isZero();
  }

  @AfterAll
  void stop() throws Exception {
    Launcher.Result r = Launcher.run(120, "cluster", "stop", "--dir", dir.toString());
    assertThat(r.exitCode()).isZero();
    assertThat(status()).allSatisfy(row -> assertThat(row[4]).isEqualTo("stopped"));
    if (passed) {
      TestDirs.deleteRecursively(dir);
    } else {
      System.err.println("ClusterIT failed; the cluster's logs are kept under " + dir.resolve("logs"));
    }
  }

  private List<String[]> status() throws Exception {
    Launcher.Result r = Launcher.run(60, "cluster", "status", "--dir", dir.toString());
    assertThat(r.exitCode()).isZero();
    List<String[]> rows = new ArrayList<>();
    for (String line : r.stdout().strip().split("\n")) {
      assertThat(line).matches("(zk-\\d|meta-\\d|storage-az\\d-\\d|gateway-\\d) (zk|meta|storage|gateway) (az[123]|-) (\\d+|-) (running|stopped)");
      rows.add(line.split(" "));
    }
    return rows;
  }

  @Test
  void losingBothStorageNodesOfOneAzLosesNothing() throws Exception {
    List<String[]> rows = status();
    assertThat(rows).extracting(r -> r[0]).containsExactly("zk-1", "meta-1", "meta-2", "meta-3",
        "storage-az1-1", "storage-az1-2", "storage-az2-1", "storage-az2-2", "storage-az3-1", "storage-az3-2",
        "gateway-1", "gateway-2");
    assertThat(rows).allSatisfy(r -> assertThat(r[4]).isEqualTo("running"));

    Map<String, String> written = new LinkedHashMap<>();
    try (S3Client gw1 = S3TestClients.rootClient(gatewayPort); S3Client gw2 = S3TestClients.rootClient(gatewayPort + 1)) {
      gw1.createBucket(b -> b.bucket(BUCKET));
      long[] sizes = {0, 1, 4096, 100_000, 5 * MIB + 1, 20 * MIB};
      for (int i = 0; i < sizes.length; i++) {
        long size = sizes[i];
        String key = "before/" + i;
        (i % 2 == 0 ? gw1 : gw2).putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromInputStream(payload(i, size), size));
        written.put(key, payloadSha256(i, size));
      }

      for (String[] row : rows) {
        if (row[0].startsWith("storage-az2-")) {
          new ProcessBuilder("kill", "-9", row[3]).start().waitFor();
        }
      }
      assertThat(status()).filteredOn(r -> r[0].startsWith("storage-az2-")).allSatisfy(r -> assertThat(r[4]).isEqualTo("stopped"));

      for (S3Client gw : List.of(gw1, gw2)) {
        for (Map.Entry<String, String> e : written.entrySet()) {
          assertThat(sha256(gw.getObject(b -> b.bucket(BUCKET).key(e.getKey())))).as(e.getKey()).isEqualTo(e.getValue());
        }
      }
      for (int i = 0; i < 3; i++) {
        long size = 3 * MIB + i;
        String key = "after/" + i;
        long seed = 100 + i;
        gw2.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromInputStream(payload(seed, size), size));
        written.put(key, payloadSha256(seed, size));
      }
      for (S3Client gw : List.of(gw1, gw2)) {
        for (Map.Entry<String, String> e : written.entrySet()) {
          assertThat(sha256(gw.getObject(b -> b.bucket(BUCKET).key(e.getKey())))).as(e.getKey()).isEqualTo(e.getValue());
        }
      }
    }

    // A killed node counts as down within 10 s (its ZooKeeper session expires).
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).pollInterval(java.time.Duration.ofSeconds(1))
        .until(() -> Launcher.run(60, "admin", "--zk", "127.0.0.1:" + zkPort, "status").stdout()
            .contains("node storage-az2-2 az az2 state down"));
    Launcher.Result admin = Launcher.run(60, "admin", "--zk", "127.0.0.1:" + zkPort, "status");
    assertThat(admin.exitCode()).isZero();
    assertThat(admin.stdout()).containsPattern("(?m)^group \\S+ leader meta-[123] peers meta-1,meta-2,meta-3$");
    assertThat(admin.stdout()).containsPattern("(?m)^node storage-az2-1 az az2 state down used \\d+ total \\d+$");
    assertThat(admin.stdout()).containsPattern("(?m)^node storage-az1-1 az az1 state up used \\d+ total \\d+$");
    assertThat(admin.stdout()).containsPattern("(?m)^redundancy: degraded \\(\\d+ shards missing\\)$");
    passed = true;
  }
}
