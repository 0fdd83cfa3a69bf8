package io.moraine.chaos.nemesis;

import static io.moraine.chaos.nemesis.NemesisContext.pick;
import static io.moraine.chaos.nemesis.NemesisContext.pickN;

import io.moraine.chaos.cluster.NetworkFaults;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.random.RandomGenerator;

/**
 * Network partitions by nftables drop rules inside the nodes' namespaces. Four shapes:
 * <ul>
 *   <li>{@code halves}: a random minority cut off from the rest — within the budget the minority
 *       holds at most one meta peer, one ZooKeeper server and m storage nodes; beyond it, a
 *       random split of all nodes in two;</li>
 *   <li>{@code leader}: the metadata leader (from {@code moraine admin status}) alone;</li>
 *   <li>{@code az}: one whole AZ cut off from the other two;</li>
 *   <li>{@code bridge}: Jepsen's non-transitive bridge — AZ x and AZ y cannot talk, AZ z talks
 *       to both.</li>
 * </ul>
 * The harness (clients, in the root namespace) keeps reaching every node.
 */
public final class PartitionNemesis implements Nemesis {

  @Override
  public String name() {
    return "partition";
  }

  @Override
  public Optional<Fault> plan(NemesisContext ctx, RandomGenerator rnd, boolean exceedBudget) throws IOException {
    List<String> all = ctx.cluster().nodeIds();
    String shape = pick(rnd, List.of("halves", "leader", "az", "bridge"));
    Set<String> sideA = new TreeSet<>();
    Set<String> sideB = new TreeSet<>();
    String what;
    switch (shape) {
      case "halves" -> {
        if (exceedBudget) {
          sideA.addAll(pickN(rnd, all, all.size() / 2));
        } else {
          sideA.add(pick(rnd, ctx.ids("meta")));
          if (rnd.nextBoolean()) {
            sideA.add(pick(rnd, ctx.ids("zk")));
          }
          sideA.addAll(pickN(rnd, ctx.ids("storage"), rnd.nextInt(3)));
          if (rnd.nextBoolean()) {
            sideA.add(pick(rnd, ctx.ids("gateway")));
          }
        }
        all.stream().filter(id -> !sideA.contains(id)).forEach(sideB::add);
        what = "halves " + sideA + " | rest";
      }
      case "leader" -> {
        String leader = ctx.cluster().metaLeader().orElseGet(() -> pick(rnd, ctx.ids("meta")));
        sideA.add(leader);
        all.stream().filter(id -> !id.equals(leader)).forEach(sideB::add);
        what = "isolate metadata leader " + leader;
      }
      case "az" -> {
        String az = pick(rnd, List.of("az1", "az2", "az3"));
        sideA.addAll(ctx.inAz(az));
        all.stream().filter(id -> !sideA.contains(id)).forEach(sideB::add);
        what = "isolate " + az;
      }
      default -> {
        List<String> azs = pickN(rnd, List.of("az1", "az2", "az3"), 3);
        sideA.addAll(ctx.inAz(azs.get(0)));
        sideB.addAll(ctx.inAz(azs.get(1)));
        what = "bridge: " + azs.get(0) + " x " + azs.get(1) + ", " + azs.get(2) + " sees both";
      }
    }
    Map<String, Collection<String>> rules = new LinkedHashMap<>();
    for (String a : sideA) {
      rules.put(a, new ArrayList<>(sideB));
    }
    for (String b : sideB) {
      rules.put(b, new ArrayList<>(sideA));
    }
    // Budget: the smaller side is what the majority loses.
    Set<String> lost = sideA.size() <= sideB.size() ? sideA : sideB;
    NetworkFaults net = ctx.cluster().runtime().network();
    List<String> nodes = new ArrayList<>(sideA);
    nodes.addAll(sideB);
    return Optional.of(new Fault(name(), what, List.copyOf(lost), Impact.of(lost, false),
        () -> net.block(rules),
        () -> {
          net.healPartitions();
          ctx.awaitHealthy(nodes);
        }));
  }
}
