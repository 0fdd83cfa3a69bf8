package io.moraine.repair;

import static org.assertj.core.api.Assertions.assertThat;

import io.moraine.erasure.ReedSolomon;
import io.moraine.erasure.StripeLayout;
import io.moraine.metadata.api.DataLayout;
import io.moraine.metadata.api.ObjectVersion;
import io.moraine.metadata.api.Segment;
import io.moraine.metadata.client.RaftMetadataClient;
import io.moraine.metadata.core.MetadataCore;
import io.moraine.metadata.store.MemoryStateStore;
import io.moraine.placement.NodeInfo;
import io.moraine.placement.PlacementView.ShardTarget;
import io.moraine.storage.api.ShardId;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Repair, drain and rebalance keep each segment's recorded failure-domain rule (DESIGN.md,
 * Storage classes): a one-zone segment's (ONEZONE_IA) rebuilt or moved shards stay in its zone,
 * one per node; a spread segment's rebuilt shards keep at most its max-per-AZ in one AZ while
 * the AZs can hold them. 3 AZs × 4 in-memory nodes, a real metadata core.
 */
class OneZoneRepairTest {
  static final long GRACE_MILLIS = 30_000;

  final AtomicLong now = new AtomicLong(1_000_000);
  final InstantSource clock = () -> Instant.ofEpochMilli(now.get());
  final FakeView view = new FakeView();
  final FakeShards shards = new FakeShards();
  final RaftMetadataClient meta = RaftMetadataClient.inProcess(new MetadataCore(new MemoryStateStore()), clock, 100);
  final NodeHealth health = new NodeHealth(view, clock, GRACE_MILLIS, Map.of());
  final Map<String, byte[]> objects = new LinkedHashMap<>();

  OneZoneRepairTest() {
    for (int az = 1; az <= 3; az++) {
      view.nodes.add(new NodeInfo("storage-az" + az + "-4", "az" + az, "127.0.0.1", 1, 100L << 30, NodeInfo.NodeState.UP));
    }
    view.recompute();
    String owner = meta.ensureRootAccount("AK", "SK").accountId();
    meta.createBucket(owner, "b", "us-east-1");
  }

  @AfterEach
  void close() {
    meta.close();
  }

  /** Erasure-codes an object with RS k+m: in {@code zone} (one shard per node) or spread (≤ m per AZ). */
  void put(String key, int size, int k, int m, String zone) {
    byte[] bytes = new byte[size];
    new SplittableRandom(size).nextBytes(bytes);
    String dataId = "d-" + key;
    int width = k + m;
    int chunk = StripeLayout.chooseChunkSizeBytes(size, k, 4096);
    StripeLayout layout = new StripeLayout(k, m, chunk, size);
    int pg = view.map.placementGroupOf(dataId);
    List<ShardTarget> targets = zone.isEmpty() ? view.targets(pg, width, m, m).orElseThrow()
        : view.targetsInZone(pg, zone, width).orElseThrow();
    byte[][] shardBytes = new byte[width][(int) layout.shardLengthBytes()];
    ReedSolomon rs = ReedSolomon.create(k, m);
    for (int s = 0; s < layout.stripeCount(); s++) {
      byte[][] stripe = new byte[width][chunk];
      for (int i = 0; i < k; i++) {
        long from = (long) s * k * chunk + (long) i * chunk;
        if (from < size) {
          System.arraycopy(bytes, (int) from, stripe[i], 0, (int) Math.min(chunk, size - from));
        }
      }
      rs.encodeParity(stripe, 0, chunk);
      for (int i = 0; i < width; i++) {
        System.arraycopy(stripe[i], 0, shardBytes[i], s * chunk, chunk);
      }
    }
    for (int i = 0; i < width; i++) {
      shards.on(targets.get(i).nodeId()).put(new ShardId(dataId, i), shardBytes[i]);
    }
    Segment segment = new Segment(dataId, size, k, m, chunk, pg, view.map.epoch(),
        targets.stream().map(ShardTarget::nodeId).toList(), targets.stream().map(ShardTarget::misplaced).toList(),
        zone, zone.isEmpty() ? m : width);
    meta.putObject("b", new ObjectVersion(key, "null", size, "e", 0, zone.isEmpty() ? "STANDARD" : "ONEZONE_IA",
        new TreeMap<>(), 0, new DataLayout.Segments(List.of(segment))));
    objects.put(key, bytes);
  }

  Segment segment(String key) {
    return ((DataLayout.Segments) meta.getObject("b", key).orElseThrow().layout()).segments().get(0);
  }

