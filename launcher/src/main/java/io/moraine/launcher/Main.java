package io.moraine.launcher;

import io.moraine.chaos.ChaosCommand;
import io.moraine.launcher.admin.AdminCommand;
import io.moraine.launcher.bench.BenchCommand;
import io.moraine.launcher.cluster.ClusterCommand;
import io.moraine.launcher.dev.DevCommand;
import io.moraine.launcher.dist.DistCommand;
import io.moraine.launcher.role.RoleCommands;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** bin/moraine's entry point: one picocli command per mode (DESIGN.md, Contracts). */
@Command(
    name = "moraine",
    mixinStandardHelpOptions = true,
    version = "moraine 0.1.0",
    description = "Moraine: an S3-compatible object store with Glacier-style archive tiers.",
    subcommands = {
      DevCommand.class,
      RoleCommands.Zk.class,
      RoleCommands.Meta.class,
      RoleCommands.Storage.class,
      RoleCommands.Gateway.class,
      ClusterCommand.class,
      AdminCommand.class,
      ChaosCommand.class,
      BenchCommand.class,
      DistCommand.class,
    })
public final class Main implements Runnable {

  public static void main(String[] args) {
    Logging.configure(args);
    // Server modes return from execute() only after they have shut down.
    System.exit(new CommandLine(new Main()).execute(args));
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }
}
