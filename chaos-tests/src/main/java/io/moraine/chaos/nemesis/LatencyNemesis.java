package io.moraine.chaos.nemesis;

import static io.moraine.chaos.nemesis.NemesisContext.pick;

import io.moraine.chaos.cluster.NetworkFaults;
import io.moraine.chaos.cluster.NodeSpec;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * Latency by a delaying TCP proxy the harness owns (tc netem is unavailable here): connections
 * from every other node to the targets' service ports are DNATed to a proxy on the bridge address
 * that holds each chunk for the delay. Targets: the storage nodes of one AZ (gateway → storage
 * shard traffic), one metadata peer (Raft and client traffic), or every metadata peer. Latency
 * impairs nothing in the budget's sense; beyond the budget it is simply larger (1–2 s).
 */
public final class LatencyNemesis implements Nemesis {

  @Override
  public String name() {
    return "latency";
  }

  @Override
  public Optional<Fault> plan(NemesisContext ctx, RandomGenerator rnd, boolean exceedBudget) throws IOException {
    String shape = pick(rnd, List.of("az-storage", "one-meta", "all-meta"));
    List<NodeSpec> targets = switch (shape) {
      case "az-storage" -> {
        String az = pick(rnd, List.of("az1", "az2", "az3"));
        yield ctx.cluster().byRole("storage").stream().filter(s -> s.az().equals(az)).toList();
      }
      case "one-meta" -> List.of(pick(rnd, ctx.cluster().byRole("meta")));
      default -> ctx.cluster().byRole("meta");
    };
    long delayMillis = exceedBudget ? 1000 + rnd.nextInt(1000) : 50 + rnd.nextInt(250);
    NetworkFaults net = ctx.cluster().runtime().network();
    List<String> ids = targets.stream().map(NodeSpec::nodeId).toList();
    return Optional.of(new Fault(name(), delayMillis + " ms to " + String.join(",", ids), ids, Impact.NONE,
        () -> net.delay(targets, ctx.cluster().nodeIds(), delayMillis),
        net::healDelay));
  }
}
