/*
 * SegmentRepairer: brings one segment (blob) of one object version, or of one part of an upload in
 * progress, back to full redundancy.
 *
 * Three actions, each committed through MetadataClient.relocateShard, which applies only if the
 * manifest still names the node the shard was on — so an overwrite or delete that raced with the
 * repair always wins, and the copy the repair made is deleted again:
 *  - a shard on a lost node (down past the grace period) is rebuilt from k other shards, stripe by
 *    stripe (Reed-Solomon), onto its home node if that is live and holds nothing of the blob, else
 *    onto a live fallback from the group's slots (fewest shards of the blob, AZ cap, slot order),
 *    flagged misplaced;
 *  - (every action keeps the segment's recorded rule: a one-zone segment's — ONEZONE_IA — slots are
 *    its zone's nodes only, one shard per node, so its shards never leave the zone)
 *  - a shard the scrubber found corrupt or missing on a live node is rebuilt onto that same node
 *    (atomic replace on the node; no metadata change);
 *  - a misplaced shard whose home is live again is copied home, committed, then deleted from the
 *    fallback node.
 *
 * Fault model: any source may be dead, hung (idle timeout), corrupt or missing — a corrupt or
 * missing source is added to the shards to rebuild and another source is tried; fewer than k good
 * sources leaves the segment for the next pass (counted unrecoverable). A destination failing
 * aborts its write (the node discards the temporary file) and nothing is committed. Reads stay
 * correct throughout: the old location stays in the manifest until the new copy is durable.
 */
package io.moraine.repair;

import io.moraine.erasure.ReedSolomon;
import io.moraine.erasure.StripeLayout;
import io.moraine.metadata.api.MetadataClient;
import io.moraine.metadata.api.ObjectVersion;
import io.moraine.metadata.api.Segment;
import io.moraine.placement.NodeInfo;
import io.moraine.placement.PlacementMap;
import io.moraine.placement.PlacementView;
import io.moraine.placement.TargetSelector;
import io.moraine.storage.api.CorruptShardException;
import io.moraine.storage.api.ShardClients;
import io.moraine.storage.api.ShardClients.ShardWriter;
import io.moraine.storage.api.ShardId;
import io.moraine.storage.api.ShardMaintenance;
import io.moraine.storage.api.ShardNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

final class SegmentRepairer {
  private static final Logger LOG = LoggerFactory.getLogger(SegmentRepairer.class);
  private static final int COPY_BUFFER_BYTES = 256 * 1024;

  private final RepairConfig config;
  private final MetadataClient meta;
  private final ShardClients shards;
  private final PlacementView view;
  private final NodeHealth health;
  private final InstantSource clock;
  private final Map<Long, ReedSolomon> codecs = new ConcurrentHashMap<>();
  private volatile ShardReferences references;

  SegmentRepairer(RepairConfig config, MetadataClient meta, ShardClients shards, PlacementView view, NodeHealth health,
      InstantSource clock) {
    this.config = config;
    this.meta = meta;
    this.shards = shards;
    this.view = view;
    this.health = health;
    this.clock = clock;
  }

  /**
   * Where a segment's manifest lives: a version of an object (current or not), or a part of an
   * upload in progress ({@code uploadId} non-null). Commits go through the matching conditional
   * relocation, so a concurrent overwrite, delete, complete or abort wins.
   */
  record Manifest(String bucket, String key, String versionId, String uploadId, int partNumber) {
    static Manifest version(String bucket, ObjectVersion v) {
      return new Manifest(bucket, v.key(), v.versionId(), null, 0);
    }

    static Manifest part(String bucket, String key, String uploadId, int partNumber) {
      return new Manifest(bucket, key, null, uploadId, partNumber);
    }

    boolean relocate(MetadataClient meta, String dataId, int shardIndex, String from, String to, boolean misplaced) {
      return uploadId == null
          ? meta.relocateShard(bucket, key, versionId, dataId, shardIndex, from, to, misplaced)
          : meta.relocatePartShard(bucket, key, uploadId, partNumber, dataId, shardIndex, from, to, misplaced);
    }

