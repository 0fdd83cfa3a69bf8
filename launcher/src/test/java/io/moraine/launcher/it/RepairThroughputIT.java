package io.moraine.launcher.it;

import static io.moraine.launcher.it.S3TestClients.payload;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Figures for issue 5 (a measurement, not a timed test; long-tagged): the multi-process cluster
 * with 3 storage nodes per AZ holds {@code -Drepair.bench.mib} MiB (default 1024) of objects;
 * one storage node is killed; prints the bytes it held, the time back to `redundancy: full`
 * and the rebuild rate. Run: {@code mvn -o verify -pl launcher -Dmoraine.long=true -Dit.test=RepairThroughputIT}.
 */
@Tag("long")
class RepairThroughputIT {
  private static final long MIB = 1 << 20;

  @Test
  void timeBackToFullRedundancyAfterLosingOneNode() throws Exception {
    Path dir = Files.createTempDirectory("moraine-repair-bench");
    int gatewayPort = S3TestClients.freePort();
    int zkPort = S3TestClients.freePort();
    long totalMib = Long.getLong("repair.bench.mib", 1024);
    ProcessBuilder pb = new ProcessBuilder(Launcher.command("cluster", "start", "--dir", dir.toString(),
        "--storage-per-az", "3", "--gateway-port", Integer.toString(gatewayPort), "--zk-port", Integer.toString(zkPort)))
        .redirectError(ProcessBuilder.Redirect.INHERIT);
    pb.environment().put("MORAINE_REPAIR_GRACE_SECONDS", "5");
    Process p = pb.start();
    p.getInputStream().transferTo(System.out);
    assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
    try (S3Client s3 = S3TestClients.rootClient(gatewayPort)) {
      s3.createBucket(b -> b.bucket("bench"));
      long objectMib = 16;
      for (long i = 0; i < totalMib / objectMib; i++) {
        long seed = i;
        s3.putObject(b -> b.bucket("bench").key("o" + seed), RequestBody.fromInputStream(payload(seed, objectMib * MIB), objectMib * MIB));
      }
      String victim = "storage-az1-1";
      long held;
      try (Stream<Path> files = Files.walk(dir.resolve("data").resolve(victim))) {
        held = files.filter(f -> f.toString().endsWith(".shard")).mapToLong(f -> f.toFile().length()).sum();
      }
      String pid = null;
      for (String line : Launcher.run(60, "cluster", "status", "--dir", dir.toString()).stdout().split("\n")) {
        if (line.startsWith(victim + " ")) {
          pid = line.split(" ")[3];
        }
      }
      long killedAt = System.nanoTime();
      new ProcessBuilder("kill", "-9", pid).start().waitFor();
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
          .until(() -> status(zkPort).contains("redundancy: degraded"));
      double degradedAfter = (System.nanoTime() - killedAt) / 1e9;
      await().atMost(Duration.ofMinutes(30)).pollInterval(Duration.ofSeconds(2))
          .until(() -> status(zkPort).contains("redundancy: full"));
      double fullAfter = (System.nanoTime() - killedAt) / 1e9;
      String status = status(zkPort);
      Matcher m = Pattern.compile("rebuilt (\\d+) shards (\\d+) bytes").matcher(status);
      assertThat(m.find()).isTrue();
      long rebuiltBytes = Long.parseLong(m.group(2));
      Matcher r = Pattern.compile("\\srebuild-ms (\\d+)").matcher(status);
      assertThat(r.find()).isTrue();
      double rebuildSeconds = Long.parseLong(r.group(1)) / 1000.0;
      System.out.printf("RepairThroughputIT: %d MiB stored; %s held %.1f MiB of shards; degraded after %.1f s, full after %.1f s; "
              + "rebuilt %d shards %.1f MiB in %.1f s of rebuilding: %.1f MiB/s%n%s",
          totalMib, victim, held / (double) MIB, degradedAfter, fullAfter, Long.parseLong(m.group(1)),
          rebuiltBytes / (double) MIB, rebuildSeconds, rebuiltBytes / (double) MIB / rebuildSeconds, status);
    } finally {
      Launcher.run(120, "cluster", "stop", "--dir", dir.toString());
      TestDirs.deleteRecursively(dir);
    }
  }

  private static String status(int zkPort) throws Exception {
    return Launcher.run(60, "admin", "--zk", "127.0.0.1:" + zkPort, "status").stdout();
  }
}
