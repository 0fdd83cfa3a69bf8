package io.moraine.placement;

import static io.moraine.placement.Clusters.node;
import static io.moraine.placement.Clusters.uniform;
import static org.assertj.core.api.Assertions.assertThat;

import io.moraine.placement.PlacementView.ShardTarget;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The write rule of DESIGN.md (Invariants), checked by example and against a brute-force oracle. */
class TargetSelectorTest {

  private static List<NodeInfo> slotsOf(PlacementMap map, int group) {
    Map<String, NodeInfo> byId = map.nodes().stream().collect(Collectors.toMap(NodeInfo::nodeId, n -> n));
    return map.groups().get(group).stream().map(byId::get).toList();
  }

  private static PlacementMap map(List<NodeInfo> members) {
    return PlacementCalculator.compute(Optional.empty(), members, PlacementConfig.defaults());
  }

  @Test
  void allLive_shardsGoToTheirHomesInSlotOrder() {
    PlacementMap map = map(uniform(3, 2));
    List<NodeInfo> slots = slotsOf(map, 17);
    List<ShardTarget> targets = TargetSelector.select(slots, id -> true, 6, 2, 2).orElseThrow();
    assertThat(targets).extracting(ShardTarget::nodeId).containsExactlyElementsOf(map.groups().get(17));
    assertThat(targets).noneMatch(ShardTarget::misplaced);
  }

  /** DESIGN.md example: 6 nodes (2 per AZ), both of az1 dead, RS 4+2 with maxPerNode = m = 2. */
  @Test
  void wholeAzDown_fourLiveNodesTakeSixShards_az1ShardsMisplaced() {
    PlacementMap map = map(uniform(3, 2));
    for (int g = 0; g < map.placementGroupCount(); g++) {
      List<NodeInfo> slots = slotsOf(map, g);
      List<ShardTarget> targets = TargetSelector.select(slots, id -> !id.startsWith("storage-az1-"), 6, 2, 2).orElseThrow();
      assertThat(targets).hasSize(6);
      Map<String, Long> perNode = targets.stream().collect(Collectors.groupingBy(ShardTarget::nodeId, Collectors.counting()));
      assertThat(perNode).hasSize(4).doesNotContainKeys("storage-az1-1", "storage-az1-2");
      assertThat(perNode.values()).containsExactlyInAnyOrder(2L, 2L, 1L, 1L);
      for (int i = 0; i < 6; i++) {
        boolean homeInAz1 = slots.get(i).az().equals("az1");
        assertThat(targets.get(i).misplaced()).as("group %d shard %d", g, i).isEqualTo(homeInAz1);
        if (!homeInAz1) {
          assertThat(targets.get(i).nodeId()).isEqualTo(slots.get(i).nodeId());
        }
      }
      // The two extra shards go to different AZs: 3 + 3, not 4 + 2.
      Map<String, Long> perAz = targets.stream().collect(Collectors.groupingBy(t -> t.nodeId().substring(8, 11), Collectors.counting()));
      assertThat(perAz).containsOnly(Map.entry("az2", 3L), Map.entry("az3", 3L));
    }
  }

  @Test
  void oneNodeDown_spareInTheSameAzKeepsTheAzRule() {
    PlacementMap map = map(uniform(3, 3));
    List<NodeInfo> slots = slotsOf(map, 5);
    String dead = slots.get(0).nodeId();
    String deadAz = slots.get(0).az();
    List<ShardTarget> targets = TargetSelector.select(slots, id -> !id.equals(dead), 6, 2, 2).orElseThrow();
    assertThat(targets.get(0).misplaced()).isTrue();
    assertThat(targets.subList(1, 6)).noneMatch(ShardTarget::misplaced);
    NodeInfo fallback = slots.stream().filter(n -> n.nodeId().equals(targets.get(0).nodeId())).findFirst().orElseThrow();
    assertThat(fallback.az()).isEqualTo(deadAz);
    assertThat(targets).extracting(ShardTarget::nodeId).doesNotHaveDuplicates();
  }

  @Test
  void tooFewLiveNodes_isImpossible() {
    PlacementMap map = map(uniform(3, 2));
    List<NodeInfo> slots = slotsOf(map, 0);
    Set<String> threeLive = Set.of("storage-az1-1", "storage-az2-1", "storage-az3-1");
    assertThat(TargetSelector.select(slots, threeLive::contains, 6, 2, 2)).isPresent();
    Set<String> twoLive = Set.of("storage-az1-1", "storage-az2-1");
    assertThat(TargetSelector.select(slots, twoLive::contains, 6, 2, 2)).isEmpty();
    assertThat(TargetSelector.select(slots, id -> false, 6, 2, 2)).isEmpty();
  }

