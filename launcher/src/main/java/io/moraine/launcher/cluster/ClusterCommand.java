package io.moraine.launcher.cluster;

import io.moraine.launcher.cluster.ClusterLayout.Node;
import io.moraine.launcher.config.Credentials;
import io.moraine.launcher.config.RoleConfig.Keys;
import io.moraine.launcher.role.Zk;
import io.moraine.placement.zk.StorageMembership;
import org.apache.curator.framework.CuratorFramework;
import io.moraine.launcher.infra.Deadline;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bin/moraine cluster start|stop|status|add-storage|remove-storage}: a local cluster of
 * separate JVMs, one per node, laid out by {@link ClusterLayout}, plus storage nodes added later
 * ({@link AddedStorage}; rebalance and drain drills). Each child runs {@code moraine ROLE --config conf/NODE.properties}
 * in its own session (setsid), so it outlives this command and a Ctrl-C in the starting terminal.
 * A node is "ours" only when its pid file names a live process whose command line carries its
 * config file: stop never signals a process it did not start.
 */
@Command(name = "cluster", mixinStandardHelpOptions = true,
    description = {"Start, stop or show a local multi-process cluster (ZooKeeper, 3 meta, storage nodes in 3 AZs, 2 gateways).",
        "add-storage --az AZ [--disk PATH]...: start one more storage node in a running cluster (recorded, so status and "
            + "stop include it); the placement map gives it its share and repair moves that data onto it.",
        "remove-storage NODE: stop an added node and remove it from the membership; drain it first "
            + "(`admin drain NODE`, then wait for `drain NODE shards-left 0` in `admin status`)."})
public final class ClusterCommand implements Callable<Integer> {

  @Parameters(index = "0", description = "start, stop, status, add-storage or remove-storage")
  String action;

  @Parameters(index = "1", arity = "0..1", description = "remove-storage: the node id")
  String nodeArg;

  @Option(names = "--az", description = "add-storage: the AZ of the new node (az1, az2 or az3)")
  String az;

  @Option(names = "--disk", description = "add-storage: a disk directory of the new node (repeatable; default DIR/data/NODE/disk1)")
  List<Path> disks = new ArrayList<>();

  @Option(names = "--dir", defaultValue = "./moraine-cluster", description = "cluster directory (default ${DEFAULT-VALUE})")
  Path dir;

  @Option(names = "--storage-per-az", defaultValue = "2", description = "storage nodes per AZ (default ${DEFAULT-VALUE})")
  int storagePerAz;

  @Option(names = "--zk-servers", defaultValue = "1", description = "ZooKeeper servers: 1, or 3 (one per AZ)")
  int zkServers;

  @Option(names = "--gateway-port", defaultValue = "9000", description = "port of gateway-1; gateway-2 uses the next one")
  int gatewayPort;

  @Option(names = "--zk-port", defaultValue = "2181", description = "client port of zk-1")
  int zkPort;

  @Option(names = "--region", description = "start: the region of a new cluster (default us-east-1; fixed once created)")
  String region;

  @Option(names = "--day-seconds", description = "start: seconds in one lifecycle/restore \"day\" (time.day.seconds; default 86400)")
  Long daySeconds;

  @Option(names = "--internal-tls", description = "start: internal traffic (shard gRPC, Ratis, ZooKeeper) over mutual TLS "
      + "with a cluster CA and per-process certificates under DIR/tls (recorded: later starts keep it; docs/tls.md)")
  boolean internalTls;

  @Override
  public Integer call() throws Exception {
    dir = dir.toAbsolutePath().normalize();
    return switch (action) {
      case "start" -> start();
      case "stop" -> stop();
      case "status" -> status();
      case "add-storage" -> addStorage();
      case "remove-storage" -> removeStorage();
      default -> {
        System.err.println("moraine cluster: unknown action '" + action
            + "' (start, stop, status, add-storage, remove-storage)");
        yield 2;
      }
    };
  }

