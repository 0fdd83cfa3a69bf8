package io.moraine.chaos.nemesis;

import static io.moraine.chaos.nemesis.NemesisContext.pick;
import static io.moraine.chaos.nemesis.NemesisContext.pickN;

import io.moraine.chaos.cluster.NodeRuntime;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * {@code kill} (SIGKILL, then restart with the same config at heal) and {@code pause}
 * (SIGSTOP, SIGCONT at heal). Targets, within the budget: one or two storage nodes (m = 2), one
 * metadata peer, one ZooKeeper server or one gateway; beyond it: three storage nodes in three
 * AZs, or two metadata peers, or two ZooKeeper servers.
 */
public final class ProcessNemesis implements Nemesis {

  private final boolean kill;

  private ProcessNemesis(boolean kill) {
    this.kill = kill;
  }

  public static ProcessNemesis kill() {
    return new ProcessNemesis(true);
  }

  public static ProcessNemesis pause() {
    return new ProcessNemesis(false);
  }

  @Override
  public String name() {
    return kill ? "kill" : "pause";
  }

  @Override
  public Optional<Fault> plan(NemesisContext ctx, RandomGenerator rnd, boolean exceedBudget) throws IOException {
    List<String> targets = new ArrayList<>();
    String role = pick(rnd, List.of("storage", "storage", "meta", "zk", "gateway"));
    if (ctx.ids(role).isEmpty()) {
      return Optional.empty();
    }
    if (exceedBudget && !role.equals("gateway")) {
      if (role.equals("storage")) {
        for (String az : List.of("az1", "az2", "az3")) {
          targets.add(pick(rnd, ctx.ids("storage").stream().filter(id -> id.startsWith("storage-" + az)).toList()));
        }
      } else {
        targets.addAll(pickN(rnd, ctx.ids(role), 2));
      }
    } else if (role.equals("storage")) {
      targets.addAll(pickN(rnd, ctx.ids("storage"), 1 + rnd.nextInt(2)));
    } else {
      targets.add(pick(rnd, ctx.ids(role)));
    }
    NodeRuntime rt = ctx.cluster().runtime();
    Fault.Action inject = () -> {
      for (String t : targets) {
        if (kill) {
          rt.kill(t);
        } else {
          rt.pause(t);
        }
      }
    };
    Fault.Action heal = () -> {
      for (String t : targets) {
        if (!kill) {
          rt.resume(t);
        }
      }
      ctx.restartAndAwait(targets);
    };
    return Optional.of(new Fault(name(), (kill ? "kill -9 " : "SIGSTOP ") + String.join(",", targets), targets,
        Impact.of(targets, false), inject, heal));
  }
}
