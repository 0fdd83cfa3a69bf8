package io.moraine.launcher.cluster;

import io.moraine.launcher.cluster.ClusterLayout.Node;
import io.moraine.launcher.config.Credentials;
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
 * {@code bin/moraine cluster start|stop|status}: a local cluster of separate JVMs, one per node,
 * laid out by {@link ClusterLayout}. Each child runs {@code moraine ROLE --config conf/NODE.properties}
 * in its own session (setsid), so it outlives this command and a Ctrl-C in the starting terminal.
 * A node is "ours" only when its pid file names a live process whose command line carries its
 * config file: stop never signals a process it did not start.
 */
@Command(name = "cluster", mixinStandardHelpOptions = true,
    description = "Start, stop or show a local multi-process cluster (ZooKeeper, 3 meta, storage nodes in 3 AZs, 2 gateways).")
public final class ClusterCommand implements Callable<Integer> {

  @Parameters(index = "0", description = "start, stop or status")
  String action;

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

  @Override
  public Integer call() throws Exception {
    dir = dir.toAbsolutePath().normalize();
    return switch (action) {
      case "start" -> start();
      case "stop" -> stop();
      case "status" -> status();
      default -> {
        System.err.println("moraine cluster: unknown action '" + action + "' (start, stop, status)");
        yield 2;
      }
    };
  }

  private int start() throws Exception {
    ClusterLayout layout = ClusterLayout.loadOrCreate(dir, storagePerAz, zkServers, gatewayPort, zkPort);
    Files.createDirectories(dir.resolve("conf"));
    Files.createDirectories(dir.resolve("pids"));
    Files.createDirectories(dir.resolve("logs"));
    List<Node> nodes = layout.nodes();
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
        + " secret_key=" + creds.secretKey() + " region=us-east-1 zk=" + layout.zkConnect() + " dir=" + dir);
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
    List<Node> nodes = new ArrayList<>(layout.nodes());
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
    for (Node node : layout.nodes()) {
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
    URI uri = URI.create("http://" + ClusterLayout.HOST + ":" + layout.adminPort(node.nodeId()) + "/health");
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
