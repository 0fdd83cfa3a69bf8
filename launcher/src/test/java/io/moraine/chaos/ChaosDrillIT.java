package io.moraine.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.moraine.chaos.check.Validity;
import io.moraine.chaos.nemesis.NemesisScheduler;
import io.moraine.chaos.net.Shell;
import io.moraine.chaos.report.RunReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Short seeded drills against a real 14-process cluster in network namespaces: one per nemesis
 * class (one cluster, one segment each, ~4 min in all), then the unsafe mode that must be caught.
 * They need root, nft, ip (.ci/run installs nftables and iproute2) and the packaged launcher
 * (launcher/target/moraine-launcher.jar + lib), so they live in the launcher's failsafe phase,
 * which runs after packaging; without root or nft they are skipped with a message (docs/chaos.md).
 * Reports land in target/chaos-results/.
 */
class ChaosDrillIT {

  private static final Path RESULTS = Path.of("target", "chaos-results");

  @BeforeAll
  static void needsRootAndTools() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "chaos drills need root (ip netns, nft)");
    Shell sh = Shell.system();
    assumeTrue(sh.run(List.of("nft", "--version")).ok(), "chaos drills need nft (Debian package nftables)");
    assumeTrue(sh.run(List.of("ip", "-V")).ok(), "chaos drills need ip (iproute2)");
  }

  private static ChaosOptions shortDrill(String nemesis, long seed, Duration time) {
    return ChaosOptions.defaults(time, nemesis, seed)
        .withResultsDir(RESULTS)
        .withTiming(new NemesisScheduler.Timing(2_000, 3_000, 4_000, 7_000));
  }

  @Test
  void everyNemesisClassKeepsTheHistoryValid() throws Exception {
    List<String> classes = List.of("kill", "pause", "partition", "latency", "loss", "bitrot", "mixed");
    ChaosRun run = new ChaosRun(shortDrill("mixed", 42, Duration.ofSeconds(20)), Shell.system(), Clock.systemUTC(),
        System::nanoTime);

    List<RunReport> reports = run.runSuite(classes);

    assertThat(reports).hasSize(classes.size());
    for (RunReport r : reports) {
      assertThat(Files.exists(run.runDir(r).resolve("timeline.html"))).isTrue();
      assertThat(r.history().faults()).as(r.runId() + " injected faults").isNotEmpty();
      assertThat(r.validity()).as(r.runId() + ":\n" + r.text()).isEqualTo(Validity.VALID);
    }
  }

  /** The harness-side self-test: clients that acknowledge PUTs when sending them must be caught. */
  @Test
  void clientEarlyAckIsCaught() throws Exception {
    ChaosRun run = new ChaosRun(shortDrill("kill", 12, Duration.ofSeconds(30))
        .withUnsafe(Optional.of(UnsafeMode.CLIENT_EARLY_ACK)), Shell.system(), Clock.systemUTC(), System::nanoTime);

    RunReport report = run.run();

    assertThat(report.validity()).as(report.text()).isEqualTo(Validity.INVALID);
    assertThat(report.anomalies().get(0).ops()).hasSizeLessThanOrEqualTo(4);
  }

  /**
   * Needs the product-side switch (config key {@code unsafe}, see docs/chaos.md): without it the
   * nodes refuse the unknown key and the run fails, which fails this test too — deliberately.
   */
  @Test
  void ackBeforeCommitIsCaught() throws Exception {
    ChaosRun run = new ChaosRun(shortDrill("partition,kill", 7, Duration.ofSeconds(40))
        .withUnsafe(Optional.of(UnsafeMode.ACK_BEFORE_COMMIT)), Shell.system(), Clock.systemUTC(), System::nanoTime);

    RunReport report = run.run();

    assertThat(report.validity()).as(report.text()).isEqualTo(Validity.INVALID);
  }
}
