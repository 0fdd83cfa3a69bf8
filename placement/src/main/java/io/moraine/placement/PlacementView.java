package io.moraine.placement;

import java.util.List;
import java.util.Optional;

/**
 * What a gateway (or repair) needs of placement: the current map, who is alive, and where a new
 * blob's shards go. Implemented over ZooKeeper watches in production and by a fixed map in pure
 * tests.
 */
public interface PlacementView {

  /** The newest placement map seen; empty until the first map is published. */
  Optional<PlacementMap> current();

  /** A node by id (from membership, up or not). */
  Optional<NodeInfo> node(String nodeId);

  /** Whether a node is currently alive (its ephemeral registration exists). */
  boolean isLive(String nodeId);

  /**
   * Targets for the {@code width} shards of a new blob in {@code placementGroup}, following the
   * write rule of DESIGN.md: the map's nodes for that group, with shards meant for dead nodes sent
   * to live fallback nodes (other AZs first, never more than {@code maxShardsPerNode} on one
   * node) and flagged misplaced. Empty when even that is impossible.
   */
  Optional<List<ShardTarget>> targets(int placementGroup, int width, int maxShardsPerAz, int maxShardsPerNode);

  /**
   * Targets for the {@code width} shards of a new one-zone blob (ONEZONE_IA) in {@code zone}: the
   * write rule over {@link TargetSelector#zoneSlots} with every shard in the zone and at most one
   * per node, fallbacks also in the zone. Empty when the zone has too few live nodes.
   */
  default Optional<List<ShardTarget>> targetsInZone(int placementGroup, String zone, int width) {
    return current().flatMap(m -> TargetSelector.select(TargetSelector.zoneSlots(m, placementGroup, zone),
        this::isLive, width, width, 1));
  }

  /** The AZ of a new one-zone blob: {@link TargetSelector#chooseZone} over the current map and liveness. */
  default Optional<String> chooseZone(int width, String key) {
    return current().flatMap(m -> TargetSelector.chooseZone(m, this::isLive, width, key));
  }

  /** One shard's destination. */
  record ShardTarget(String nodeId, boolean misplaced) {}
}
