package io.moraine.launcher.bench;

import io.moraine.launcher.role.MetaDirectory;
import io.moraine.launcher.role.Zk;
import io.moraine.metadata.client.RaftMetadataClient;
import io.moraine.metadata.server.MetaPeer;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.DefaultRetryStrategy;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * How the benchmarks reach the system: the metadata tier exactly as a gateway does (peers from
 * ZooKeeper, one shared {@link RaftMetadataClient} with group commit), and the S3 endpoint with
 * the AWS SDK (SigV4, path-style).
 */
public final class BenchClients {

  private BenchClients() {}

  /** The metadata client and the ZooKeeper session it was found through; close both. */
  record Metadata(CuratorFramework zk, RaftMetadataClient client) implements AutoCloseable {
    @Override
    public void close() {
      try {
        client.close();
      } finally {
        zk.close();
      }
    }
  }

  static Metadata metadata(String zkConnect) throws Exception {
    CuratorFramework zk = Zk.connectBlocking(zkConnect, Zk.SESSION_TIMEOUT_MILLIS);
    try {
      List<MetaPeer> peers = MetaDirectory.await(zk, 3, Duration.ofSeconds(60));
      // As Roles.startGateway builds it: the same batching defaults a gateway commits with.
      return new Metadata(zk, MetaDirectory.connectClient(zk, peers));
    } catch (Exception | Error e) {
      zk.close();
      throw e;
    }
  }

  static S3Client s3(String endpoint, String region, String accessKey, String secretKey) {
    return s3(endpoint, region, accessKey, secretKey, 8);
  }

  /** URLs presigned with SigV4 (path-style), for load tools that send plain HTTP. */
  public static S3Presigner presigner(String endpoint, String region, String accessKey, String secretKey) {
    return S3Presigner.builder()
        .endpointOverride(URI.create(endpoint))
        .region(Region.of(region))
        .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build())
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
        .build();
  }

  /** An SDK client with up to {@code connections} connections (one per load thread). */
  public static S3Client s3(String endpoint, String region, String accessKey, String secretKey, int connections) {
    return S3Client.builder()
        .endpointOverride(URI.create(endpoint))
        .region(Region.of(region))
        .forcePathStyle(true)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
        .httpClientBuilder(ApacheHttpClient.builder()
            .connectionTimeout(Duration.ofSeconds(5))
            .socketTimeout(Duration.ofSeconds(60))
            .maxConnections(connections))
        .overrideConfiguration(ClientOverrideConfiguration.builder()
            .apiCallTimeout(Duration.ofSeconds(60))
            .retryStrategy(DefaultRetryStrategy.doNotRetry()) // a retried request would hide a slow one
            .build())
        .build();
  }
}