    @Override
    public String toString() {
      return uploadId == null ? bucket + "/" + key + "@" + versionId
          : bucket + "/" + key + " upload " + uploadId + " part " + partNumber;
    }
  }

  /** Outcome of verifying one shard end to end. */
  enum Verdict { INTACT, CORRUPT, MISSING, UNREACHABLE }

  /** Where a rebuilt shard goes. */
  private record Destination(String nodeId, boolean misplaced) {}

  /** A source shard failed while being read. */
  private static final class SourceFailed extends Exception {
    final int index;

    SourceFailed(int index, IOException cause) {
      super(cause);
      this.index = index;
    }
  }

  /** Mutable view of the segment's placement while this repair runs (what metadata says after our commits). */
  private static final class Placement {
    final List<String> nodes;
    final List<Boolean> misplaced;

    Placement(Segment s) {
      nodes = new ArrayList<>(s.shardNodes());
      misplaced = new ArrayList<>(s.misplaced());
      while (misplaced.size() < nodes.size()) {
        misplaced.add(false);
      }
    }
  }

  /** Collects every (node, shard) a manifest names during this walk, for garbage collection. */
  void collectReferences(ShardReferences sink) {
    this.references = sink;
  }

  /** The walk skipped manifests it could not read: its references cannot vouch for garbage. */
  void walkIncomplete(String why) {
    ShardReferences sink = references;
    if (sink != null) {
      LOG.warn("repair walk incomplete ({}); no garbage collection after it", why);
      sink.markInconsistent();
    }
  }

  void repair(Manifest owner, Segment segment, ScrubPacer scrub, PassStats stats)
      throws InterruptedException {
    ShardReferences sink = references;
    if (sink != null) {
      sink.add(segment); // before any early return: even malformed or empty segments keep their shards
    }
    long relocatedBefore = stats.shardsRebuilt + stats.shardsMoved;
    try {
      repairSegment(owner, segment, scrub, stats);
    } finally {
      if (sink != null && stats.shardsRebuilt + stats.shardsMoved != relocatedBefore) {
        // Where our own commits put shards during this walk (a rebuilt or moved copy).
        refreshReferences(owner, segment, sink);
      }
    }
  }

  private void refreshReferences(Manifest owner, Segment segment, ShardReferences sink) {
    try {
      Optional<Segment> now = currentSegment(owner, segment.dataId());
      now.ifPresent(sink::add);
    } catch (RuntimeException e) {
      // Without the fresh placement this walk cannot vouch for the new copies: no GC after it.
      LOG.warn("could not re-read {} after repairing it; this walk will not garbage-collect", owner, e);
      sink.markInconsistent();
    }
  }

  private Optional<Segment> currentSegment(Manifest owner, String dataId) {
    java.util.List<Segment> segments;
    if (owner.uploadId() == null) {
      segments = meta.getObjectVersion(owner.bucket(), owner.key(), owner.versionId()).map(SegmentRepairer::segmentsOf)
          .orElse(java.util.List.of());
    } else {
      segments = meta.listParts(owner.bucket(), owner.key(), owner.uploadId()).stream()
          .filter(p -> p.partNumber() == owner.partNumber()).findFirst()
          .map(p -> segmentsOf(p.layout())).orElse(java.util.List.of());
    }
    return segments.stream().filter(s -> s.dataId().equals(dataId)).findFirst();
  }

  /**
   * Every blob a version names: its layout's segments and, for an archived version with a
   * restored temporary copy, the copy's (docs/s3-compatibility.md) — repaired like any other and
   * live for garbage collection until the copy expires.
   */
  static java.util.List<Segment> segmentsOf(ObjectVersion v) {
    java.util.List<Segment> all = new java.util.ArrayList<>(segmentsOf(v.layout()));
    if (v.restore() != null && v.restore().copy() != null) {
      all.addAll(segmentsOf(v.restore().copy()));
    }
    return all;
  }

