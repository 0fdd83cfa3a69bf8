package io.moraine.launcher.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moraine.launcher.config.RoleConfig.Keys;
import java.nio.file.Files;
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

  @Test
  void regionAndScaledDayReachEveryProcessAndTheRegionIsFixedOnceCreated() throws Exception {
    ClusterLayout layout = ClusterLayout.loadOrCreate(dir, 1, 1, 19000, 12181);
    layout.applyStartFlags("eu-west-1", 2L);
    ClusterLayout again = ClusterLayout.loadOrCreate(dir, 1, 1, 19000, 12181);
    assertThat(again.region()).isEqualTo("eu-west-1");
    assertThat(again.daySeconds()).isEqualTo(2);
    assertThat(again.nodes()).allSatisfy(n -> {
      assertThat(n.config().require("region")).isEqualTo("eu-west-1");
      assertThat(n.config().dayScale().daySeconds()).isEqualTo(2);
    });
    again.applyStartFlags(null, null); // later starts without the flags keep both
    assertThat(ClusterLayout.loadOrCreate(dir, 1, 1, 19000, 12181).daySeconds()).isEqualTo(2);
    assertThatThrownBy(() -> again.applyStartFlags("us-west-2", null)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("was created with region eu-west-1");
    assertThatThrownBy(() -> again.applyStartFlags(null, 0L)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void eachGatewayServesWebsitesOnItsOwnRecordedPort() throws Exception {
    ClusterLayout layout = ClusterLayout.loadOrCreate(dir, 1, 1, 19000, 12181);
    assertThat(layout.websitePort(1)).isNotIn(19000, 19001, layout.websitePort(2));
    assertThat(layout.nodes()).filteredOn(n -> n.role().equals("gateway")).extracting(
        n -> n.config().require(Keys.GATEWAY_WEBSITE_PORT)).containsExactly(
        Integer.toString(layout.websitePort(1)), Integer.toString(layout.websitePort(2)));
    assertThat(ClusterCommand.websiteLine(layout)).isEqualTo("moraine website endpoints=http://BUCKET.s3-website.localhost:"
        + layout.websitePort(1) + "/,http://BUCKET.s3-website.localhost:" + layout.websitePort(2) + "/");
  }

  @Test
  void aClusterRecordedBeforeWebsitePortsGetsThemOnceAndKeepsThem() throws Exception {
    ClusterLayout.loadOrCreate(dir, 1, 1, 19000, 12181);
    Path file = dir.resolve("cluster.properties");
    Files.write(file, Files.readAllLines(file).stream().filter(l -> !l.contains(".website=")).toList());
    ClusterLayout upgraded = ClusterLayout.loadOrCreate(dir, 1, 1, 19000, 12181);
    ClusterLayout again = ClusterLayout.loadOrCreate(dir, 1, 1, 19000, 12181);
    assertThat(again.websitePort(1)).isEqualTo(upgraded.websitePort(1));
    assertThat(again.websitePort(2)).isEqualTo(upgraded.websitePort(2));
  }

  @Test
  void internalTlsIsRecordedKeptAcrossRestartsAndNamesEachNodesOwnCertificate() throws Exception {
    ClusterLayout plain = ClusterLayout.loadOrCreate(dir, 1, 1, 19000, 12181);
    assertThat(plain.internalTls()).isFalse();
    assertThat(plain.nodes()).allSatisfy(n -> assertThat(n.config().get(Keys.TLS_INTERNAL_ENABLED)).isEmpty());
    plain.enableInternalTls();
    ClusterLayout again = ClusterLayout.loadOrCreate(dir, 1, 1, 19000, 12181);
    assertThat(again.internalTls()).isTrue();
    List<String> ids = again.nodes().stream().map(ClusterLayout.Node::nodeId).toList();
    again.issueTls(ids, java.time.InstantSource.system(), new java.security.SecureRandom());
    for (ClusterLayout.Node n : again.nodes()) {
      assertThat(io.moraine.launcher.config.InternalTls.files(n.config())).as(n.nodeId())
          .contains(again.tlsFiles(n.nodeId()));
      java.security.cert.X509Certificate leaf = io.moraine.tls.Pem.readCertificates(again.tlsFiles(n.nodeId()).certFile())
          .getFirst();
      assertThat(leaf.getSubjectX500Principal().getName()).contains("CN=" + n.nodeId());
      assertThat(leaf.getSubjectAlternativeNames()).extracting(l -> l.get(1).toString()).contains("127.0.0.1");
    }
    // Issued once: a restart reuses the files (clients keep trusting the same CA).
    String before = Files.readString(again.tlsFiles("meta-1").certFile());
    again.issueTls(ids, java.time.InstantSource.system(), new java.security.SecureRandom());
    assertThat(Files.readString(again.tlsFiles("meta-1").certFile())).isEqualTo(before);
  }
}
