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
import io.moraine.placement.PlacementView.ShardTarget;
import io.moraine.storage.api.ShardId;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The repair pass over in-memory storage nodes and a real metadata core (issue 5): lost nodes'
 * shards are rebuilt after the grace period, misplaced shards go home, the scrubber's finds are
 * rebuilt in place — and afterwards any m further nodes can die with every object still decodable.
 */
class RepairTest {
  static final int K = 4;
  static final int M = 2;
  static final long GRACE_MILLIS = 30_000;

  final AtomicLong now = new AtomicLong(1_000_000);
  final InstantSource clock = () -> Instant.ofEpochMilli(now.get());
  final FakeView view = new FakeView();
  final FakeShards shards = new FakeShards();
  final RaftMetadataClient meta = RaftMetadataClient.inProcess(new MetadataCore(new MemoryStateStore()), clock, 100);
  final RepairConfig config = RepairConfig.defaults();
  final NodeHealth health = new NodeHealth(view, clock, GRACE_MILLIS, Map.of());
  final Map<String, byte[]> objects = new LinkedHashMap<>();

  RepairTest() {
    String owner = meta.ensureRootAccount("AK", "SK").accountId();
    meta.createBucket(owner, "b", "us-east-1");
  }

  @AfterEach
  void close() {
    meta.close();
  }

  void put(String key, int size, long seed) {
    byte[] bytes = new byte[size];
    new SplittableRandom(seed).nextBytes(bytes);
    Segment segment = blob("d-" + key + "-" + seed, bytes);
    meta.putObject("b", new ObjectVersion(key, "null", size, "e", 0, "STANDARD", new TreeMap<>(), 0,
        new DataLayout.Segments(List.of(segment))));
    objects.put(key, bytes);
  }

  /** Erasure-codes {@code bytes} onto the nodes the map names and returns the segment describing them. */
  Segment blob(String dataId, byte[] bytes) {
    int size = bytes.length;
    int chunk = StripeLayout.chooseChunkSizeBytes(size, K, 4096);
    StripeLayout layout = new StripeLayout(K, M, chunk, size);
    int pg = view.map.placementGroupOf(dataId);
    List<ShardTarget> targets = view.targets(pg, K + M, M, M).orElseThrow();
    byte[][] shardBytes = new byte[K + M][(int) layout.shardLengthBytes()];
    ReedSolomon rs = ReedSolomon.create(K, M);
    for (int s = 0; s < layout.stripeCount(); s++) {
      byte[][] stripe = new byte[K + M][chunk];
      for (int i = 0; i < K; i++) {
        long from = (long) s * K * chunk + (long) i * chunk;
        if (from < size) {
          System.arraycopy(bytes, (int) from, stripe[i], 0, (int) Math.min(chunk, size - from));
        }
      }
      rs.encodeParity(stripe, 0, chunk);
      for (int i = 0; i < K + M; i++) {
        System.arraycopy(stripe[i], 0, shardBytes[i], s * chunk, chunk);
      }
    }
    for (int i = 0; i < K + M; i++) {
      shards.on(targets.get(i).nodeId()).put(new ShardId(dataId, i), shardBytes[i]);
    }
    return new Segment(dataId, size, K, M, chunk, pg, view.map.epoch(),
        targets.stream().map(ShardTarget::nodeId).toList(), targets.stream().map(ShardTarget::misplaced).toList());
  }

  Segment segment(String key) {
    return ((DataLayout.Segments) meta.getObject("b", key).orElseThrow().layout()).segments().get(0);
  }

