package io.moraine.gateway.fakes;

import io.moraine.placement.NodeInfo;
import io.moraine.placement.PlacementMap;
import io.moraine.placement.PlacementView;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Six nodes, two per AZ; each group lists the nodes AZ-interleaved, rotated by group. */
public final class FixedPlacement implements PlacementView {
  public final Set<String> down = ConcurrentHashMap.newKeySet();
  private final PlacementMap map;

  public FixedPlacement() {
    List<NodeInfo> nodes = new ArrayList<>();
    String[] order = {"storage-az1-1", "storage-az2-1", "storage-az3-1", "storage-az1-2", "storage-az2-2", "storage-az3-2"};
    for (String id : order) {
      nodes.add(new NodeInfo(id, id.substring(8, 11), "127.0.0.1", 1, 1L << 40, NodeInfo.NodeState.UP));
    }
    List<List<String>> groups = new ArrayList<>();
    for (int g = 0; g < 8; g++) {
      List<String> slots = new ArrayList<>();
      for (int i = 0; i < order.length; i++) {
        slots.add(order[(g + i) % order.length]);
      }
      groups.add(slots);
    }
    this.map = new PlacementMap(1, 8, nodes.stream().sorted((a, b) -> a.nodeId().compareTo(b.nodeId())).toList(), groups);
  }

  @Override
  public Optional<PlacementMap> current() {
    return Optional.of(map);
  }

  @Override
  public Optional<NodeInfo> node(String nodeId) {
    return map.nodes().stream().filter(n -> n.nodeId().equals(nodeId)).findFirst();
  }

  @Override
  public boolean isLive(String nodeId) {
    return !down.contains(nodeId);
  }

  @Override
  public Optional<List<ShardTarget>> targets(int group, int width, int maxPerAz, int maxPerNode) {
    List<String> slots = map.groups().get(group);
    List<ShardTarget> out = new ArrayList<>();
    Map<String, Integer> perAz = new HashMap<>();
    Map<String, Integer> perNode = new HashMap<>();
    for (int i = 0; i < width; i++) {
      String home = slots.get(i % slots.size());
      String chosen = null;
      if (isLive(home) && fits(home, perAz, perNode, maxPerAz, maxPerNode)) {
        chosen = home;
      } else {
        for (String alt : slots) {
          if (isLive(alt) && fits(alt, perAz, perNode, maxPerAz, maxPerNode)) {
            chosen = alt;
            break;
          }
        }
      }
      if (chosen == null) {
        return Optional.empty();
      }
      perAz.merge(az(chosen), 1, Integer::sum);
      perNode.merge(chosen, 1, Integer::sum);
      out.add(new ShardTarget(chosen, !chosen.equals(home)));
    }
    return Optional.of(out);
  }

  private static boolean fits(String node, Map<String, Integer> perAz, Map<String, Integer> perNode, int maxPerAz,
      int maxPerNode) {
    return perAz.getOrDefault(az(node), 0) < maxPerAz && perNode.getOrDefault(node, 0) < maxPerNode;
  }

  private static String az(String node) {
    return node.substring(8, 11);
  }
}
