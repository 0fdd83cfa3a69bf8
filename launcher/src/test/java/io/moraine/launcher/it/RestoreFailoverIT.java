package io.moraine.launcher.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.StorageClass;
import software.amazon.awssdk.services.s3.model.Tier;

/**
 * Issue 14, "restore jobs survive the crash of any process": a multi-process `cluster` (two
 * gateways, each running the restore service, one active), a GLACIER object restored, and the
 * active restore gateway killed with SIGKILL while it is copying the object into its temporary
 * STANDARD copy. The other gateway takes the leadership and makes the copy from the job kept in
 * metadata; the object then reads byte-exact through it. (The half-written copy's shards are named
 * by nothing and left to repair's GC, as any abandoned write's.)
 */
class RestoreFailoverIT {
  private static final int SIZE = 96 << 20;

  @Test
  void aRestoreSurvivesTheKillOfTheRestoreLeaderMidCopy() throws Exception {
    byte[] body = new byte[SIZE];
    new SplittableRandom(1414).nextBytes(body);
    ClusterFixture cluster = ClusterFixture.start("moraine-restore-failover-it", 2, Map.of(), "--day-seconds", "1");
    cluster.keepLogs = true;
    try {
      int[] ports = {cluster.gatewayPort, cluster.gatewayPort + 1};
      try (S3Client s3 = S3TestClients.rootClient(ports[0])) {
        s3.createBucket(b -> b.bucket("arch"));
        s3.putObject(b -> b.bucket("arch").key("big").storageClass(StorageClass.GLACIER), RequestBody.fromBytes(body));
        // 300 one-second days: the copy outlives the test.
        s3.restoreObject(b -> b.bucket("arch").key("big")
            .restoreRequest(r -> r.days(300).glacierJobParameters(g -> g.tier(Tier.STANDARD))));
      }
      // Whichever gateway is the restore leader logs the start of the copy; kill it right then.
      String leader = null;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      while (leader == null && System.nanoTime() < deadline) {
        for (String g : List.of("gateway-1", "gateway-2")) {
          if (log(cluster, g).contains("restoring arch/big")) {
            leader = g;
            cluster.kill(g);
            break;
          }
        }
        Thread.sleep(20);
      }
      assertThat(leader).as("a gateway started copying arch/big").isNotNull();
      Thread.sleep(500); // let the killed process's last buffered log lines land
      assertThat(log(cluster, leader)).as("%s was killed before it finished the copy", leader)
          .doesNotContain("restored arch/big");
      String survivor = leader.equals("gateway-1") ? "gateway-2" : "gateway-1";
      int port = ports[survivor.equals("gateway-1") ? 0 : 1];

      try (S3Client s3 = S3TestClients.rootClient(port)) {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        String restore = "";
        while (System.nanoTime() < until) {
          restore = String.valueOf(s3.headObject(b -> b.bucket("arch").key("big")).restore());
          if (restore.contains("ongoing-request=\"false\"")) {
            break;
          }
          Thread.sleep(250);
        }
        assertThat(restore).as("x-amz-restore through %s", survivor).contains("ongoing-request=\"false\"");
        assertThat(log(cluster, survivor)).as("%s made the copy", survivor).contains("restored arch/big");
        try (var in = s3.getObject(b -> b.bucket("arch").key("big"))) {
          assertThat(S3TestClients.sha256(in)).isEqualTo(S3TestClients.sha256(new java.io.ByteArrayInputStream(body)));
        }
        byte[] range = s3.getObjectAsBytes(b -> b.bucket("arch").key("big").range("bytes=50000000-50999999")).asByteArray();
        assertThat(range).isEqualTo(java.util.Arrays.copyOfRange(body, 50_000_000, 51_000_000));
        assertThat(s3.headObject(b -> b.bucket("arch").key("big")).storageClass()).isEqualTo(StorageClass.GLACIER);
      }
      assertThat(cluster.adminStatus()).containsPattern("(?m)^restore leader " + survivor + " .*completed [1-9]");
      cluster.keepLogs = false;
    } finally {
      cluster.close();
    }
  }

  private static String log(ClusterFixture cluster, String nodeId) throws java.io.IOException {
    Path p = cluster.dir.resolve("logs").resolve(nodeId + ".log");
    return Files.exists(p) ? Files.readString(p) : "";
  }
}
