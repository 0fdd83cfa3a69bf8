package io.moraine.chaos;

import io.moraine.chaos.check.Checkers;
import io.moraine.chaos.cluster.ChaosCluster;
import io.moraine.chaos.cluster.ClusterShape;
import io.moraine.chaos.cluster.JvmCommand;
import io.moraine.chaos.cluster.NamespacedRuntime;
import io.moraine.chaos.cluster.NodeRuntime;
import io.moraine.chaos.history.History;
import io.moraine.chaos.nemesis.FaultBudget;
import io.moraine.chaos.nemesis.NemesisContext;
import io.moraine.chaos.nemesis.NemesisScheduler;
import io.moraine.chaos.nemesis.Nemeses;
import io.moraine.chaos.net.NetLab;
import io.moraine.chaos.net.Shell;
import io.moraine.chaos.report.RunReport;
import io.moraine.chaos.workload.S3Workload;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One drill, start to verdict: sweep leftovers of crashed runs, build the namespaced network,
 * start the cluster, run the workload under the fault schedule, heal, read every key once more,
 * check the history, write the report, tear everything down (in {@code finally}, and from a
 * shutdown hook should the JVM be stopped mid-run).
 *
 * <p>Fault model: any failure of the harness itself (cluster does not start, tool missing) ends
 * the run with an exception after teardown; it is never reported as a verdict.
 */
public final class ChaosRun {

  private static final Logger log = LoggerFactory.getLogger(ChaosRun.class);

  private final ChaosOptions options;
  private final Shell sh;
  private final Clock clock;
  private final LongSupplier nanoTime;
  private final RuntimeFactory runtimes;

  /** Makes the node runtime of a run: namespaced processes here, containers where Docker runs. */
  @FunctionalInterface
  public interface RuntimeFactory {
    /**
     * @param runDir where logs and configs go
     * @param dataRoot where node data goes (deleted after the run)
     * @param overrides command-line overrides for every node ({@code --unsafe NAME})
     */
    NodeRuntime create(Path runDir, Path dataRoot, List<String> overrides) throws IOException;
  }

  /** A run over namespaced processes (root only). */
  public ChaosRun(ChaosOptions options, Shell sh, Clock clock, LongSupplier nanoTime) {
    this(options, sh, clock, nanoTime, null);
  }

  public ChaosRun(ChaosOptions options, Shell sh, Clock clock, LongSupplier nanoTime, RuntimeFactory runtimes) {
    this.options = options.validate();
    this.sh = sh;
    this.clock = clock;
    this.nanoTime = nanoTime;
    this.runtimes = runtimes != null ? runtimes : (runDir, dataRoot, overrides) -> {
      NetLab.sweep(sh);
      NetLab lab = NetLab.create(sh, 1 + (int) Math.floorMod(options.seed(), 250L));
      try {
        return new NamespacedRuntime(sh, lab, JvmCommand.discover(), runDir, dataRoot, overrides, nanoTime);
      } catch (IOException | RuntimeException e) {
        lab.close();
        throw e;
      }
    };
  }

  public String runId() {
    return DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(clock.instant())
        + "-" + options.nemesis().replace(',', '+') + "-s" + options.seed()
        + options.unsafe().map(u -> "-unsafe-" + u.flag()).orElse("");
  }

  /** One drill with the configured nemesis list. */
  public RunReport run() throws Exception {
    return runSuite(List.of(options.nemesis())).get(0);
  }

