package io.moraine.gateway.metrics;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.datapoints.GaugeDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The gateway's Prometheus families (docs/metrics.md): S3 requests by operation and status class,
 * bytes, latency histograms, errors by S3 code, in-flight requests, opted-in per-bucket series and
 * the erasure data path. One instance per registry; {@link #node} gives one gateway's series.
 *
 * <p>The request path never builds a label array: every series it touches is a data point
 * cached per operation (a bounded set of names) or per opted-in bucket.
 */
public final class GatewayMetrics {
  /** Upper bounds of the latency histograms, seconds: 1 ms to 1 min. */
  static final double[] LATENCY_BOUNDS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};
  static final String[] STATUS_CLASSES = {"1xx", "2xx", "3xx", "4xx", "5xx"};
  /** (payer, bucket) pairs with their own Requester Pays series per gateway; later ones are {@code _other}. */
  static final int MAX_PAYER_SERIES = 1000;

  final Counter requests;
  final Counter errors;
  final Counter received;
  final Counter sent;
  final Histogram duration;
  final Histogram firstByte;
  final Gauge inFlight;
  final Counter bucketRequests;
  final Counter bucketReceived;
  final Counter bucketSent;
  final Counter paidRequests;
  final Counter paidBytes;
  final Counter encodedBytes;
  final Counter parityBytes;
  final Counter decodedBytes;
  final Counter reconstructedStripes;
  final Counter shardReadFailures;

  public GatewayMetrics(PrometheusRegistry registry) {
    requests = Counter.builder().name("moraine_s3_requests_total")
        .help("S3 requests answered, by operation and HTTP status class")
        .labelNames("node_id", "operation", "status_class").register(registry);
    errors = Counter.builder().name("moraine_s3_errors_total")
        .help("S3 error responses, by operation and S3 error code")
        .labelNames("node_id", "operation", "code").register(registry);
    received = Counter.builder().name("moraine_s3_received_bytes_total")
        .help("request body bytes read, by operation").labelNames("node_id", "operation").register(registry);
    sent = Counter.builder().name("moraine_s3_sent_bytes_total")
        .help("response body bytes written, by operation").labelNames("node_id", "operation").register(registry);
    duration = Histogram.builder().name("moraine_s3_request_duration_seconds")
        .help("time from the request's arrival to its last response byte, by operation")
        .classicOnly().classicUpperBounds(LATENCY_BOUNDS).labelNames("node_id", "operation").register(registry);
    firstByte = Histogram.builder().name("moraine_s3_first_byte_seconds")
        .help("time from the request's arrival to its first response byte (headers), by operation")
        .classicOnly().classicUpperBounds(LATENCY_BOUNDS).labelNames("node_id", "operation").register(registry);
    inFlight = Gauge.builder().name("moraine_s3_requests_in_flight")
        .help("S3 requests being served").labelNames("node_id").register(registry);
    bucketRequests = Counter.builder().name("moraine_s3_bucket_requests_total")
        .help("S3 requests on an opted-in bucket (metrics.buckets), by status class")
        .labelNames("node_id", "bucket", "status_class").register(registry);
    bucketReceived = Counter.builder().name("moraine_s3_bucket_received_bytes_total")
        .help("request body bytes read for an opted-in bucket").labelNames("node_id", "bucket").register(registry);
    bucketSent = Counter.builder().name("moraine_s3_bucket_sent_bytes_total")
        .help("response body bytes written for an opted-in bucket").labelNames("node_id", "bucket").register(registry);
    paidRequests = Counter.builder().name("moraine_s3_requester_paid_requests_total")
        .help("requests whose requester accepted a Requester Pays bucket's charge, by payer account and bucket")
        .labelNames("node_id", "payer", "bucket").register(registry);
    paidBytes = Counter.builder().name("moraine_s3_requester_paid_bytes_total")
        .help("body bytes of requests charged to their requester (direction in|out), by payer account and bucket")
        .labelNames("node_id", "payer", "bucket", "direction").register(registry);
    encodedBytes = Counter.builder().name("moraine_erasure_encoded_bytes_total")
        .help("object bytes erasure-coded into stripes by PUTs").labelNames("node_id").register(registry);
    parityBytes = Counter.builder().name("moraine_erasure_parity_bytes_total")
        .help("parity bytes computed by PUTs").labelNames("node_id").register(registry);
    decodedBytes = Counter.builder().name("moraine_erasure_decoded_bytes_total")
        .help("object bytes read back from shards by GETs").labelNames("node_id").register(registry);
    reconstructedStripes = Counter.builder().name("moraine_erasure_reconstructed_stripes_total")
        .help("stripes rebuilt from parity on read (a data shard was down, slow or corrupt)")
        .labelNames("node_id").register(registry);
    shardReadFailures = Counter.builder().name("moraine_erasure_shard_read_failures_total")
        .help("shard streams that failed or stalled during a read and were replaced by parity")
        .labelNames("node_id").register(registry);
  }

  /** The series of one gateway; {@code buckets} chooses which buckets get per-bucket series. */
  public Node node(String nodeId, BucketFilter buckets) {
    return new Node(nodeId, buckets);
  }

  /** One gateway's series, with data points cached by operation and bucket. */
  public final class Node {
    private final String nodeId;
    private final BucketFilter buckets;
    private final GaugeDataPoint inFlightPoint;
    private final ConcurrentHashMap<String, Op> ops = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, BucketSeries> bucketSeries = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Charge> charges = new ConcurrentHashMap<>();
    private final DataPath dataPath;

    private Node(String nodeId, BucketFilter buckets) {
      this.nodeId = nodeId;
      this.buckets = buckets;
      this.inFlightPoint = inFlight.labelValues(nodeId);
      this.dataPath = new DataPath(encodedBytes.labelValues(nodeId), parityBytes.labelValues(nodeId),
          decodedBytes.labelValues(nodeId), reconstructedStripes.labelValues(nodeId), shardReadFailures.labelValues(nodeId));
    }

    public String nodeId() {
      return nodeId;
    }

    public GaugeDataPoint inFlight() {
      return inFlightPoint;
    }

    public DataPath dataPath() {
      return dataPath;
    }

    /** Records one finished request. */
    public void record(String operation, int status, String errorCode, String bucket, long bytesIn, long bytesOut,
        double firstByteSeconds, double totalSeconds) {
      Op op = ops.computeIfAbsent(operation, Op::new);
      int cls = Math.min(Math.max(status / 100, 1), 5) - 1;
      op.byClass[cls].inc();
      if (bytesIn > 0) {
        op.received.inc(bytesIn);
      }
      if (bytesOut > 0) {
        op.sent.inc(bytesOut);
      }
      op.duration.observe(totalSeconds);
      if (firstByteSeconds >= 0) {
        op.firstByte.observe(firstByteSeconds);
      }
      if (errorCode != null) {
        op.errors.computeIfAbsent(errorCode, code -> errors.labelValues(nodeId, operation, code)).inc();
      }
      if (bucket != null && buckets.includes(bucket)) {
        BucketSeries b = bucketSeries.get(bucket);
        if (b == null && (b = admit(bucket)) == null) {
          return;
        }
        b.byClass[cls].inc();
        if (bytesIn > 0) {
          b.received.inc(bytesIn);
        }
        if (bytesOut > 0) {
          b.sent.inc(bytesOut);
        }
      }
    }

    /**
     * Attributes one finished request to the account that accepted a Requester Pays charge.
     * Series are bounded: at most {@link #MAX_PAYER_SERIES} (payer, bucket) pairs per gateway,
     * later pairs counted under payer {@code _other}.
     */
    public void recordCharge(String payer, String bucket, long bytesIn, long bytesOut) {
      String pair = payer + '\n' + bucket;
      Charge c = charges.get(pair);
      if (c == null) {
        c = admitCharge(pair, payer, bucket);
      }
      c.requests.inc();
      if (bytesIn > 0) {
        c.in.inc(bytesIn);
      }
      if (bytesOut > 0) {
        c.out.inc(bytesOut);
      }
    }

    private synchronized Charge admitCharge(String pair, String payer, String bucket) {
      Charge c = charges.get(pair);
      if (c == null) {
        if (charges.size() >= MAX_PAYER_SERIES) {
          return charges.computeIfAbsent("_other\n_other", k -> new Charge("_other", "_other"));
        }
        c = new Charge(payer, bucket);
        charges.put(pair, c);
      }
      return c;
    }

    private final class Charge {
      final CounterDataPoint requests;
      final CounterDataPoint in;
      final CounterDataPoint out;

      Charge(String payer, String bucket) {
        requests = paidRequests.labelValues(nodeId, payer, bucket);
        in = paidBytes.labelValues(nodeId, payer, bucket, "in");
        out = paidBytes.labelValues(nodeId, payer, bucket, "out");
      }
    }

    private synchronized BucketSeries admit(String bucket) {
      BucketSeries b = bucketSeries.get(bucket);
      if (b == null && bucketSeries.size() < buckets.maxBuckets()) {
        b = new BucketSeries(bucket);
        bucketSeries.put(bucket, b);
      }
      return b;
    }

    private final class Op {
      final CounterDataPoint[] byClass = new CounterDataPoint[STATUS_CLASSES.length];
      final CounterDataPoint received;
      final CounterDataPoint sent;
      final DistributionDataPoint duration;
      final DistributionDataPoint firstByte;
      final ConcurrentHashMap<String, CounterDataPoint> errors = new ConcurrentHashMap<>();

      Op(String operation) {
        for (int i = 0; i < byClass.length; i++) {
          byClass[i] = requests.labelValues(nodeId, operation, STATUS_CLASSES[i]);
        }
        received = GatewayMetrics.this.received.labelValues(nodeId, operation);
        sent = GatewayMetrics.this.sent.labelValues(nodeId, operation);
        duration = GatewayMetrics.this.duration.labelValues(nodeId, operation);
        firstByte = GatewayMetrics.this.firstByte.labelValues(nodeId, operation);
      }
    }

    private final class BucketSeries {
      final CounterDataPoint[] byClass = new CounterDataPoint[STATUS_CLASSES.length];
      final CounterDataPoint received;
      final CounterDataPoint sent;

      BucketSeries(String bucket) {
        for (int i = 0; i < byClass.length; i++) {
          byClass[i] = bucketRequests.labelValues(nodeId, bucket, STATUS_CLASSES[i]);
        }
        received = bucketReceived.labelValues(nodeId, bucket);
        sent = bucketSent.labelValues(nodeId, bucket);
      }
    }
  }

  /** The erasure data path's counters of one gateway. */
  public record DataPath(CounterDataPoint encodedBytes, CounterDataPoint parityBytes, CounterDataPoint decodedBytes,
      CounterDataPoint reconstructedStripes, CounterDataPoint shardReadFailures) {
    /** Counters that count nothing anyone reads (tests and callers without a registry). */
    public static DataPath unregistered() {
      GatewayMetrics m = new GatewayMetrics(new PrometheusRegistry());
      return m.node("none", BucketFilter.NONE).dataPath();
    }
  }
}
