package io.moraine.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moraine.gateway.http.OperationNames;
import io.moraine.gateway.http.S3Operation;
import io.moraine.gateway.http.Subresource;
import io.moraine.gateway.metrics.RequestLogLine;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The gateway's request metrics (docs/metrics.md) as real SDK traffic moves them: counts by
 * operation and status class, errors by S3 code, body bytes both ways, both latency histograms,
 * in-flight back to 0, per-bucket series capped; and the operation names.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class GatewayMetricsTest {
  private GatewayFixture fixture;
  private S3Client s3;

  @BeforeAll
  void start() throws Exception {
    fixture = GatewayFixture.start(100, 19);
    s3 = fixture.client(GatewayFixture.AK, GatewayFixture.SK);
  }

  @AfterAll
  void stop() throws Exception {
    s3.close();
    fixture.close();
  }

  @Test
  @org.junit.jupiter.api.Order(1) // before perBucketSeriesStopAtTheCap fills the two per-bucket slots
  void requestsAreCountedByOperationStatusAndCode() {
    s3.createBucket(b -> b.bucket("metrics-a"));
    byte[] body = new byte[100_000]; // above the inline threshold: erasure-coded
    Arrays.fill(body, (byte) 7);
    s3.putObject(b -> b.bucket("metrics-a").key("k"), RequestBody.fromBytes(body));
    assertThat(s3.getObjectAsBytes(b -> b.bucket("metrics-a").key("k")).asByteArray()).isEqualTo(body);
    assertThatThrownBy(() -> s3.getObject(b -> b.bucket("metrics-a").key("missing")).close())
        .isInstanceOf(S3Exception.class);

    assertThat(counter("moraine_s3_requests", "operation", "PutObject", "status_class", "2xx")).isEqualTo(1);
    assertThat(counter("moraine_s3_requests", "operation", "GetObject", "status_class", "2xx")).isEqualTo(1);
    assertThat(counter("moraine_s3_requests", "operation", "GetObject", "status_class", "4xx")).isEqualTo(1);
    assertThat(counter("moraine_s3_errors", "operation", "GetObject", "code", "NoSuchKey")).isEqualTo(1);
    assertThat(counter("moraine_s3_received_bytes", "operation", "PutObject")).isGreaterThanOrEqualTo(body.length);
    assertThat(counter("moraine_s3_sent_bytes", "operation", "GetObject")).isGreaterThanOrEqualTo(body.length);
    assertThat(histogramCount("moraine_s3_request_duration_seconds", "operation", "PutObject")).isEqualTo(1);
    assertThat(histogramCount("moraine_s3_first_byte_seconds", "operation", "GetObject")).isEqualTo(2);
    assertThat(counter("moraine_erasure_encoded_bytes")).isEqualTo(body.length);
    assertThat(counter("moraine_erasure_decoded_bytes")).isEqualTo(body.length);
    assertThat(gauge("moraine_s3_requests_in_flight")).isZero();
    assertThat(counter("moraine_s3_bucket_requests", "bucket", "metrics-a", "status_class", "2xx")).isGreaterThanOrEqualTo(3);
  }

  @Test
  void unauthenticatedRequestsAreUnknownOperations() {
    try (S3Client bad = fixture.client(GatewayFixture.AK, "wrong")) {
      assertThatThrownBy(() -> bad.listBuckets()).isInstanceOf(S3Exception.class);
    }
    // Counted when the exchange completes, which can be just after the client has read the reply.
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(counter("moraine_s3_errors", "operation", "Unknown", "code", "SignatureDoesNotMatch")).isEqualTo(1));
  }

  @Test
  @org.junit.jupiter.api.Order(2)
  void perBucketSeriesStopAtTheCap() {
    for (String b : new String[] {"metrics-b", "metrics-c", "metrics-d"}) {
      s3.createBucket(r -> r.bucket(b));
      s3.headBucket(r -> r.bucket(b));
    }
    long buckets = snapshot("moraine_s3_bucket_requests").getDataPoints().stream()
        .map(p -> p.getLabels().get("bucket")).distinct().count();
    assertThat(buckets).isEqualTo(2);
  }

  @Test
  void operationNamesAreTheS3Names() {
    assertThat(OperationNames.of(new S3Operation.PutObject("b", "k"))).isEqualTo("PutObject");
    assertThat(OperationNames.of(new S3Operation.BucketSubresource("b", Subresource.ACL, "GET"))).isEqualTo("GetBucketAcl");
    assertThat(OperationNames.of(new S3Operation.ObjectSubresource("b", "k", Subresource.TAGGING, "PUT")))
        .isEqualTo("PutObjectTagging");
    assertThat(OperationNames.of(new S3Operation.BucketSubresource("b", Subresource.OBJECT_LOCK, "DELETE")))
        .isEqualTo("DeleteBucketObjectLock");
  }

  @Test
  void requestLogLinesAreJson() {
    String line = RequestLogLine.json(0, "ID", "1.2.3.4", null, "PutObject", "b", "a\"b\n\u0001", 200, null, 5, 0, 1.5, 1.25,
        null, null);
    assertThat(line).isEqualTo("{\"time\":\"1970-01-01T00:00:00Z\",\"request_id\":\"ID\",\"remote\":\"1.2.3.4\",\"caller\":null,"
        + "\"operation\":\"PutObject\",\"bucket\":\"b\",\"key\":\"a\\\"b\\n\\u0001\",\"status\":200,\"error_code\":null,"
        + "\"bytes_in\":5,\"bytes_out\":0,\"total_ms\":1.5,\"first_byte_ms\":1.25,\"payer\":null}");
    assertThat(RequestLogLine.json(0, "ID", null, "reader", "GetObject", "paid", "k", 200, null, 0, 9, 1, 1, "reader", null))
        .endsWith(",\"payer\":\"reader\"}");
  }

  private MetricSnapshot snapshot(String name) {
    for (MetricSnapshot s : fixture.registry.scrape()) {
      if (s.getMetadata().getName().equals(name)) {
        return s;
      }
    }
    throw new AssertionError("no metric " + name);
  }

  private DataPointSnapshot point(String name, String... labels) {
    Labels want = Labels.of(labels);
    for (DataPointSnapshot p : snapshot(name).getDataPoints()) {
      boolean all = true;
      for (var l : want) {
        all &= l.getValue().equals(p.getLabels().get(l.getName()));
      }
      if (all) {
        return p;
      }
    }
    throw new AssertionError("no data point " + name + " " + want);
  }

  private double counter(String name, String... labels) {
    return ((CounterSnapshot.CounterDataPointSnapshot) point(name, labels)).getValue();
  }

  private double gauge(String name, String... labels) {
    return ((GaugeSnapshot.GaugeDataPointSnapshot) point(name, labels)).getValue();
  }

  private long histogramCount(String name, String... labels) {
    return ((HistogramSnapshot.HistogramDataPointSnapshot) point(name, labels)).getCount();
  }
}
