package io.moraine.placement.zk;

import com.google.protobuf.InvalidProtocolBufferException;
import io.moraine.placement.NodeInfo;
import io.moraine.placement.NodeInfo.NodeState;
import io.moraine.placement.PlacementMap;
import io.moraine.proto.placement.v1.NodeRecord;
import io.moraine.proto.placement.v1.PlacementGroupSlots;
import io.moraine.proto.placement.v1.PlacementMapRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Converts placement records between the domain types and their ZooKeeper bytes
 * ({@code moraine.placement.v1}). Decoding rejects unknown format versions and maps that do not
 * hold together (a slot naming no node, a wrong group count) rather than guess.
 */
public final class PlacementCodec {

  public static final int FORMAT_VERSION = 1;

  private PlacementCodec() {}

  /** A member record; state DRAINING is stored as the draining flag, UP and DOWN as not draining. */
  public static byte[] encodeNode(NodeInfo node) {
    return toRecord(node).toByteArray();
  }

  /** A member record as NodeInfo with state DRAINING or UP (liveness is not in the record). */
  public static NodeInfo decodeNode(byte[] bytes) {
    try {
      return fromRecord(NodeRecord.parseFrom(bytes));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("unreadable node record (" + bytes.length + " bytes)", e);
    }
  }

  public static byte[] encodeMap(PlacementMap map) {
    PlacementMapRecord.Builder b = PlacementMapRecord.newBuilder()
        .setFormatVersion(FORMAT_VERSION)
        .setEpoch(map.epoch())
        .setPlacementGroupCount(map.placementGroupCount());
    Map<String, Integer> index = new HashMap<>();
    for (NodeInfo n : map.nodes()) {
      index.put(n.nodeId(), index.size());
      b.addNodes(toRecord(n));
    }
    for (List<String> group : map.groups()) {
      PlacementGroupSlots.Builder g = PlacementGroupSlots.newBuilder();
      for (String id : group) {
        Integer i = index.get(id);
        if (i == null) {
          throw new IllegalStateException("map epoch " + map.epoch() + " has a slot for " + id + " which is not among its nodes");
        }
        g.addNodeIndex(i);
      }
      b.addGroups(g);
    }
    return b.build().toByteArray();
  }

  public static PlacementMap decodeMap(byte[] bytes) {
    PlacementMapRecord r;
    try {
      r = PlacementMapRecord.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("unreadable placement map (" + bytes.length + " bytes)", e);
    }
    if (r.getFormatVersion() != FORMAT_VERSION) {
      throw new IllegalStateException("placement map format version " + r.getFormatVersion() + " unknown (expected " + FORMAT_VERSION + ")");
    }
    if (r.getGroupsCount() != r.getPlacementGroupCount()) {
      throw new IllegalStateException("placement map epoch " + r.getEpoch() + " has " + r.getGroupsCount()
          + " groups, header says " + r.getPlacementGroupCount());
    }
    List<NodeInfo> nodes = new ArrayList<>(r.getNodesCount());
    for (NodeRecord n : r.getNodesList()) {
      nodes.add(fromRecord(n));
    }
    List<List<String>> groups = new ArrayList<>(r.getGroupsCount());
    for (PlacementGroupSlots g : r.getGroupsList()) {
      List<String> slots = new ArrayList<>(g.getNodeIndexCount());
      for (int i : g.getNodeIndexList()) {
        if (i < 0 || i >= nodes.size()) {
          throw new IllegalStateException("placement map epoch " + r.getEpoch() + " has slot index " + i + " of " + nodes.size() + " nodes");
        }
        slots.add(nodes.get(i).nodeId());
      }
      groups.add(slots);
    }
    return new PlacementMap(r.getEpoch(), r.getPlacementGroupCount(), nodes, groups);
  }

  private static NodeRecord toRecord(NodeInfo n) {
    return NodeRecord.newBuilder()
        .setFormatVersion(FORMAT_VERSION)
        .setNodeId(n.nodeId())
        .setAz(n.az())
        .setHost(n.host() == null ? "" : n.host())
        .setGrpcPort(n.grpcPort())
        .setCapacityBytes(n.capacityBytes())
        .setDraining(n.state() == NodeState.DRAINING)
        .build();
  }

  private static NodeInfo fromRecord(NodeRecord r) {
    if (r.getFormatVersion() != FORMAT_VERSION) {
      throw new IllegalStateException("node record format version " + r.getFormatVersion() + " unknown (expected "
          + FORMAT_VERSION + ") for " + r.getNodeId());
    }
    return new NodeInfo(r.getNodeId(), r.getAz(), r.getHost(), r.getGrpcPort(), r.getCapacityBytes(),
        r.getDraining() ? NodeState.DRAINING : NodeState.UP);
  }
}
