package io.moraine.chaos;

import io.moraine.chaos.nemesis.NemesisScheduler;
import io.moraine.chaos.workload.WorkloadConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * One chaos run's configuration.
 *
 * @param duration how long the workload and the faults run (the final phase comes after)
 * @param nemesis the {@code --nemesis} list as given
 * @param seed drives every random choice (schedule, targets, workload); printed in the report
 * @param unsafe the unsafe product mode to switch on, if any
 * @param exceedBudget whether faults may go beyond DESIGN.md's fault budget
 * @param resultsDir where {@code <run-id>/} goes
 * @param storagePerAz storage nodes per AZ (2 → 6 nodes)
 * @param zkServers ZooKeeper servers (3, one per AZ)
 * @param gateways gateways (2)
 * @param workload the client workload
 * @param timing the fault schedule's timing
 * @param startTimeout how long the cluster may take to become healthy
 * @param recoveryTimeout how long to wait for health after a heal and before the final reads
 * @param finalReadTimeout how long the final reads may take in all
 * @param accessKey the root access key the nodes were given (MORAINE_ROOT_ACCESS_KEY, else moraineadmin)
 * @param secretKey the root secret key (MORAINE_ROOT_SECRET_KEY, else moraineadmin)
 */
public record ChaosOptions(Duration duration, String nemesis, long seed, Optional<UnsafeMode> unsafe,
    boolean exceedBudget, Path resultsDir, int storagePerAz, int zkServers, int gateways, WorkloadConfig workload,
    NemesisScheduler.Timing timing, Duration startTimeout, Duration recoveryTimeout, Duration finalReadTimeout,
    String accessKey, String secretKey) {

  public static ChaosOptions defaults(Duration duration, String nemesis, long seed) {
    return new ChaosOptions(duration, nemesis, seed, Optional.empty(), false, Path.of("chaos-results"), 2, 3, 2,
        WorkloadConfig.defaults(), new NemesisScheduler.Timing(3_000, 6_000, 5_000, 10_000),
        Duration.ofMinutes(4), Duration.ofSeconds(60), Duration.ofSeconds(120), "moraineadmin", "moraineadmin");
  }

  public ChaosOptions withUnsafe(Optional<UnsafeMode> mode) {
    return new ChaosOptions(duration, nemesis, seed, mode, exceedBudget, resultsDir, storagePerAz, zkServers, gateways,
        workload, timing, startTimeout, recoveryTimeout, finalReadTimeout, accessKey, secretKey);
  }

  public ChaosOptions withExceedBudget(boolean exceed) {
    return new ChaosOptions(duration, nemesis, seed, unsafe, exceed, resultsDir, storagePerAz, zkServers, gateways,
        workload, timing, startTimeout, recoveryTimeout, finalReadTimeout, accessKey, secretKey);
  }

  public ChaosOptions withResultsDir(Path dir) {
    return new ChaosOptions(duration, nemesis, seed, unsafe, exceedBudget, dir, storagePerAz, zkServers, gateways,
        workload, timing, startTimeout, recoveryTimeout, finalReadTimeout, accessKey, secretKey);
  }

  public ChaosOptions withShape(int storagePerAz, int zkServers, int gateways) {
    return new ChaosOptions(duration, nemesis, seed, unsafe, exceedBudget, resultsDir, storagePerAz, zkServers, gateways,
        workload, timing, startTimeout, recoveryTimeout, finalReadTimeout, accessKey, secretKey);
  }

  public ChaosOptions withTiming(NemesisScheduler.Timing t) {
    return new ChaosOptions(duration, nemesis, seed, unsafe, exceedBudget, resultsDir, storagePerAz, zkServers, gateways,
        workload, t, startTimeout, recoveryTimeout, finalReadTimeout, accessKey, secretKey);
  }

  /** The root keys as the node processes will see them: the same environment variables, same defaults. */
  public ChaosOptions withCredentialsFrom(java.util.Map<String, String> env) {
    String ak = env.getOrDefault("MORAINE_ROOT_ACCESS_KEY", "moraineadmin");
    String sk = env.getOrDefault("MORAINE_ROOT_SECRET_KEY", "moraineadmin");
    return new ChaosOptions(duration, nemesis, seed, unsafe, exceedBudget, resultsDir, storagePerAz, zkServers, gateways,
        workload, timing, startTimeout, recoveryTimeout, finalReadTimeout, ak, sk);
  }

  public ChaosOptions validate() {
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException("--time must be positive, got " + duration);
    }
    workload.validate();
    timing.validate();
    return this;
  }

  /** {@code 90s}, {@code 5m}, {@code 1h}, {@code 500ms}, or ISO-8601 ({@code PT90S}). */
  public static Duration parseDuration(String text) {
    String t = text.trim().toLowerCase(java.util.Locale.ROOT);
    try {
      if (t.startsWith("pt")) {
        return Duration.parse(t.toUpperCase(java.util.Locale.ROOT));
      }
      if (t.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
      }
      long n = Long.parseLong(t.substring(0, t.length() - 1));
      return switch (t.charAt(t.length() - 1)) {
        case 's' -> Duration.ofSeconds(n);
        case 'm' -> Duration.ofMinutes(n);
        case 'h' -> Duration.ofHours(n);
        default -> throw new IllegalArgumentException("bad unit");
      };
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("bad duration '" + text + "' (want e.g. 90s, 5m, 1h)", e);
    }
  }
}
