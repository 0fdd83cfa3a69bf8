package io.moraine.launcher.it;

import static io.moraine.launcher.it.S3TestClients.payload;
import static io.moraine.launcher.it.S3TestClients.payloadSha256;
import static io.moraine.launcher.it.S3TestClients.sha256;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The multi-process cluster as an operator drives it: `cluster start`, the exact `status` lines,
 * `kill -9` of both storage processes of one AZ, every object read back through both gateways,
 * new writes, `admin status`, and `cluster stop` leaving no process behind.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class ClusterIT {

  private static final String BUCKET = "cluster-it";
  private static final long MIB = 1024 * 1024;

  private Path dir;

  private int gatewayPort;
  private int[] websitePorts;
  private boolean passed;
  private int zkPort;

  @BeforeAll
  void start() throws Exception {
    dir = java.nio.file.Files.createTempDirectory("moraine-cluster-it");
    gatewayPort = S3TestClients.freePort();
    zkPort = S3TestClients.freePort();
    // A long repair grace period: this suite checks the degraded state, which repair would end.
    Launcher.Result r = Launcher.run(java.util.Map.of("MORAINE_REPAIR_GRACE_SECONDS", "3600"), 300,
        "cluster", "start", "--dir", dir.toString(),
        "--gateway-port", Integer.toString(gatewayPort), "--zk-port", Integer.toString(zkPort));
    assertThat(r.exitCode()).as("cluster start; logs under %s", dir.resolve("logs")).isZero();
    java.util.regex.Matcher website = java.util.regex.Pattern.compile(
        "(?m)^moraine website endpoints=http://BUCKET\\.s3-website\\.localhost:(\\d+)/,http://BUCKET\\.s3-website\\.localhost:(\\d+)/$")
        .matcher(r.stdout());
    assertThat(website.find()).as("website line in %s", r.stdout()).isTrue();
    websitePorts = new int[] {Integer.parseInt(website.group(1)), Integer.parseInt(website.group(2))};
  }

  @AfterAll
  void stop() throws Exception {
    Launcher.Result r = Launcher.run(120, "cluster", "stop", "--dir", dir.toString());
    assertThat(r.exitCode()).isZero();
    assertThat(status()).allSatisfy(row -> assertThat(row[4]).isEqualTo("stopped"));
    if (passed) {
      TestDirs.deleteRecursively(dir);
    } else {
      System.err.println("ClusterIT failed; the cluster's logs are kept under " + dir.resolve("logs"));
    }
  }

  private List<String[]> status() throws Exception {
    Launcher.Result r = Launcher.run(60, "cluster", "status", "--dir", dir.toString());
    assertThat(r.exitCode()).isZero();
    List<String[]> rows = new ArrayList<>();
    for (String line : r.stdout().strip().split("\n")) {
      assertThat(line).matches("(zk-\\d|meta-\\d|storage-az\\d-\\d|gateway-\\d) (zk|meta|storage|gateway) (az[123]|-) (\\d+|-) (running|stopped)");
      rows.add(line.split(" "));
    }
    return rows;
  }

  /**
   * docs/metrics.md both ways, on the whole cluster while it is healthy (before the AZ is lost):
   * every documented family is exported by some process, every exported moraine_* family is
   * documented; and the request path's figures move with real S3 traffic.
   */
  @Test
  @org.junit.jupiter.api.Order(1)
  void everyProcessExportsTheDocumentedMetrics() throws Exception {
    try (S3Client gw1 = S3TestClients.rootClient(gatewayPort)) {
      gw1.createBucket(b -> b.bucket("metrics-it"));
      long size = 300_000; // above the inline threshold: erasure-coded onto storage nodes
      gw1.putObject(b -> b.bucket("metrics-it").key("k"), RequestBody.fromInputStream(payload(7, size), size));
      assertThat(sha256(gw1.getObject(b -> b.bucket("metrics-it").key("k")))).isEqualTo(payloadSha256(7, size));
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> gw1.headObject(b -> b.bucket("metrics-it").key("missing")))
          .isInstanceOf(software.amazon.awssdk.services.s3.model.S3Exception.class);
    }
    java.util.Properties ports = new java.util.Properties();
    try (java.io.Reader in = java.nio.file.Files.newBufferedReader(dir.resolve("cluster.properties"))) {
      ports.load(in);
    }
    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    Map<String, String> exported = new java.util.TreeMap<>();
    Map<String, String> scrapes = new java.util.TreeMap<>();
    for (String key : new java.util.TreeSet<>(ports.stringPropertyNames())) {
      if (!key.startsWith("port.") || !key.endsWith(".admin")) {
        continue;
      }
      String node = key.substring("port.".length(), key.length() - ".admin".length());
      var r = http.send(java.net.http.HttpRequest.newBuilder(
          java.net.URI.create("http://127.0.0.1:" + ports.getProperty(key) + "/metrics")).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(node).isEqualTo(200);
      scrapes.put(node, r.body());
      exported.putAll(io.moraine.launcher.ops.MetricsDoc.families(r.body()));
      assertThat(r.body()).as(node + " serves the JVM metrics").contains("# TYPE jvm_memory_used_bytes gauge");
    }
    assertThat(scrapes).containsKeys("zk-1", "meta-1", "storage-az1-1", "gateway-1");
    Map<String, io.moraine.launcher.ops.MetricsDoc.Entry> documented = io.moraine.launcher.ops.MetricsDoc.documented();
    List<String> missing = documented.values().stream()
        .filter(e -> !e.mayBeAbsent() && !e.type().equals(exported.get(e.name())))
        .map(e -> e.name() + " (" + e.type() + ", exported as " + exported.get(e.name()) + ")").toList();
    assertThat(missing).as("documented in docs/metrics.md but not exported with that type").isEmpty();
    List<String> undocumented = exported.keySet().stream()
        .filter(n -> n.startsWith("moraine_") && !documented.containsKey(n)).toList();
    assertThat(undocumented).as("exported but not documented in docs/metrics.md").isEmpty();

    String gw = scrapes.get("gateway-1");
    assertThat(gw).containsPattern(
        "moraine_s3_requests_total\\{node_id=\"gateway-1\",operation=\"PutObject\",status_class=\"2xx\"\\} [1-9]");
    assertThat(gw).containsPattern(
        "moraine_s3_errors_total\\{code=\"NoSuchKey\",node_id=\"gateway-1\",operation=\"HeadObject\"\\} [1-9]");
    assertThat(gw).containsPattern("moraine_s3_bucket_requests_total\\{bucket=\"metrics-it\",node_id=\"gateway-1\",status_class=\"2xx\"\\} [1-9]");
    assertThat(gw).containsPattern("moraine_erasure_encoded_bytes_total\\{node_id=\"gateway-1\"\\} 300000");
    assertThat(gw).containsPattern("moraine_s3_received_bytes_total\\{node_id=\"gateway-1\",operation=\"PutObject\"\\} [1-9]");
    assertThat(scrapes.get("meta-1")).containsPattern("moraine_raft_commit_index\\{group=\"g1\",node_id=\"meta-1\"\\} [1-9]");
    assertThat(String.join("\n", scrapes.values())).containsPattern("moraine_storage_shard_ops_total\\{node_id=\"storage-az\\d-\\d\",op=\"write\"\\} [1-9]");
    // Per-bucket usage from metadata, computed by the repair leader every 30 s in this cluster.
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).pollInterval(java.time.Duration.ofSeconds(2))
        .until(() -> {
          StringBuilder all = new StringBuilder();
          for (String key : ports.stringPropertyNames()) {
            if (key.startsWith("port.meta-") && key.endsWith(".admin")) {
              all.append(http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                  "http://127.0.0.1:" + ports.getProperty(key) + "/metrics")).build(),
                  java.net.http.HttpResponse.BodyHandlers.ofString()).body());
            }
          }
          return java.util.regex.Pattern.compile("moraine_bucket_objects\\{bucket=\"metrics-it\",node_id=\"meta-\\d\","
              + "storage_class=\"STANDARD\"\\} 1\\.0").matcher(all).find()
              && java.util.regex.Pattern.compile("moraine_bucket_stored_bytes\\{bucket=\"metrics-it\",node_id=\"meta-\\d\","
              + "storage_class=\"STANDARD\"\\} 300000\\.0").matcher(all).find();
        });
    // The request log: one JSON line per request, in the cluster's logs dir.
    String requests = java.nio.file.Files.readString(dir.resolve("logs").resolve("gateway-1-requests.log"));
    assertThat(requests).containsPattern("\"operation\":\"HeadObject\",\"bucket\":\"metrics-it\",\"key\":\"missing\",\"status\":404,\"error_code\":\"NoSuchKey\"");
    // The process log: JSON lines of the one schema.
    String log = java.nio.file.Files.readString(dir.resolve("logs").resolve("gateway-1.log"));
    assertThat(log).containsPattern("(?m)^\\{\"ts\":\"[^\"]+\",\"level\":\"INFO\",\"logger\":\"io\\.moraine\\.gateway\\.S3Gateway\",\"node\":\"gateway-1\",");
  }

  /** Each gateway process serves static websites on its own port (the one `cluster start` prints). */
  @Test
  @org.junit.jupiter.api.Order(2)
  void everyGatewayServesWebsitesOnItsOwnPort() throws Exception {
    try (S3Client gw1 = S3TestClients.rootClient(gatewayPort)) {
      gw1.createBucket(b -> b.bucket("cluster-site"));
      gw1.putObject(b -> b.bucket("cluster-site").key("index.html").contentType("text/html")
          .acl(software.amazon.awssdk.services.s3.model.ObjectCannedACL.PUBLIC_READ), RequestBody.fromString("<h1>up</h1>"));
      gw1.putBucketWebsite(b -> b.bucket("cluster-site").websiteConfiguration(w -> w.indexDocument(i -> i.suffix("index.html"))));
    }
    for (int port : websitePorts) {
      try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
        socket.getOutputStream().write(("GET / HTTP/1.1\r\nHost: cluster-site.s3-website.localhost:" + port
            + "\r\nConnection: close\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        String reply = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(reply).as("website port %d", port).startsWith("HTTP/1.1 200").endsWith("<h1>up</h1>");
      }
    }
  }

  @Test
  @org.junit.jupiter.api.Order(3)
  void losingBothStorageNodesOfOneAzLosesNothing() throws Exception {
    List<String[]> rows = status();
    assertThat(rows).extracting(r -> r[0]).containsExactly("zk-1", "meta-1", "meta-2", "meta-3",
        "storage-az1-1", "storage-az1-2", "storage-az2-1", "storage-az2-2", "storage-az3-1", "storage-az3-2",
        "gateway-1", "gateway-2");
    assertThat(rows).allSatisfy(r -> assertThat(r[4]).isEqualTo("running"));

    Map<String, String> written = new LinkedHashMap<>();
    try (S3Client gw1 = S3TestClients.rootClient(gatewayPort); S3Client gw2 = S3TestClients.rootClient(gatewayPort + 1)) {
      gw1.createBucket(b -> b.bucket(BUCKET));
      long[] sizes = {0, 1, 4096, 100_000, 5 * MIB + 1, 20 * MIB};
      for (int i = 0; i < sizes.length; i++) {
        long size = sizes[i];
        String key = "before/" + i;
        (i % 2 == 0 ? gw1 : gw2).putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromInputStream(payload(i, size), size));
        written.put(key, payloadSha256(i, size));
      }

      for (String[] row : rows) {
        if (row[0].startsWith("storage-az2-")) {
          new ProcessBuilder("kill", "-9", row[3]).start().waitFor();
        }
      }
      assertThat(status()).filteredOn(r -> r[0].startsWith("storage-az2-")).allSatisfy(r -> assertThat(r[4]).isEqualTo("stopped"));

      for (S3Client gw : List.of(gw1, gw2)) {
        for (Map.Entry<String, String> e : written.entrySet()) {
          assertThat(sha256(gw.getObject(b -> b.bucket(BUCKET).key(e.getKey())))).as(e.getKey()).isEqualTo(e.getValue());
        }
      }
      for (int i = 0; i < 3; i++) {
        long size = 3 * MIB + i;
        String key = "after/" + i;
        long seed = 100 + i;
        gw2.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromInputStream(payload(seed, size), size));
        written.put(key, payloadSha256(seed, size));
      }
      for (S3Client gw : List.of(gw1, gw2)) {
        for (Map.Entry<String, String> e : written.entrySet()) {
          assertThat(sha256(gw.getObject(b -> b.bucket(BUCKET).key(e.getKey())))).as(e.getKey()).isEqualTo(e.getValue());
        }
      }
    }

    // A killed node counts as down within 10 s (its ZooKeeper session expires).
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).pollInterval(java.time.Duration.ofSeconds(1))
        .until(() -> Launcher.run(60, "admin", "--zk", "127.0.0.1:" + zkPort, "status").stdout()
            .contains("node storage-az2-2 az az2 state down"));
    Launcher.Result admin = Launcher.run(60, "admin", "--zk", "127.0.0.1:" + zkPort, "status");
    assertThat(admin.exitCode()).isZero();
    assertThat(admin.stdout()).containsPattern("(?m)^group \\S+ leader meta-[123] peers meta-1,meta-2,meta-3$");
    assertThat(admin.stdout()).containsPattern("(?m)^node storage-az2-1 az az2 state down used \\d+ total \\d+$");
    assertThat(admin.stdout()).containsPattern("(?m)^node storage-az1-1 az az1 state up used \\d+ total \\d+$");
    assertThat(admin.stdout()).containsPattern("(?m)^redundancy: degraded \\(\\d+ shards missing\\)$");
    passed = true;
  }
}
