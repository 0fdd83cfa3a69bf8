package io.moraine.chaos;

import io.moraine.chaos.nemesis.Nemeses;
import io.moraine.chaos.net.Shell;
import io.moraine.chaos.report.RunReport;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code moraine chaos}: one Jepsen-style drill against a real multi-process cluster in network
 * namespaces (needs root, nft and ip). Writes {@code chaos-results/<run-id>/} and prints a final
 * line {@code verdict: valid …} or {@code verdict: invalid …}; exits 0 only when valid.
 * This is the one place that hands the real clock to the harness.
 */
@Command(name = "chaos", mixinStandardHelpOptions = true,
    description = {
        "Run a chaos drill: a cluster of separate processes, each in its own network namespace, an S3 workload,",
        "faults injected, the history checked for linearizability, lost writes, listing consistency and multipart",
        "atomicity. Report under chaos-results/<run-id>/ (report.txt, history.tsv, timeline.html, logs/).",
        "Needs root (ip netns, nft). Exit 0 only when the verdict is valid."},
    footer = {"",
        "Nemeses: kill, pause, partition, latency, loss, bitrot, mixed (all of them, randomly scheduled).",
        "Unsafe modes (--unsafe NAME; passed to every node as the config override --unsafe NAME):",
        "  ack-before-commit  the gateway acknowledges a PUT before the metadata commit (must be found invalid)",
        "  follower-read      (not built yet; the nodes refuse it) metadata reads without ReadIndex/lease",
        "  skip-fsync         (not built yet; the nodes refuse it) shards acknowledged without fsync",
        "  client-early-ack   harness only: clients record PUTs as acknowledged when sent (self-test of the checkers)"})
public final class ChaosCommand implements Callable<Integer> {

  @Option(names = "--time", defaultValue = "90s", description = "how long to run the workload under faults, e.g. 90s, 5m (default ${DEFAULT-VALUE})")
  String time;

  @Option(names = "--nemesis", defaultValue = "mixed", description = "comma-separated: kill, pause, partition, latency, loss, bitrot, mixed (default ${DEFAULT-VALUE})")
  String nemesis;

  @Option(names = "--seed", description = "seed of every random choice (default: derived from the clock, printed)")
  Long seed;

  @Option(names = "--unsafe", description = "switch on an unsafe mode the checkers must catch: ack-before-commit, follower-read, skip-fsync, client-early-ack")
  String unsafe;

  @Option(names = "--exceed-budget", description = "allow faults beyond DESIGN.md's fault budget; the report says so")
  boolean exceedBudget;

  @Option(names = "--results", defaultValue = "chaos-results", description = "results directory (default ${DEFAULT-VALUE})")
  Path results;

  @Option(names = "--storage-per-az", defaultValue = "2", description = "storage nodes per AZ (default ${DEFAULT-VALUE})")
  int storagePerAz;

  @Option(names = "--check-history", description = "only re-check a recorded history.tsv (no cluster); the report is rewritten beside it")
  Path checkHistory;

  @Override
  public Integer call() throws Exception {
    if (checkHistory != null) {
      return recheck(checkHistory);
    }
    Clock clock = Clock.systemUTC();
    long s = seed != null ? seed : clock.millis() % 1_000_000;
    Nemeses.parse(nemesis);
    ChaosOptions options = ChaosOptions.defaults(ChaosOptions.parseDuration(time), nemesis, s)
        .withUnsafe(Optional.ofNullable(unsafe).map(UnsafeMode::parse))
        .withExceedBudget(exceedBudget)
        .withResultsDir(results)
        .withShape(storagePerAz, 3, 2)
        .withCredentialsFrom(System.getenv());
    System.out.println("moraine chaos: seed " + s + ", nemesis " + nemesis + ", time " + time
        + (unsafe == null ? "" : ", unsafe " + unsafe) + (exceedBudget ? ", exceeding the fault budget" : ""));
    ChaosRun run = new ChaosRun(options, Shell.system(), clock, System::nanoTime);
    RunReport report;
    try {
      report = run.run();
    } catch (Exception e) {
      // The harness or the cluster failed before a history could be judged: never a valid verdict.
      e.printStackTrace(System.err);
      System.out.println("verdict: invalid (run failed before a verdict: " + e.getMessage() + "; seed " + s + ")");
      return 2;
    }
    Path dir = run.runDir(report);
    System.out.println(report.text());
    System.out.println(report.verdictLine(dir));
    return report.validity() == io.moraine.chaos.check.Validity.VALID ? 0 : 1;
  }

  private static int recheck(Path file) throws java.io.IOException {
    io.moraine.chaos.history.History h = io.moraine.chaos.report.HistoryFile.read(file);
    Path dir = file.toAbsolutePath().getParent();
    boolean outside = h.faults().stream().anyMatch(f -> !f.withinBudget());
    RunReport report = new RunReport(dir.getFileName().toString(), "re-check of " + file, outside,
        io.moraine.chaos.check.Checkers.standard(System::nanoTime, 20_000_000_000L).checkAll(h), h);
    report.write(dir);
    System.out.println(report.text());
    System.out.println(report.verdictLine(dir));
    return report.validity() == io.moraine.chaos.check.Validity.VALID ? 0 : 1;
  }

  /** For running the harness alone: {@code java -cp ... io.moraine.chaos.ChaosCommand --time 60s}. */
  public static void main(String[] args) {
    System.exit(new picocli.CommandLine(new ChaosCommand()).execute(args));
  }
}
