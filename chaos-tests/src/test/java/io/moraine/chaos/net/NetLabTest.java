package io.moraine.chaos.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The namespaced network itself, in seconds and without the cluster: hosts reach each other and
 * the harness, a partition rule cuts exactly what it names, heal restores it, and teardown and
 * the sweep of a crashed run leave nothing behind. Needs root and nft; skipped otherwise.
 */
class NetLabTest {

  private static final Shell SH = Shell.system();

  @BeforeAll
  static void needsRootAndNft() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "network namespaces need root");
    assumeTrue(SH.run(List.of("nft", "--version")).ok(), "nft missing (Debian package nftables)");
  }

  /** TCP connect from {@code from}'s namespace to {@code address:port}, with bash's /dev/tcp. */
  private static boolean connects(NetLab lab, String from, String address, int port) throws Exception {
    return SH.run(lab.exec(from, List.of("timeout", "2", "bash", "-c", "echo > /dev/tcp/" + address + "/" + port)),
        null, 5_000).ok();
  }

  private static Process listen(NetLab lab, String host, int port) throws Exception {
    // A tiny listener inside the namespace: python's http.server answers connects until killed.
    Process p = new ProcessBuilder(lab.exec(host, List.of("python3", "-m", "http.server", Integer.toString(port),
        "--bind", lab.address(host)))).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    for (int i = 0; i < 50 && !connects(lab, host, lab.address(host), port); i++) {
      Thread.sleep(100);
    }
    return p;
  }

  @Test
  void partitionCutsOnlyWhatItNamesAndTeardownLeavesNothing() throws Exception {
    assumeTrue(SH.run(List.of("python3", "--version")).ok(), "python3 missing");
    NetLab lab = NetLab.create(SH, 201);
    String ns;
    try {
      lab.addHost("a");
      lab.addHost("b");
      lab.addHost("c");
      Firewall fw = new Firewall(SH, lab);
      for (String h : lab.hosts()) {
        fw.init(h);
      }
      ns = lab.namespace("a");
      Process server = listen(lab, "b", 18080);
      try {
        assertThat(connects(lab, "a", lab.address("b"), 18080)).isTrue();
        assertThat(connects(lab, "c", lab.address("b"), 18080)).isTrue();

        fw.block("a", List.of("b"));
        fw.block("b", List.of("a"));
        assertThat(connects(lab, "a", lab.address("b"), 18080)).isFalse();
        assertThat(connects(lab, "c", lab.address("b"), 18080)).isTrue();

        for (String h : lab.hosts()) {
          fw.healPartition(h);
        }
        assertThat(connects(lab, "a", lab.address("b"), 18080)).isTrue();
      } finally {
        server.destroyForcibly().waitFor();
      }
    } finally {
      lab.close();
    }
    assertThat(SH.run(List.of("ip", "netns", "list")).output()).doesNotContain(ns);
    assertThat(SH.run(List.of("ip", "link", "show")).output()).doesNotContain(lab.bridge());
  }

  @Test
  void sweepRemovesWhatACrashedRunLeft() throws Exception {
    // Fake a crashed run: a namespace, bridge and veth with a tag whose owner pid is dead.
    String tag = "fffe";
    String ns = NetLab.NS_PREFIX + tag + "-x";
    Files.createDirectories(NetLab.OWNERS);
    Files.writeString(NetLab.OWNERS.resolve(tag), "999999999\n");
    SH.check(List.of("ip", "netns", "add", ns));
    SH.check(List.of("ip", "link", "add", NetLab.BRIDGE_PREFIX + tag, "type", "bridge"));
    SH.check(List.of("ip", "link", "add", NetLab.VETH_PREFIX + tag + "01", "type", "veth", "peer", "name", "mcp" + tag + "01"));

    List<String> removed = NetLab.sweep(SH);

    assertThat(removed).contains("netns " + ns, "link " + NetLab.BRIDGE_PREFIX + tag);
    assertThat(SH.run(List.of("ip", "netns", "list")).output()).doesNotContain(ns);
    assertThat(SH.run(List.of("ip", "link", "show")).output()).doesNotContain(tag);
    assertThat(NetLab.OWNERS.resolve(tag)).doesNotExist();
  }
}
