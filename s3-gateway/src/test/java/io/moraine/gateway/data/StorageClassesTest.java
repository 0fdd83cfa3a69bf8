package io.moraine.gateway.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moraine.placement.NodeInfo;
import io.moraine.placement.PlacementMap;
import io.moraine.placement.PlacementView;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Class resolution and the topology check of DESIGN.md, Storage classes: the table's profiles on a
 * big cluster, the small-cluster profiles (and their announcement) on the 6-node dev cluster, the
 * one-zone rule, configured overrides, and re-resolution when the map changes.
 */
class StorageClassesTest {

  /** A map of {@code perAz[i]} nodes in AZ i+1 (no groups needed for resolution). */
  static PlacementMap map(long epoch, int... perAz) {
    List<NodeInfo> nodes = new ArrayList<>();
    for (int az = 0; az < perAz.length; az++) {
      for (int n = 1; n <= perAz[az]; n++) {
        nodes.add(new NodeInfo("storage-az" + (az + 1) + "-" + n, "az" + (az + 1), "127.0.0.1", 1, 1L << 40,
            NodeInfo.NodeState.UP));
      }
    }
    return new PlacementMap(epoch, 1, nodes, List.of(nodes.stream().map(NodeInfo::nodeId).toList()));
  }

  static String labels(Map<String, StorageClasses.Resolved> r, String c) {
    StorageClasses.Resolved x = r.get(c);
    return x.profile().label() + (x.profile().oneZone() ? " one-zone" : "") + (x.small() ? " small" : "");
  }

  @Test
  void devCluster_sixNodesTwoPerAz_usesTheSmallProfilesOfTheTable() {
    Map<String, StorageClasses.Resolved> r = StorageClasses.defaults().resolve(map(1, 2, 2, 2));
    assertThat(r).containsOnlyKeys(StorageClasses.NAMES);
    assertThat(labels(r, "STANDARD")).isEqualTo("4+2");
    assertThat(labels(r, "STANDARD_IA")).isEqualTo("4+2");
    assertThat(labels(r, "INTELLIGENT_TIERING")).isEqualTo("4+2");
    assertThat(labels(r, "GLACIER_IR")).isEqualTo("4+2");
    assertThat(labels(r, "REDUCED_REDUNDANCY")).isEqualTo("2+1");
    assertThat(labels(r, "ONEZONE_IA")).isEqualTo("1+1 one-zone small");
    assertThat(labels(r, "GLACIER")).isEqualTo("4+2 small");
    assertThat(labels(r, "DEEP_ARCHIVE")).isEqualTo("4+2 small");
    assertThat(r.get("GLACIER").line())
        .isEqualTo("storage-class GLACIER profile=4+2 (small cluster: 8+4 needs 4 nodes per AZ in 3 AZs)");
    assertThat(r.get("ONEZONE_IA").line())
        .isEqualTo("storage-class ONEZONE_IA profile=1+1 one-zone (small cluster: 4+2 needs 6 nodes in one AZ)");
    assertThat(r.get("STANDARD").line()).isEqualTo("storage-class STANDARD profile=4+2");
  }

  @Test
  void bigCluster_twelveNodesFourPerAz_archivesUse8Plus4_oneZoneStillNeedsSixInOneAz() {
    Map<String, StorageClasses.Resolved> r = StorageClasses.defaults().resolve(map(1, 4, 4, 4));
    assertThat(labels(r, "GLACIER")).isEqualTo("8+4");
    assertThat(labels(r, "DEEP_ARCHIVE")).isEqualTo("8+4");
    assertThat(r.get("GLACIER").profile().maxShardsPerAz()).isEqualTo(4);
    assertThat(labels(r, "ONEZONE_IA")).isEqualTo("1+1 one-zone small");
    Map<String, StorageClasses.Resolved> big = StorageClasses.defaults().resolve(map(1, 6, 4, 4));
    assertThat(labels(big, "ONEZONE_IA")).isEqualTo("4+2 one-zone");
    assertThat(big.get("ONEZONE_IA").profile().maxShardsPerNode()).isEqualTo(1);
    assertThat(big.get("ONEZONE_IA").profile().maxShardsPerAz()).isEqualTo(6);
  }

  @Test
  void archivesNeedFourNodesInEachOfThreeAzs_notJustTwelveNodes() {
    // 12 nodes, but 6+5+1: the AZs hold only 4+4+1 = 9 homes of at most 4 per AZ.
    assertThat(labels(StorageClasses.defaults().resolve(map(1, 6, 5, 1)), "GLACIER")).isEqualTo("4+2 small");
    assertThat(labels(StorageClasses.defaults().resolve(map(1, 4, 4, 4, 0)), "GLACIER")).isEqualTo("8+4");
  }

  @Test
  void drainingNodesDoNotCount() {
    PlacementMap m = map(1, 4, 4, 4);
    List<NodeInfo> nodes = new ArrayList<>(m.nodes());
    NodeInfo n = nodes.get(0);
    nodes.set(0, new NodeInfo(n.nodeId(), n.az(), n.host(), n.grpcPort(), n.capacityBytes(), NodeInfo.NodeState.DRAINING));
    PlacementMap drained = new PlacementMap(2, 1, nodes, m.groups());
    assertThat(labels(StorageClasses.defaults().resolve(drained), "GLACIER")).isEqualTo("4+2 small");
  }