  private static java.util.List<Segment> segmentsOf(io.moraine.metadata.api.DataLayout layout) {
    return layout instanceof io.moraine.metadata.api.DataLayout.Segments s ? s.segments() : java.util.List.of();
  }

  private void repairSegment(Manifest owner, Segment segment, ScrubPacer scrub, PassStats stats)
      throws InterruptedException {
    int width = segment.dataShards() + segment.parityShards();
    if (segment.size() <= 0) {
      return; // empty shards: nothing a node could lose
    }
    if (segment.shardNodes().size() != width) {
      // A malformed manifest must not stop the repair of every other object: report and skip it.
      LOG.error("malformed segment {} of {}: {} nodes for {} shards; not repaired", segment.dataId(), owner,
          segment.shardNodes().size(), width);
      stats.shardsUnrecoverable += width;
      return;
    }
    Placement p = new Placement(segment);
    Set<Integer> lost = new TreeSet<>();
    Set<Integer> inPlace = new TreeSet<>();
    long downNotLost = 0;
    for (int i = 0; i < width; i++) {
      String node = p.nodes.get(i);
      if (health.isLost(node)) {
        lost.add(i);
      } else if (!health.isLive(node)) {
        downNotLost++;
      } else if (scrub != null) {
        Verdict v = verify(node, new ShardId(segment.dataId(), i), shardLength(segment), scrub);
        switch (v) {
          case INTACT -> stats.scrubVerified++;
          case CORRUPT -> {
            stats.scrubCorrupt++;
            inPlace.add(i);
          }
          case MISSING -> {
            stats.scrubMissing++;
            inPlace.add(i);
          }
          case UNREACHABLE -> { } // a node dying under the scrub: its shards are repair's job once it is lost
        }
      }
    }
    stats.shardsMissing += downNotLost;
    if (!lost.isEmpty() || !inPlace.isEmpty()) {
      rebuild(owner, segment, p, lost, inPlace, stats);
    }
    moveMisplacedHome(owner, segment, p, stats);
  }

  // ---- rebuilding ---------------------------------------------------------------------------

  private void rebuild(Manifest owner, Segment s, Placement p, Set<Integer> lost,
      Set<Integer> inPlace, PassStats stats) throws InterruptedException {
    int k = s.dataShards();
    int width = k + s.parityShards();
    Set<Integer> avoid = new TreeSet<>();
    for (int attempt = 0; attempt < width; attempt++) {
      Set<Integer> todo = new TreeSet<>(lost);
      todo.addAll(inPlace);
      List<Integer> sources = new ArrayList<>();
      for (int j = 0; j < width && sources.size() < k; j++) {
        if (!todo.contains(j) && !avoid.contains(j) && health.isLive(p.nodes.get(j))) {
          sources.add(j);
        }
      }
      if (sources.size() < k) {
        LOG.warn("cannot rebuild {} shard(s) {} of {} ({}): only {} of {} sources readable; retrying next pass",
            todo.size(), todo, s.dataId(), owner, sources.size(), k);
        stats.shardsUnrecoverable += todo.size();
        stats.shardsMissing += lost.size();
        return;
      }
      Map<Integer, Destination> dests = new LinkedHashMap<>();
      for (int i : todo) {
        Destination d = inPlace.contains(i) ? new Destination(p.nodes.get(i), p.misplaced.get(i))
            : chooseDestination(s, p, i, todo, dests);
        if (d == null) {
          LOG.warn("no live node can take shard {} of {} ({}) now", i, s.dataId(), owner);
          stats.shardsUnrecoverable++;
          if (lost.contains(i)) {
            stats.shardsMissing++;
          }
        } else {
          dests.put(i, d);
        }
      }
      if (dests.isEmpty()) {
        return;
      }
      Instant started = clock.instant();
      try {
        stream(s, p, sources, dests);
      } catch (SourceFailed f) {
        IOException cause = (IOException) f.getCause();
        LOG.warn("rebuild of {} ({}): source shard {} on {} failed: {}", s.dataId(), owner,
            f.index, p.nodes.get(f.index), cause.toString());
        if (cause instanceof CorruptShardException || cause instanceof ShardNotFoundException) {
          inPlace.add(f.index); // rebuild it too, in place
        } else {
          avoid.add(f.index);
        }
        continue;
      } catch (IOException e) {
        LOG.warn("rebuild of {} ({}) failed writing {}: {}; retrying next pass", s.dataId(), owner, dests, e.toString());
        stats.shardsMissing += lost.size();
        return;
      } finally {
        stats.rebuildNanos += Duration.between(started, clock.instant()).toNanos();
      }
      long shardLength = shardLength(s);
      for (Map.Entry<Integer, Destination> e : dests.entrySet()) {
        commit(owner, s, p, e.getKey(), e.getValue(), stats);
        stats.shardsRebuilt++;
        stats.bytesRebuilt += shardLength;
      }
      return;
    }
    LOG.warn("gave up rebuilding {} ({}) after {} attempts; retrying next pass", s.dataId(), owner, width);
    stats.shardsMissing += lost.size();
  }

