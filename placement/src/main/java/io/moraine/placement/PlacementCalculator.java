package io.moraine.placement;

import io.moraine.placement.NodeInfo.NodeState;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Computes the placement map from the membership: pure (no I/O, threads or clock), deterministic
 * (the same members in any order give the same map, on any JVM).
 *
 * <p>Each placement group's slot list interleaves the AZs round-robin in a per-group AZ order
 * (slot i comes from AZ {@code order[i % azCount]} while every AZ still has nodes), so any prefix
 * of the list spreads over the AZs as evenly as it can: for 3 AZs the first 6 slots hold 2 nodes
 * of each AZ. Inside an AZ, column position r of group g goes to the straw2 (weighted rendezvous)
 * winner of hash(g, r, node) among the AZ's nodes not already placed earlier in the column. A
 * joining node therefore takes only the positions whose draw it wins (in proportion to its
 * weight) and the rest of the map stays put; a leaving node's positions go to the next best draw.
 * The AZ order of a group is an unweighted hash of (group, AZ), so node weights never reorder
 * AZs (that would shift whole columns). Draining nodes come after every other node (no new
 * shards; their old ones stay readable through the epoch they were written under). Liveness is
 * not an input: a DOWN node keeps its slots, repair rebuilds its shards elsewhere meanwhile.
 */
public final class PlacementCalculator {

  /** Position salt of the per-group AZ order and of the draining tail, apart from column positions. */
  private static final int AZ_ORDER_POSITION = -1;
  private static final int DRAINING_POSITION = -2;

  private PlacementCalculator() {}

  /**
   * The map for {@code members}: {@code previous} itself when nothing placement-relevant changed
   * (node ids, AZs, weights, draining flags — not liveness, addresses or capacity wobble below
   * one weight unit), else a new map with epoch {@code previous.epoch + 1} (1 for the first).
   */
  public static PlacementMap compute(Optional<PlacementMap> previous, List<NodeInfo> members, PlacementConfig config) {
    config.validate();
    List<NodeInfo> nodes = normalize(members);
    previous.ifPresent(p -> {
      if (p.placementGroupCount() != config.placementGroupCount()) {
        throw new IllegalStateException("placementGroupCount is fixed for the life of a cluster: map epoch "
            + p.epoch() + " has " + p.placementGroupCount() + ", config has " + config.placementGroupCount());
      }
    });
    List<List<String>> groups = computeGroups(nodes, config);
    if (previous.isPresent()
        && sameRelevantNodes(previous.get().nodes(), nodes, config)
        && previous.get().groups().equals(groups)) {
      return previous.get();
    }
    long epoch = previous.map(p -> p.epoch() + 1).orElse(1L);
    return new PlacementMap(epoch, config.placementGroupCount(), nodes, groups);
  }

  /** Sorted by id, state reduced to UP or DRAINING (liveness is not placement's business). */
  static List<NodeInfo> normalize(List<NodeInfo> members) {
    Set<String> ids = new HashSet<>();
    List<NodeInfo> nodes = new ArrayList<>(members.size());
    for (NodeInfo n : members) {
      if (n.nodeId() == null || n.nodeId().isBlank() || n.az() == null || n.az().isBlank()) {
        throw new IllegalArgumentException("node needs an id and an AZ: " + n);
      }
      if (n.capacityBytes() < 0) {
        throw new IllegalArgumentException("negative capacity: " + n);
      }
      if (!ids.add(n.nodeId())) {
        throw new IllegalArgumentException("duplicate node id " + n.nodeId() + " in " + members);
      }
      NodeState state = n.state() == NodeState.DRAINING ? NodeState.DRAINING : NodeState.UP;
      nodes.add(new NodeInfo(n.nodeId(), n.az(), n.host(), n.grpcPort(), n.capacityBytes(), state));
    }
    nodes.sort(Comparator.comparing(NodeInfo::nodeId));
    return List.copyOf(nodes);
  }