  /**
   * Several drills against one cluster, one after another (each with its own history, keys and
   * report, in {@code <run-id>/<nemesis>/}): the cluster starts once, which is most of a short
   * drill's cost on 2 cores.
   */
  public List<RunReport> runSuite(List<String> nemesisLists) throws Exception {
    for (String n : nemesisLists) {
      Nemeses.parse(n);
    }
    String runId = runId();
    Path runDir = options.resultsDir().resolve(runId).toAbsolutePath();
    Files.createDirectories(runDir);
    JvmCommand jvm = JvmCommand.discover();
    Path dataRoot = Files.createTempDirectory("moraine-chaos-data-");
    List<String> overrides = new ArrayList<>();
    options.unsafe().filter(UnsafeMode::productSide).ifPresent(u -> {
      overrides.add("--unsafe");
      overrides.add(u.flag());
    });
    NodeRuntime runtime = runtimes.create(runDir, dataRoot, overrides);
    Thread hook = new Thread(() -> closeQuietly(runtime, dataRoot), "chaos-teardown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      ClusterShape shape = new ClusterShape(options.zkServers(), options.storagePerAz(), options.gateways(), dataRoot)
          .validate();
      ChaosCluster cluster = new ChaosCluster(runtime, shape, jvm, sh, nanoTime);
      log.info("run {}: starting {} nodes as {}", runId, cluster.nodeIds().size(), runtime.describe());
      cluster.start(options.startTimeout());
      List<RunReport> reports = new ArrayList<>();
      for (int i = 0; i < nemesisLists.size(); i++) {
        String nemesis = nemesisLists.get(i);
        String segment = nemesis.replace(',', '+');
        String segmentId = nemesisLists.size() == 1 ? runId : runId + "/" + segment;
        Path dir = nemesisLists.size() == 1 ? runDir : runDir.resolve(segment);
        RunReport report = segment(cluster, nemesis, segment, segmentId, options.seed() + 7919L * i);
        report.write(dir);
        reports.add(report);
        log.info("{}", report.verdictLine(dir));
      }
      return reports;
    } finally {
      closeQuietly(runtime, dataRoot);
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        log.debug("JVM shutting down; the hook runs the same idempotent teardown");
      }
    }
  }

  private RunReport segment(ChaosCluster cluster, String nemesis, String keyPrefix, String segmentId,
      long seed) throws Exception {
    History history = new History(nanoTime);
    RandomGenerator rnd = RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
    try (S3Workload workload = new S3Workload(options.workload(), history, cluster.gatewayEndpoints(),
        options.accessKey(), options.secretKey(), seed, keyPrefix,
        options.unsafe().filter(u -> u == UnsafeMode.CLIENT_EARLY_ACK).isPresent())) {
      workload.setUp(history.now() + options.startTimeout().toNanos());
      NemesisScheduler scheduler = new NemesisScheduler(Nemeses.parse(nemesis),
          new NemesisContext(cluster, options.recoveryTimeout(), nanoTime),
          new FaultBudget(2, 3, options.zkServers(), options.gateways()), options.exceedBudget(), rnd, history,
          options.timing());
      workload.start();
      scheduler.start();
      Thread.sleep(options.duration().toMillis());
      scheduler.stopAndHeal();
      workload.stopAndJoin();
      List<String> unhealthy = cluster.awaitAllHealthy(options.recoveryTimeout());
      if (!unhealthy.isEmpty()) {
        log.warn("still unhealthy after heal: {}", unhealthy);
      }
      List<String> unread = workload.finalReads(history.now() + options.finalReadTimeout().toNanos());
      if (!unread.isEmpty()) {
        log.warn("keys not readable after heal: {}", unread);
      }
      String description = "moraine chaos --time " + options.duration().toSeconds() + "s --nemesis " + nemesis
          + " --seed " + seed + options.unsafe().map(u -> " --unsafe " + u.flag()).orElse("")
          + (options.exceedBudget() ? " --exceed-budget" : "")
          + "\ncluster: " + cluster.nodeIds().size() + " nodes " + cluster.nodeIds() + ", "
          + cluster.runtime().describe() + "; keys under " + keyPrefix + "/"
          + (scheduler.errors().isEmpty() ? "" : "\nnemesis errors: " + scheduler.errors())
          + (unhealthy.isEmpty() ? "" : "\nunhealthy after heal: " + unhealthy)
          + (unread.isEmpty() ? "" : "\nkeys never read after heal: " + unread);
      return new RunReport(segmentId, description, scheduler.anyOutsideBudget(),
          Checkers.standard(nanoTime, 20_000_000_000L).checkAll(history), history);
    }
  }

  /** Where a report returned by {@link #run} or {@link #runSuite} was written. */
  public Path runDir(RunReport report) {
    return options.resultsDir().resolve(report.runId()).toAbsolutePath();
  }

  private static void closeQuietly(NodeRuntime runtime, Path dataRoot) {
    try {
      runtime.close();
    } catch (IOException e) {
      log.error("teardown of the chaos network failed; `moraine chaos` sweeps leftovers at its next start", e);
    }
    try {
      deleteTree(dataRoot);
    } catch (IOException e) {
      log.error("could not delete {}", dataRoot, e);
    }
  }

  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.delete(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
        Files.delete(dir);
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