  /** Reads k sources stripe by stripe, reconstructs the destinations' chunks and streams them out. */
  private void stream(Segment s, Placement p, List<Integer> sources, Map<Integer, Destination> dests)
      throws IOException, SourceFailed, InterruptedException {
    int k = s.dataShards();
    int width = k + s.parityShards();
    int chunk = s.chunkSizeBytes();
    StripeLayout layout = new StripeLayout(k, s.parityShards(), chunk, s.size());
    long shardLength = layout.shardLengthBytes();
    ReedSolomon codec = codecs.computeIfAbsent(((long) k << 32) | s.parityShards(),
        key -> ReedSolomon.create(k, s.parityShards()));
    Duration timeout = Duration.ofMillis(config.shardReadTimeoutMillis());
    Map<Integer, InputStream> inputs = new HashMap<>();
    Map<Integer, ShardWriter> writers = new LinkedHashMap<>();
    boolean done = false;
    try {
      for (int j : sources) {
        try {
          inputs.put(j, shards.read(p.nodes.get(j), new ShardId(s.dataId(), j), 0, shardLength, timeout));
        } catch (IOException e) {
          throw new SourceFailed(j, e);
        }
      }
      for (Map.Entry<Integer, Destination> d : dests.entrySet()) {
        writers.put(d.getKey(), shards.openWrite(d.getValue().nodeId(), new ShardId(s.dataId(), d.getKey()),
            s.placementGroup(), shardLength));
      }
      byte[][] buffers = new byte[width][chunk];
      boolean[] present = new boolean[width];
      for (int j : sources) {
        present[j] = true;
      }
      for (long stripe = 0; stripe < layout.stripeCount(); stripe++) {
        if (Thread.interrupted()) {
          throw new InterruptedException("repair stopped");
        }
        for (int j : sources) {
          int n;
          try {
            n = inputs.get(j).readNBytes(buffers[j], 0, chunk);
          } catch (IOException e) {
            throw new SourceFailed(j, e);
          }
          if (n != chunk) {
            throw new SourceFailed(j, new IOException("shard " + s.dataId() + "#" + j + " ended at stripe " + stripe));
          }
        }
        codec.reconstruct(buffers, present, 0, chunk);
        for (Map.Entry<Integer, ShardWriter> w : writers.entrySet()) {
          w.getValue().write(buffers[w.getKey()], 0, chunk);
        }
      }
      List<CompletableFuture<ShardClients.ShardAck>> acks = new ArrayList<>();
      for (ShardWriter w : writers.values()) {
        acks.add(w.finish());
      }
      awaitAll(acks);
      done = true;
    } finally {
      for (InputStream in : inputs.values()) {
        closeQuietly(in);
      }
      if (!done) {
        writers.values().forEach(ShardWriter::abort);
      }
    }
  }

