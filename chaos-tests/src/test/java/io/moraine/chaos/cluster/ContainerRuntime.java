package io.moraine.chaos.cluster;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Ports;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.images.builder.ImageFromDockerfile;
import org.testcontainers.images.builder.Transferable;

/**
 * Nodes as Docker containers through Testcontainers, on one Docker network where each node is
 * reachable by its node id; the image is src/test/docker/Dockerfile with the launcher's jar and
 * libraries. Process faults map to Docker: kill = {@code docker kill -s KILL} then
 * {@code docker start} of the same container (its filesystem, hence its data, survives), pause =
 * {@code docker pause} (the cgroup freezer, like SIGSTOP for every process of the node).
 *
 * <p>Network faults and bitrot are not implemented for containers ({@link #network()} throws,
 * {@link #dataDir} is null so bitrot plans nothing): use the namespaced runtime for those.
 * Not run on the machines this was written on — they have no Docker engine (docs/chaos.md).
 */
public final class ContainerRuntime implements NodeRuntime {

  private final Network network = Network.newNetwork();
  private final ImageFromDockerfile image;
  private final List<String> overrides;
  private final Path logDir;
  private final Map<String, GenericContainer<?>> containers = new LinkedHashMap<>();

  /** @param launcherTarget the launcher's target directory (moraine-launcher.jar + lib/) */
  public ContainerRuntime(Path launcherTarget, Path dockerfile, Path runDir, List<String> overrides) throws IOException {
    this.image = new ImageFromDockerfile("moraine-chaos-node", false)
        .withFileFromPath("Dockerfile", dockerfile)
        .withFileFromPath("moraine-launcher.jar", launcherTarget.resolve("moraine-launcher.jar"))
        .withFileFromPath("lib", launcherTarget.resolve("lib"));
    this.overrides = List.copyOf(overrides);
    this.logDir = Files.createDirectories(runDir.resolve("logs"));
  }

  public static boolean dockerAvailable() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException e) {
      return false;
    }
  }

  @Override
  public void provision(List<String> nodeIds) {
    // Containers are created at first start; their network identity is their node id.
  }

  @Override
  public String address(String nodeId) {
    return nodeId;
  }

  @Override
  public String harnessEndpoint(String nodeId, int port) {
    GenericContainer<?> c = container(nodeId);
    // Read the binding at each call: a restarted container may get other host ports.
    Ports.Binding[] b = docker().inspectContainerCmd(c.getContainerId()).exec().getNetworkSettings().getPorts()
        .getBindings().get(ExposedPort.tcp(port));
    if (b == null || b.length == 0) {
      throw new IllegalStateException(nodeId + " has no host binding for port " + port);
    }
    return c.getHost() + ":" + b[0].getHostPortSpec();
  }

  @Override
  public String describe() {
    return "Docker containers (Testcontainers) on network " + network.getId();
  }

  @Override
  public synchronized void start(NodeSpec spec) {
    GenericContainer<?> existing = containers.get(spec.nodeId());
    if (existing != null) {
      docker().startContainerCmd(existing.getContainerId()).exec();
      return;
    }
    List<String> cmd = new ArrayList<>(List.of(spec.role(), "--config", "/etc/moraine/node.properties"));
    cmd.addAll(overrides);
    String heap = switch (spec.role()) {
      case "zk", "storage" -> "-Xmx384m";
      case "meta" -> "-Xmx768m";
      default -> "-Xmx1g";
    };
    GenericContainer<?> c = new GenericContainer<>(image)
        .withNetwork(network)
        .withNetworkAliases(spec.nodeId())
        .withCreateContainerCmdModifier(m -> m.withHostName(spec.nodeId()))
        .withEnv("JAVA_TOOL_OPTIONS", heap)
        .withExposedPorts(spec.servicePort(), spec.adminPort())
        .withCopyToContainer(Transferable.of(spec.propertiesText()), "/etc/moraine/node.properties")
        .withCommand(cmd.toArray(String[]::new))
        .withLogConsumer(frame -> appendLog(spec.nodeId(), frame.getUtf8String()));
    c.start();
    containers.put(spec.nodeId(), c);
  }

  private void appendLog(String nodeId, String text) {
    try {
      Files.writeString(logFile(nodeId), text, java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot write the log of " + nodeId, e);
    }
  }

  private synchronized GenericContainer<?> container(String nodeId) {
    GenericContainer<?> c = containers.get(nodeId);
    if (c == null) {
      throw new IllegalStateException(nodeId + " was never started");
    }
    return c;
  }

  private static DockerClient docker() {
    return DockerClientFactory.instance().client();
  }

  @Override
  public void stop(String nodeId) {
    docker().stopContainerCmd(container(nodeId).getContainerId()).withTimeout(20).exec();
  }

  @Override
  public void kill(String nodeId) {
    docker().killContainerCmd(container(nodeId).getContainerId()).withSignal("KILL").exec();
  }

  @Override
  public void pause(String nodeId) {
    docker().pauseContainerCmd(container(nodeId).getContainerId()).exec();
  }

  @Override
  public void resume(String nodeId) {
    String id = container(nodeId).getContainerId();
    if (Boolean.TRUE.equals(docker().inspectContainerCmd(id).exec().getState().getPaused())) {
      docker().unpauseContainerCmd(id).exec();
    }
  }

  @Override
  public boolean isRunning(String nodeId) {
    GenericContainer<?> c;
    synchronized (this) {
      c = containers.get(nodeId);
    }
    return c != null && Boolean.TRUE.equals(docker().inspectContainerCmd(c.getContainerId()).exec().getState().getRunning());
  }

  @Override
  public Path dataDir(String nodeId) {
    return null;
  }

  @Override
  public Path logFile(String nodeId) {
    return logDir.resolve(nodeId + ".log");
  }

  @Override
  public NetworkFaults network() {
    throw new UnsupportedOperationException("network faults need the namespaced runtime (ContainerRuntime has none)");
  }

  @Override
  public synchronized void close() {
    for (GenericContainer<?> c : containers.values()) {
      c.stop();
    }
    containers.clear();
    network.close();
  }
}
