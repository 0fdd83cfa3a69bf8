package io.moraine.gateway.metrics;

import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * What the gateway's composition root is given for metrics and request logs: this gateway's
 * series and the slow-request threshold ({@code gateway.slow.request.millis}; 0 disables).
 */
public record Observability(GatewayMetrics.Node metrics, long slowRequestMillis) {
  public static final long DEFAULT_SLOW_REQUEST_MILLIS = 5_000;

  /** Series on a private registry nobody scrapes (tests that do not look at metrics). */
  public static Observability unscraped(String nodeId) {
    return new Observability(new GatewayMetrics(new PrometheusRegistry()).node(nodeId, BucketFilter.NONE),
        DEFAULT_SLOW_REQUEST_MILLIS);
  }
}
