package io.moraine.repair;

import io.moraine.metadata.api.MetadataClient;
import io.moraine.proto.meta.v1.UsageRecord;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * Per-bucket and storage-class usage for Prometheus (docs/metrics.md), from the metadata tier's
 * storage-accounting counters (docs/storage-classes.md, Accounting): {@link #refresh} is one
 * usage query per group — no walk — made only on the active instance ({@code active}: the repair
 * leader), so one process per cluster exports the series. Bounded: only buckets {@code include}
 * admits, and of those the {@code maxBuckets} holding the most bytes (ties by name).
 */
public final class BucketUsage {

  /**
   * One bucket and class: bytes and objects of every stored version (current and noncurrent, not
   * delete markers), billable bytes (S3's minimum sizes, plus upload parts), retrieval bytes
   * (restores and IA / IR GETs, cumulative).
   */
  public record Usage(String bucket, String storageClass, long bytes, long objects, long billableBytes,
      long retrievalBytes) {
    static Usage of(UsageRecord r) {
      return new Usage(r.getBucket(), r.getStorageClass(), r.getBytes(), r.getObjects(),
          r.getBillableBytes() + r.getUploadBytes(), r.getRestoreRetrievalBytes() + r.getGetRetrievalBytes());
    }
  }

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

  /** Reads the counters when active; an inactive instance exports none. */
  public void refresh() {
    if (!active.getAsBoolean()) {
      last = List.of();
      refreshedMillis = -1;
      return;
    }
    Map<String, List<Usage>> byBucket = new TreeMap<>();
    for (UsageRecord r : meta.usage("").getUsageList()) {
      if (include.test(r.getBucket())) {
        byBucket.computeIfAbsent(r.getBucket(), b -> new ArrayList<>()).add(Usage.of(r));
      }
    }
    List<String> top = byBucket.keySet().stream()
        .sorted(Comparator.comparingLong((String b) -> -byBucket.get(b).stream().mapToLong(Usage::bytes).sum())
            .thenComparing(b -> b))
        .limit(maxBuckets).sorted().toList();
    List<Usage> out = new ArrayList<>();
    top.forEach(b -> out.addAll(byBucket.get(b)));
    last = List.copyOf(out);
    refreshedMillis = clock.millis();
  }

  public List<Usage> usage() {
    return last;
  }

  /** The series over every instance of the process (dev runs three; only the active one has figures). */
  public static final class Metrics {
    private final List<BucketUsage> sources = new CopyOnWriteArrayList<>();

    public Metrics(PrometheusRegistry registry) {
      gauge(registry, "moraine_bucket_objects",
          "stored object versions (current and noncurrent, not delete markers) of the bucket in the storage class",
          Usage::objects);
      gauge(registry, "moraine_bucket_bytes",
          "logical bytes of every stored version of the bucket in the storage class (before erasure overhead)",
          Usage::bytes);
      gauge(registry, "moraine_bucket_billable_bytes",
          "bytes S3 would bill for the bucket in the storage class: minimum sizes applied, upload parts added",
          Usage::billableBytes);
      // Kept for dashboards from before the counters: the same figures under their old names.
      gauge(registry, "moraine_bucket_stored_bytes", "alias of moraine_bucket_bytes", Usage::bytes);
      gauge(registry, "moraine_bucket_versions", "alias of moraine_bucket_objects", Usage::objects);
      CounterWithCallback.builder().name("moraine_bucket_retrieval_bytes_total")
          .help("bytes retrieved from the bucket in the storage class: restores made, STANDARD_IA / ONEZONE_IA / "
              + "GLACIER_IR reads reported by gateways")
          .labelNames("node_id", "bucket", "storage_class")
          .callback(cb -> each((id, u) -> cb.call(u.retrievalBytes(), id, u.bucket(), u.storageClass())))
          .register(registry);
      GaugeWithCallback.builder().name("moraine_bucket_usage_timestamp_seconds")
          .help("when the per-bucket usage was last read (Unix seconds)").labelNames("node_id")
          .callback(cb -> {
            for (BucketUsage s : sources) {
              if (s.refreshedMillis >= 0) {
                cb.call(s.refreshedMillis / 1000.0, s.nodeId);
              }
            }
          }).register(registry);
    }

    private void gauge(PrometheusRegistry registry, String name, String help,
        java.util.function.ToLongFunction<Usage> value) {
      GaugeWithCallback.builder().name(name).help(help).labelNames("node_id", "bucket", "storage_class")
          .callback(cb -> each((id, u) -> cb.call(value.applyAsLong(u), id, u.bucket(), u.storageClass())))
          .register(registry);
    }

    public void watch(BucketUsage usage) {
      sources.add(usage);
    }

    public void unwatch(BucketUsage usage) {
      sources.remove(usage);
    }

    private void each(java.util.function.BiConsumer<String, Usage> c) {
      for (BucketUsage s : sources) {
        for (Usage u : s.last) {
          c.accept(s.nodeId, u);
        }
      }
    }
  }
}