  byte[] read(String key) throws IOException {
    Segment s = segment(key);
    int k = s.dataShards();
    int width = k + s.parityShards();
    StripeLayout layout = new StripeLayout(k, s.parityShards(), s.chunkSizeBytes(), s.size());
    byte[][] full = new byte[width][(int) layout.shardLengthBytes()];
    boolean[] present = new boolean[width];
    int have = 0;
    for (int i = 0; i < width && have < k; i++) {
      try (InputStream in = shards.read(s.shardNodes().get(i), new ShardId(s.dataId(), i), 0,
          layout.shardLengthBytes(), Duration.ofSeconds(1))) {
        full[i] = in.readAllBytes();
        present[i] = true;
        have++;
      } catch (IOException unreadable) {
        // parity makes up for it
      }
    }
    if (have < k) {
      return null;
    }
    ReedSolomon.create(k, s.parityShards()).reconstruct(full, present, 0, (int) layout.shardLengthBytes());
    byte[] out = new byte[(int) s.size()];
    int chunk = s.chunkSizeBytes();
    for (int pos = 0; pos < out.length; pos += chunk) {
      long stripe = pos / ((long) k * chunk);
      int i = (int) ((pos / chunk) % k);
      System.arraycopy(full[i], (int) (stripe * chunk), out, pos, Math.min(chunk, out.length - pos));
    }
    return out;
  }

  PassStats pass() throws InterruptedException {
    PassStats stats = new PassStats();
    RepairConfig config = RepairConfig.defaults();
    SegmentRepairer repairer = new SegmentRepairer(config, meta, shards, view, health, clock);
    assertThat(new RepairPass(meta, repairer, config.parallelObjects()).run("", "", null, stats, () -> true, (b, k) -> { }))
        .isTrue();
    return stats;
  }

  void kill(String node) {
    view.down.add(node);
    shards.dead.add(node);
    health.isLive(node);
  }

  static String azOf(String node) {
    return node.substring(8, 11);
  }

  void assertOneZone(String key, String zone, String... notOn) {
    Segment s = segment(key);
    assertThat(s.zone()).isEqualTo(zone);
    assertThat(s.shardNodes()).as("%s stays in %s", key, zone).allMatch(n -> azOf(n).equals(zone))
        .doesNotHaveDuplicates();
    for (String n : notOn) {
      assertThat(s.shardNodes()).doesNotContain(n);
    }
  }

  @Test
  void aLostNodesOneZoneShardsAreRebuiltOnAnotherNodeOfTheSameAz() throws Exception {
    for (int i = 0; i < 12; i++) {
      put("oz" + i, 1 + i * 5_003, 2, 1, "az2");
    }
    String victim = segment("oz0").shardNodes().get(0);
    long onVictim = objects.keySet().stream().filter(k -> segment(k).shardNodes().contains(victim)).count();
    assertThat(onVictim).isPositive();
    kill(victim);
    now.addAndGet(GRACE_MILLIS);
    PassStats stats = pass();
    assertThat(stats.shardsRebuilt).isEqualTo(onVictim);
    for (String key : objects.keySet()) {
      assertOneZone(key, "az2", victim);
      assertThat(read(key)).isEqualTo(objects.get(key));
    }
    assertThat(pass().shardsRebuilt).isZero();
  }

  @Test
  void withNoOtherNodeLeftInTheZone_aOneZoneShardIsNotRebuiltElsewhere() throws Exception {
    put("oz", 20_000, 2, 1, "az1");
    List<String> nodes = segment("oz").shardNodes();
    String spare = view.nodes.stream().map(NodeInfo::nodeId).filter(n -> azOf(n).equals("az1") && !nodes.contains(n))
        .findFirst().orElseThrow();
    kill(spare);
    kill(nodes.get(1));
    now.addAndGet(GRACE_MILLIS);
    PassStats stats = pass();
    assertThat(stats.shardsRebuilt).as("only az1 may hold it, and az1 has no free live node").isZero();
    assertThat(stats.shardsUnrecoverable).isPositive();
    assertOneZone("oz", "az1");
    assertThat(read("oz")).isEqualTo(objects.get("oz"));
  }

  @Test
  void drainingANodeMovesOneZoneShardsToAnotherNodeOfTheZone() throws Exception {
    for (int i = 0; i < 12; i++) {
      put("oz" + i, 1 + i * 5_003, 1, 1, "az3");
    }
    String drained = segment("oz0").shardNodes().get(0);
    view.setState(drained, NodeInfo.NodeState.DRAINING);
    view.recompute();
    for (int i = 0; i < 3; i++) {
      pass();
    }
    for (String key : objects.keySet()) {
      assertOneZone(key, "az3", drained);
      assertThat(read(key)).isEqualTo(objects.get(key));
    }
    assertThat(shards.on(drained)).as("copies deleted after the move").isEmpty();
    assertThat(pass().shardsMoved).isZero();
  }

  @Test
  void aLostNodesSpreadShardsAreRebuiltWithAtMostMPerAz() throws Exception {
    for (int i = 0; i < 12; i++) {
      put("s" + i, 1 + i * 5_003, 4, 2, "");
    }
    String victim = "storage-az1-1";
    kill(victim);
    now.addAndGet(GRACE_MILLIS);
    assertThat(pass().shardsRebuilt).isPositive();
    for (String key : objects.keySet()) {
      Segment s = segment(key);
      Map<String, Integer> perAz = new HashMap<>();
      s.shardNodes().forEach(n -> perAz.merge(azOf(n), 1, Integer::sum));
      assertThat(perAz.values()).as("%s: %s", key, s.shardNodes()).allMatch(c -> c <= 2);
      assertThat(new HashSet<>(s.shardNodes())).doesNotContain(victim).hasSize(6);
      assertThat(read(key)).isEqualTo(objects.get(key));
    }
  }
}