  private int start() throws Exception {
    ClusterLayout layout = ClusterLayout.loadOrCreate(dir, storagePerAz, zkServers, gatewayPort, zkPort);
    layout.applyStartFlags(region, daySeconds);
    Files.createDirectories(dir.resolve("conf"));
    Files.createDirectories(dir.resolve("pids"));
    Files.createDirectories(dir.resolve("logs"));
    io.moraine.gateway.crypto.RootKey.generateIfAbsent(layout.rootKeyFile(), new java.security.SecureRandom());
    if (internalTls && !layout.internalTls()) {
      layout.enableInternalTls();
    }
    List<Node> nodes = allNodes(layout);
    if (layout.internalTls()) {
      List<String> ids = new ArrayList<>(nodes.stream().map(Node::nodeId).toList());
      ids.add(ADMIN_CERT);
      layout.issueTls(ids, java.time.InstantSource.system(), new java.security.SecureRandom());
    }
    for (Node node : nodes) {
      Files.writeString(layout.configFile(node.nodeId()),
          "# written by `moraine cluster start`; see docs/configuration.md\n" + node.config().toPropertiesText());
    }
    // ZooKeeper first (everyone needs it), then the rest at once; Raft peers find each other.
    for (String role : List.of("zk", "meta", "storage", "gateway")) {
      for (Node node : nodes) {
        if (node.role().equals(role) && livePid(layout, node).isEmpty()) {
          launch(layout, node);
        }
      }
      if (role.equals("zk")) {
        for (Node node : nodes) {
          if (node.role().equals("zk")) {
            awaitPort(layout, node, Integer.parseInt(node.config().require("zk.client.port")), Duration.ofSeconds(60));
          }
        }
      }
    }
    for (Node node : nodes) {
      awaitHealthy(layout, node, Duration.ofSeconds(180));
    }
    Credentials creds = Credentials.fromEnvironment(System.getenv());
    System.out.println("moraine cluster ready endpoints=http://127.0.0.1:" + layout.gatewayPort(1)
        + ",http://127.0.0.1:" + layout.gatewayPort(2) + " access_key=" + creds.accessKey()
        + " secret_key=" + creds.secretKey() + " region=" + layout.region() + " zk=" + layout.zkConnect() + " dir=" + dir);
    System.out.println(websiteLine(layout));
    if (layout.internalTls()) {
      System.out.println("moraine internal-tls ca=" + layout.tlsFiles(ADMIN_CERT).caFile() + " admin: bin/moraine admin --zk "
          + layout.zkConnect() + " --internal-tls " + layout.tlsDir() + " status");
    }
    return 0;
  }

  /** The name of the operator's client certificate under DIR/tls ({@code admin --internal-tls DIR/tls} uses it). */
  public static final String ADMIN_CERT = "admin";

  /** The TLS files of this command's own ZooKeeper client (remove-storage), null without internal TLS. */
  private static io.moraine.tls.TlsFiles adminTls(ClusterLayout layout) {
    return layout.internalTls() ? layout.tlsFiles(ADMIN_CERT) : null;
  }

  /** Where each gateway serves static websites: any bucket with a website configuration, by its host name. */
  static String websiteLine(ClusterLayout layout) {
    return "moraine website endpoints=http://BUCKET.s3-website.localhost:" + layout.websitePort(1)
        + "/,http://BUCKET.s3-website.localhost:" + layout.websitePort(2) + "/";
  }

  /** The fixed layout's nodes, then the storage nodes added since (start order). */
  private List<Node> allNodes(ClusterLayout layout) throws IOException {
    List<Node> nodes = new ArrayList<>(layout.nodes());
    nodes.addAll(AddedStorage.load(dir).nodes(layout));
    return nodes;
  }

