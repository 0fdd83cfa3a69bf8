package io.moraine.chaos.nemesis;

import static org.assertj.core.api.Assertions.assertThat;

import io.moraine.chaos.cluster.ChaosCluster;
import io.moraine.chaos.cluster.ClusterShape;
import io.moraine.chaos.cluster.JvmCommand;
import io.moraine.chaos.cluster.NetworkFaults;
import io.moraine.chaos.cluster.NodeRuntime;
import io.moraine.chaos.cluster.NodeSpec;
import io.moraine.chaos.history.FaultEvent;
import io.moraine.chaos.history.History;
import io.moraine.chaos.net.Shell;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nemesis plans and the scheduler against a recording fake runtime (no processes, no network):
 * plans that claim to fit the fault budget do, plans beyond it do not, and the scheduler records
 * every fault with its window and heals it.
 */
class NemesisPlanTest {

  /** Records every call; nodes "run" from start to kill. */
  static final class FakeRuntime implements NodeRuntime, NetworkFaults {
    final List<String> calls = new ArrayList<>();
    final java.util.Set<String> running = new java.util.HashSet<>();
    final Path data;

    FakeRuntime(Path data) {
      this.data = data;
    }

    @Override public void provision(List<String> nodeIds) { calls.add("provision " + nodeIds.size()); }
    @Override public String address(String nodeId) { return "10.0.0." + nodeId.hashCode() % 200; }
    @Override public String harnessEndpoint(String nodeId, int port) { return "127.0.0.1:1"; }
    @Override public String describe() { return "fake"; }
    @Override public synchronized void start(NodeSpec spec) { calls.add("start " + spec.nodeId()); running.add(spec.nodeId()); }
    @Override public synchronized void stop(String nodeId) { calls.add("stop " + nodeId); running.remove(nodeId); }
    @Override public synchronized void kill(String nodeId) { calls.add("kill " + nodeId); running.remove(nodeId); }
    @Override public synchronized void pause(String nodeId) { calls.add("pause " + nodeId); }
    @Override public synchronized void resume(String nodeId) { calls.add("resume " + nodeId); }
    @Override public synchronized boolean isRunning(String nodeId) { return running.contains(nodeId); }
    @Override public Path dataDir(String nodeId) { return data.resolve(nodeId); }
    @Override public Path logFile(String nodeId) { return data.resolve(nodeId + ".log"); }
    @Override public NetworkFaults network() { return this; }
    @Override public synchronized void block(Map<String, ? extends Collection<String>> rules) { calls.add("block " + rules.keySet()); }
    @Override public synchronized void healPartitions() { calls.add("heal partitions"); }
    @Override public synchronized void loss(Collection<String> nodes, int percent) { calls.add("loss " + nodes); }
    @Override public synchronized void healLoss() { calls.add("heal loss"); }
    @Override public synchronized void delay(List<NodeSpec> targets, Collection<String> all, long ms) { calls.add("delay"); }
    @Override public synchronized void healDelay() { calls.add("heal delay"); }
    @Override public void close() { }
  }

  private static ChaosCluster cluster(FakeRuntime rt, Path dir) throws Exception {
    Shell adminStatus = (cmd, stdin, timeout) -> new Shell.Result(0, "group 0 leader meta-2 peers meta-1,meta-2,meta-3\n");
    ChaosCluster c = new ChaosCluster(rt, new ClusterShape(3, 2, 2, dir).validate(), new JvmCommand("java", "cp", 25),
        adminStatus, System::nanoTime);
    for (NodeSpec s : c.nodes()) {
      rt.start(s);
    }
    return c;
  }

  @Test
  void plansThatShouldFitTheBudgetDoAndExceedingOnesDoNot(@TempDir Path dir) throws Exception {
    FakeRuntime rt = new FakeRuntime(dir);
    NemesisContext ctx = new NemesisContext(cluster(rt, dir), Duration.ofMillis(10), System::nanoTime);
    FaultBudget budget = new FaultBudget(2, 3, 3, 2);
    RandomGenerator rnd = RandomGeneratorFactory.of("L64X128MixRandom").create(1);
    List<Nemesis> alwaysWithin = List.of(ProcessNemesis.kill(), ProcessNemesis.pause(), new PartitionNemesis(),
        new LatencyNemesis(), new BitrotNemesis(2));
    int leaderIsolations = 0;
    for (Nemesis n : alwaysWithin) {
      for (int i = 0; i < 300; i++) {
        Optional<Fault> f = n.plan(ctx, rnd, false);
        assertThat(f).isPresent();
        assertThat(budget.allows(f.get().impact())).as(n.name() + ": " + f.get().description()).isTrue();
        if (f.get().description().contains("leader meta-2")) {
          leaderIsolations++;
        }
      }
    }
    assertThat(leaderIsolations).isPositive();
    int outside = 0;
    for (int i = 0; i < 300; i++) {
      Fault f = ProcessNemesis.kill().plan(ctx, rnd, true).orElseThrow();
      if (!budget.allows(f.impact())) {
        outside++;
      }
    }
    assertThat(outside).as("exceeding kills (all but the gateway ones) leave the budget").isGreaterThan(150);
  }

  @Test
  void schedulerRecordsEveryFaultWindowAndHealsIt(@TempDir Path dir) throws Exception {
    FakeRuntime rt = new FakeRuntime(dir);
    NemesisContext ctx = new NemesisContext(cluster(rt, dir), Duration.ofMillis(10), System::nanoTime);
    History history = new History(System::nanoTime);
    NemesisScheduler s = new NemesisScheduler(Nemeses.parse("kill,partition,loss"), ctx, new FaultBudget(2, 3, 3, 2),
        false, RandomGeneratorFactory.of("L64X128MixRandom").create(3), history,
        new NemesisScheduler.Timing(10, 20, 30, 50));

    s.start();
    Thread.sleep(1_500);
    s.stopAndHeal();

    assertThat(s.errors()).isEmpty();
    assertThat(history.faults()).hasSizeGreaterThan(3);
    for (FaultEvent f : history.faults()) {
      assertThat(f.endNanos()).as(f.toString()).isGreaterThanOrEqualTo(f.startNanos()).isNotEqualTo(Long.MAX_VALUE);
      assertThat(f.withinBudget()).isTrue();
    }
    long kills = rt.calls.stream().filter(c -> c.startsWith("kill ")).count();
    long restarts = rt.calls.stream().filter(c -> c.startsWith("start ")).count() - 14;
    assertThat(restarts).as("every killed node restarted").isEqualTo(kills);
    assertThat(rt.calls.stream().filter(c -> c.startsWith("block")).count())
        .isLessThanOrEqualTo(rt.calls.stream().filter(c -> c.equals("heal partitions")).count());
  }
}
