package io.moraine.launcher.bench;

import java.util.Arrays;
import java.util.Locale;

/**
 * Percentiles of a set of latency samples (nanoseconds), nearest-rank: p(q) is the smallest
 * sample such that at least q of all samples are at or below it. Benchmarks print these; nothing
 * asserts on them.
 */
public record LatencySummary(int count, long p50Nanos, long p99Nanos, long maxNanos, double meanNanos) {

  /** Summarizes {@code samples} (not modified); at least one sample. */
  public static LatencySummary of(long[] samples) {
    if (samples.length == 0) {
      throw new IllegalArgumentException("no samples");
    }
    long[] s = samples.clone();
    Arrays.sort(s);
    double sum = 0;
    for (long v : s) {
      sum += v;
    }
    return new LatencySummary(s.length, percentile(s, 0.50), percentile(s, 0.99), s[s.length - 1], sum / s.length);
  }

  /** Nearest-rank percentile of sorted samples, {@code q} in (0, 1]. */
  static long percentile(long[] sorted, double q) {
    if (!(q > 0 && q <= 1)) {
      throw new IllegalArgumentException("percentile " + q + " not in (0, 1]");
    }
    int rank = (int) Math.ceil(q * sorted.length);
    return sorted[Math.max(0, rank - 1)];
  }

  public double p50Millis() {
    return p50Nanos / 1e6;
  }

  public double p99Millis() {
    return p99Nanos / 1e6;
  }

  /** "p50 1.23 ms  p99 4.56 ms  max 7.89 ms  (n=200)". */
  public String format() {
    return String.format(Locale.ROOT, "p50 %7.2f ms  p99 %7.2f ms  max %7.2f ms  mean %7.2f ms  (n=%d)",
        p50Millis(), p99Millis(), maxNanos / 1e6, meanNanos / 1e6, count);
  }
}
