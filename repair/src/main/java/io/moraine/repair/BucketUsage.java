package io.moraine.repair;

import io.moraine.metadata.api.Bucket;
import io.moraine.metadata.api.MetadataClient;
import io.moraine.metadata.api.MetadataException;
import io.moraine.metadata.api.VersionEntry;
import io.moraine.metadata.api.VersionListPage;
import io.moraine.metadata.api.VersionListRequest;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * Stored bytes and objects per bucket and storage class, from the metadata tier (docs/metrics.md):
 * {@link #refresh} lists every version of each included bucket, and only on the active instance
 * ({@code active}: the repair leader), so one process per cluster pays the walk. Bounded: only
 * buckets {@code include} admits, at most {@code maxBuckets} of them (in name order).
 */
public final class BucketUsage {
  private static final int PAGE = 1000;

  /** One bucket and storage class: bytes of every stored version, current objects, and versions. */
  public record Usage(String bucket, String storageClass, long storedBytes, long objects, long versions) {}

  private final String nodeId;
  private final MetadataClient meta;
  private final BooleanSupplier active;
  private final Predicate<String> include;
  private final int maxBuckets;
  private final InstantSource clock;
  private volatile List<Usage> last = List.of();
  private volatile long refreshedMillis = -1;

  public BucketUsage(String nodeId, MetadataClient meta, BooleanSupplier active, Predicate<String> include, int maxBuckets,
      InstantSource clock) {
    this.nodeId = nodeId;
    this.meta = meta;
    this.active = active;
    this.include = include;
    this.maxBuckets = maxBuckets;
    this.clock = clock;
  }

  /** Recomputes the figures when active; an inactive instance exports none. */
  public void refresh() {
    if (!active.getAsBoolean()) {
      last = List.of();
      refreshedMillis = -1;
      return;
    }
    java.util.ArrayList<Usage> out = new java.util.ArrayList<>();
    int buckets = 0;
    for (Bucket b : meta.listAllBuckets().stream().sorted(java.util.Comparator.comparing(Bucket::name)).toList()) {
      if (!include.test(b.name()) || buckets >= maxBuckets) {
        continue;
      }
      buckets++;
      try {
        out.addAll(of(b.name()));
      } catch (MetadataException e) {
        // Deleted while listing: no figures for it.
      }
    }
    last = List.copyOf(out);
    refreshedMillis = clock.millis();
  }

  private List<Usage> of(String bucket) {
    Map<String, long[]> byClass = new TreeMap<>();
    String keyMarker = "";
    String versionMarker = "";
    while (true) {
      VersionListPage page = meta.listObjectVersions(bucket, new VersionListRequest("", "", keyMarker, versionMarker, PAGE));
      for (VersionEntry v : page.versions()) {
        if (v.deleteMarker()) {
          continue;
        }
        long[] f = byClass.computeIfAbsent(v.storageClass() == null ? "STANDARD" : v.storageClass(), c -> new long[3]);
        f[0] += v.size();
        f[1] += v.latest() ? 1 : 0;
        f[2]++;
      }
      if (!page.truncated()) {
        break;
      }
      keyMarker = page.nextKeyMarker();
      versionMarker = page.nextVersionIdMarker() == null ? "" : page.nextVersionIdMarker();
    }
    return byClass.entrySet().stream()
        .map(e -> new Usage(bucket, e.getKey(), e.getValue()[0], e.getValue()[1], e.getValue()[2])).toList();
  }

  public List<Usage> usage() {
    return last;
  }

  /** The gauges over every instance of the process (dev runs three; only the active one has figures). */
  public static final class Metrics {
    private final List<BucketUsage> sources = new CopyOnWriteArrayList<>();

    public Metrics(PrometheusRegistry registry) {
      GaugeWithCallback.builder().name("moraine_bucket_stored_bytes")
          .help("bytes of every stored version of the bucket's objects in the storage class (from metadata)")
          .labelNames("node_id", "bucket", "storage_class")
          .callback(cb -> each(u -> cb.call(u.storedBytes(), u.nodeId, u.usage.bucket(), u.usage.storageClass())))
          .register(registry);
      GaugeWithCallback.builder().name("moraine_bucket_objects")
          .help("current objects (latest versions, not delete markers) of the bucket in the storage class")
          .labelNames("node_id", "bucket", "storage_class")
          .callback(cb -> each(u -> cb.call(u.usage.objects(), u.nodeId, u.usage.bucket(), u.usage.storageClass())))
          .register(registry);
      GaugeWithCallback.builder().name("moraine_bucket_versions")
          .help("stored versions (current and noncurrent, not delete markers) of the bucket in the storage class")
          .labelNames("node_id", "bucket", "storage_class")
          .callback(cb -> each(u -> cb.call(u.usage.versions(), u.nodeId, u.usage.bucket(), u.usage.storageClass())))
          .register(registry);
      GaugeWithCallback.builder().name("moraine_bucket_usage_timestamp_seconds")
          .help("when the per-bucket usage was last computed (Unix seconds)").labelNames("node_id")
          .callback(cb -> {
            for (BucketUsage s : sources) {
              if (s.refreshedMillis >= 0) {
                cb.call(s.refreshedMillis / 1000.0, s.nodeId);
              }
            }
          }).register(registry);
    }

    public void watch(BucketUsage usage) {
      sources.add(usage);
    }

    public void unwatch(BucketUsage usage) {
      sources.remove(usage);
    }

    private record Point(String nodeId, Usage usage) {
      double storedBytes() {
        return usage.storedBytes();
      }
    }

    private void each(java.util.function.Consumer<Point> c) {
      for (BucketUsage s : sources) {
        for (Usage u : s.last) {
          c.accept(new Point(s.nodeId, u));
        }
      }
    }
  }
}
