package io.moraine.placement;

import io.moraine.placement.PlacementView.ShardTarget;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.zip.CRC32C;

/**
 * The write rule of DESIGN.md (Invariants) as a pure function: where the {@code width} shards of
 * a new blob go, given its placement group's slots and who is alive.
 *
 * <p>Homes: walking the slots in order, the first {@code width} nodes that keep every AZ at most
 * {@code maxPerAz} (shard i's home is the i-th of them). A live home takes its own shard. A shard
 * whose home is down goes to a live fallback from the group's slots, preferring in this order: a
 * node holding fewer of the blob's shards (distinct nodes first), an AZ still under {@code maxPerAz},
 * an AZ other than the dead home's (it may be the AZ that failed), the AZ holding fewer shards,
 * then slot order; never more than {@code maxPerNode} shards on one node. Fallback shards are
 * flagged misplaced so repair moves them home. Empty when no such assignment exists (fewer than
 * {@code width} homes under the AZ cap, or not enough live capacity): the write must then fail.
 */
public final class TargetSelector {

  private TargetSelector() {}

  public static Optional<List<ShardTarget>> select(
      List<NodeInfo> slots, Predicate<String> isLive, int width, int maxPerAz, int maxPerNode) {
    if (width < 1 || maxPerAz < 1 || maxPerNode < 1) {
      throw new IllegalArgumentException("width, maxPerAz and maxPerNode must be positive: width=" + width
          + " maxPerAz=" + maxPerAz + " maxPerNode=" + maxPerNode);
    }
    List<NodeInfo> homes = homes(slots, width, maxPerAz);
    if (homes.size() < width) {
      return Optional.empty();
    }
    Map<String, Integer> nodeLoad = new HashMap<>();
    Map<String, Integer> azLoad = new HashMap<>();
    ShardTarget[] targets = new ShardTarget[width];
    for (int i = 0; i < width; i++) {
      NodeInfo home = homes.get(i);
      if (isLive.test(home.nodeId())) {
        targets[i] = new ShardTarget(home.nodeId(), false);
        nodeLoad.merge(home.nodeId(), 1, Integer::sum);
        azLoad.merge(home.az(), 1, Integer::sum);
      }
    }
    for (int i = 0; i < width; i++) {
      if (targets[i] != null) {
        continue;
      }
      NodeInfo fallback = bestFallback(slots, isLive, homes.get(i), nodeLoad, azLoad, maxPerAz, maxPerNode);
      if (fallback == null) {
        return Optional.empty();
      }
      targets[i] = new ShardTarget(fallback.nodeId(), true);
      nodeLoad.merge(fallback.nodeId(), 1, Integer::sum);
      azLoad.merge(fallback.az(), 1, Integer::sum);
    }
    return Optional.of(List.copyOf(Arrays.asList(targets)));
  }

  /** The home of each shard: slots in order, skipping those whose AZ already holds maxPerAz homes. */
  public static List<NodeInfo> homes(List<NodeInfo> slots, int width, int maxPerAz) {
    Map<String, Integer> perAz = new HashMap<>();
    List<NodeInfo> homes = new ArrayList<>(width);
    for (NodeInfo n : slots) {
      if (homes.size() == width) {
        break;
      }
      if (perAz.getOrDefault(n.az(), 0) < maxPerAz) {
        perAz.merge(n.az(), 1, Integer::sum);
        homes.add(n);
      }
    }
    return homes;
  }

  /**
   * The slot list of a one-zone blob (ONEZONE_IA) in {@code placementGroup}: the group's slots in
   * {@code zone}, in slot order, then the zone's other members of the map that are not draining
   * (by node id), then the zone's draining members. A group's slot list is capped
   * ({@code maxSlotsPerGroup}) and spread over every AZ, so it may name fewer nodes of one AZ than
   * a one-zone profile is wide; appending the rest of the zone keeps the homes a pure function of
   * (map, group, zone), which is what lets repair find the same homes the write used. Every node
   * of the list is in {@code zone}, so fallbacks chosen from it stay in the zone.
   */
  public static List<NodeInfo> zoneSlots(PlacementMap map, int placementGroup, String zone) {
    Map<String, NodeInfo> byId = new HashMap<>();
    for (NodeInfo n : map.nodes()) {
      byId.put(n.nodeId(), n);
    }
    List<NodeInfo> slots = new ArrayList<>();
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (String id : map.groups().get(placementGroup)) {
      NodeInfo n = byId.get(id);
      if (n != null && n.az().equals(zone) && n.state() != NodeInfo.NodeState.DRAINING && seen.add(id)) {
        slots.add(n);
      }
    }
    List<NodeInfo> draining = new ArrayList<>();
    for (NodeInfo n : map.nodes()) { // sorted by node id
      if (!n.az().equals(zone) || seen.contains(n.nodeId())) {
        continue;
      }
      if (n.state() == NodeInfo.NodeState.DRAINING) {
        draining.add(n);
      } else {
        slots.add(n);
      }
    }
    slots.addAll(draining);
    return slots;
  }

  /**
   * The AZ of a new one-zone blob {@code width} shards wide: among the AZs with at least
   * {@code width} live, non-draining members of the map (one shard per node), the one
   * {@code crc32c(key) mod count} picks in AZ-name order — deterministic from the key (the blob's
   * dataId, or its upload's id), spread evenly over the eligible AZs. Empty when no AZ qualifies.
   */
  public static Optional<String> chooseZone(PlacementMap map, Predicate<String> isLive, int width, String key) {
    Map<String, Integer> live = new TreeMap<>();
    for (NodeInfo n : map.nodes()) {
      if (n.state() != NodeInfo.NodeState.DRAINING && isLive.test(n.nodeId())) {
        live.merge(n.az(), 1, Integer::sum);
      }
    }
    List<String> eligible = live.entrySet().stream().filter(e -> e.getValue() >= width).map(Map.Entry::getKey).toList();
    if (eligible.isEmpty()) {
      return Optional.empty();
    }
    CRC32C crc = new CRC32C();
    crc.update(key.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    return Optional.of(eligible.get((int) (crc.getValue() % eligible.size())));
  }

  private static NodeInfo bestFallback(List<NodeInfo> slots, Predicate<String> isLive, NodeInfo deadHome,
      Map<String, Integer> nodeLoad, Map<String, Integer> azLoad, int maxPerAz, int maxPerNode) {
    NodeInfo best = null;
    int[] bestKey = null;
    for (int j = 0; j < slots.size(); j++) {
      NodeInfo c = slots.get(j);
      int load = nodeLoad.getOrDefault(c.nodeId(), 0);
      if (load >= maxPerNode || !isLive.test(c.nodeId())) {
        continue;
      }
      int az = azLoad.getOrDefault(c.az(), 0);
      int[] key = {load, az >= maxPerAz ? 1 : 0, c.az().equals(deadHome.az()) ? 1 : 0, az, j};
      if (bestKey == null || Arrays.compare(key, bestKey) < 0) {
        best = c;
        bestKey = key;
      }
    }
    return best;
  }
}
