package io.moraine.chaos.cluster;

import io.moraine.chaos.net.DelayProxy;
import io.moraine.chaos.net.Firewall;
import io.moraine.chaos.net.NetLab;
import io.moraine.chaos.net.Shell;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Nodes as JVM processes, each in its own network namespace on the run's bridge
 * ({@link NetLab}); network faults as nftables rules inside those namespaces ({@link Firewall})
 * and delaying proxies in the root namespace ({@link DelayProxy}).
 *
 * <p>Fault model: a node process may die on its own at any time ({@link #isRunning} says so);
 * {@link #close} kills every process (resuming paused ones), stops the proxies and deletes the
 * namespaces and the bridge, also when called from a shutdown hook after a failed run.
 */
public final class NamespacedRuntime implements NodeRuntime, NetworkFaults {

  private static final Logger log = LoggerFactory.getLogger(NamespacedRuntime.class);

  private final Shell sh;
  private final NetLab lab;
  private final Firewall firewall;
  private final JvmCommand jvm;
  private final Path confDir;
  private final Path logDir;
  private final Path dataRoot;
  private final List<String> overrides;
  private final LongSupplier nanoTime;
  private final Map<String, Process> processes = new LinkedHashMap<>();
  private final Set<String> paused = new HashSet<>();
  private final List<DelayProxy> proxies = new ArrayList<>();
  private final Set<String> redirected = new HashSet<>();
  private boolean closed;

  /**
   * @param overrides extra command-line overrides for every node (e.g. {@code --unsafe NAME})
   */
  public NamespacedRuntime(Shell sh, NetLab lab, JvmCommand jvm, Path runDir, Path dataRoot, List<String> overrides,
      LongSupplier nanoTime) throws IOException {
    this.sh = sh;
    this.lab = lab;
    this.firewall = new Firewall(sh, lab);
    this.jvm = jvm;
    this.confDir = Files.createDirectories(runDir.resolve("conf"));
    this.logDir = Files.createDirectories(runDir.resolve("logs"));
    this.dataRoot = dataRoot;
    this.overrides = List.copyOf(overrides);
    this.nanoTime = nanoTime;
  }

  @Override
  public void provision(List<String> nodeIds) throws IOException {
    for (String id : nodeIds) {
      lab.addHost(id);
      firewall.init(id);
    }
  }

  @Override
  public String address(String nodeId) {
    return lab.address(nodeId);
  }

  @Override
  public String harnessEndpoint(String nodeId, int port) {
    // The root namespace reaches every namespace through the bridge.
    return lab.address(nodeId) + ":" + port;
  }

  @Override
  public String describe() {
    return "processes in network namespaces on bridge " + lab.bridge() + " " + lab.bridgeAddress() + "/24";
  }

  @Override
  public synchronized void start(NodeSpec spec) throws IOException {
    Process old = processes.get(spec.nodeId());
    if (old != null && old.isAlive()) {
      throw new IllegalStateException(spec.nodeId() + " is already running as pid " + old.pid());
    }
    Path conf = confDir.resolve(spec.nodeId() + ".properties");
    Files.writeString(conf, spec.propertiesText());
    Files.createDirectories(dataRoot.resolve(spec.nodeId()));
    List<String> cmd = lab.exec(spec.nodeId(), jvm.command(spec.role(), conf, overrides));
    Path logFile = logFile(spec.nodeId());
    Files.writeString(logFile, "=== start " + spec.nodeId() + ": " + spec.role() + " --config " + conf + " "
            + String.join(" ", overrides) + " in " + lab.namespace(spec.nodeId()) + "\n",
        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    Process p = new ProcessBuilder(cmd)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .start();
    processes.put(spec.nodeId(), p);
    paused.remove(spec.nodeId());
    log.info("started {} (pid {}) at {}", spec.nodeId(), p.pid(), spec.host());
  }

  private synchronized Process process(String nodeId) {
    Process p = processes.get(nodeId);
    if (p == null) {
      throw new IllegalStateException(nodeId + " was never started");
    }
    return p;
  }

  @Override
  public void stop(String nodeId) throws IOException {
    Process p = process(nodeId);
    resume(nodeId);
    p.destroy();
    try {
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted stopping " + nodeId, e);
    }
  }

  @Override
  public void kill(String nodeId) throws IOException {
    Process p = process(nodeId);
    sh.check(List.of("kill", "-KILL", Long.toString(p.pid())));
    try {
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        throw new IOException(nodeId + " (pid " + p.pid() + ") survived SIGKILL for 10 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted killing " + nodeId, e);
    }
    synchronized (this) {
      paused.remove(nodeId);
    }
  }

  @Override
  public void pause(String nodeId) throws IOException {
    Process p = process(nodeId);
    sh.check(List.of("kill", "-STOP", Long.toString(p.pid())));
    synchronized (this) {
      paused.add(nodeId);
    }
  }

  @Override
  public void resume(String nodeId) throws IOException {
    Process p = process(nodeId);
    boolean was;
    synchronized (this) {
      was = paused.remove(nodeId);
    }
    if (was && p.isAlive()) {
      sh.check(List.of("kill", "-CONT", Long.toString(p.pid())));
    }
  }

  @Override
  public synchronized boolean isRunning(String nodeId) {
    Process p = processes.get(nodeId);
    return p != null && p.isAlive();
  }

  @Override
  public Path dataDir(String nodeId) {
    return dataRoot.resolve(nodeId);
  }

  @Override
  public Path logFile(String nodeId) {
    return logDir.resolve(nodeId + ".log");
  }

  @Override
  public NetworkFaults network() {
    return this;
  }

  // ---- network faults ----

  @Override
  public void block(Map<String, ? extends Collection<String>> blockedPeersByNode) throws IOException {
    for (Map.Entry<String, ? extends Collection<String>> e : blockedPeersByNode.entrySet()) {
      firewall.block(e.getKey(), e.getValue());
    }
  }

  @Override
  public void healPartitions() throws IOException {
    for (String host : lab.hosts()) {
      firewall.healPartition(host);
    }
  }

  @Override
  public void loss(Collection<String> nodes, int percent) throws IOException {
    for (String n : nodes) {
      firewall.loss(n, percent);
    }
  }

  @Override
  public void healLoss() throws IOException {
    for (String host : lab.hosts()) {
      firewall.healLoss(host);
    }
  }

  @Override
  public void delay(List<NodeSpec> targets, Collection<String> allNodes, long delayMillis) throws IOException {
    for (NodeSpec t : targets) {
      DelayProxy proxy = new DelayProxy(lab.bridgeAddress(), new InetSocketAddress(t.host(), t.servicePort()),
          delayMillis, nanoTime);
      synchronized (this) {
        proxies.add(proxy);
      }
      for (String n : allNodes) {
        if (!n.equals(t.nodeId())) {
          firewall.redirect(n, t.host(), t.servicePort(), lab.bridgeAddress(), proxy.port());
          redirected.add(n);
          // Established connections bypass a new DNAT rule: cut them so clients reconnect via the proxy.
          sh.run(lab.exec(n, List.of("ss", "-K", "dst", t.host(), "dport", "=", ":" + t.servicePort())));
        }
      }
    }
  }

  @Override
  public void healDelay() throws IOException {
    for (String n : new ArrayList<>(redirected)) {
      firewall.healRedirects(n);
    }
    redirected.clear();
    List<DelayProxy> toClose;
    synchronized (this) {
      toClose = new ArrayList<>(proxies);
      proxies.clear();
    }
    // Closing a proxy resets its connections; the nodes reconnect directly.
    for (DelayProxy p : toClose) {
      p.close();
    }
  }

  @Override
  public void close() throws IOException {
    List<Process> all;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      all = new ArrayList<>(processes.values());
    }
    IOException first = null;
    for (Process p : all) {
      if (p.isAlive()) {
        sh.run(List.of("kill", "-CONT", Long.toString(p.pid())));
        p.destroyForcibly();
      }
    }
    for (Process p : all) {
      try {
        p.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try {
      healDelay();
    } catch (IOException e) {
      first = e;
    }
    try {
      lab.close();
    } catch (IOException e) {
      first = first == null ? e : first;
    }
    if (first != null) {
      throw first;
    }
  }
}