  @Test
  void tooFewAzsForTheAzRule_isImpossible() {
    PlacementMap map = map(uniform(2, 4));
    assertThat(TargetSelector.select(slotsOf(map, 0), id -> true, 6, 2, 2)).isEmpty();
    assertThat(TargetSelector.select(slotsOf(map, 0), id -> true, 6, 3, 2)).isPresent();
  }

  @Test
  void homesSkipSlotsOfFullAzs() {
    // 3 AZs of unequal size: az3 has one node, so a 2+1 (cap 1) skips az1's second slot.
    List<NodeInfo> members = List.of(node(1, 1, 100), node(1, 2, 100), node(2, 1, 100), node(3, 1, 100));
    PlacementMap map = map(members);
    for (int g = 0; g < 32; g++) {
      List<NodeInfo> homes = TargetSelector.homes(slotsOf(map, g), 3, 1);
      assertThat(homes).extracting(NodeInfo::az).containsExactlyInAnyOrder("az1", "az2", "az3");
    }
  }

  // ---- brute-force oracle ----

  /** Every assignment of the dead homes' shards to live slot nodes; the best has the most distinct nodes. */
  private static int oracleMaxDistinct(List<NodeInfo> slots, Set<String> live, List<NodeInfo> homes, int maxPerNode) {
    Map<String, Integer> load = new HashMap<>();
    List<Integer> deadShards = new ArrayList<>();
    for (int i = 0; i < homes.size(); i++) {
      if (live.contains(homes.get(i).nodeId())) {
        load.merge(homes.get(i).nodeId(), 1, Integer::sum);
      } else {
        deadShards.add(i);
      }
    }
    List<String> candidates = slots.stream().map(NodeInfo::nodeId).filter(live::contains).toList();
    return search(deadShards.size(), candidates, load, maxPerNode);
  }

  /** -1 if infeasible, else the maximum number of distinct nodes over all assignments. */
  private static int search(int left, List<String> candidates, Map<String, Integer> load, int maxPerNode) {
    if (left == 0) {
      return load.size();
    }
    int best = -1;
    for (String c : candidates) {
      int l = load.getOrDefault(c, 0);
      if (l < maxPerNode) {
        load.put(c, l + 1);
        best = Math.max(best, search(left - 1, candidates, load, maxPerNode));
        if (l == 0) {
          load.remove(c);
        } else {
          load.put(c, l);
        }
      }
    }
    return best;
  }

  @Test
  void randomClustersAndFailures_matchTheBruteForceOracle() {
    SplittableRandom rnd = new SplittableRandom(2024);
    int feasible = 0;
    for (int trial = 0; trial < 400; trial++) {
      List<NodeInfo> members = new ArrayList<>();
      int count = 3 + rnd.nextInt(6);
      for (int i = 1; i <= count; i++) {
        members.add(node(1 + rnd.nextInt(3), i, 50 + rnd.nextInt(200)));
      }
      PlacementMap map = map(members);
      int width = 2 + rnd.nextInt(5);
      int maxPerAz = 1 + rnd.nextInt(width);
      int maxPerNode = 1 + rnd.nextInt(3);
      Set<String> live = new HashSet<>();
      members.forEach(n -> {
        if (rnd.nextInt(3) > 0) {
          live.add(n.nodeId());
        }
      });
      int group = rnd.nextInt(map.placementGroupCount());
      List<NodeInfo> slots = slotsOf(map, group);
      String context = "trial " + trial + " width=" + width + " maxPerAz=" + maxPerAz + " maxPerNode=" + maxPerNode
          + " slots=" + slots.stream().map(NodeInfo::nodeId).toList() + " live=" + live;

      List<NodeInfo> homes = TargetSelector.homes(slots, width, maxPerAz);
      int oracle = homes.size() < width ? -1 : oracleMaxDistinct(slots, live, homes, maxPerNode);
      Optional<List<ShardTarget>> result = TargetSelector.select(slots, live::contains, width, maxPerAz, maxPerNode);
      assertThat(result.isPresent()).as(context).isEqualTo(oracle >= 0);
      if (result.isEmpty()) {
        continue;
      }
      feasible++;
      List<ShardTarget> targets = result.get();
      assertThat(targets).as(context).hasSize(width);
      Map<String, Long> perNode = targets.stream().collect(Collectors.groupingBy(ShardTarget::nodeId, Collectors.counting()));
      assertThat(perNode.values()).as(context).allMatch(c -> c <= maxPerNode);
      assertThat(perNode.keySet()).as(context).allMatch(live::contains);
      assertThat(perNode).as(context + " distinct nodes").hasSize(oracle);
      for (int i = 0; i < width; i++) {
        boolean homeLive = live.contains(homes.get(i).nodeId());
        assertThat(targets.get(i).misplaced()).as(context).isEqualTo(!homeLive);
        if (homeLive) {
          assertThat(targets.get(i).nodeId()).as(context).isEqualTo(homes.get(i).nodeId());
        }
      }
    }
    assertThat(feasible).isGreaterThan(50);
  }
}
