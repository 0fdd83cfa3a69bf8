package io.moraine.placement;

import io.moraine.placement.NodeInfo.NodeState;
import java.util.ArrayList;
import java.util.List;

/** Test topologies with the node ids of DESIGN.md ({@code storage-azA-N}). */
final class Clusters {

  static final long GIB = 1L << 30;

  private Clusters() {}

  static NodeInfo node(int az, int n, long capacityGib) {
    return new NodeInfo("storage-az" + az + "-" + n, "az" + az, "127.0.0.1", 7000 + az * 100 + n, capacityGib * GIB, NodeState.UP);
  }

  /** {@code azs} AZs with {@code perAz} nodes each, 100 GiB each. */
  static List<NodeInfo> uniform(int azs, int perAz) {
    List<NodeInfo> nodes = new ArrayList<>();
    for (int az = 1; az <= azs; az++) {
      for (int n = 1; n <= perAz; n++) {
        nodes.add(node(az, n, 100));
      }
    }
    return nodes;
  }

  static NodeInfo withState(NodeInfo n, NodeState state) {
    return new NodeInfo(n.nodeId(), n.az(), n.host(), n.grpcPort(), n.capacityBytes(), state);
  }
}
