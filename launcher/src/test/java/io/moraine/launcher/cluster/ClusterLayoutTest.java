package io.moraine.launcher.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local cluster's shape (DESIGN.md, Contracts): node ids, AZs, ports recorded once and kept. */
class ClusterLayoutTest {

  @TempDir
  Path dir;

  @Test
  void theDefaultShapeHasTheContractNodeIdsInStartOrder() throws Exception {
    ClusterLayout layout = ClusterLayout.loadOrCreate(dir, 2, 1, 19000, 12181);
    assertThat(layout.nodes()).extracting(ClusterLayout.Node::nodeId).containsExactly("zk-1", "meta-1", "meta-2",
        "meta-3", "storage-az1-1", "storage-az1-2", "storage-az2-1", "storage-az2-2", "storage-az3-1", "storage-az3-2",
        "gateway-1", "gateway-2");
    assertThat(layout.nodes()).filteredOn(n -> n.nodeId().startsWith("meta-") || n.nodeId().startsWith("gateway-"))
        .allSatisfy(n -> assertThat(n.az()).isEqualTo("az" + n.nodeId().charAt(n.nodeId().length() - 1)));
    assertThat(layout.gatewayPort(1)).isEqualTo(19000);
    assertThat(layout.gatewayPort(2)).isEqualTo(19001);
    assertThat(layout.zkConnect()).isEqualTo("127.0.0.1:12181");
  }

  @Test
  void portsAreChosenOnceAndKeptAcrossRestarts() throws Exception {
    ClusterLayout first = ClusterLayout.loadOrCreate(dir, 3, 3, 19000, 12181);
    // Later flags do not change a recorded cluster: Raft peers must keep their addresses.
    ClusterLayout again = ClusterLayout.loadOrCreate(dir, 2, 1, 29000, 22181);
    assertThat(again.nodes()).hasSize(3 + 3 + 9 + 2);
    List<String> firstConfigs = first.nodes().stream().map(n -> n.config().toPropertiesText()).toList();
    assertThat(again.nodes().stream().map(n -> n.config().toPropertiesText()).toList()).isEqualTo(firstConfigs);
    assertThat(again.zkConnect()).startsWith("127.0.0.1:12181,127.0.0.1:");
  }
}