  /** Decodes an object from whichever k shards are readable now; null when fewer than k are. */
  byte[] read(String key) throws IOException {
    Segment s = segment(key);
    StripeLayout layout = new StripeLayout(K, M, s.chunkSizeBytes(), s.size());
    byte[][] full = new byte[K + M][];
    boolean[] present = new boolean[K + M];
    int have = 0;
    for (int i = 0; i < K + M && have < K; i++) {
      try (InputStream in = shards.read(s.shardNodes().get(i), new ShardId(s.dataId(), i), 0,
          layout.shardLengthBytes(), Duration.ofSeconds(1))) {
        full[i] = in.readAllBytes();
        present[i] = true;
        have++;
      } catch (IOException unreadable) {
        full[i] = new byte[(int) layout.shardLengthBytes()];
      }
    }
    if (have < K) {
      return null;
    }
    for (int i = 0; i < K + M; i++) {
      if (full[i] == null) {
        full[i] = new byte[(int) layout.shardLengthBytes()];
      }
    }
    ReedSolomon.create(K, M).reconstruct(full, present, 0, (int) layout.shardLengthBytes());
    byte[] out = new byte[(int) s.size()];
    int chunk = s.chunkSizeBytes();
    for (int pos = 0; pos < out.length; pos += chunk) {
      long stripe = pos / ((long) K * chunk);
      int i = (int) ((pos / chunk) % K);
      System.arraycopy(full[i], (int) (stripe * chunk), out, pos, Math.min(chunk, out.length - pos));
    }
    return out;
  }

  PassStats pass(boolean scrub) throws InterruptedException {
    return pass(scrub, null);
  }

  PassStats pass(boolean scrub, ShardReferences refs) throws InterruptedException {
    PassStats stats = new PassStats();
    SegmentRepairer repairer = new SegmentRepairer(config, meta, shards, view, health, clock);
    if (refs != null) {
      repairer.collectReferences(refs);
    }
    boolean done = new RepairPass(meta, repairer, config.parallelObjects()).run("", "", scrub ? new ScrubPacer(clock, 1L << 40) : null, stats,
        () -> true, (b, k) -> { });
    assertThat(done).isTrue();
    return stats;
  }

  void kill(String node) {
    view.down.add(node);
    shards.dead.add(node);
    health.isLive(node); // the service notices at its next look; the grace period runs from then
  }

  void fill() {
    for (int i = 0; i < 30; i++) {
      put("k" + i, 1 + i * 3_001, i); // 1 B .. ~87 KiB: one to several stripes of up to 4 KiB chunks
    }
  }

  void assertEveryObjectReads() throws IOException {
    for (var e : objects.entrySet()) {
      assertThat(read(e.getKey())).as(e.getKey()).isEqualTo(e.getValue());
    }
  }

  @Test
  void aLostNodesShardsAreRebuiltSoThatTwoMoreNodesCanDie() throws Exception {
    fill();
    String victim = "storage-az1-1";
    long onVictim = objects.keySet().stream().filter(k -> segment(k).shardNodes().contains(victim)).count();
    assertThat(onVictim).isPositive();
    kill(victim);

    PassStats early = pass(false);
    assertThat(early.shardsRebuilt).as("nothing moves within the grace period").isZero();
    assertThat(early.shardsMissing).isEqualTo(onVictim);

    now.addAndGet(GRACE_MILLIS);
    PassStats stats = pass(false);
    assertThat(stats.shardsRebuilt).isEqualTo(onVictim);
    assertThat(stats.shardsMissing).isZero();
    for (String key : objects.keySet()) {
      Segment s = segment(key);
      assertThat(s.shardNodes()).doesNotContain(victim);
      assertThat(new HashSet<>(s.shardNodes())).as("distinct nodes for %s", key).hasSize(K + M);
    }
    assertThat(pass(false).shardsRebuilt).as("a second pass finds nothing to do").isZero();

    // Any two more nodes, e.g. the two other nodes of az1: every object still decodes.
    kill("storage-az1-2");
    kill("storage-az2-1");
    assertEveryObjectReads();
  }

