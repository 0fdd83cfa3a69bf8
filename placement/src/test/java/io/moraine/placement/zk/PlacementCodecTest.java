package io.moraine.placement.zk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moraine.placement.NodeInfo;
import io.moraine.placement.NodeInfo.NodeState;
import io.moraine.placement.PlacementCalculator;
import io.moraine.placement.PlacementConfig;
import io.moraine.placement.PlacementMap;
import io.moraine.proto.placement.v1.NodeRecord;
import io.moraine.proto.placement.v1.PlacementMapRecord;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PlacementCodecTest {

  private static final List<NodeInfo> NODES = List.of(
      new NodeInfo("storage-az1-1", "az1", "10.0.0.1", 7001, 100L << 30, NodeState.UP),
      new NodeInfo("storage-az2-1", "az2", "10.0.0.2", 7002, 200L << 30, NodeState.DRAINING),
      new NodeInfo("storage-az3-1", "az3", "10.0.0.3", 7003, 300L << 30, NodeState.UP));

  @Test
  void mapRoundTrips() {
    PlacementMap map = PlacementCalculator.compute(Optional.empty(), NODES, PlacementConfig.defaults());
    assertThat(PlacementCodec.decodeMap(PlacementCodec.encodeMap(map))).isEqualTo(map);
  }

  @Test
  void nodeRoundTrips_downIsNotStored() {
    assertThat(PlacementCodec.decodeNode(PlacementCodec.encodeNode(NODES.get(1)))).isEqualTo(NODES.get(1));
    NodeInfo down = new NodeInfo("storage-az1-1", "az1", "h", 1, 5, NodeState.DOWN);
    assertThat(PlacementCodec.decodeNode(PlacementCodec.encodeNode(down)).state()).isEqualTo(NodeState.UP);
  }

  @Test
  void unknownFormatVersionsAndBrokenMapsAreRejected() throws Exception {
    byte[] v2 = NodeRecord.newBuilder().setFormatVersion(2).setNodeId("x").build().toByteArray();
    assertThatThrownBy(() -> PlacementCodec.decodeNode(v2)).hasMessageContaining("format version 2");
    byte[] noVersion = PlacementMapRecord.newBuilder().setEpoch(3).build().toByteArray();
    assertThatThrownBy(() -> PlacementCodec.decodeMap(noVersion)).hasMessageContaining("format version 0");
    PlacementMap map = PlacementCalculator.compute(Optional.empty(), NODES, new PlacementConfig(4, 16, 1));
    PlacementMapRecord good = PlacementMapRecord.parseFrom(PlacementCodec.encodeMap(map));
    byte[] missingGroup = good.toBuilder().removeGroups(3).build().toByteArray();
    assertThatThrownBy(() -> PlacementCodec.decodeMap(missingGroup)).hasMessageContaining("3 groups");
    byte[] badIndex = good.toBuilder().setGroups(0, good.getGroups(0).toBuilder().setNodeIndex(0, 7)).build().toByteArray();
    assertThatThrownBy(() -> PlacementCodec.decodeMap(badIndex)).hasMessageContaining("slot index 7");
    assertThatThrownBy(() -> PlacementCodec.decodeMap(new byte[] {(byte) 0xff, 1, 2})).hasMessageContaining("unreadable");
  }
}
