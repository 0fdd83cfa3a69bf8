/*
 * GarbageCollector: deletes shards that sit on a storage node although no manifest names them
 * there — copies rebuilt elsewhere while their node was down (the node comes back with the old
 * ones), the source of a move whose delete failed, shards of deleted objects whose delete was lost.
 *
 * Runs after a repair walk that covered every manifest from the start, completed, and stayed
 * consistent (ShardReferences). A shard is deleted only when
 *  - the node lists it with a publish time at least gcMinAgeMillis old (gateways write shards
 *    before they commit the manifest, so a young unreferenced shard may be a write in flight; an
 *    unknown publish time never qualifies), and
 *  - the previous complete walk found the same (node, shard) unreferenced too. A walk is not a
 *    snapshot: a multipart upload completed between the walk passing its key and reaching its
 *    upload moves its parts' shards under a manifest this walk never sees. Two walks in a row
 *    missing a live shard would need that race twice on the same shard.
 *
 * Fault model: a node that cannot be listed is skipped for this round (its candidates kept). A
 * failed delete is logged and retried next round. The leader may change between rounds: the new
 * one starts with no candidates, which only delays collection by one walk.
 */
package io.moraine.repair;

import io.moraine.placement.NodeInfo;
import io.moraine.placement.PlacementView;
import io.moraine.storage.api.ShardClients;
import io.moraine.storage.api.ShardId;
import io.moraine.storage.api.ShardMaintenance;
import io.moraine.storage.api.ShardMaintenance.ListedShard;
import java.io.IOException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

final class GarbageCollector {
  private static final Logger LOG = LoggerFactory.getLogger(GarbageCollector.class);

  /** What one round did. */
  record Result(long listed, long unreferenced, long deleted, long bytesDeleted, long nodesSkipped) {}

  private final ShardMaintenance nodes;
  private final ShardClients shards;
  private final PlacementView view;
  private final InstantSource clock;
  private final long minAgeMillis;
  private final Duration listTimeout;
  private Set<String> candidates = Set.of();

  GarbageCollector(ShardMaintenance nodes, ShardClients shards, PlacementView view, InstantSource clock,
      long minAgeMillis, Duration listTimeout) {
    if (minAgeMillis <= 0) {
      throw new IllegalArgumentException("gc min age must be > 0 ms, got " + minAgeMillis);
    }
    this.nodes = nodes;
    this.shards = shards;
    this.view = view;
    this.clock = clock;
    this.minAgeMillis = minAgeMillis;
    this.listTimeout = listTimeout;
  }

  /** One round after a complete walk; {@code refs} must come from a walk that started at the beginning. */
  Result collect(ShardReferences refs) {
    if (!refs.consistent()) {
      LOG.info("gc: the last walk was not consistent; nothing deleted");
      return new Result(0, 0, 0, 0, 0);
    }
    List<NodeInfo> members = view.current().map(m -> m.nodes()).orElse(List.of());
    Set<String> unreferencedNow = new HashSet<>();
    long listed = 0;
    long deleted = 0;
    long bytes = 0;
    long skipped = 0;
    long now = clock.millis();
    for (NodeInfo node : members) {
      if (!view.isLive(node.nodeId())) {
        skipped++;
        keepCandidatesOf(node.nodeId(), unreferencedNow);
        continue;
      }
      List<ListedShard> held;
      try {
        held = nodes.list(node.nodeId(), listTimeout);
      } catch (IOException e) {
        LOG.info("gc: cannot list {} now ({}); trying next round", node.nodeId(), e.toString());
        skipped++;
        keepCandidatesOf(node.nodeId(), unreferencedNow);
        continue;
      }
      for (ListedShard s : held) {
        listed++;
        ShardId id = s.shard();
        if (refs.contains(node.nodeId(), id.dataId(), id.index())) {
          continue;
        }
        String key = ShardReferences.key(node.nodeId(), id.dataId(), id.index());
        unreferencedNow.add(key);
        boolean oldEnough = s.publishedMillis() > 0 && now - s.publishedMillis() >= minAgeMillis;
        if (!oldEnough || !candidates.contains(key)) {
          continue;
        }
        try {
          if (shards.delete(node.nodeId(), id)) {
            deleted++;
            bytes += s.lengthBytes();
            LOG.info("gc: deleted unreferenced {} on {} ({} bytes, published {} ms ago)", id, node.nodeId(),
                s.lengthBytes(), now - s.publishedMillis());
          }
        } catch (IOException e) {
          LOG.warn("gc: could not delete {} on {}: {}; retrying next round", id, node.nodeId(), e.toString());
        }
      }
    }
    long unreferenced = unreferencedNow.size();
    candidates = unreferencedNow;
    if (unreferenced > 0 || deleted > 0) {
      LOG.info("gc round: {} shards listed, {} unreferenced, {} deleted ({} bytes), {} nodes skipped", listed,
          unreferenced, deleted, bytes, skipped);
    }
    return new Result(listed, unreferenced, deleted, bytes, skipped);
  }

  /** A node not listed this round keeps last round's candidates, so one flaky list does not reset its clock. */
  private void keepCandidatesOf(String nodeId, Set<String> into) {
    String prefix = nodeId + '\0';
    for (String c : candidates) {
      if (c.startsWith(prefix)) {
        into.add(c);
      }
    }
  }
}