  private void awaitAll(List<CompletableFuture<ShardClients.ShardAck>> acks) throws IOException, InterruptedException {
    try {
      CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new))
          .get(config.shardWriteAckTimeoutMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof IOException io ? io : new IOException("shard write failed", e.getCause());
    } catch (TimeoutException e) {
      throw new IOException("no durable ack within " + config.shardWriteAckTimeoutMillis() + " ms", e);
    }
  }

  /** Records a rebuilt shard's new home in metadata; a lost race deletes our copy. */
  private void commit(Manifest owner, Segment s, Placement p, int i, Destination d,
      PassStats stats) {
    String old = p.nodes.get(i);
    if (old.equals(d.nodeId())) {
      LOG.info("rebuilt {}#{} in place on {} ({})", s.dataId(), i, old, owner);
      return;
    }
    boolean applied = owner.relocate(meta, s.dataId(), i, old,
        d.nodeId(), d.misplaced());
    if (applied) {
      LOG.info("rebuilt {}#{} of {}: {} -> {}{}", s.dataId(), i, owner, old, d.nodeId(),
          d.misplaced() ? " (misplaced)" : "");
      p.nodes.set(i, d.nodeId());
      p.misplaced.set(i, d.misplaced());
    } else {
      LOG.info("{}#{} of {} changed while rebuilding; dropping the copy on {}", s.dataId(), i, owner, d.nodeId());
      deleteGarbage(d.nodeId(), new ShardId(s.dataId(), i));
    }
  }

  // ---- destinations -------------------------------------------------------------------------

  private List<NodeInfo> slots(Segment s) {
    PlacementMap map = view.current().orElse(null);
    if (map == null) {
      return List.of();
    }
    int pg = s.placementGroup() < map.groups().size() ? s.placementGroup() : map.placementGroupOf(s.dataId());
    List<String> ids = s.oneZone()
        // A one-zone segment keeps its AZ: its slots are the zone's nodes only, as when it was written.
        ? TargetSelector.zoneSlots(map, pg, s.zone()).stream().map(NodeInfo::nodeId).toList()
        : map.groups().get(pg);
    List<NodeInfo> slots = new ArrayList<>();
    for (String id : ids) {
      view.node(id).ifPresent(slots::add);
    }
    return slots;
  }

  /** Shard {@code index}'s home under the current map and the segment's recorded rule (AZ cap, zone). */
  private NodeInfo homeOf(Segment s, List<NodeInfo> slots, int index) {
    List<NodeInfo> homes = TargetSelector.homes(slots, s.dataShards() + s.parityShards(), s.shardsPerAzMax());
    return index < homes.size() ? homes.get(index) : null;
  }

  /**
   * The home named by the current map when it is live and holds nothing of the blob; otherwise
   * the live slot node holding fewest of the blob's shards, preferring AZs under the segment's AZ
   * cap, then less loaded AZs, then slot order (as TargetSelector does for new writes). Never more
   * than the segment's per-node cap on one node (m; one for a one-zone segment, whose slots are
   * its zone's nodes, so a rebuilt shard stays in the zone). The AZ cap of a spread segment is a
   * preference, as in the write rule: with a whole AZ gone, rebuilding into the other AZs is what
   * restores redundancy against node loss.
   */
  private Destination chooseDestination(Segment s, Placement p, int index, Set<Integer> rebuilding,
      Map<Integer, Destination> chosen) {
    List<NodeInfo> slots = slots(s);
    Map<String, Integer> nodeLoad = new HashMap<>();
    Map<String, Integer> azLoad = new HashMap<>();
    for (int j = 0; j < p.nodes.size(); j++) {
      String n = chosen.containsKey(j) ? chosen.get(j).nodeId() : rebuilding.contains(j) ? null : p.nodes.get(j);
      if (n != null) {
        nodeLoad.merge(n, 1, Integer::sum);
        view.node(n).ifPresent(info -> azLoad.merge(info.az(), 1, Integer::sum));
      }
    }
    NodeInfo home = homeOf(s, slots, index);
    if (home != null && health.isLive(home.nodeId()) && nodeLoad.getOrDefault(home.nodeId(), 0) == 0) {
      return new Destination(home.nodeId(), false);
    }
    int perNodeMax = s.shardsPerNodeMax();
    int perAzMax = s.shardsPerAzMax();
    NodeInfo best = null;
    int[] bestKey = null;
    for (int j = 0; j < slots.size(); j++) {
      NodeInfo c = slots.get(j);
      int load = nodeLoad.getOrDefault(c.nodeId(), 0);
      if (load >= perNodeMax || c.state() == NodeInfo.NodeState.DRAINING || !health.isLive(c.nodeId())) {
        continue;
      }
      int az = azLoad.getOrDefault(c.az(), 0);
      int[] key = {load, az >= perAzMax ? 1 : 0, az, j};
      if (bestKey == null || java.util.Arrays.compare(key, bestKey) < 0) {
        best = c;
        bestKey = key;
      }
    }
    return best == null ? null : new Destination(best.nodeId(), true);
  }

  // ---- misplaced shards ---------------------------------------------------------------------

  /**
   * Moves every shard that is not on its home under the current map — misplaced ones (written or
   * rebuilt onto a fallback) and, after a join, drain or weight change, ones the new map homes
   * elsewhere (rebalance) — when the home is live and holds nothing else of the blob.
   */
  private void moveMisplacedHome(Manifest owner, Segment s, Placement p, PassStats stats)
      throws InterruptedException {
    List<NodeInfo> slots = slots(s);
    if (slots.isEmpty()) {
      return;
    }
    for (int i = 0; i < p.nodes.size(); i++) {
      String from = p.nodes.get(i);
      NodeInfo home = homeOf(s, slots, i);
      if (home == null) {
        continue;
      }
      if (home.nodeId().equals(from)) {
        if (p.misplaced.get(i)) {
          // Home already (the map moved to it): only the flag is stale.
          owner.relocate(meta, s.dataId(), i, from, from, false);
          p.misplaced.set(i, false);
        }
        continue;
      }
      if (!health.isLive(from) || !health.isLive(home.nodeId()) || !homeCanTake(s, slots, p, home.nodeId())) {
        stats.shardsMisplaced++;
        continue;
      }
      if (move(owner, s, p, i, from, home.nodeId())) {
        stats.shardsMoved++;
      } else {
        stats.shardsMisplaced++;
      }
    }
  }

  /**
   * The home may take the shard when it holds nothing of the blob, or — to break swaps (shard i's
   * home holds shard j whose home is elsewhere) — fewer than m shards, all of them about to move
   * away; the write rule allows up to m shards of a stripe on one node (one for a one-zone
   * segment, so its swaps wait until a third node of the zone breaks them).
   */
  private boolean homeCanTake(Segment s, List<NodeInfo> slots, Placement p, String home) {
    int held = 0;
    for (int j = 0; j < p.nodes.size(); j++) {
      if (p.nodes.get(j).equals(home)) {
        NodeInfo homeOfJ = homeOf(s, slots, j);
        if (homeOfJ == null || homeOfJ.nodeId().equals(home)) {
          return false;
        }
        held++;
      }
    }
    return held < s.shardsPerNodeMax();
  }

  private boolean move(Manifest owner, Segment s, Placement p, int i, String from, String to)
      throws InterruptedException {
    ShardId id = new ShardId(s.dataId(), i);
    long length = shardLength(s);
    ShardWriter writer = null;
    boolean done = false;
    try (InputStream in = shards.read(from, id, 0, length, Duration.ofMillis(config.shardReadTimeoutMillis()))) {
      writer = shards.openWrite(to, id, s.placementGroup(), length);
      byte[] buffer = new byte[COPY_BUFFER_BYTES];
      long copied = 0;
      while (copied < length) {
        int n = in.read(buffer, 0, (int) Math.min(buffer.length, length - copied));
        if (n < 0) {
          throw new IOException("shard " + id + " on " + from + " ended after " + copied + " of " + length + " bytes");
        }
        writer.write(buffer, 0, n);
        copied += n;
      }
      awaitAll(List.of(writer.finish()));
      done = true;
    } catch (IOException e) {
      LOG.warn("moving {} of {} home {} -> {} failed: {}; retrying next pass", id, owner, from, to,
          e.toString());
      return false;
    } finally {
      if (!done && writer != null) {
        writer.abort();
      }
    }
    if (owner.relocate(meta, s.dataId(), i, from, to, false)) {
      LOG.info("moved {} of {} home: {} -> {}", id, owner, from, to);
      p.nodes.set(i, to);
      p.misplaced.set(i, false);
      deleteGarbage(from, id);
      return true;
    }
    deleteGarbage(to, id);
    return false;
  }

  // ---- scrub --------------------------------------------------------------------------------

  /**
   * Has the node verify every block's CRC32C itself (VerifyShards: no bytes cross the network, the
   * node paces itself at the scrub rate) when the clients offer it; else reads the whole shard
   * through the node, which verifies on the way, paced here.
   */
  Verdict verify(String node, ShardId id, long length, ScrubPacer pacer) throws InterruptedException {
    if (shards instanceof ShardMaintenance maintenance) {
      // The node verifies at scrubBytesPerSecond: allow that long, plus the usual idle timeout.
      Duration timeout = Duration.ofMillis(config.shardReadTimeoutMillis()
          + Math.multiplyExact(length, 1000L) / config.scrubBytesPerSecond());
      try {
        ShardMaintenance.VerifyResult r = maintenance.verify(node, List.of(id), config.scrubBytesPerSecond(), timeout);
        if (!r.corrupt().isEmpty()) {
          LOG.warn("scrub: {} on {} is corrupt (verified on the node)", id, node);
          return Verdict.CORRUPT;
        }
        if (!r.missing().isEmpty()) {
          LOG.warn("scrub: {} on {} is missing", id, node);
          return Verdict.MISSING;
        }
        return Verdict.INTACT;
      } catch (IOException e) {
        LOG.info("scrub: {} on {} not verifiable now: {}", id, node, e.toString());
        return Verdict.UNREACHABLE;
      }
    }
    try (InputStream in = shards.read(node, id, 0, length, Duration.ofMillis(config.shardReadTimeoutMillis()))) {
      byte[] buffer = new byte[COPY_BUFFER_BYTES];
      long total = 0;
      while (total < length) {
        int n = in.read(buffer);
        if (n < 0) {
          LOG.warn("scrub: {} on {} is short ({} of {} bytes)", id, node, total, length);
          return Verdict.CORRUPT;
        }
        total += n;
        pacer.consumed(n);
      }
      return Verdict.INTACT;
    } catch (CorruptShardException e) {
      LOG.warn("scrub: {} on {} is corrupt: {}", id, node, e.getMessage());
      return Verdict.CORRUPT;
    } catch (ShardNotFoundException e) {
      LOG.warn("scrub: {} on {} is missing: {}", id, node, e.getMessage());
      return Verdict.MISSING;
    } catch (IOException e) {
      LOG.info("scrub: {} on {} unreadable now: {}", id, node, e.toString());
      return Verdict.UNREACHABLE;
    }
  }

  // ---- helpers ------------------------------------------------------------------------------

  private static long shardLength(Segment s) {
    return new StripeLayout(s.dataShards(), s.parityShards(), s.chunkSizeBytes(), s.size()).shardLengthBytes();
  }

  /** A copy no manifest names: deleting it is housekeeping, so a failure only leaves garbage. */
  private void deleteGarbage(String node, ShardId id) {
    try {
      shards.delete(node, id);
    } catch (IOException e) {
      LOG.warn("could not delete unreferenced copy {} on {} (garbage until GC): {}", id, node, e.toString());
    }
  }

  private static void closeQuietly(InputStream in) {
    try {
      in.close();
    } catch (IOException e) {
      LOG.debug("closing a shard read failed", e);
    }
  }
}
