package io.moraine.chaos.cluster;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * How the harness runs nodes: start, stop, crash, freeze. Implemented by processes in network
 * namespaces ({@link NamespacedRuntime}, the one used here) and by Docker containers
 * (the Testcontainers runtime in the tests, for machines with a Docker engine). Network faults
 * are a separate concern ({@link NetworkFaults}) because not every runtime can do them.
 */
public interface NodeRuntime extends AutoCloseable {

  /** Creates each node's host (namespace or container network identity); returns nothing until all exist. */
  void provision(List<String> nodeIds) throws IOException;

  /** The address the other nodes reach {@code nodeId} at (what its config names as {@code host}). */
  String address(String nodeId);

  /** {@code host:port} at which the harness (this JVM) reaches {@code port} of {@code nodeId}. */
  String harnessEndpoint(String nodeId, int port);

  /** One line for reports: what the nodes run in. */
  String describe();

  /** Starts (or restarts) the node's process with its spec; returns once the process exists. */
  void start(NodeSpec spec) throws IOException;

  /** Graceful stop (SIGTERM, then SIGKILL after a grace period). */
  void stop(String nodeId) throws IOException;

  /** Crash: SIGKILL, no shutdown hooks. */
  void kill(String nodeId) throws IOException;

  /** Freeze: SIGSTOP. */
  void pause(String nodeId) throws IOException;

  /** Thaw: SIGCONT. */
  void resume(String nodeId) throws IOException;

  boolean isRunning(String nodeId);

  /** Where the node's data lives on the harness's filesystem (for bitrot), or null if not reachable. */
  Path dataDir(String nodeId);

  /** Where the node's output goes. */
  Path logFile(String nodeId);

  /** Network faults of this runtime, when it can do them. */
  NetworkFaults network();

  /** Stops every node and removes everything provisioned. Idempotent; must be safe from a shutdown hook. */
  @Override
  void close() throws IOException;
}
