package io.moraine.launcher.it;

import static io.moraine.launcher.it.S3TestClients.payload;
import static io.moraine.launcher.it.S3TestClients.payloadSha256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Self-healing on the multi-process cluster (issue 5, "how it will be checked"): 3 storage nodes per
 * AZ, objects written, `kill -9` of one storage node, `redundancy: degraded` then `redundancy: full`
 * in `admin status`; then `kill -9` of two more nodes chosen so that some object had shards on all
 * three before the repair — every object still reads byte-exact; a byte flipped in a shard file is
 * read around, found by `admin scrub --now` and rebuilt. The grace period is 5 s
 * (MORAINE_REPAIR_GRACE_SECONDS, passed to every process of the cluster).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RepairIT {
  private static final String BUCKET = "repair-it";
  private static final long MIB = 1 << 20;

  private ClusterFixture cluster;
  private final Map<String, String> written = new LinkedHashMap<>();
  private int testsPassed;
  private int testsRun;
  private String drainedAndKilled;

  private void writeObjects(S3Client s3) throws Exception {
    s3.createBucket(b -> b.bucket(BUCKET));
    for (int i = 0; i < 24; i++) {
      long size = i % 3 == 0 ? 2 * MIB + i : 100_000 + 7_919L * i;
      String key = "obj/" + i;
      long seed = i;
      s3.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromInputStream(payload(seed, size), size));
      written.put(key, payloadSha256(seed, size));
    }
    assertThat(adminStatus()).contains("redundancy: full");
  }

  @BeforeAll
  void start() throws Exception {
    cluster = ClusterFixture.start("moraine-repair-it", 3, Map.of("MORAINE_REPAIR_GRACE_SECONDS", "5"));
  }

  @AfterAll
  void stop() throws Exception {
    if (cluster != null) {
      cluster.keepLogs = testsPassed != testsRun;
      cluster.close();
    }
  }

  private String adminStatus() throws Exception {
    return cluster.adminStatus();
  }

  private void kill(String nodeId) throws Exception {
    cluster.kill(nodeId);
  }

  private Map<String, List<Path>> shardFiles() throws IOException {
    return cluster.shardFiles();
  }

  private void awaitRedundancy(String expected, int seconds) {
    cluster.awaitStatus(expected, seconds);
  }

  private void assertEveryObjectReads(S3Client s3, Map<String, String> written) throws IOException {
    ClusterFixture.assertEveryObjectReads(s3, BUCKET, written);
  }

  /** Long (adds ~1 min): run with -Dmoraine.long=true. */
  @Test
  @Order(1)
  @Tag("long")
  void aDrainedNodeIsEmptiedAndCanBeRemoved() throws Exception {
    testsRun++;
    String drained = "storage-az3-3";
    try (S3Client s3 = cluster.s3()) {
      writeObjects(s3);
      assertThat(shardFiles().get(drained)).isNotEmpty();

      cluster.admin("drain", drained);
      long started = System.nanoTime();
      await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(2))
          .until(() -> adminStatus().contains("drain " + drained + " shards-left 0"));
      System.out.printf("RepairIT: %s drained in %.1f s%n", drained, (System.nanoTime() - started) / 1e9);
      await().atMost(Duration.ofSeconds(30)).until(() -> shardFiles().get(drained).isEmpty());
      kill(drained); // removal of an emptied node loses nothing
      drainedAndKilled = drained;
      assertEveryObjectReads(s3, written);
      assertThat(adminStatus()).contains("redundancy: full");
    }
    testsPassed++;
  }

  @Test
  @Order(2)
  void rebuildsALostNodeSoThatTwoMoreCanDieAndRepairsBitrot() throws Exception {
    testsRun++;
    try (S3Client s3 = cluster.s3()) {
      if (written.isEmpty()) {
        writeObjects(s3);
      }

      // Three nodes such that some blob has a shard on each: without repair, losing them all loses it.
      Map<String, Set<String>> nodesOfBlob = new HashMap<>();
      shardFiles().forEach((node, files) -> files.forEach(f -> nodesOfBlob.computeIfAbsent(ClusterFixture.dataIdOf(f), d -> new HashSet<>()).add(node)));
      List<String> triple = null;
      for (Set<String> nodes : nodesOfBlob.values()) {
        if (nodes.size() >= 3) {
          triple = new ArrayList<>(new java.util.TreeSet<>(nodes)).subList(0, 3);
          break;
        }
      }
      assertThat(triple).as("some blob spans three nodes").isNotNull();
      List<String> chosen = triple;

      long killedAt = System.nanoTime();
      kill(chosen.get(0));
      awaitRedundancy("redundancy: degraded (", 30);
      awaitRedundancy("redundancy: full", 180);
      double seconds = (System.nanoTime() - killedAt) / 1e9;
      String status = adminStatus();
      System.out.printf("RepairIT: back to full redundancy %.1f s after kill -9 of %s (grace 5 s)%n%s", seconds,
          chosen.get(0), status);
      assertThat(status).containsPattern("(?m)^repair leader meta-[123] passes \\d+ rebuilt [1-9]\\d* shards");

      kill(chosen.get(1));
      kill(chosen.get(2));
      assertEveryObjectReads(s3, written);

      // Let repair restore full redundancy on the six nodes left, then rot one byte of a shard. The
      // reads above may take longer than detection + grace + one pass on a loaded box, so wait for
      // the kills to be seen (state down) rather than for a degraded state that may be over already.
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(2)).until(() -> {
        String now = adminStatus();
        return now.contains("node " + chosen.get(1) + " ") && now.contains("node " + chosen.get(2) + " ")
            && now.lines().filter(l -> l.startsWith("node " + chosen.get(1) + " ")
                || l.startsWith("node " + chosen.get(2) + " ")).allMatch(l -> l.contains(" state down "));
      });
      awaitRedundancy("redundancy: full", 180);
      Set<String> dead = new HashSet<>(chosen);
      if (drainedAndKilled != null) {
        dead.add(drainedAndKilled);
      }
      Path victim = shardFiles().entrySet().stream().filter(e -> !dead.contains(e.getKey()))
          .flatMap(e -> e.getValue().stream()).filter(f -> sizeOf(f) > 100_000).findFirst().orElseThrow();
      byte[] original = Files.readAllBytes(victim);
      byte[] rotten = original.clone();
      rotten[24 + 1000] ^= 0x40; // inside the first block's payload (after the 24-byte frame header)
      Files.write(victim, rotten);
      assertEveryObjectReads(s3, written);

      cluster.admin("scrub", "--now");
      await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(2))
          .until(() -> adminStatus().lines().anyMatch(l -> l.startsWith("scrub passes ") && !l.contains(" corrupt 0 ")));
      await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(victim)
          && java.util.Arrays.equals(Files.readAllBytes(victim), original));
      System.out.println("RepairIT after scrub:\n" + adminStatus());
      assertEveryObjectReads(s3, written);
    }
    testsPassed++;
  }

  private static long sizeOf(Path f) {
    try {
      return Files.size(f);
    } catch (IOException e) {
      return 0;
    }
  }
}
