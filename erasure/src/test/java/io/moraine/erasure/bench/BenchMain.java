package io.moraine.erasure.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs JMH with the usual command-line options (e.g. "-f 1 -wi 2 -i 3 -w 1 -r 2 -t 1") and prints MB/s
 * of data bytes (1 MB = 10^6 bytes) per benchmark, next to the reference library's published figures.
 */
public final class BenchMain {
  private BenchMain() {}

  public static void main(String[] args) throws Exception {
    // Forked benchmark JVMs need the Vector API module, or the codec would measure its scalar path.
    var options = new OptionsBuilder().parent(new CommandLineOptions(args))
        .jvmArgsPrepend("--add-modules", "jdk.incubator.vector").build();
    Collection<RunResult> results = new Runner(options).run();
    List<String> lines = new ArrayList<>();
    lines.add(String.format(Locale.ROOT, "%-18s %-6s %-8s %-7s %-7s %10s %10s", "benchmark", "shape", "shard", "kernel",
        "threads", "MB/s", "x ref"));
    for (RunResult result : results) {
      var params = result.getParams();
      String name = params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.') + 1);
      double opsPerSecond = result.getPrimaryResult().getScore();
      int threads = params.getThreads();
      if (params.getBenchmark().contains("HashBaseline")) {
        double mbs = opsPerSecond * HashBaselineBenchmark.BUFFER_BYTES / 1e6;
        lines.add(String.format(Locale.ROOT, "%-18s %-6s %-8s %-7s %-7d %10.0f %10s", name, "-", "1MiB", "-", threads, mbs, "-"));
        continue;
      }
      String shape = params.getParam("shape");
      int shardBytes = Integer.parseInt(params.getParam("shardBytes"));
      int k = Integer.parseInt(shape.split("\\+")[0]);
      double mbs = opsPerSecond * k * (double) shardBytes / 1e6;
      double reference = referenceMbPerSecond(shape);
      String ratio = reference > 0 ? String.format(Locale.ROOT, "%.1f", mbs / threads / reference) : "-";
      lines.add(String.format(Locale.ROOT, "%-18s %-6s %-8s %-7s %-7d %10.0f %10s", name, shape,
          shardBytes >= 1 << 20 ? (shardBytes >> 20) + "MiB" : (shardBytes >> 10) + "KiB", params.getParam("kernel"),
          threads, mbs, ratio));
    }
    System.out.println();
    System.out.println("MB/s of data bytes (k x shard length per second, all threads); 'x ref' = per-thread MB/s /"
        + " Backblaze JavaReedSolomon per-core figure for the shape (1 MiB shards)");
    lines.forEach(System.out::println);
  }

  /** Backblaze JavaReedSolomon, one core of this machine kind, JDK 25, 1 MiB shards (from issue 3). */
  static double referenceMbPerSecond(String shape) {
    return switch (shape) {
      case "4+2" -> 1000;
      case "6+3" -> 660;
      case "10+4" -> 460;
      case "12+4" -> 480;
      default -> 0;
    };
  }
}