  @Test
  void misplacedShardsMoveHomeOnceTheirNodeIsBack() throws Exception {
    String home = "storage-az2-2";
    kill(home);
    fill(); // written while the node was down: its shards went to fallbacks, flagged misplaced
    long misplaced = objects.keySet().stream().mapToLong(k -> segment(k).misplaced().stream().filter(b -> b).count()).sum();
    assertThat(misplaced).isPositive();
    assertThat(pass(false).shardsMisplaced).as("home still down").isEqualTo(misplaced);

    view.down.remove(home);
    shards.dead.remove(home);
    PassStats stats = pass(false);
    assertThat(stats.shardsMoved).isEqualTo(misplaced);
    assertThat(stats.shardsMisplaced).isZero();
    for (String key : objects.keySet()) {
      Segment s = segment(key);
      assertThat(s.misplaced()).containsOnly(false);
      for (int i = 0; i < K + M; i++) {
        // The fallback's copy is gone: only the node the manifest names holds each shard.
        for (var node : shards.nodes.entrySet()) {
          if (!node.getKey().equals(s.shardNodes().get(i))) {
            assertThat(node.getValue()).doesNotContainKey(new ShardId(s.dataId(), i));
          }
        }
      }
    }
    assertEveryObjectReads();
  }

  @Test
  void scrubRebuildsCorruptAndMissingShardsInPlace() throws Exception {
    fill();
    Segment a = segment("k7");
    Segment b = segment("k20");
    shards.corrupt.add(a.shardNodes().get(1) + "/" + new ShardId(a.dataId(), 1));
    shards.on(b.shardNodes().get(4)).remove(new ShardId(b.dataId(), 4));

    assertThat(pass(false).shardsRebuilt).as("a repair pass does not read shards").isZero();
    PassStats stats = pass(true);
    assertThat(stats.scrubCorrupt).isEqualTo(1);
    assertThat(stats.scrubMissing).isEqualTo(1);
    assertThat(stats.shardsRebuilt).isEqualTo(2);
    assertThat(stats.scrubVerified).isEqualTo(objects.size() * (K + M) - 2L);
    assertThat(shards.verifyCalls.get()).as("verified on the nodes (VerifyShards), not pulled over the network")
        .isEqualTo(objects.size() * (K + M));
    assertThat(segment("k7").shardNodes()).isEqualTo(a.shardNodes());
    assertThat(shards.corrupt).isEmpty();
    PassStats again = pass(true);
    assertThat(again.scrubCorrupt + again.scrubMissing).isZero();
    // Every shard is good again: losing the two parity nodes of each blob still decodes (data shards only).
    for (String key : objects.keySet()) {
      Segment s = segment(key);
      List<String> gone = new ArrayList<>(s.shardNodes().subList(K, K + M));
      gone.forEach(shards.dead::add);
      assertThat(read(key)).isEqualTo(objects.get(key));
      gone.forEach(shards.dead::remove);
    }
  }

  @Test
  void aCorruptSourceIsRebuiltTooWhileALostShardIsRebuilt() throws Exception {
    put("x", 50_000, 42);
    Segment s = segment("x");
    String victim = s.shardNodes().get(0);
    shards.corrupt.add(s.shardNodes().get(1) + "/" + new ShardId(s.dataId(), 1));
    kill(victim);
    now.addAndGet(GRACE_MILLIS);
    PassStats stats = pass(false);
    assertThat(stats.shardsRebuilt).isEqualTo(2);
    assertThat(shards.corrupt).isEmpty();
    assertThat(segment("x").shardNodes()).doesNotContain(victim);
    assertEveryObjectReads();
  }

