package io.moraine.gateway;

import io.moraine.gateway.fakes.FixedPlacement;
import io.moraine.gateway.fakes.InMemoryMetadata;
import io.moraine.gateway.fakes.InMemoryShards;
import java.net.URI;
import java.time.InstantSource;
import java.util.List;
import java.util.SplittableRandom;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;

/**
 * A started gateway over the real metadata core in process, in-memory shards and a fixed
 * placement, plus AWS SDK v2 clients for it: the set-up the SDK-driven gateway suites share.
 * Real time: the SDK signs with the wall clock.
 */
final class GatewayFixture implements AutoCloseable {
  static final String AK = "moraineadmin";
  static final String SK = "moraineadmin-secret";

  final io.moraine.metadata.api.MetadataClient metadata;
  final InMemoryShards shards = new InMemoryShards();
  final FixedPlacement placement = new FixedPlacement();
  final S3Gateway gateway;
  final URI endpoint;
  /** The gateway's metrics (GatewayMetricsTest): per-bucket series for every bucket, at most 2. */
  final io.prometheus.metrics.model.registry.PrometheusRegistry registry =
      new io.prometheus.metrics.model.registry.PrometheusRegistry();

  private GatewayFixture(int maxBucketsPerAccount, long seed) throws Exception {
    this(maxBucketsPerAccount, seed, java.util.Optional.empty());
  }

  private GatewayFixture(int maxBucketsPerAccount, long seed, java.util.Optional<io.moraine.gateway.crypto.RootKey> rootKey)
      throws Exception {
    InstantSource clock = InstantSource.system();
    metadata = InMemoryMetadata.create(clock, maxBucketsPerAccount);
    GatewayConfig config = new GatewayConfig("gateway-1", "127.0.0.1", 0, "us-east-1", List.of("localhost", "s3.localhost"),
        AK, SK, 64 * 1024, 4096, 1000, 10_000, 10_000, 5L * 1024 * 1024).withWebsitePort(0)
        .withSseCustomerOverHttp(true); // a test gateway: SSE-C over plain HTTP allowed (GatewayTlsTest checks the default)
    gateway = new S3Gateway(config, metadata, shards, placement, clock, new SplittableRandom(seed),
        new io.moraine.gateway.metrics.Observability(new io.moraine.gateway.metrics.GatewayMetrics(registry).node("gateway-1",
            io.moraine.gateway.metrics.BucketFilter.of(List.of("*"), 2)), 0), rootKey);
    gateway.start();
    endpoint = URI.create("http://127.0.0.1:" + gateway.port());
  }

  /** Starts a gateway whose accounts may own at most {@code maxBucketsPerAccount} buckets. */
  static GatewayFixture start(int maxBucketsPerAccount, long seed) throws Exception {
    return new GatewayFixture(maxBucketsPerAccount, seed);
  }

  /** As {@link #start(int, long)}, with the SSE-S3 root key {@code rootKey}. */
  static GatewayFixture start(int maxBucketsPerAccount, long seed, io.moraine.gateway.crypto.RootKey rootKey)
      throws Exception {
    return new GatewayFixture(maxBucketsPerAccount, seed, java.util.Optional.of(rootKey));
  }

  /** A path-style SDK client for this gateway with the given credentials; the caller closes it. */
  S3Client client(String accessKey, String secretKey) {
    return S3Client.builder()
        .endpointOverride(endpoint)
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
        .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build())
        .build();
  }

  @Override
  public void close() throws Exception {
    gateway.close();
  }
}