  private static boolean sameRelevantNodes(List<NodeInfo> a, List<NodeInfo> b, PlacementConfig config) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      NodeInfo x = a.get(i);
      NodeInfo y = b.get(i);
      if (!x.nodeId().equals(y.nodeId()) || !x.az().equals(y.az())
          || config.weightOf(x.capacityBytes()) != config.weightOf(y.capacityBytes())
          || (x.state() == NodeState.DRAINING) != (y.state() == NodeState.DRAINING)) {
        return false;
      }
    }
    return true;
  }

  private record Candidate(String nodeId, long weight, long idHash) {}

  private static List<List<String>> computeGroups(List<NodeInfo> nodes, PlacementConfig config) {
    Map<String, List<Candidate>> activeByAz = new TreeMap<>();
    List<Candidate> draining = new ArrayList<>();
    for (NodeInfo n : nodes) {
      Candidate c = new Candidate(n.nodeId(), config.weightOf(n.capacityBytes()), StableHash.ofString(n.nodeId()));
      if (n.state() == NodeState.DRAINING) {
        draining.add(c);
      } else {
        activeByAz.computeIfAbsent(n.az(), az -> new ArrayList<>()).add(c);
      }
    }
    List<String> azs = List.copyOf(activeByAz.keySet());
    long[] azHashes = azs.stream().mapToLong(StableHash::ofString).toArray();
    List<List<String>> groups = new ArrayList<>(config.placementGroupCount());
    for (int pg = 0; pg < config.placementGroupCount(); pg++) {
      groups.add(groupSlots(pg, azs, azHashes, activeByAz, draining, config.maxSlotsPerGroup()));
    }
    return groups;
  }

  private static List<String> groupSlots(int pg, List<String> azs, long[] azHashes,
      Map<String, List<Candidate>> activeByAz, List<Candidate> draining, int maxSlots) {
    List<String> azOrder = new ArrayList<>(azs);
    azOrder.sort((x, y) -> {
      int c = Long.compareUnsigned(
          StableHash.combine(azHashes[azs.indexOf(y)], pg, AZ_ORDER_POSITION),
          StableHash.combine(azHashes[azs.indexOf(x)], pg, AZ_ORDER_POSITION));
      return c != 0 ? c : x.compareTo(y);
    });
    Map<String, List<Candidate>> remaining = new TreeMap<>();
    int left = 0;
    for (String az : azOrder) {
      remaining.put(az, new ArrayList<>(activeByAz.get(az)));
      left += activeByAz.get(az).size();
    }
    List<String> slots = new ArrayList<>(Math.min(maxSlots, left + draining.size()));
    for (int position = 0; slots.size() < maxSlots && left > 0; position++) {
      for (String az : azOrder) {
        List<Candidate> column = remaining.get(az);
        if (slots.size() == maxSlots || column.isEmpty()) {
          continue;
        }
        Candidate winner = straw2Winner(column, pg, position);
        column.remove(winner);
        left--;
        slots.add(winner.nodeId());
      }
    }
    List<Candidate> tail = new ArrayList<>(draining);
    while (slots.size() < maxSlots && !tail.isEmpty()) {
      Candidate winner = straw2Winner(tail, pg, DRAINING_POSITION);
      tail.remove(winner);
      slots.add(winner.nodeId());
    }
    return slots;
  }

  private static Candidate straw2Winner(List<Candidate> candidates, int pg, int position) {
    Candidate best = null;
    double bestScore = Double.NEGATIVE_INFINITY;
    for (Candidate c : candidates) {
      double score = StableHash.straw2(StableHash.combine(c.idHash(), pg, position), c.weight());
      // Candidates are sorted by id, so ties (practically impossible) go to the smaller id.
      if (best == null || score > bestScore) {
        best = c;
        bestScore = score;
      }
    }
    return best;
  }
}
