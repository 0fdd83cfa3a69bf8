package io.moraine.chaos.cluster;

import io.moraine.chaos.net.Shell;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running chaos cluster: the specs of every node over a {@link NodeRuntime}, started in the
 * order `moraine cluster start` uses (ZooKeeper, then the rest), ready when every node's
 * {@code GET /health} answers 200. Restarts reuse the node's spec, so meta peers keep their
 * addresses and data.
 */
public final class ChaosCluster {

  private static final Logger log = LoggerFactory.getLogger(ChaosCluster.class);
  private static final Pattern LEADER = Pattern.compile("(?m)^group \\S+ leader (\\S+)");

  private final NodeRuntime runtime;
  private final Map<String, NodeSpec> specs = new LinkedHashMap<>();
  private final JvmCommand jvm;
  private final Shell sh;
  private final LongSupplier nanoTime;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  public ChaosCluster(NodeRuntime runtime, ClusterShape shape, JvmCommand jvm, Shell sh, LongSupplier nanoTime)
      throws IOException {
    this.runtime = runtime;
    this.jvm = jvm;
    this.sh = sh;
    this.nanoTime = nanoTime;
    runtime.provision(shape.nodeIds());
    for (NodeSpec s : shape.specs(runtime::address, Map.of())) {
      specs.put(s.nodeId(), s);
    }
  }

  public NodeRuntime runtime() {
    return runtime;
  }

  public List<NodeSpec> nodes() {
    return List.copyOf(specs.values());
  }

  public NodeSpec spec(String nodeId) {
    NodeSpec s = specs.get(nodeId);
    if (s == null) {
      throw new IllegalArgumentException("no node " + nodeId + "; nodes: " + specs.keySet());
    }
    return s;
  }

  public List<NodeSpec> byRole(String role) {
    return specs.values().stream().filter(s -> s.role().equals(role)).toList();
  }

  public List<String> nodeIds() {
    return List.copyOf(specs.keySet());
  }

  /** {@code http://ADDRESS:PORT} of each gateway. */
  public List<String> gatewayEndpoints() {
    return byRole("gateway").stream().map(s -> "http://" + runtime.harnessEndpoint(s.nodeId(), s.servicePort())).toList();
  }

  public String zkConnect() {
    List<String> parts = new ArrayList<>();
    for (NodeSpec z : byRole("zk")) {
      parts.add(z.host() + ":" + z.servicePort());
    }
    return String.join(",", parts);
  }

  /** Starts every node and waits until all are healthy. */
  public void start(Duration timeout) throws IOException, InterruptedException {
    long deadline = nanoTime.getAsLong() + timeout.toNanos();
    for (NodeSpec z : byRole("zk")) {
      runtime.start(z);
    }
    for (NodeSpec z : byRole("zk")) {
      awaitPort(z, deadline);
    }
    for (String role : List.of("meta", "storage", "gateway")) {
      for (NodeSpec s : byRole(role)) {
        runtime.start(s);
      }
    }
    for (NodeSpec s : specs.values()) {
      awaitHealthy(s.nodeId(), deadline);
    }
    log.info("cluster of {} nodes healthy", specs.size());
  }

  public void restart(String nodeId) throws IOException {
    runtime.start(spec(nodeId));
  }

  public boolean healthy(String nodeId) {
    NodeSpec s = spec(nodeId);
    try {
      HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create("http://" + runtime.harnessEndpoint(nodeId, s.adminPort()) + "/health"))
          .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
      return r.statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Waits until {@code nodeId} answers /health with 200; fails early when its process died. */
  public void awaitHealthy(String nodeId, long deadlineNanos) throws IOException, InterruptedException {
    while (nanoTime.getAsLong() < deadlineNanos) {
      if (healthy(nodeId)) {
        return;
      }
      if (!runtime.isRunning(nodeId)) {
        throw new IOException(nodeId + " exited during start-up; see " + runtime.logFile(nodeId));
      }
      Thread.sleep(250);
    }
    throw new IOException(nodeId + " was not healthy in time; see " + runtime.logFile(nodeId));
  }

  /** Waits (bounded) until every node is healthy; returns the ids still unhealthy at the deadline. */
  public List<String> awaitAllHealthy(Duration timeout) throws InterruptedException {
    long deadline = nanoTime.getAsLong() + timeout.toNanos();
    List<String> bad = new ArrayList<>(specs.keySet());
    while (!bad.isEmpty() && nanoTime.getAsLong() < deadline) {
      bad.removeIf(this::healthy);
      if (!bad.isEmpty()) {
        Thread.sleep(500);
      }
    }
    return bad;
  }

  private void awaitPort(NodeSpec s, long deadlineNanos) throws IOException, InterruptedException {
    while (nanoTime.getAsLong() < deadlineNanos) {
      try (Socket socket = new Socket()) {
        String endpoint = runtime.harnessEndpoint(s.nodeId(), s.servicePort());
        int colon = endpoint.lastIndexOf(':');
        socket.connect(new InetSocketAddress(endpoint.substring(0, colon), Integer.parseInt(endpoint.substring(colon + 1))), 500);
        return;
      } catch (IOException notYet) {
        if (!runtime.isRunning(s.nodeId())) {
          throw new IOException(s.nodeId() + " exited during start-up; see " + runtime.logFile(s.nodeId()));
        }
        Thread.sleep(200);
      }
    }
    throw new IOException(s.nodeId() + " did not open port " + s.servicePort() + "; see " + runtime.logFile(s.nodeId()));
  }

  /**
   * The metadata leader, as {@code moraine admin status} reports it (a short-lived JVM in the
   * root namespace that reaches ZooKeeper through the bridge); empty when none is known.
   */
  public Optional<String> metaLeader() throws IOException {
    List<String> cmd = new ArrayList<>(List.of(jvm.java(), "-Xmx128m", "-cp", jvm.classpath(), "io.moraine.launcher.Main",
        "admin", "--zk", zkConnect(), "status"));
    Shell.Result r = sh.run(cmd, null, 30_000);
    Matcher m = LEADER.matcher(r.output());
    if (m.find() && specs.containsKey(m.group(1))) {
      return Optional.of(m.group(1));
    }
    log.warn("admin status named no leader (exit {}): {}", r.exitCode(), r.output().lines().limit(5).toList());
    return Optional.empty();
  }
}
