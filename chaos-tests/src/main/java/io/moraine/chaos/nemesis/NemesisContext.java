package io.moraine.chaos.nemesis;

import io.moraine.chaos.cluster.ChaosCluster;
import io.moraine.chaos.cluster.NodeSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What nemeses act on: the cluster, plus helpers to pick nodes from a seeded generator. */
public final class NemesisContext {

  private static final Logger log = LoggerFactory.getLogger(NemesisContext.class);

  private final ChaosCluster cluster;
  private final Duration recoveryTimeout;
  private final java.util.function.LongSupplier nanoTime;

  public NemesisContext(ChaosCluster cluster, Duration recoveryTimeout, java.util.function.LongSupplier nanoTime) {
    this.cluster = cluster;
    this.recoveryTimeout = recoveryTimeout;
    this.nanoTime = nanoTime;
  }

  public ChaosCluster cluster() {
    return cluster;
  }

  public List<String> ids(String role) {
    return cluster.byRole(role).stream().map(NodeSpec::nodeId).toList();
  }

  public List<String> inAz(String az) {
    return cluster.nodes().stream().filter(n -> n.az().equals(az)).map(NodeSpec::nodeId).toList();
  }

  public static <T> T pick(RandomGenerator rnd, List<T> from) {
    return from.get(rnd.nextInt(from.size()));
  }

  /** {@code count} distinct elements, in a seeded random order. */
  public static <T> List<T> pickN(RandomGenerator rnd, List<T> from, int count) {
    List<T> pool = new ArrayList<>(from);
    List<T> out = new ArrayList<>();
    for (int i = 0; i < count && !pool.isEmpty(); i++) {
      out.add(pool.remove(rnd.nextInt(pool.size())));
    }
    return out;
  }

  /** Restarts the nodes and waits (bounded) until they are healthy again; a node that stays unhealthy is logged. */
  public void restartAndAwait(List<String> nodes) throws java.io.IOException, InterruptedException {
    for (String n : nodes) {
      if (!cluster.runtime().isRunning(n)) {
        cluster.restart(n);
      }
    }
    awaitHealthy(nodes);
  }

  public void awaitHealthy(List<String> nodes) throws InterruptedException {
    long deadline = nanoTime.getAsLong() + recoveryTimeout.toNanos();
    for (String n : nodes) {
      while (!cluster.healthy(n) && nanoTime.getAsLong() < deadline) {
        Thread.sleep(250);
      }
      if (!cluster.healthy(n)) {
        log.warn("{} not healthy {} after its fault healed", n, recoveryTimeout);
      }
    }
  }
}
