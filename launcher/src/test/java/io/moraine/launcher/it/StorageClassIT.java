package io.moraine.launcher.it;

import static io.moraine.launcher.it.S3TestClients.payload;
import static io.moraine.launcher.it.S3TestClients.payloadSha256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.moraine.launcher.role.MetaDirectory;
import io.moraine.launcher.role.Zk;
import io.moraine.metadata.api.DataLayout;
import io.moraine.metadata.api.MetadataClient;
import io.moraine.metadata.api.Segment;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.DefaultRetryStrategy;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Storage classes with real layouts on the dev cluster (issue 14, item 1; DESIGN.md, Storage
 * classes): 6 storage nodes, 2 per AZ, so every class uses its small-cluster profile and start-up
 * says so once; each class's shards are on disk where its segment says, with its profile and
 * rule — ONEZONE_IA as two copies (RS 1+1) on the two nodes of one AZ. Then az1 goes down: the
 * spread classes still read, ONEZONE_IA objects of az2/az3 still read and new ones go there,
 * ONEZONE_IA objects of az1 are unreadable while it is down (lost if it never comes back) and
 * read again once it is back.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StorageClassIT {
  private static final String BUCKET = "classes-it";
  /** class -> k+m on 2 nodes per AZ (DESIGN.md, small-cluster column). */
  private static final Map<String, String> DEV_PROFILES = new LinkedHashMap<>();

  static {
    DEV_PROFILES.put("STANDARD", "4+2");
    DEV_PROFILES.put("REDUCED_REDUNDANCY", "2+1");
    DEV_PROFILES.put("STANDARD_IA", "4+2");
    DEV_PROFILES.put("ONEZONE_IA", "1+1");
    DEV_PROFILES.put("INTELLIGENT_TIERING", "4+2");
    DEV_PROFILES.put("GLACIER_IR", "4+2");
    DEV_PROFILES.put("GLACIER", "4+2");
    DEV_PROFILES.put("DEEP_ARCHIVE", "4+2");
  }

  private final ListAppender<ILoggingEvent> classLog = new ListAppender<>();
  private DevFixture dev;
  private CuratorFramework zk;
  private MetadataClient meta;
  private S3Client s3;
  /** key -> sha256, and key -> class. */
  private final Map<String, String> written = new LinkedHashMap<>();
  private final Map<String, String> classOf = new HashMap<>();

  @BeforeAll
  void start() throws Exception {
    classLog.start();
    ((Logger) LoggerFactory.getLogger(io.moraine.gateway.data.StorageClasses.class)).addAppender(classLog);
    dev = DevFixture.start("moraine-classes-it");
    zk = Zk.connectBlocking("127.0.0.1:" + dev.zkPort, Zk.SESSION_TIMEOUT_MILLIS);
    meta = MetaDirectory.connectClient(zk, MetaDirectory.read(zk));
    s3 = S3Client.builder()
        .endpointOverride(URI.create("http://127.0.0.1:" + dev.cluster().gatewayPort()))
        .region(Region.US_EAST_1).forcePathStyle(true)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("moraineadmin", "moraineadmin")))
        // A GET of a lost object must fail once, not after the SDK's retries and back-off.
        .overrideConfiguration(ClientOverrideConfiguration.builder().retryStrategy(DefaultRetryStrategy.doNotRetry())
            .apiCallTimeout(Duration.ofSeconds(60)).build())
        .build();
    s3.createBucket(b -> b.bucket(BUCKET));
  }

  @AfterAll
  void stop() throws Exception {
    ((Logger) LoggerFactory.getLogger(io.moraine.gateway.data.StorageClasses.class)).detachAppender(classLog);
    for (AutoCloseable c : new AutoCloseable[] {s3, meta, zk, dev}) {
      if (c != null) {
        try {
          c.close();
        } catch (Exception e) {
          System.err.println("StorageClassIT: closing " + c + ": " + e);
        }
      }
    }
  }

  private Segment segment(String key) {
    List<Segment> segs = ((DataLayout.Segments) meta.getObject(BUCKET, key).orElseThrow().layout()).segments();
    assertThat(segs).hasSize(1);
    return segs.get(0);
  }

  /** Shard name (DATAID.INDEX) -> nodes holding a file of it, from the storage nodes' disks. */
  private Map<String, Set<String>> shardsOnDisk() throws IOException {
    Map<String, Set<String>> where = new HashMap<>();
    try (Stream<Path> nodes = Files.list(dev.dataDir)) {
      for (Path node : nodes.filter(n -> n.getFileName().toString().startsWith("storage-")).toList()) {
        Path root = node.resolve("disk1").resolve("moraine-shards");
        if (!Files.isDirectory(root)) {
          continue;
        }
        try (Stream<Path> walk = Files.walk(root)) {
          walk.filter(f -> f.toString().endsWith(".shard")).forEach(f -> {
            String name = f.getFileName().toString();
            where.computeIfAbsent(name.substring(0, name.length() - ".shard".length()), x -> new HashSet<>())
                .add(node.getFileName().toString());
          });
        }
      }
    }
    return where;
  }

  private static String az(String node) {
    return node.substring("storage-".length(), "storage-azN".length());
  }

  private void put(String key, String storageClass, long size, long seed) throws IOException {
    s3.putObject(b -> b.bucket(BUCKET).key(key).storageClass(storageClass),
        RequestBody.fromInputStream(payload(seed, size), size));
    written.put(key, payloadSha256(seed, size));
    classOf.put(key, storageClass);
  }

  /**
   * The object's bytes' digest through GET. Archived classes (GLACIER, DEEP_ARCHIVE) answer GET only
   * through a restored copy (RestoreIT): for them the refusal is checked and the written digest
   * returned, their layout being checked from metadata like every other class's.
   */
  private String sha256(String key) throws IOException {
    if (List.of("GLACIER", "DEEP_ARCHIVE").contains(classOf.get(key))) {
      assertThatThrownBy(() -> s3.getObject(b -> b.bucket(BUCKET).key(key)).close())
          .isInstanceOf(software.amazon.awssdk.services.s3.model.InvalidObjectStateException.class);
      return written.get(key);
    }
    try (var in = s3.getObject(b -> b.bucket(BUCKET).key(key))) {
      return S3TestClients.sha256(in);
    }
  }

  @Test
  @Order(1)
  void startUpAnnouncesTheSmallClusterProfilesOnce() {
    List<String> lines = classLog.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    assertThat(lines).containsOnlyOnce(
        "storage-class GLACIER profile=4+2 (small cluster: 8+4 needs 4 nodes per AZ in 3 AZs)",
        "storage-class DEEP_ARCHIVE profile=4+2 (small cluster: 8+4 needs 4 nodes per AZ in 3 AZs)",
        "storage-class ONEZONE_IA profile=1+1 one-zone (small cluster: 4+2 needs 6 nodes in one AZ)");
    assertThat(lines).noneMatch(l -> l.startsWith("storage-class STANDARD "));
  }

  @Test
  @Order(2)
  void everyClassIsOnDiskWithItsProfileAndRule() throws Exception {
    long seed = 1;
    for (String c : DEV_PROFILES.keySet()) {
      put("each/" + c, c, 300_000 + seed, seed++);
    }
    for (int i = 0; i < 12; i++) {
      put("oz/" + i, "ONEZONE_IA", 50_000 + i, 100 + i);
      put("std/" + i, i % 2 == 0 ? "STANDARD" : "REDUCED_REDUNDANCY", 50_000 + i, 200 + i);
    }
    Map<String, Set<String>> onDisk = shardsOnDisk();
    Set<String> zones = new HashSet<>();
    for (String key : written.keySet()) {
      String c = classOf.get(key);
      Segment s = segment(key);
      assertThat(s.dataShards() + "+" + s.parityShards()).as(key).isEqualTo(DEV_PROFILES.get(c));
      int width = s.dataShards() + s.parityShards();
      Map<String, Integer> perAz = new HashMap<>();
      for (int i = 0; i < width; i++) {
        String node = s.shardNodes().get(i);
        assertThat(onDisk.get(s.dataId() + "." + i)).as("%s shard %d on disk", key, i).containsExactly(node);
        perAz.merge(az(node), 1, Integer::sum);
      }
      if (c.equals("ONEZONE_IA")) {
        assertThat(perAz).as(key).containsOnlyKeys(s.zone());
        assertThat(new HashSet<>(s.shardNodes())).as("one copy per node").hasSize(2);
        zones.add(s.zone());
      } else {
        assertThat(s.zone()).isEmpty();
        assertThat(perAz.values()).as("%s: at most m per AZ", key).allMatch(n -> n <= s.parityShards());
      }
      assertThat(sha256(key)).as(key).isEqualTo(written.get(key));
    }
    assertThat(zones).as("ONEZONE_IA objects are spread over the AZs, each in one").hasSizeGreaterThan(1);

    // What an operator sees: bin/moraine admin object info BUCKET KEY.
    for (String key : List.of("oz/0", "each/GLACIER")) {
      Segment s = segment(key);
      Launcher.Result r = dev.admin(60, "object", "info", BUCKET, key);
      assertThat(r.exitCode()).as(r.stdout()).isZero();
      List<String> lines = List.of(r.stdout().split("\n"));
      assertThat(lines.get(0)).startsWith("bucket=" + BUCKET + " key=" + key + " version_id=null class=" + classOf.get(key));
      assertThat(lines.get(1)).isEqualTo("segment=0 data_id=" + s.dataId() + " profile=" + DEV_PROFILES.get(classOf.get(key))
          + " zone=" + (s.oneZone() ? s.zone() : "-") + " max_per_az=" + s.shardsPerAzMax() + " size=" + s.size());
      for (int i = 0; i < s.shardNodes().size(); i++) {
        String node = s.shardNodes().get(i);
        assertThat(lines.get(2 + i)).isEqualTo("shard=0." + i + " node=" + node + " az=" + az(node) + " misplaced=false");
      }
    }
  }

  @Test
  @Order(3)
  void losingAnAzLosesOnlyItsOneZoneObjects_whileItIsDown() throws Exception {
    List<String> inAz1 = new ArrayList<>();
    for (String key : written.keySet()) {
      if (classOf.get(key).equals("ONEZONE_IA") && segment(key).zone().equals("az1")) {
        inAz1.add(key);
      }
    }
    if (inAz1.isEmpty()) { // the zone is a hash of the dataId: make sure az1 holds one
      for (int i = 0; inAz1.isEmpty() && i < 50; i++) {
        put("oz-more/" + i, "ONEZONE_IA", 20_000 + i, 300 + i);
        if (segment("oz-more/" + i).zone().equals("az1")) {
          inAz1.add("oz-more/" + i);
        }
      }
    }
    assertThat(inAz1).isNotEmpty();
    dev.cluster().stopStorageNode("storage-az1-1");
    dev.cluster().stopStorageNode("storage-az1-2");
    try {
      for (String key : written.keySet()) {
        if (inAz1.contains(key)) {
          assertThatThrownBy(() -> sha256(key)).as("%s lived in az1 only", key)
              .isInstanceOfSatisfying(software.amazon.awssdk.services.s3.model.S3Exception.class,
                  e -> assertThat(e.statusCode()).isEqualTo(503));
        } else {
          assertThat(sha256(key)).as("%s (%s) survives the loss of az1", key, classOf.get(key)).isEqualTo(written.get(key));
        }
      }
      // New one-zone objects go to the AZs that have two live nodes.
      for (int i = 0; i < 6; i++) {
        String key = "oz-during/" + i;
        put(key, "ONEZONE_IA", 30_000 + i, 400 + i);
        assertThat(segment(key).zone()).isIn("az2", "az3");
        assertThat(sha256(key)).isEqualTo(written.get(key));
      }
    } finally {
      dev.cluster().startStorageNode("storage-az1-1");
      dev.cluster().startStorageNode("storage-az1-2");
    }
    // Back (within the repair grace period, so nothing was rebuilt): az1's objects read again.
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500))
        .ignoreExceptions().until(() -> sha256(inAz1.get(0)).equals(written.get(inAz1.get(0))));
    for (String key : inAz1) {
      assertThat(sha256(key)).as(key).isEqualTo(written.get(key));
    }
  }
}