  @Test
  void aClusterTooSmallEvenForTheSmallProfile_saysSo() {
    StorageClasses.Resolved r = StorageClasses.defaults().resolve(map(1, 1, 1)).get("STANDARD");
    assertThat(r.fits()).isFalse();
    assertThat(r.line()).startsWith("storage-class STANDARD profile=4+2 (cluster too small even for it");
  }

  @Test
  void profilesAreConfiguration() {
    StorageClasses c = StorageClasses.fromConfig(Map.of(
        "storage-class.GLACIER.profile", "6+3", "storage-class.STANDARD.small-profile", "2+1",
        "storage-class.ONEZONE_IA.small-profile", "2+1"));
    Map<String, StorageClasses.Resolved> big = c.resolve(map(1, 3, 3, 3));
    assertThat(labels(big, "GLACIER")).isEqualTo("6+3");
    assertThat(labels(c.resolve(map(1, 1, 1, 1)), "STANDARD")).isEqualTo("2+1 small");
    assertThat(labels(big, "ONEZONE_IA")).isEqualTo("2+1 one-zone small");
    assertThat(StorageClasses.configKeys()).hasSize(16).contains("storage-class.DEEP_ARCHIVE.small-profile");
  }

  @Test
  void malformedProfilesAreRefusedNamingTheKey() {
    for (String bad : List.of("8", "8+", "+4", "0+2", "4+0", "a+b", "200+100", "8+4+1")) {
      assertThatThrownBy(() -> StorageClasses.fromConfig(Map.of("storage-class.GLACIER.profile", bad)))
          .as(bad).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("storage-class.GLACIER.profile");
    }
  }

  @Test
  void onlyTheGeneralPurposeClassesAreKnown() {
    // S3 API reference, PutObject x-amz-storage-class: EXPRESS_ONEZONE is for directory buckets,
    // OUTPOSTS for Outposts buckets, SNOW for Snow Family devices: InvalidStorageClass elsewhere.
    for (String c : StorageClasses.NAMES) {
      assertThat(StorageClasses.known(c)).isTrue();
    }
    for (String c : List.of("EXPRESS_ONEZONE", "OUTPOSTS", "SNOW", "FSX_OPENZFS", "standard", "")) {
      assertThat(StorageClasses.known(c)).as(c).isFalse();
    }
  }

  static PlacementView view(PlacementMap[] current, java.util.Set<String> down) {
    return new PlacementView() {
      @Override
      public Optional<PlacementMap> current() {
        return Optional.of(current[0]);
      }

      @Override
      public Optional<NodeInfo> node(String nodeId) {
        return Optional.empty();
      }

      @Override
      public boolean isLive(String nodeId) {
        return !down.contains(nodeId);
      }

      @Override
      public Optional<List<ShardTarget>> targets(int placementGroup, int width, int maxShardsPerAz, int maxShardsPerNode) {
        return Optional.empty();
      }
    };
  }

  @Test
  void oneZoneWritesUseTheSmallProfileWhileNoAzCanTakeTheBigOne() {
    StorageClasses c = StorageClasses.defaults();
    java.util.Set<String> down = new java.util.HashSet<>();
    PlacementView v = view(new PlacementMap[] {map(1, 6, 2, 2)}, down);
    assertThat(c.profile("ONEZONE_IA", v)).isEqualTo(ErasureProfile.oneZone(4, 2));
    down.add("storage-az1-3"); // az1, the only AZ with 6 nodes, has 5 live
    assertThat(c.profile("ONEZONE_IA", v)).isEqualTo(ErasureProfile.oneZone(1, 1));
    assertThat(c.profile("STANDARD", v)).isEqualTo(ErasureProfile.RS_4_2);
    down.clear();
    assertThat(c.profile("ONEZONE_IA", v)).isEqualTo(ErasureProfile.oneZone(4, 2));
  }

  @Test
  void theProfileFollowsTheMapWhenTheTopologyChanges() {
    StorageClasses c = StorageClasses.defaults();
    PlacementMap[] current = {map(1, 2, 2, 2)};
    PlacementView view = new PlacementView() {
      @Override
      public Optional<PlacementMap> current() {
        return Optional.of(current[0]);
      }

      @Override
      public Optional<NodeInfo> node(String nodeId) {
        return Optional.empty();
      }

      @Override
      public boolean isLive(String nodeId) {
        return true;
      }

      @Override
      public Optional<List<ShardTarget>> targets(int placementGroup, int width, int maxShardsPerAz, int maxShardsPerNode) {
        return Optional.empty();
      }
    };
    assertThat(c.profile("GLACIER", view).label()).isEqualTo("4+2");
    current[0] = map(2, 4, 4, 4); // six storage nodes joined
    assertThat(c.profile("GLACIER", view).label()).isEqualTo("8+4");
    assertThat(c.lines(current[0])).contains("storage-class GLACIER profile=8+4");
  }
}
