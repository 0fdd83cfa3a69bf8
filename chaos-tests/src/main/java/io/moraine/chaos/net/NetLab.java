package io.moraine.chaos.net;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The network of one run: a Linux bridge in the root namespace holding the first address of a
 * private /24, and one network namespace per node with a veth to that bridge. The harness (the
 * S3 clients, the delay proxies) lives in the root namespace and reaches every node through the
 * bridge. Nothing outside the namespaces created here is ever touched or addressed.
 *
 * <p>Names carry the prefix {@code mchaos-TAG-} (namespaces), {@code mcbTAG} (bridge) and
 * {@code mcvTAGNN} (veths), TAG being 4 hex digits unique per run; an owner file under
 * {@code /tmp/moraine-chaos-owners/TAG} holds the harness's pid so that {@link #sweep} removes only
 * what crashed runs left behind, never a live concurrent run's.
 *
 * <p>Fault model: creation failures tear down what was already made; {@link #close} is idempotent,
 * tries every step and reports the first failure.
 */
public final class NetLab implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(NetLab.class);
  public static final String NS_PREFIX = "mchaos-";
  static final String BRIDGE_PREFIX = "mcb";
  static final String VETH_PREFIX = "mcv";
  static final Path OWNERS = Path.of("/tmp/moraine-chaos-owners");

  private final Shell sh;
  private final String tag;
  private final int subnet;
  private final Map<String, String> nsByHost = new LinkedHashMap<>();
  private final Map<String, String> addrByHost = new LinkedHashMap<>();
  private boolean closed;

  private NetLab(Shell sh, String tag, int subnet) {
    this.sh = sh;
    this.tag = tag;
    this.subnet = subnet;
  }

  /**
   * Creates the bridge of a new lab. {@code preferredSubnet} (the third octet of 10.77.X.0/24,
   * derived from the seed) is used unless an interface of this machine already has it.
   */
  public static NetLab create(Shell sh, int preferredSubnet) throws IOException {
    String tag = String.format("%04x", ProcessHandle.current().pid() & 0xffff);
    String addrs = sh.check(List.of("ip", "-o", "addr", "show"));
    int subnet = -1;
    for (int i = 0; i < 250; i++) {
      int candidate = 1 + Math.floorMod(preferredSubnet - 1 + i, 250);
      if (!addrs.contains("10.77." + candidate + ".")) {
        subnet = candidate;
        break;
      }
    }
    if (subnet < 0) {
      throw new IOException("no free 10.77.X.0/24 subnet on this machine");
    }
    Files.createDirectories(OWNERS);
    Files.writeString(OWNERS.resolve(tag), ProcessHandle.current().pid() + "\n", StandardCharsets.UTF_8);
    NetLab lab = new NetLab(sh, tag, subnet);
    try {
      sh.check(List.of("ip", "link", "add", lab.bridge(), "type", "bridge"));
      sh.check(List.of("ip", "addr", "add", lab.bridgeAddress() + "/24", "dev", lab.bridge()));
      sh.check(List.of("ip", "link", "set", lab.bridge(), "up"));
    } catch (IOException e) {
      lab.closeQuietlyAfter(e);
      throw e;
    }
    log.info("net lab {}: bridge {} {}/24", tag, lab.bridge(), lab.bridgeAddress());
    return lab;
  }

  public String tag() {
    return tag;
  }

  public String bridge() {
    return BRIDGE_PREFIX + tag;
  }

  /** The root namespace's address on the bridge: where the harness's proxies listen. */
  public String bridgeAddress() {
    return "10.77." + subnet + ".1";
  }

  /** Adds a namespace for {@code host} (a node id) with the next address; returns that address. */
  public synchronized String addHost(String host) throws IOException {
    if (nsByHost.containsKey(host)) {
      throw new IllegalStateException("host " + host + " already has namespace " + nsByHost.get(host));
    }
    int index = nsByHost.size() + 1;
    if (index > 200) {
      throw new IllegalStateException("too many hosts for one /24: " + index);
    }
    String ns = NS_PREFIX + tag + "-" + host;
    String address = "10.77." + subnet + "." + (10 + index);
    String veth = VETH_PREFIX + tag + String.format("%02x", index);
    String peer = "mcp" + tag + String.format("%02x", index);
    nsByHost.put(host, ns);
    addrByHost.put(host, address);
    sh.check(List.of("ip", "netns", "add", ns));
    sh.check(List.of("ip", "link", "add", veth, "type", "veth", "peer", "name", peer));
    sh.check(List.of("ip", "link", "set", peer, "netns", ns));
    sh.check(List.of("ip", "link", "set", veth, "master", bridge(), "up"));
    sh.check(List.of("ip", "-n", ns, "link", "set", peer, "name", "eth0"));
    sh.check(List.of("ip", "-n", ns, "addr", "add", address + "/24", "dev", "eth0"));
    sh.check(List.of("ip", "-n", ns, "link", "set", "eth0", "up"));
    sh.check(List.of("ip", "-n", ns, "link", "set", "lo", "up"));
    return address;
  }

  public String namespace(String host) {
    String ns = nsByHost.get(host);
    if (ns == null) {
      throw new IllegalArgumentException("no namespace for host " + host + "; hosts: " + nsByHost.keySet());
    }
    return ns;
  }

  public String address(String host) {
    String a = addrByHost.get(host);
    if (a == null) {
      throw new IllegalArgumentException("no address for host " + host + "; hosts: " + addrByHost.keySet());
    }
    return a;
  }

  public List<String> hosts() {
    return List.copyOf(nsByHost.keySet());
  }

  /** The prefix that runs a command inside {@code host}'s namespace. */
  public List<String> exec(String host, List<String> command) {
    List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", namespace(host)));
    c.addAll(command);
    return c;
  }

  /** Kills every process still inside the namespaces, deletes them and the bridge. Idempotent. */
  @Override
  public synchronized void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    IOException first = null;
    for (String ns : nsByHost.values()) {
      try {
        removeNamespace(sh, ns);
      } catch (IOException e) {
        first = first == null ? e : first;
      }
    }
    try {
      Shell.Result r = sh.run(List.of("ip", "link", "del", bridge()));
      if (!r.ok() && !r.output().contains("Cannot find device")) {
        throw new IOException("ip link del " + bridge() + ": " + r.output());
      }
    } catch (IOException e) {
      first = first == null ? e : first;
    }
    Files.deleteIfExists(OWNERS.resolve(tag));
    log.info("net lab {}: torn down", tag);
    if (first != null) {
      throw first;
    }
  }

  private void closeQuietlyAfter(IOException cause) {
    try {
      close();
    } catch (IOException e) {
      cause.addSuppressed(e);
    }
  }

  static void removeNamespace(Shell sh, String ns) throws IOException {
    Shell.Result pids = sh.run(List.of("ip", "netns", "pids", ns));
    if (pids.ok()) {
      for (String pid : pids.output().split("\\s+")) {
        if (!pid.isBlank()) {
          sh.run(List.of("kill", "-CONT", pid.trim()));
          sh.run(List.of("kill", "-9", pid.trim()));
        }
      }
    }
    Shell.Result r = sh.run(List.of("ip", "netns", "del", ns));
    if (!r.ok() && !r.output().contains("No such file")) {
      throw new IOException("ip netns del " + ns + ": " + r.output());
    }
  }

  /**
   * Removes namespaces, bridges and veths with this harness's prefixes whose owning run is no
   * longer alive (crashed or killed before its teardown). Returns what was removed.
   */
  public static List<String> sweep(Shell sh) throws IOException {
    List<String> removed = new ArrayList<>();
    String nsList = sh.run(List.of("ip", "netns", "list")).output();
    for (String line : nsList.split("\n")) {
      String ns = line.trim().split("\\s+")[0];
      if (ns.startsWith(NS_PREFIX) && ns.length() > NS_PREFIX.length() + 4 && !ownerAlive(ns.substring(NS_PREFIX.length(), NS_PREFIX.length() + 4))) {
        removeNamespace(sh, ns);
        removed.add("netns " + ns);
      }
    }
    String links = sh.run(List.of("ip", "-o", "link", "show")).output();
    for (String line : links.split("\n")) {
      String[] parts = line.split(":\\s+");
      if (parts.length < 2) {
        continue;
      }
      String name = parts[1].split("@")[0].trim();
      boolean ours = (name.startsWith(BRIDGE_PREFIX) || name.startsWith(VETH_PREFIX)) && name.length() >= 7
          && name.substring(3, 7).matches("[0-9a-f]{4}");
      if (ours && !ownerAlive(name.substring(3, 7))) {
        sh.run(List.of("ip", "link", "del", name));
        removed.add("link " + name);
      }
    }
    if (Files.isDirectory(OWNERS)) {
      try (var files = Files.list(OWNERS)) {
        for (Path f : files.toList()) {
          if (!ownerAlive(f.getFileName().toString())) {
            Files.deleteIfExists(f);
          }
        }
      }
    }
    if (!removed.isEmpty()) {
      log.warn("swept leftovers of earlier crashed chaos runs: {}", removed);
    }
    return removed;
  }

  private static boolean ownerAlive(String tag) {
    Path f = OWNERS.resolve(tag);
    try {
      long pid = Long.parseLong(Files.readString(f).trim());
      return pid != ProcessHandle.current().pid() ? ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)
          : true;
    } catch (IOException | NumberFormatException e) {
      return false;
    }
  }
}
