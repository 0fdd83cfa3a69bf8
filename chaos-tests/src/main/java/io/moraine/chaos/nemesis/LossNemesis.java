package io.moraine.chaos.nemesis;

import static io.moraine.chaos.nemesis.NemesisContext.pick;
import static io.moraine.chaos.nemesis.NemesisContext.pickN;

import io.moraine.chaos.cluster.NetworkFaults;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * Random packet loss ({@code nft ... numgen random mod 100 < N drop}) on incoming packets of
 * chosen nodes: one whole AZ, or one to three random nodes that fit the budget; 5–30% (beyond the
 * budget: every node, 20–50%). Lossy nodes count as impaired.
 */
public final class LossNemesis implements Nemesis {

  @Override
  public String name() {
    return "loss";
  }

  @Override
  public Optional<Fault> plan(NemesisContext ctx, RandomGenerator rnd, boolean exceedBudget) throws IOException {
    List<String> targets = new ArrayList<>();
    int percent;
    if (exceedBudget) {
      targets.addAll(ctx.cluster().nodeIds());
      percent = 20 + rnd.nextInt(31);
    } else {
      if (rnd.nextBoolean()) {
        targets.addAll(ctx.inAz(pick(rnd, List.of("az1", "az2", "az3"))));
      } else {
        targets.addAll(pickN(rnd, ctx.cluster().nodeIds(), 1 + rnd.nextInt(3)));
      }
      percent = 5 + rnd.nextInt(26);
    }
    NetworkFaults net = ctx.cluster().runtime().network();
    return Optional.of(new Fault(name(), percent + "% loss on " + String.join(",", targets), targets,
        Impact.of(targets, false), () -> net.loss(targets, percent), net::healLoss));
  }
}
