package io.moraine.storage.server;

import io.moraine.storage.store.DiskUsage;
import io.moraine.storage.store.ShardStore;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;

/**
 * The storage node families (docs/metrics.md): shard operations, fsync latency, disk usage and
 * shard count. One instance per registry; every node of the process gets an {@link #observer}
 * and is {@link #watch watched} for its disk gauges.
 */
public final class StorageMetrics {
  private static final double[] FSYNC_BOUNDS = {0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
      0.5, 1, 2.5};

  private final Counter ops;
  private final Counter writtenBytes;
  private final Histogram fsync;
  private final List<StorageNode> nodes = new CopyOnWriteArrayList<>();

  private final LongSupplier ticker;

  public StorageMetrics(PrometheusRegistry registry) {
    this(registry, System::nanoTime);
  }

  /** @param ticker monotonic nanoseconds that time each fsync (a fake one in tests) */
  public StorageMetrics(PrometheusRegistry registry, LongSupplier ticker) {
    this.ticker = ticker;
    ops = Counter.builder().name("moraine_storage_shard_ops_total")
        .help("shard operations served: op is write (published), read (opened) or delete")
        .labelNames("node_id", "op").register(registry);
    writtenBytes = Counter.builder().name("moraine_storage_written_bytes_total")
        .help("payload bytes of shards published").labelNames("node_id").register(registry);
    fsync = Histogram.builder().name("moraine_storage_fsync_duration_seconds")
        .help("duration of one fsync of a shard file or its directory")
        .classicOnly().classicUpperBounds(FSYNC_BOUNDS).labelNames("node_id").register(registry);
    GaugeWithCallback.builder().name("moraine_storage_disk_used_bytes")
        .help("bytes of shard files on the disk").labelNames("node_id", "disk")
        .callback(cb -> each((node, d) -> cb.call(d.usedBytes(), node, d.path().toString()))).register(registry);
    GaugeWithCallback.builder().name("moraine_storage_disk_capacity_bytes")
        .help("capacity of the disk the node counts with (configured or the file system's)")
        .labelNames("node_id", "disk")
        .callback(cb -> each((node, d) -> cb.call(d.totalBytes(), node, d.path().toString()))).register(registry);
    GaugeWithCallback.builder().name("moraine_storage_shards")
        .help("shards held by the node").labelNames("node_id")
        .callback(cb -> {
          for (StorageNode n : nodes) {
            ShardStore store = storeOf(n);
            if (store != null) {
              cb.call(store.shardCount(), n.config().nodeId());
            }
          }
        }).register(registry);
  }

  /** The observer to give node {@code nodeId}'s store. */
  public ShardStore.Observer observer(String nodeId) {
    CounterDataPoint writes = ops.labelValues(nodeId, "write");
    CounterDataPoint reads = ops.labelValues(nodeId, "read");
    CounterDataPoint deletes = ops.labelValues(nodeId, "delete");
    CounterDataPoint bytes = writtenBytes.labelValues(nodeId);
    DistributionDataPoint syncs = fsync.labelValues(nodeId);
    return new ShardStore.Observer() {
      @Override
      public void written(long payloadBytes) {
        writes.inc();
        bytes.inc(payloadBytes);
      }

      @Override
      public void opened() {
        reads.inc();
      }

      @Override
      public void deleted() {
        deletes.inc();
      }

      @Override
      public void fsync(ShardStore.Fsync fsync) throws IOException {
        long start = ticker.getAsLong();
        try {
          fsync.run();
        } finally {
          syncs.observe((ticker.getAsLong() - start) / 1e9);
        }
      }
    };
  }

  /** Reports the node's disks until {@link #unwatch}. */
  public void watch(StorageNode node) {
    nodes.add(node);
  }

  public void unwatch(StorageNode node) {
    nodes.remove(node);
  }

  private interface DiskVisitor {
    void visit(String nodeId, DiskUsage disk);
  }

  private void each(DiskVisitor v) {
    for (StorageNode n : nodes) {
      ShardStore store = storeOf(n);
      if (store != null) {
        for (DiskUsage d : store.disks()) {
          v.visit(n.config().nodeId(), d);
        }
      }
    }
  }

  private static ShardStore storeOf(StorageNode n) {
    try {
      return n.store();
    } catch (IllegalStateException e) {
      return null; // stopped
    }
  }
}
