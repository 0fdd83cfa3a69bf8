package io.moraine.launcher.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moraine.launcher.config.RoleConfig.Keys;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Storage nodes added to a local cluster: ids after the fixed layout's, recorded and kept across loads. */
class AddedStorageTest {

  @TempDir
  Path dir;

  @Test
  void addedNodesGetTheNextFreeIdAndKeepTheirPorts() throws Exception {
    ClusterLayout layout = ClusterLayout.loadOrCreate(dir, 3, 1, 19000, 12181);
    AddedStorage added = AddedStorage.load(dir);
    assertThat(added.add(layout, "az1", List.of())).isEqualTo("storage-az1-4");
    assertThat(added.add(layout, "az1", List.of(dir.resolve("d1"), dir.resolve("d2")))).isEqualTo("storage-az1-5");
    assertThat(added.add(layout, "az3", List.of())).isEqualTo("storage-az3-4");

    AddedStorage again = AddedStorage.load(dir);
    assertThat(again.ids()).containsExactly("storage-az1-4", "storage-az1-5", "storage-az3-4");
    List<ClusterLayout.Node> nodes = again.nodes(layout);
    assertThat(nodes).allSatisfy(n -> {
      assertThat(n.role()).isEqualTo("storage");
      assertThat(n.config().require(Keys.ZK_CONNECT)).isEqualTo(layout.zkConnect());
    });
    assertThat(nodes.get(1).config().require(Keys.STORAGE_DISKS))
        .isEqualTo(dir.resolve("d1").toAbsolutePath() + "," + dir.resolve("d2").toAbsolutePath());
    assertThat(nodes.get(0).config().toPropertiesText()).isEqualTo(added.nodes(layout).get(0).config().toPropertiesText());

    again.remove("storage-az1-4");
    assertThat(AddedStorage.load(dir).ids()).containsExactly("storage-az1-5", "storage-az3-4");
    // The freed id is reused by the next addition in that AZ.
    assertThat(AddedStorage.load(dir).add(layout, "az1", List.of())).isEqualTo("storage-az1-4");
  }

  @Test
  void rejectsUnknownAzsAndNodes() throws Exception {
    ClusterLayout layout = ClusterLayout.loadOrCreate(dir, 2, 1, 19000, 12181);
    AddedStorage added = AddedStorage.load(dir);
    assertThatThrownBy(() -> added.add(layout, "az4", List.of())).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> added.remove("storage-az1-1")).isInstanceOf(IllegalArgumentException.class);
  }
}