  @Test
  void aConcurrentOverwriteWinsOverTheRelocation() throws Exception {
    put("x", 10_000, 1);
    Segment old = segment("x");
    kill(old.shardNodes().get(2));
    now.addAndGet(GRACE_MILLIS);
    // The overwrite lands between the walk's read of the manifest and the commit.
    var version = meta.getObject("b", "x").orElseThrow();
    put("x", 20_000, 2);
    PassStats stats = new PassStats();
    new SegmentRepairer(config, meta, shards, view, health, clock).repair(SegmentRepairer.Manifest.version("b", version), old, null, stats);
    assertThat(stats.shardsRebuilt).as("rebuilt, but not committed").isEqualTo(1);
    assertThat(segment("x").size()).isEqualTo(20_000);
    Set<String> holders = new HashSet<>();
    shards.nodes.forEach((node, m) -> {
      if (m.containsKey(new ShardId(old.dataId(), 2)) && !node.equals(old.shardNodes().get(2))) {
        holders.add(node);
      }
    });
    assertThat(holders).as("the rebuilt copy of the replaced version was deleted again").isEmpty();
  }

  @Test
  void noncurrentVersionsAndPartsOfOpenUploadsAreRebuiltToo() throws Exception {
    meta.setBucketVersioning("b", io.moraine.metadata.api.VersioningStatus.ENABLED);
    byte[] old = new byte[40_000];
    new SplittableRandom(7).nextBytes(old);
    Segment oldSegment = blob("d-old", old);
    String oldVersion = meta.putObject("b", new ObjectVersion("v", "null", old.length, "e", 0, "STANDARD",
        new TreeMap<>(), 0, new DataLayout.Segments(List.of(oldSegment)))).committed().versionId();
    put("v", 30_000, 8); // the current version; the first is noncurrent now
    String owner = meta.listAllBuckets().get(0).ownerAccountId();
    meta.createMultipartUpload("b", new io.moraine.metadata.api.MultipartUpload("mp", "u1", 0, "STANDARD",
        new TreeMap<>(), owner));
    byte[] part = new byte[25_000];
    new SplittableRandom(9).nextBytes(part);
    Segment partSegment = blob("d-part", part);
    meta.putPart("b", "mp", "u1", new io.moraine.metadata.api.PartRecord(1, part.length, "0123456789abcdef0123456789abcdef", 0,
        new DataLayout.Segments(List.of(partSegment))));

    // A node holding a shard of both the noncurrent version and the part.
    String victim = oldSegment.shardNodes().stream().filter(partSegment.shardNodes()::contains).findFirst()
        .orElseThrow(); // 6 of 9 nodes each: they share at least 3
    kill(victim);
    now.addAndGet(GRACE_MILLIS);
    PassStats stats = pass(false);
    assertThat(stats.shardsMissing).isZero();
    Segment oldAfter = ((DataLayout.Segments) meta.getObjectVersion("b", "v", oldVersion).orElseThrow().layout())
        .segments().get(0);
    Segment partAfter = ((DataLayout.Segments) meta.listParts("b", "mp", "u1").get(0).layout()).segments().get(0);
    assertThat(oldAfter.shardNodes()).doesNotContain(victim).hasSize(K + M);
    assertThat(partAfter.shardNodes()).doesNotContain(victim);
    assertThat(stats.shardsRebuilt).isEqualTo(2);
    // The rebuilt shards are where the manifests now say.
    int i = oldSegment.shardNodes().indexOf(victim);
    assertThat(shards.on(oldAfter.shardNodes().get(i))).containsKey(new ShardId("d-old", i));
    int j = partSegment.shardNodes().indexOf(victim);
    assertThat(shards.on(partAfter.shardNodes().get(j))).containsKey(new ShardId("d-part", j));
    assertThat(pass(false).shardsRebuilt).as("stable once done").isZero();
  }

  /** A repair walk collecting references, then a GC round on them. */
  GarbageCollector.Result walkAndCollect(GarbageCollector gc) throws InterruptedException {
    ShardReferences refs = new ShardReferences();
    pass(false, refs);
    return gc.collect(refs);
  }

