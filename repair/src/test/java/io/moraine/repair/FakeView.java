package io.moraine.repair;

import io.moraine.placement.NodeInfo;
import io.moraine.placement.PlacementCalculator;
import io.moraine.placement.PlacementConfig;
import io.moraine.placement.PlacementMap;
import io.moraine.placement.PlacementView;
import io.moraine.placement.TargetSelector;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** A fixed map over 3 AZs × 3 nodes; liveness is a set the test edits. */
final class FakeView implements PlacementView {
  final List<NodeInfo> nodes = new ArrayList<>();
  final Set<String> down = ConcurrentHashMap.newKeySet();
  volatile PlacementMap map;

  FakeView() {
    for (int az = 1; az <= 3; az++) {
      for (int n = 1; n <= 3; n++) {
        nodes.add(new NodeInfo("storage-az" + az + "-" + n, "az" + az, "127.0.0.1", 1, 100L << 30, NodeInfo.NodeState.UP));
      }
    }
    map = PlacementCalculator.compute(Optional.empty(), nodes, PlacementConfig.defaults());
  }

  /** Membership changed (join, drain): the placement leader publishes the next epoch. */
  void recompute() {
    map = PlacementCalculator.compute(Optional.of(map), nodes, PlacementConfig.defaults());
  }

  void setState(String nodeId, NodeInfo.NodeState state) {
    NodeInfo n = node(nodeId).orElseThrow();
    nodes.set(nodes.indexOf(n), new NodeInfo(n.nodeId(), n.az(), n.host(), n.grpcPort(), n.capacityBytes(), state));
  }

  @Override
  public Optional<PlacementMap> current() {
    return Optional.of(map);
  }

  @Override
  public Optional<NodeInfo> node(String nodeId) {
    return nodes.stream().filter(n -> n.nodeId().equals(nodeId)).findFirst();
  }

  @Override
  public boolean isLive(String nodeId) {
    return node(nodeId).isPresent() && !down.contains(nodeId);
  }

  @Override
  public Optional<List<ShardTarget>> targets(int placementGroup, int width, int maxShardsPerAz, int maxShardsPerNode) {
    List<NodeInfo> slots = map.groups().get(placementGroup).stream().map(id -> node(id).orElseThrow()).toList();
    return TargetSelector.select(slots, this::isLive, width, maxShardsPerAz, maxShardsPerNode);
  }
}
