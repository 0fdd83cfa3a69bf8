package io.moraine.chaos.net;

import java.io.IOException;
import java.util.Collection;
import java.util.List;

/**
 * nftables rules inside the nodes' namespaces, one table {@code inet mchaos} per namespace with a
 * separate base chain per fault kind, so that healing one kind (flushing its chains) never
 * lifts another that overlaps it:
 * <ul>
 *   <li>{@code part_in}/{@code part_out}: partitions — drop from/to the blocked peers. Outgoing
 *       packets are also matched on their pre-NAT destination, so a partition holds even for
 *       connections that a latency fault routes through the harness's proxy;</li>
 *   <li>{@code loss_in}: random loss of incoming packets ({@code numgen random mod 100 < N});</li>
 *   <li>{@code lat_nat}: DNAT of connections to chosen peers' ports to the harness's delay proxy.</li>
 * </ul>
 * The namespaces are deleted at teardown, which deletes every rule with them.
 */
public final class Firewall {

  private final Shell sh;
  private final NetLab lab;

  public Firewall(Shell sh, NetLab lab) {
    this.sh = sh;
    this.lab = lab;
  }

  public void init(String host) throws IOException {
    sh.check(lab.exec(host, List.of("nft", "-f", "-")), """
        table inet mchaos {
          chain part_in { type filter hook input priority 0; policy accept; }
          chain part_out { type filter hook output priority 0; policy accept; }
          chain loss_in { type filter hook input priority 10; policy accept; }
          chain lat_nat { type nat hook output priority -100; policy accept; }
        }
        """);
  }

  /** {@code host} drops every packet from and to {@code peers} (by address). */
  public void block(String host, Collection<String> peers) throws IOException {
    if (peers.isEmpty()) {
      return;
    }
    String set = "{ " + String.join(", ", peers.stream().map(lab::address).toList()) + " }";
    sh.check(lab.exec(host, List.of("nft", "-f", "-")),
        "add rule inet mchaos part_in ip saddr " + set + " drop\n"
            + "add rule inet mchaos part_out ip daddr " + set + " drop\n"
            + "add rule inet mchaos part_out ct original ip daddr " + set + " drop\n");
  }

  public void healPartition(String host) throws IOException {
    sh.check(lab.exec(host, List.of("nft", "flush", "chain", "inet", "mchaos", "part_in")));
    sh.check(lab.exec(host, List.of("nft", "flush", "chain", "inet", "mchaos", "part_out")));
  }

  /** {@code host} drops {@code percent}% of its incoming packets at random. */
  public void loss(String host, int percent) throws IOException {
    if (percent < 1 || percent > 100) {
      throw new IllegalArgumentException("loss percent must be in [1, 100], got " + percent);
    }
    sh.check(lab.exec(host, List.of("nft", "add", "rule", "inet", "mchaos", "loss_in",
        "numgen", "random", "mod", "100", "<", Integer.toString(percent), "drop")));
  }

  public void healLoss(String host) throws IOException {
    sh.check(lab.exec(host, List.of("nft", "flush", "chain", "inet", "mchaos", "loss_in")));
  }

  /** New connections from {@code host} to {@code peerAddress:port} go to {@code proxyAddress:proxyPort} instead. */
  public void redirect(String host, String peerAddress, int port, String proxyAddress, int proxyPort) throws IOException {
    sh.check(lab.exec(host, List.of("nft", "add", "rule", "inet", "mchaos", "lat_nat",
        "ip", "daddr", peerAddress, "tcp", "dport", Integer.toString(port),
        "dnat", "ip", "to", proxyAddress + ":" + proxyPort)));
  }

  public void healRedirects(String host) throws IOException {
    sh.check(lab.exec(host, List.of("nft", "flush", "chain", "inet", "mchaos", "lat_nat")));
  }
}
