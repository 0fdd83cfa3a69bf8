package io.moraine.chaos.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.moraine.chaos.ChaosOptions;
import io.moraine.chaos.ChaosRun;
import io.moraine.chaos.check.Validity;
import io.moraine.chaos.nemesis.NemesisScheduler;
import io.moraine.chaos.net.Shell;
import io.moraine.chaos.report.RunReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The same drill over Docker containers (Testcontainers) instead of namespaces, for machines
 * with a Docker engine: process faults only (kill, pause). Skipped, saying so, where no engine
 * runs — as on the machines this project is built on, where it has never run. In the default
 * suite: it costs nothing where it is skipped, and is the drill itself where Docker runs.
 */
class ContainerChaosTest {

  @Test
  void killAndPauseKeepTheHistoryValidInContainers() throws Exception {
    assumeTrue(ContainerRuntime.dockerAvailable(),
        "no Docker engine here: the Testcontainers runtime is skipped (docs/chaos.md: not run on these machines)");
    Path launcherTarget = Path.of("..", "launcher", "target").toAbsolutePath().normalize();
    assumeTrue(Files.isRegularFile(launcherTarget.resolve("moraine-launcher.jar")),
        "build the launcher first (mvn install): " + launcherTarget + " has no moraine-launcher.jar");
    Path dockerfile = Path.of("src", "test", "docker", "Dockerfile").toAbsolutePath();
    ChaosOptions options = ChaosOptions.defaults(Duration.ofSeconds(30), "kill,pause", 11)
        .withResultsDir(Path.of("target", "chaos-results"))
        .withTiming(new NemesisScheduler.Timing(2_000, 3_000, 4_000, 7_000));
    ChaosRun run = new ChaosRun(options, Shell.system(), Clock.systemUTC(), System::nanoTime,
        (runDir, dataRoot, overrides) -> new ContainerRuntime(launcherTarget, dockerfile, runDir, overrides));

    RunReport report = run.run();

    assertThat(report.validity()).as(report.text()).isEqualTo(Validity.VALID);
  }
}