  private int addStorage() throws Exception {
    if (!Files.exists(dir.resolve("cluster.properties"))) {
      System.err.println("moraine cluster: no cluster under " + dir + " (run `cluster start` first)");
      return 1;
    }
    if (az == null) {
      System.err.println("moraine cluster add-storage: --az is required (az1, az2 or az3)");
      return 2;
    }
    ClusterLayout layout = ClusterLayout.loadOrCreate(dir, storagePerAz, zkServers, gatewayPort, zkPort);
    AddedStorage added = AddedStorage.load(dir);
    String id = added.add(layout, az, disks);
    if (layout.internalTls()) {
      layout.issueTls(List.of(id), java.time.InstantSource.system(), new java.security.SecureRandom());
    }
    Node node = added.nodes(layout).stream().filter(n -> n.nodeId().equals(id)).findFirst().orElseThrow();
    Files.writeString(layout.configFile(id),
        "# written by `moraine cluster add-storage`; see docs/configuration.md\n" + node.config().toPropertiesText());
    launch(layout, node);
    awaitHealthy(layout, node, Duration.ofSeconds(120));
    System.out.println("storage node " + id + " added in " + az + " (port " + node.config().require(Keys.STORAGE_PORT)
        + "); the placement map gives it its share and repair moves that data onto it");
    return 0;
  }

  private int removeStorage() throws Exception {
    if (nodeArg == null) {
      System.err.println("moraine cluster remove-storage: give the node id");
      return 2;
    }
    ClusterLayout layout = ClusterLayout.loadOrCreate(dir, storagePerAz, zkServers, gatewayPort, zkPort);
    AddedStorage added = AddedStorage.load(dir);
    if (!added.contains(nodeArg)) {
      System.err.println("moraine cluster remove-storage: " + nodeArg + " was not added with `cluster add-storage`");
      return 2;
    }
    Node node = added.nodes(layout).stream().filter(n -> n.nodeId().equals(nodeArg)).findFirst().orElseThrow();
    Optional<ProcessHandle> handle = livePid(layout, node).flatMap(ProcessHandle::of);
    if (handle.isPresent()) {
      handle.get().destroy();
      Deadline deadline = Deadline.after(Duration.ofSeconds(20));
      while (handle.get().isAlive() && !deadline.expired()) {
        Thread.sleep(100);
      }
      if (handle.get().isAlive()) {
        handle.get().destroyForcibly();
      }
    }
    // The member record goes last: a node still in the membership keeps its slots in the map.
    try (CuratorFramework zk = Zk.connectBlocking(layout.zkConnect(), Zk.SESSION_TIMEOUT_MILLIS, adminTls(layout))) {
      new StorageMembership(zk).removeMember(nodeArg);
    }
    added.remove(nodeArg);
    Files.deleteIfExists(layout.pidFile(nodeArg));
    System.out.println("storage node " + nodeArg + " stopped and removed from the membership");
    return 0;
  }

