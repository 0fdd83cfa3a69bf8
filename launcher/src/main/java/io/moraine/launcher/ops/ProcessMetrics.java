package io.moraine.launcher.ops;

import io.moraine.gateway.metrics.GatewayMetrics;
import io.moraine.metadata.server.RaftMetrics;
import io.moraine.storage.server.StorageMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The metric families of one process (docs/metrics.md), on the registry its admin port serves.
 * Each role's families are created the first time a role of that kind starts, once per registry,
 * so `dev` (every role in one JVM) shares them and tells nodes apart by the node_id label.
 */
public final class ProcessMetrics {
  private final PrometheusRegistry registry;
  private GatewayMetrics gateway;
  private StorageMetrics storage;
  private RaftMetrics raft;
  private io.moraine.repair.BucketUsage.Metrics bucketUsage;
  private io.moraine.launcher.role.RestoreService.Metrics restore;

  private ProcessMetrics(PrometheusRegistry registry) {
    this.registry = registry;
  }

  /** Families on {@code registry}, with the JVM's (memory, GC, threads, classes, process). */
  public static ProcessMetrics withJvm(PrometheusRegistry registry) {
    JvmMetrics.builder().register(registry);
    return new ProcessMetrics(registry);
  }

  /** Families on a private registry nobody scrapes (callers that serve no admin port). */
  public static ProcessMetrics unscraped() {
    return new ProcessMetrics(new PrometheusRegistry());
  }

  public PrometheusRegistry registry() {
    return registry;
  }

  public synchronized GatewayMetrics gateway() {
    if (gateway == null) {
      gateway = new GatewayMetrics(registry);
    }
    return gateway;
  }

  public synchronized StorageMetrics storage() {
    if (storage == null) {
      storage = new StorageMetrics(registry);
    }
    return storage;
  }

  public synchronized io.moraine.repair.BucketUsage.Metrics bucketUsage() {
    if (bucketUsage == null) {
      bucketUsage = new io.moraine.repair.BucketUsage.Metrics(registry);
    }
    return bucketUsage;
  }

  public synchronized io.moraine.launcher.role.RestoreService.Metrics restore() {
    if (restore == null) {
      restore = new io.moraine.launcher.role.RestoreService.Metrics(registry);
    }
    return restore;
  }

  public synchronized RaftMetrics raft() {
    if (raft == null) {
      raft = new RaftMetrics(registry);
    }
    return raft;
  }
}
