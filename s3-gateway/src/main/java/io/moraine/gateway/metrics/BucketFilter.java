package io.moraine.gateway.metrics;

import java.util.List;
import java.util.Set;

/**
 * Which buckets get per-bucket series (config {@code metrics.buckets}): none (the default), the
 * listed names, or {@code *} — every bucket, up to {@code metrics.buckets.max} distinct buckets
 * per gateway (the first seen; later ones get none), so a client creating buckets cannot grow
 * the series without bound.
 */
public record BucketFilter(boolean all, Set<String> names, int maxBuckets) {
  public static final int DEFAULT_MAX_BUCKETS = 100;
  public static final BucketFilter NONE = new BucketFilter(false, Set.of(), 0);

  public BucketFilter {
    names = Set.copyOf(names);
    if (maxBuckets < 0) {
      throw new IllegalArgumentException("metrics.buckets.max must be >= 0, got " + maxBuckets);
    }
  }

  /** From the config's list ({@code *} for every bucket) and cap. */
  public static BucketFilter of(List<String> configured, int maxBuckets) {
    if (configured.contains("*")) {
      return new BucketFilter(true, Set.of(), maxBuckets);
    }
    return new BucketFilter(false, Set.copyOf(configured), Math.max(maxBuckets, configured.size()));
  }

  public boolean includes(String bucket) {
    return all || names.contains(bucket);
  }
}
