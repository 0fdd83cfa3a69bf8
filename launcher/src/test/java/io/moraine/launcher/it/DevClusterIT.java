package io.moraine.launcher.it;

import static io.moraine.launcher.it.S3TestClients.payload;
import static io.moraine.launcher.it.S3TestClients.payloadSha256;
import static io.moraine.launcher.it.S3TestClients.sha256;
import static org.assertj.core.api.Assertions.assertThat;

import io.moraine.launcher.bench.BenchClients;
import io.moraine.launcher.bench.S3Bench;
import io.moraine.launcher.dev.DevCluster;
import io.moraine.launcher.role.MetaDirectory;
import io.moraine.launcher.role.Zk;
import io.moraine.metadata.api.DataLayout;
import io.moraine.metadata.api.Segment;
import io.moraine.metadata.client.RaftMetadataClient;
import io.moraine.metadata.client.RaftMetadataClientConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * The skeleton end to end, in one JVM as `bin/moraine dev` runs it: real ZooKeeper, Ratis,
 * RocksDB, gRPC and HTTP on loopback, driven by the AWS SDK for Java v2. One cluster is shared by
 * the ordered scenarios: round trips, listing, multipart, one AZ down (fallback shards go home when it
 * returns), a whole-cluster restart.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DevClusterIT {

  private static final String BUCKET = "skeleton-it";
  private static final long MIB = 1024 * 1024;

  private Path dataDir;

  private DevCluster cluster;
  private int zkPort;
  private S3Client s3;
  /** key → sha256 of every object written so far, checked after each fault. */
  private final Map<String, String> written = new LinkedHashMap<>();

  @BeforeAll
  void start() throws Exception {
    dataDir = java.nio.file.Files.createTempDirectory("moraine-dev-it");
    zkPort = S3TestClients.freePort();
    cluster = DevCluster.start(new DevCluster.Options(dataDir, 0, zkPort));
    s3 = S3TestClients.rootClient(cluster.gatewayPort());
  }

  @AfterAll
  void stop() throws Exception {
    if (s3 != null) {
      s3.close();
    }
    if (cluster != null) {
      cluster.close();
    }
    TestDirs.deleteRecursively(dataDir);
  }

  private void put(String key, long seed, long size) throws Exception {
    s3.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromInputStream(payload(seed, size), size));
    written.put(key, payloadSha256(seed, size));
  }

  private void assertEveryObjectReads(S3Client client) throws Exception {
    for (Map.Entry<String, String> e : written.entrySet()) {
      assertThat(sha256(client.getObject(b -> b.bucket(BUCKET).key(e.getKey()))))
          .as("content of %s", e.getKey()).isEqualTo(e.getValue());
    }
  }

  @Test
  @Order(1)
  void objectsOfEverySizeRoundTripByteExact() throws Exception {
    s3.createBucket(b -> b.bucket(BUCKET));
    put("empty", 1, 0);
    put("one-byte", 2, 1);
    put("five-mib-plus-one", 3, 5 * MIB + 1);
    put("sixty-four-mib", 4, 64 * MIB);
    assertEveryObjectReads(s3);
    assertThat(s3.headObject(b -> b.bucket(BUCKET).key("five-mib-plus-one")).contentLength()).isEqualTo(5 * MIB + 1);
    byte[] range = s3.getObjectAsBytes(b -> b.bucket(BUCKET).key("five-mib-plus-one").range("bytes=4194300-4194310")).asByteArray();
    byte[] expected = payload(3, 5 * MIB + 1).readNBytes(4194311);
    assertThat(range).isEqualTo(java.util.Arrays.copyOfRange(expected, 4194300, 4194311));
  }

  @Test
  @Order(2)
  void listingWithADelimiterRollsUpCommonPrefixes() throws Exception {
    put("photos/2026/a.jpg", 10, 10);
    put("photos/2026/b.jpg", 11, 10);
    put("photos/2025/c.jpg", 12, 10);
    put("photos/readme", 13, 10);
    ListObjectsV2Response page = s3.listObjectsV2(b -> b.bucket(BUCKET).prefix("photos/").delimiter("/"));
    assertThat(page.commonPrefixes()).extracting(CommonPrefix::prefix).containsExactly("photos/2025/", "photos/2026/");
    assertThat(page.contents()).extracting(S3Object::key).containsExactly("photos/readme");
    ListObjectsV2Response first = s3.listObjectsV2(b -> b.bucket(BUCKET).maxKeys(2));
    assertThat(first.isTruncated()).isTrue();
    ListObjectsV2Response rest = s3.listObjectsV2(b -> b.bucket(BUCKET).continuationToken(first.nextContinuationToken()));
    assertThat(first.contents().size() + rest.contents().size()).isEqualTo(written.size());
  }

  @Test
  @Order(3)
  void multipartUploadsAssembleInPartOrder() throws Exception {
    String key = "multipart/object";
    String uploadId = s3.createMultipartUpload(b -> b.bucket(BUCKET).key(key)).uploadId();
    long partSize = 5 * MIB;
    // Parts uploaded out of order; the object is the concatenation in part-number order.
    String etag2 = s3.uploadPart(b -> b.bucket(BUCKET).key(key).uploadId(uploadId).partNumber(2),
        RequestBody.fromInputStream(payload(21, MIB + 7), MIB + 7)).eTag();
    String etag1 = s3.uploadPart(b -> b.bucket(BUCKET).key(key).uploadId(uploadId).partNumber(1),
        RequestBody.fromInputStream(payload(20, partSize), partSize)).eTag();
    String etag = s3.completeMultipartUpload(b -> b.bucket(BUCKET).key(key).uploadId(uploadId)
        .multipartUpload(CompletedMultipartUpload.builder().parts(
            CompletedPart.builder().partNumber(1).eTag(etag1).build(),
            CompletedPart.builder().partNumber(2).eTag(etag2).build()).build())).eTag();
    assertThat(etag).matches("\"[0-9a-f]{32}-2\"");
    String expected = sha256(new java.io.SequenceInputStream(payload(20, partSize), payload(21, MIB + 7)));
    written.put(key, expected);
    assertEveryObjectReads(s3);
  }

  /**
   * The load tool the performance figures come from ({@code bin/moraine bench s3}) against this
   * cluster: every op, SDK and presigned, for a second each; nothing fails, every op completes,
   * and what the runs wrote is gone afterwards (figures are printed, never asserted).
   */
  @Test
  @Order(4)
  void theS3BenchRunsEveryOpWithoutErrorsAndCleansUp() throws Exception {
    String endpoint = "http://127.0.0.1:" + cluster.gatewayPort();
    s3.createBucket(b -> b.bucket("bench-it"));
    try (S3Client client = BenchClients.s3(endpoint, "us-east-1", "moraineadmin", "moraineadmin", 8);
        S3Presigner presigner = BenchClients.presigner(endpoint, "us-east-1", "moraineadmin", "moraineadmin");
        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
            .version(java.net.http.HttpClient.Version.HTTP_1_1).build()) {
      record Run(S3Bench.Op op, long size, boolean presigned) {}
      for (Run run : List.of(new Run(S3Bench.Op.PUT, 4096, false), new Run(S3Bench.Op.PUT, 3 * MIB + 1, true),
          new Run(S3Bench.Op.GET, 4096, true), new Run(S3Bench.Op.GET, 2 * MIB, false),
          new Run(S3Bench.Op.MIXED, 4096, true), new Run(S3Bench.Op.LIST, 16, false),
          new Run(S3Bench.Op.MULTIPART, 9 * MIB, false))) {
        S3Bench bench = new S3Bench(client, presigner, http, "bench-it",
            new S3Bench.Options(run.op(), run.size(), 4, 1_000_000_000L, 0, run.presigned(), false),
            System::nanoTime, new java.util.SplittableRandom(7), System.out);
        S3Bench.Result r = bench.run();
        System.out.println("DevClusterIT: " + r.line() + (run.presigned() ? " (presigned)" : ""));
        assertThat(r.errors()).as(r.line()).isZero();
        assertThat(r.ops()).as(r.line()).isPositive();
        if (run.op() != S3Bench.Op.LIST) {
          assertThat(r.bytes()).isEqualTo(r.ops() * run.size());
        }
        bench.cleanUp();
        assertThat(s3.listObjectsV2(b -> b.bucket("bench-it")).keyCount()).isZero();
      }
    }
    s3.deleteBucket(b -> b.bucket("bench-it"));
  }

  @Test
  @Order(5)
  void withOneAzDownEveryObjectReadsAndNewPutsGoToFallbackNodes() throws Exception {
    try (CuratorFramework zk = Zk.connectBlocking("127.0.0.1:" + zkPort, Zk.SESSION_TIMEOUT_MILLIS);
        RaftMetadataClient meta = RaftMetadataClient.connect(MetaDirectory.read(zk), RaftMetadataClientConfig.defaults())) {
      cluster.stopStorageNode("storage-az1-1");
      cluster.stopStorageNode("storage-az1-2");
      try {
        assertEveryObjectReads(s3);
        put("written-while-az1-down", 30, 9 * MIB + 3);
        assertEveryObjectReads(s3);
        var segment = firstSegment(meta, "written-while-az1-down");
        assertThat(segment.shardNodes()).noneMatch(n -> n.startsWith("storage-az1-"));
        assertThat(segment.misplaced()).containsExactlyInAnyOrderElementsOf(List.of(true, true, false, false, false, false));
      } finally {
        cluster.startStorageNode("storage-az1-1");
        cluster.startStorageNode("storage-az1-2");
      }
      // Capacity is back: the repair service moves the two fallback shards home to az1 and clears
      // their misplaced flags (no grace period: nothing was lost, the shards were only elsewhere).
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(120)).pollInterval(java.time.Duration.ofSeconds(1))
          .untilAsserted(() -> {
            var segment = firstSegment(meta, "written-while-az1-down");
            assertThat(segment.misplaced()).containsOnly(false);
            assertThat(segment.shardNodes()).filteredOn(n -> n.startsWith("storage-az1-")).hasSize(2);
          });
    }
    assertEveryObjectReads(s3);
  }

  private static Segment firstSegment(RaftMetadataClient meta, String key) {
    return ((DataLayout.Segments) meta.getObject(BUCKET, key).orElseThrow().layout()).segments().get(0);
  }

  @Test
  @Order(6)
  void aRestartOfTheWholeClusterKeepsEveryObject() throws Exception {
    s3.close();
    cluster.close();
    cluster = DevCluster.start(new DevCluster.Options(dataDir, 0, zkPort));
    s3 = S3TestClients.rootClient(cluster.gatewayPort());
    assertEveryObjectReads(s3);
    assertThat(s3.listObjectsV2(b -> b.bucket(BUCKET)).keyCount()).isEqualTo(written.size());
  }
}