  @Test
  void unreferencedShardsAreCollectedOnlyWhenOldAndUnreferencedByTwoWalks() throws Exception {
    shards.clock = now::get;
    now.set(10_000_000); // shards put directly count as published at millisecond 1: well past the 1 h age
    fill();
    // Objects deleted while their shards' deletes were lost (a gateway died after the commit): garbage.
    long garbage = 0;
    for (String key : List.of("k3", "k11", "k17")) {
      meta.deleteObject("b", key);
      objects.remove(key);
      garbage += K + M;
    }
    // A node down (unlistable) keeps its garbage until it is back.
    String down = "storage-az3-3";
    long garbageOnDown = shards.on(down).keySet().stream().filter(id -> List.of("d-k3-3", "d-k11-11", "d-k17-17")
        .contains(id.dataId())).count();
    view.down.add(down);
    shards.dead.add(down);
    // A young unreferenced shard (a gateway's write whose manifest is not committed yet).
    try (var w = shards.openWrite("storage-az2-2", new ShardId("in-flight", 0), 0, 3)) {
      w.write(new byte[3], 0, 3);
      w.finish().get();
    }
    GarbageCollector gc = new GarbageCollector(shards, shards, view, clock, 3_600_000, Duration.ofSeconds(1));

    GarbageCollector.Result first = walkAndCollect(gc);
    assertThat(first.unreferenced()).isEqualTo(garbage - garbageOnDown + 1);
    assertThat(first.nodesSkipped()).isEqualTo(1);
    assertThat(first.deleted()).as("one walk's word is not enough").isZero();

    ShardReferences broken = new ShardReferences();
    broken.markInconsistent();
    assertThat(gc.collect(broken).deleted()).as("an inconsistent walk deletes nothing").isZero();

    GarbageCollector.Result second = walkAndCollect(gc);
    assertThat(second.deleted()).as("the deleted objects' shards on live nodes").isEqualTo(garbage - garbageOnDown);
    assertThat(shards.on("storage-az2-2")).as("too young to collect").containsKey(new ShardId("in-flight", 0));

    view.down.remove(down);
    shards.dead.remove(down);
    now.addAndGet(3_600_000);
    assertThat(walkAndCollect(gc).deleted()).as("the young one, now old").isEqualTo(1);
    assertThat(walkAndCollect(gc).deleted()).as("the returned node's, after two walks").isEqualTo(garbageOnDown);
    assertThat(walkAndCollect(gc).unreferenced()).isZero();
    shards.nodes.values().forEach(m -> assertThat(m.keySet()).noneMatch(id -> id.dataId().equals("in-flight")
        || List.of("d-k3-3", "d-k11-11", "d-k17-17").contains(id.dataId())));
    // Nothing referenced was touched: every object reads with any two nodes gone.
    kill("storage-az2-1");
    kill("storage-az3-1");
    assertEveryObjectReads();
  }

