package io.moraine.repair;

import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.function.ToLongFunction;

/**
 * The repair figures `admin status` prints, as Prometheus gauges on the process's admin port.
 * Every instance exports what it last saw; {@code moraine_repair_leader} says which one is active.
 */
public final class RepairMetrics {
  private RepairMetrics() {}

  public static void register(PrometheusRegistry registry, String nodeId, RepairService service) {
    gauge(registry, nodeId, "moraine_repair_leader", "1 on the active repair instance", p -> service.isLeader() ? 1 : 0, service);
    gauge(registry, nodeId, "moraine_repair_passes", "completed repair passes", RepairProgress::passes, service);
    gauge(registry, nodeId, "moraine_repair_shards_rebuilt", "shards rebuilt from k others", RepairProgress::shardsRebuilt, service);
    gauge(registry, nodeId, "moraine_repair_rebuilt_bytes", "bytes of shards rebuilt", RepairProgress::bytesRebuilt, service);
    gauge(registry, nodeId, "moraine_repair_shards_moved", "misplaced shards moved home", RepairProgress::shardsMoved, service);
    gauge(registry, nodeId, "moraine_repair_shards_missing", "shards on down nodes at the end of the last pass", RepairProgress::shardsMissing, service);
    gauge(registry, nodeId, "moraine_repair_shards_misplaced", "shards on fallback nodes at the end of the last pass", RepairProgress::shardsMisplaced, service);
    gauge(registry, nodeId, "moraine_repair_shards_unrecoverable", "shards that could not be rebuilt in the last pass", RepairProgress::shardsUnrecoverable, service);
    gauge(registry, nodeId, "moraine_repair_down_nodes", "storage nodes seen down", p -> p.downSinceMillis().size(), service);
    gauge(registry, nodeId, "moraine_scrub_passes", "completed scrub passes", RepairProgress::scrubPasses, service);
    gauge(registry, nodeId, "moraine_scrub_shards_verified", "shards verified intact by scrubbing", RepairProgress::scrubShardsVerified, service);
    gauge(registry, nodeId, "moraine_scrub_shards_corrupt", "shards found corrupt by scrubbing", RepairProgress::scrubCorruptFound, service);
    gauge(registry, nodeId, "moraine_scrub_shards_missing", "shards found missing by scrubbing", RepairProgress::scrubMissingFound, service);
    gauge(registry, nodeId, "moraine_repair_gc_rounds", "garbage collection rounds run", RepairProgress::gcRounds, service);
    gauge(registry, nodeId, "moraine_repair_gc_unreferenced", "shards no manifest named in the last gc round", RepairProgress::gcUnreferenced, service);
    gauge(registry, nodeId, "moraine_repair_gc_shards_deleted", "unreferenced shards deleted by gc", RepairProgress::gcShardsDeleted, service);
    gauge(registry, nodeId, "moraine_repair_gc_bytes_deleted", "payload bytes of shards deleted by gc", RepairProgress::gcBytesDeleted, service);
  }

  private static void gauge(PrometheusRegistry registry, String nodeId, String name, String help,
      ToLongFunction<RepairProgress> value, RepairService service) {
    GaugeWithCallback.builder().name(name).help(help).labelNames("node_id")
        .callback(cb -> cb.call(value.applyAsLong(service.progress()), nodeId)).register(registry);
  }
}
