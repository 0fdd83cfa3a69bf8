package io.moraine.placement;

import static io.moraine.placement.Clusters.uniform;
import static org.assertj.core.api.Assertions.assertThat;

import io.moraine.placement.NodeInfo.NodeState;
import io.moraine.placement.PlacementView.ShardTarget;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The one-zone rule of DESIGN.md, Storage classes (ONEZONE_IA: at most one shard per node, every
 * shard in one AZ): the zone's slot list, the choice of the zone, and writes over both.
 */
class ZoneSelectionTest {

  private static PlacementMap map(List<NodeInfo> members, int maxSlots) {
    return PlacementCalculator.compute(Optional.empty(), members, new PlacementConfig(64, maxSlots, Clusters.GIB));
  }

  @Test
  void zoneSlots_areTheGroupsSlotsInTheZoneThenTheZonesOtherNodes_allInTheZone() {
    // 3 AZs of 8 nodes, 6 slots per group: a group names only 2 nodes of each AZ.
    PlacementMap map = map(uniform(3, 8), 6);
    for (int g = 0; g < map.placementGroupCount(); g++) {
      List<NodeInfo> slots = TargetSelector.zoneSlots(map, g, "az2");
      assertThat(slots).hasSize(8).allMatch(n -> n.az().equals("az2"));
      assertThat(new HashSet<>(slots)).hasSize(8);
      List<String> groupInZone = map.groups().get(g).stream().filter(id -> id.startsWith("storage-az2-")).toList();
      assertThat(slots.subList(0, groupInZone.size())).extracting(NodeInfo::nodeId).containsExactlyElementsOf(groupInZone);
    }
  }

  @Test
  void zoneSlots_putDrainingNodesLast() {
    List<NodeInfo> members = new ArrayList<>(uniform(3, 3));
    members.set(0, Clusters.withState(members.get(0), NodeState.DRAINING)); // storage-az1-1
    PlacementMap map = map(members, 16);
    for (int g = 0; g < map.placementGroupCount(); g++) {
      List<NodeInfo> slots = TargetSelector.zoneSlots(map, g, "az1");
      assertThat(slots).hasSize(3);
      assertThat(slots.get(2).nodeId()).isEqualTo("storage-az1-1");
    }
  }

  @Test
  void targetsInZone_oneShardPerNode_fallbacksStayInTheZone() {
    PlacementMap map = map(uniform(3, 7), 16);
    for (int g = 0; g < map.placementGroupCount(); g++) {
      List<NodeInfo> slots = TargetSelector.zoneSlots(map, g, "az3");
      String deadHome = slots.get(1).nodeId();
      List<ShardTarget> t = TargetSelector.select(slots, id -> !id.equals(deadHome), 6, 6, 1).orElseThrow();
      assertThat(t).extracting(ShardTarget::nodeId).allMatch(id -> id.startsWith("storage-az3-"))
          .doesNotContain(deadHome).doesNotHaveDuplicates();
      assertThat(t.get(1).misplaced()).isTrue();
      assertThat(t.stream().filter(ShardTarget::misplaced).count()).isEqualTo(1);
    }
  }

  @Test
  void targetsInZone_tooFewLiveNodesInTheZone_isEmpty() {
    PlacementMap map = map(uniform(3, 2), 16);
    // RS 1+1 needs both az1 nodes; with one down nothing in az1 can take the second copy.
    assertThat(TargetSelector.select(TargetSelector.zoneSlots(map, 5, "az1"), id -> !id.equals("storage-az1-2"), 2, 2, 1))
        .isEmpty();
  }

  @Test
  void chooseZone_isDeterministicFromTheKey_andSpreadsOverTheEligibleAzs() {
    PlacementMap map = map(uniform(3, 2), 16);
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < 3000; i++) {
      String key = "data-" + i;
      String zone = TargetSelector.chooseZone(map, id -> true, 2, key).orElseThrow();
      assertThat(TargetSelector.chooseZone(map, id -> true, 2, key)).contains(zone);
      counts.merge(zone, 1, Integer::sum);
    }
    assertThat(counts).containsOnlyKeys("az1", "az2", "az3");
    assertThat(counts.values()).allMatch(c -> c > 800);
  }

  @Test
  void chooseZone_skipsAzsWithTooFewLiveOrNonDrainingNodes() {
    List<NodeInfo> members = new ArrayList<>(uniform(3, 2));
    members.set(2, Clusters.withState(members.get(2), NodeState.DRAINING)); // storage-az2-1
    PlacementMap map = map(members, 16);
    Set<String> zones = new HashSet<>();
    for (int i = 0; i < 500; i++) {
      zones.add(TargetSelector.chooseZone(map, id -> !id.equals("storage-az1-1"), 2, "k" + i).orElseThrow());
    }
    assertThat(zones).containsExactly("az3");
    assertThat(TargetSelector.chooseZone(map, id -> false, 1, "k")).isEmpty();
    assertThat(TargetSelector.chooseZone(map, id -> true, 3, "k")).isEmpty();
  }
}