  /**
   * An archived object's restored temporary copy (docs/s3-compatibility.md) is a blob no layout
   * names: the walk must count it live (else GC deletes it after two walks) and repair it, until
   * the copy expires, when it becomes garbage like any other.
   */
  @Test
  void aRestoredCopyIsRepairedAndKeptFromGarbageCollectionUntilItExpires() throws Exception {
    shards.clock = now::get;
    now.set(10_000_000);
    byte[] bytes = new byte[50_000];
    new SplittableRandom(9).nextBytes(bytes);
    meta.putObject("b", new ObjectVersion("g", "null", bytes.length, "e", 0, "GLACIER", new TreeMap<>(), 0,
        new DataLayout.Segments(List.of(blob("d-archived", bytes)))));
    meta.startRestore(io.moraine.proto.meta.v1.StartRestore.newBuilder().setBucket("b").setKey("g").setDays(1)
        .setTier("Standard").setDayMillis(86_400_000).build());
    var job = meta.listRestoreJobs(io.moraine.proto.meta.v1.ListRestoreJobs.getDefaultInstance()).getJobs(0);
    Segment copy = blob("d-copy", bytes);
    assertThat(meta.completeRestore(io.moraine.proto.meta.v1.CompleteRestore.newBuilder().setBucket("b").setKey("g")
        .setVersionId(job.getVersionId()).setVersionSeq(job.getVersionSeq())
        .setCopy(io.moraine.metadata.client.Codec.layout(new DataLayout.Segments(List.of(copy)))).build())
        .getApplied()).isTrue();
    GarbageCollector gc = new GarbageCollector(shards, shards, view, clock, 3_600_000, Duration.ofSeconds(1));
    walkAndCollect(gc);
    assertThat(walkAndCollect(gc).deleted()).isZero();
    assertThat(shards.nodes.values().stream().mapToLong(m -> m.keySet().stream()
        .filter(id -> id.dataId().equals("d-copy")).count()).sum()).isEqualTo(K + M);

    String victim = copy.shardNodes().get(0);
    kill(victim);
    now.addAndGet(GRACE_MILLIS);
    assertThat(pass(false).shardsRebuilt).as("the object's and the copy's shard on the dead node").isEqualTo(
        1 + (segment("g").shardNodes().contains(victim) ? 1 : 0));
    Segment repaired = ((DataLayout.Segments) meta.getObject("b", "g").orElseThrow().restore().copy()).segments().get(0);
    assertThat(repaired.shardNodes()).doesNotContain(victim).hasSize(K + M);
    view.down.remove(victim);
    shards.dead.remove(victim);

    // Expired (a day later): the copy is no longer named, so two walks collect it.
    now.addAndGet(2 * 86_400_000L);
    assertThat(meta.expireRestore(io.moraine.proto.meta.v1.ExpireRestore.newBuilder().setBucket("b").setKey("g")
        .setVersionId(job.getVersionId()).setVersionSeq(job.getVersionSeq()).build()).getApplied()).isTrue();
    walkAndCollect(gc);
    walkAndCollect(gc);
    assertThat(shards.nodes.values().stream().mapToLong(m -> m.keySet().stream()
        .filter(id -> id.dataId().equals("d-copy")).count()).sum()).isZero();
    assertThat(shards.nodes.values().stream().mapToLong(m -> m.keySet().stream()
        .filter(id -> id.dataId().equals("d-archived")).count()).sum()).as("the archived blob stays").isEqualTo(K + M);
  }

  long shardsOn(String node) {
    return objects.keySet().stream().mapToLong(k -> segment(k).shardNodes().stream().filter(node::equals).count()).sum();
  }

  @Test
  void drainingANodeMovesEveryShardOffIt() throws Exception {
    fill();
    String drained = "storage-az3-2";
    assertThat(shardsOn(drained)).isPositive();
    view.setState(drained, io.moraine.placement.NodeInfo.NodeState.DRAINING);
    view.recompute();
    long moved = 0;
    for (int i = 0; i < 3; i++) {
      moved += pass(false).shardsMoved; // a shard whose home holds another of the blob's waits one pass
    }
    assertThat(shardsOn(drained)).isZero();
    assertThat(moved).isPositive();
    assertThat(shards.on(drained)).as("copies deleted after the move").isEmpty();
    assertThat(pass(false).shardsMoved).as("stable once done").isZero();
    kill(drained);
    kill("storage-az1-1");
    kill("storage-az2-1");
    assertEveryObjectReads();
  }

  @Test
  void aJoiningNodeReceivesItsShareAndNothingIsLost() throws Exception {
    fill();
    long total = objects.size() * (long) (K + M);
    view.nodes.add(new io.moraine.placement.NodeInfo("storage-az2-4", "az2", "127.0.0.1", 1, 100L << 30,
        io.moraine.placement.NodeInfo.NodeState.UP));
    view.recompute();
    long moved = 0;
    for (int i = 0; i < 3; i++) {
      moved += pass(false).shardsMoved;
    }
    assertThat(shardsOn("storage-az2-4")).isPositive();
    // Placement README: a node joining a 3x3 cluster takes ~10 % of the shards (plus column shifts in its AZ).
    assertThat((double) moved / total).isLessThan(0.3);
    assertThat(pass(false).shardsMoved).isZero();
    assertEveryObjectReads();
  }
}
