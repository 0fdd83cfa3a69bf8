package io.moraine.launcher.it;

import static io.moraine.launcher.it.S3TestClients.payload;
import static io.moraine.launcher.it.S3TestClients.payloadSha256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Rebalance and drain with real processes (issue 5): a `cluster start --storage-per-az 3`, objects
 * written, `cluster add-storage --az az1` — the placement map gives the new node its share and
 * repair moves those shards onto it (counted as files under its disk); every object reads
 * byte-exact. Then `admin drain` empties it, `cluster remove-storage` stops it, and every object
 * still reads byte-exact. Prints the moved fractions against the ideal:
 *
 * <pre>RebalanceIT: join moved X of N shards (f); ideal ...</pre>
 */
class RebalanceIT {
  private static final String BUCKET = "rebalance-it";
  private static final Map<String, String> ENV = Map.of("MORAINE_REPAIR_GRACE_SECONDS", "5",
      "MORAINE_REPAIR_PASS_INTERVAL_MILLIS", "1000");
  private static final Pattern PROGRESS = Pattern.compile("repair leader \\S+ passes (\\d+) .* moved (\\d+) missing \\d+ misplaced (\\d+)");

  @Test
  void aJoiningNodeReceivesItsShareAndADrainedOneGivesItAllBack() throws Exception {
    ClusterFixture cluster = ClusterFixture.start("moraine-rebalance-it", 3, ENV);
    boolean passed = false;
    try (S3Client s3 = cluster.s3()) {
      Map<String, String> written = new LinkedHashMap<>();
      s3.createBucket(b -> b.bucket(BUCKET));
      for (int i = 0; i < 30; i++) {
        long size = i % 5 == 0 ? (1 << 20) + i : 150_000 + 9_973L * i;
        String key = "obj/" + i;
        long seed = 1000 + i;
        s3.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromInputStream(payload(seed, size), size));
        written.put(key, payloadSha256(seed, size));
      }
      Map<String, String> before = cluster.shardLocations();
      long az1Before = before.values().stream().filter(n -> n.startsWith("storage-az1-")).count();

      // ---- join ------------------------------------------------------------------------------
      long joinStarted = System.nanoTime();
      String out = cluster.cluster(ENV, "add-storage", "--az", "az1");
      String added = out.replaceAll("(?s).*storage node (\\S+) added.*", "$1").strip();
      assertThat(added).isEqualTo("storage-az1-4");
      assertThat(cluster.cluster(ENV, "status")).contains(added + " storage az1");
      awaitRepairSettled(cluster, () -> cluster.shardFiles().getOrDefault(added, java.util.List.of()).size() > 0);
      double joinSeconds = (System.nanoTime() - joinStarted) / 1e9;
      Map<String, String> afterJoin = cluster.shardLocations();
      long onNew = afterJoin.values().stream().filter(added::equals).count();
      long movedOnJoin = moved(before, afterJoin);
      assertThat(onNew).isPositive();
      assertThat(afterJoin.keySet()).containsAll(before.keySet());
      System.out.printf("RebalanceIT: join moved %d of %d shards (%.3f) in %.1f s; %d now on %s; ideal: its weight share of "
              + "az1 (1/4 of the %d az1 shards = %d, %.3f of all), 1/10 by cluster weight = %.3f; moved/ideal %.2f%n",
          movedOnJoin, before.size(), (double) movedOnJoin / before.size(), joinSeconds, onNew, added, az1Before,
          az1Before / 4, az1Before / 4.0 / before.size(), 0.1, movedOnJoin / (az1Before / 4.0));
      ClusterFixture.assertEveryObjectReads(s3, BUCKET, written);

      // ---- drain and removal -----------------------------------------------------------------
      long drainStarted = System.nanoTime();
      cluster.admin("drain", added);
      assertThat(cluster.adminStatus()).containsPattern("node " + added + " az az1 state draining");
      cluster.awaitStatus("drain " + added + " shards-left 0", 120);
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1))
          .until(() -> cluster.shardFiles().getOrDefault(added, java.util.List.of()).isEmpty());
      double drainSeconds = (System.nanoTime() - drainStarted) / 1e9;
      Map<String, String> afterDrain = cluster.shardLocations();
      long movedOnDrain = moved(afterJoin, afterDrain);
      System.out.printf("RebalanceIT: drain moved %d of %d shards (%.3f) in %.1f s; ideal: the %d on %s (%.3f); "
              + "moved/ideal %.2f%n%s", movedOnDrain, afterJoin.size(), (double) movedOnDrain / afterJoin.size(),
          drainSeconds, onNew, added, (double) onNew / afterJoin.size(), (double) movedOnDrain / onNew,
          cluster.adminStatus());
      assertThat(afterDrain.keySet()).containsAll(before.keySet());
      cluster.cluster(ENV, "remove-storage", added);
      assertThat(cluster.cluster(ENV, "status")).doesNotContain(added);
      ClusterFixture.assertEveryObjectReads(s3, BUCKET, written);
      assertThat(cluster.adminStatus()).contains("redundancy: full").doesNotContain("node " + added + " ");
      passed = true;
    } finally {
      cluster.keepLogs = !passed;
      cluster.close();
    }
  }

  /** Shards whose node differs between two snapshots. */
  private static long moved(Map<String, String> from, Map<String, String> to) {
    return from.entrySet().stream().filter(e -> to.containsKey(e.getKey()) && !to.get(e.getKey()).equals(e.getValue())).count();
  }

  /**
   * Waits until {@code ready} holds and a whole repair pass moved nothing more (the "moved"
   * counter unchanged while "passes" advanced by two), so the map's moves are done.
   */
  private static void awaitRepairSettled(ClusterFixture cluster, java.util.concurrent.Callable<Boolean> ready) {
    long[] last = {-1, -1}; // passes, moved at the last change
    await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(2)).until(() -> {
      Matcher m = PROGRESS.matcher(cluster.adminStatus());
      if (!m.find()) {
        return false;
      }
      long passes = Long.parseLong(m.group(1));
      long moved = Long.parseLong(m.group(2));
      if (moved != last[1] || last[0] < 0) {
        last[0] = passes;
        last[1] = moved;
        return false;
      }
      return passes >= last[0] + 2 && ready.call();
    });
  }
}