  private void launch(ClusterLayout layout, Node node) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add("setsid");
    cmd.add(ProcessHandle.current().info().command().orElseThrow());
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (!arg.startsWith("-Xmx") && !arg.startsWith("-agentlib")) {
        cmd.add(arg);
      }
    }
    cmd.add(switch (node.role()) {
      case "zk", "storage" -> "-Xmx384m";
      case "meta" -> "-Xmx768m";
      default -> "-Xmx1g";
    });
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("io.moraine.launcher.Main");
    cmd.add(node.role());
    cmd.add("--config");
    cmd.add(layout.configFile(node.nodeId()).toString());
    ProcessBuilder pb = new ProcessBuilder(cmd)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(layout.logFile(node.nodeId()).toFile()))
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    Process p = pb.start();
    Files.writeString(layout.pidFile(node.nodeId()), Long.toString(p.pid()) + "\n");
  }

  private int stop() throws Exception {
    if (!Files.exists(dir.resolve("cluster.properties"))) {
      System.err.println("moraine cluster: no cluster under " + dir);
      return 0;
    }
    ClusterLayout layout = ClusterLayout.loadOrCreate(dir, storagePerAz, zkServers, gatewayPort, zkPort);
    List<Node> nodes = new ArrayList<>(allNodes(layout));
    java.util.Collections.reverse(nodes);
    // Gateways first, ZooKeeper last: the reverse of the start order.
    for (String role : List.of("gateway", "storage", "meta", "zk")) {
      List<ProcessHandle> stopping = new ArrayList<>();
      for (Node node : nodes) {
        if (node.role().equals(role)) {
          livePid(layout, node).flatMap(ProcessHandle::of).ifPresent(h -> {
            h.destroy();
            stopping.add(h);
          });
        }
      }
      Deadline deadline = Deadline.after(Duration.ofSeconds(20));
      for (ProcessHandle h : stopping) {
        while (h.isAlive() && !deadline.expired()) {
          Thread.sleep(100);
        }
        if (h.isAlive()) {
          h.destroyForcibly();
        }
      }
    }
    for (Node node : nodes) {
      Files.deleteIfExists(layout.pidFile(node.nodeId()));
    }
    return 0;
  }

  private int status() throws Exception {
    if (!Files.exists(dir.resolve("cluster.properties"))) {
      System.err.println("moraine cluster: no cluster under " + dir);
      return 1;
    }
    ClusterLayout layout = ClusterLayout.loadOrCreate(dir, storagePerAz, zkServers, gatewayPort, zkPort);
    for (Node node : allNodes(layout)) {
      Optional<Long> pid = livePid(layout, node);
      String recorded = pid.map(String::valueOf).orElseGet(() -> recordedPid(layout, node).map(String::valueOf).orElse("-"));
      System.out.println(node.nodeId() + " " + node.role() + " " + node.az() + " " + recorded + " "
          + (pid.isPresent() ? "running" : "stopped"));
    }
    return 0;
  }

  private static Optional<Long> recordedPid(ClusterLayout layout, Node node) {
    try {
      return Optional.of(Long.parseLong(Files.readString(layout.pidFile(node.nodeId())).trim()));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** The node's pid when that process is alive and is really this node (its command line names its config). */
  static Optional<Long> livePid(ClusterLayout layout, Node node) {
    Optional<Long> pid = recordedPid(layout, node);
    if (pid.isEmpty()) {
      return Optional.empty();
    }
    try {
      byte[] cmdline = Files.readAllBytes(Path.of("/proc", pid.get().toString(), "cmdline"));
      String text = new String(cmdline, StandardCharsets.UTF_8).replace('\0', ' ');
      return text.contains(layout.configFile(node.nodeId()).toString()) ? pid : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static void awaitPort(ClusterLayout layout, Node node, int port, Duration timeout) throws Exception {
    Deadline deadline = Deadline.after(timeout);
    while (!deadline.expired()) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(ClusterLayout.HOST, port), 500);
        return;
      } catch (IOException notYet) {
        failIfDied(layout, node);
        Thread.sleep(200);
      }
    }
    throw new IllegalStateException(node.nodeId() + " did not open port " + port + " within " + timeout
        + "; see " + layout.logFile(node.nodeId()));
  }

  private static void awaitHealthy(ClusterLayout layout, Node node, Duration timeout) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    URI uri = URI.create("http://" + ClusterLayout.HOST + ":" + node.config().require(Keys.ADMIN_PORT) + "/health");
    Deadline deadline = Deadline.after(timeout);
    while (!deadline.expired()) {
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(),
            HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      failIfDied(layout, node);
      Thread.sleep(250);
    }
    throw new IllegalStateException(node.nodeId() + " was not healthy within " + timeout + "; see " + layout.logFile(node.nodeId()));
  }

  private static void failIfDied(ClusterLayout layout, Node node) {
    if (livePid(layout, node).isEmpty()) {
      throw new IllegalStateException(node.nodeId() + " exited during start-up; see " + layout.logFile(node.nodeId()));
    }
  }
}
