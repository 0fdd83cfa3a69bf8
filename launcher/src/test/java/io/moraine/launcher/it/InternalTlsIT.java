package io.moraine.launcher.it;

import static io.moraine.launcher.it.S3TestClients.payload;
import static io.moraine.launcher.it.S3TestClients.payloadSha256;
import static io.moraine.launcher.it.S3TestClients.sha256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.moraine.launcher.config.InternalTls;
import io.moraine.launcher.role.MetaDirectory;
import io.moraine.launcher.role.Zk;
import io.moraine.metadata.client.GroupStatus;
import io.moraine.metadata.client.MetadataAdmin;
import io.moraine.metadata.server.MetaPeer;
import io.moraine.proto.storage.v1.HealthRequest;
import io.moraine.proto.storage.v1.ShardServiceGrpc;
import io.moraine.storage.tls.GrpcTls;
import io.moraine.tls.TlsFiles;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * `cluster start --internal-tls` (docs/tls.md): objects written and read through the SDK (so the
 * shard gRPC, Ratis and ZooKeeper all work over mutual TLS), `admin --internal-tls DIR status`,
 * and each internal port refusing a plaintext client while the same call with the operator's
 * certificate succeeds (the control that the refusal is TLS, not a dead port).
 *
 * <p>The same 12-process cluster (one start for both: starting it is most of the time) then hosts
 * issue 14's "restore jobs survive the crash of any process": a GLACIER object restored on a
 * one-second day, and the active restore gateway killed with SIGKILL while it copies the object
 * into its temporary STANDARD copy. The other gateway takes the leadership and makes the copy from
 * the job kept in metadata; the object then reads byte-exact through it. (The half-written copy's
 * shards are named by nothing and left to repair's GC, as any abandoned write's.)
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class InternalTlsIT {

  private static final String BUCKET = "internal-tls-it";

  private ClusterFixture cluster;
  private Properties shape;
  private TlsFiles admin;
  private boolean passed;
  private boolean restorePassed;

  @BeforeAll
  void start() throws Exception {
    cluster = ClusterFixture.start("moraine-internal-tls-it", 2, java.util.Map.of(), "--internal-tls",
        "--day-seconds", "1");
    cluster.keepLogs = true; // until the suite passed
    shape = new Properties();
    try (Reader r = Files.newBufferedReader(cluster.dir.resolve("cluster.properties"))) {
      shape.load(r);
    }
    Path tlsDir = cluster.dir.resolve("tls");
    admin = new TlsFiles(tlsDir.resolve("admin.pem"), tlsDir.resolve("admin-key.pem"), tlsDir.resolve("ca.pem"));
  }

  @AfterAll
  void stop() throws Exception {
    cluster.keepLogs = !passed || !restorePassed;
    cluster.close();
  }

  @Test
  @org.junit.jupiter.api.Order(1)
  void clusterWorksOverMutualTlsAndRefusesPlaintextOnEveryInternalPort() throws Exception {
    assertThat(shape.getProperty("tls.internal")).isEqualTo("true");
    assertThat(Files.readString(cluster.dir.resolve("conf").resolve("gateway-1.properties")))
        .contains("tls.internal.enabled = true");

    // Data path: the object is larger than the inline threshold, so its shards cross the TLS gRPC.
    long size = 3L * 1024 * 1024 + 17;
    try (S3Client s3 = cluster.s3()) {
      s3.createBucket(b -> b.bucket(BUCKET));
      s3.putObject(b -> b.bucket(BUCKET).key("k"), RequestBody.fromInputStream(payload(7, size), size));
      assertThat(sha256(s3.getObject(b -> b.bucket(BUCKET).key("k")))).isEqualTo(payloadSha256(7, size));
      assertThat(s3.listObjectsV2(b -> b.bucket(BUCKET)).contents()).hasSize(1);
    }
    try (S3Client s3 = S3TestClients.rootClient(cluster.gatewayPort + 1)) {
      assertThat(sha256(s3.getObject(b -> b.bucket(BUCKET).key("k")))).isEqualTo(payloadSha256(7, size));
    }

    // admin status with the operator certificate: ZooKeeper and Ratis over TLS.
    String status = cluster.admin("--internal-tls", cluster.dir.resolve("tls").toString(), "status");
    assertThat(status).containsPattern("(?m)^group g1 leader meta-\\d peers meta-1,meta-2,meta-3$")
        .containsPattern("(?m)^node storage-az1-1 az az1 state up ").contains("redundancy: full")
        // The usage figures come from each storage node's Health RPC, over mutual TLS too.
        .containsPattern("(?m)^node storage-\\S+ az az\\d state up used [1-9]\\d* total [1-9]");

    // ZooKeeper: a plaintext client never gets a session; the operator certificate does.
    String zkConnect = "127.0.0.1:" + cluster.zkPort;
    try (CuratorFramework plain = CuratorFrameworkFactory.newClient(zkConnect, 4_000, 2_000, new RetryOneTime(500))) {
      plain.start();
      assertThat(plain.blockUntilConnected(6, TimeUnit.SECONDS)).as("plaintext ZooKeeper session").isFalse();
    }
    try (CuratorFramework tls = Zk.connectBlocking(zkConnect, Zk.SESSION_TIMEOUT_MILLIS, admin)) {
      assertThat(MetaDirectory.read(tls)).hasSize(3);
    }

    // Storage node gRPC: plaintext Health fails, mutual TLS Health answers.
    int storagePort = Integer.parseInt(shape.getProperty("port.storage-az1-1"));
    ManagedChannel plainChannel = io.grpc.Grpc.newChannelBuilderForAddress("127.0.0.1", storagePort,
        io.grpc.InsecureChannelCredentials.create()).build();
    ManagedChannel tlsChannel = io.grpc.Grpc.newChannelBuilderForAddress("127.0.0.1", storagePort,
        GrpcTls.channel(admin)).build();
    try {
      assertThatThrownBy(() -> ShardServiceGrpc.newBlockingStub(plainChannel).withDeadlineAfter(5, TimeUnit.SECONDS)
          .health(HealthRequest.getDefaultInstance())).isInstanceOf(StatusRuntimeException.class);
      assertThat(ShardServiceGrpc.newBlockingStub(tlsChannel).withDeadlineAfter(10, TimeUnit.SECONDS)
          .health(HealthRequest.getDefaultInstance())).isNotNull();
    } finally {
      plainChannel.shutdownNow();
      tlsChannel.shutdownNow();
    }

    // Ratis: a plaintext admin client reaches no peer (no leader seen); with TLS every group has one.
    List<MetaPeer> peers = List.of(1, 2, 3).stream()
        .map(n -> new MetaPeer("meta-" + n, "127.0.0.1", Integer.parseInt(shape.getProperty("port.meta-" + n)))).toList();
    GroupStatus plain = MetadataAdmin.status(null, peers, "g1", 1_000);
    assertThat(plain.leader()).as("plaintext Ratis status of %s", plain).isEmpty();
    for (GroupStatus g : MetadataAdmin.status(InternalTls.raft(admin), peers, 2, 3_000)) {
      assertThat(g.leader()).as("TLS Ratis status of %s", g).isPresent();
    }
    passed = true;
  }

  private static final int RESTORE_SIZE = 96 << 20;

  @Test
  @org.junit.jupiter.api.Order(2) // kills a gateway: last
  void aRestoreSurvivesTheKillOfTheRestoreLeaderMidCopy() throws Exception {
    byte[] body = new byte[RESTORE_SIZE];
    new java.util.SplittableRandom(1414).nextBytes(body);
    {
      int[] ports = {cluster.gatewayPort, cluster.gatewayPort + 1};
      try (S3Client s3 = S3TestClients.rootClient(ports[0])) {
        s3.createBucket(b -> b.bucket("arch"));
        s3.putObject(b -> b.bucket("arch").key("big").storageClass(software.amazon.awssdk.services.s3.model.StorageClass.GLACIER), RequestBody.fromBytes(body));
        // 300 one-second days: the copy outlives the test.
        s3.restoreObject(b -> b.bucket("arch").key("big")
            .restoreRequest(r -> r.days(300).glacierJobParameters(g -> g.tier(software.amazon.awssdk.services.s3.model.Tier.STANDARD))));
      }
      // Whichever gateway is the restore leader logs the start of the copy; kill it right then.
      String leader = null;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      while (leader == null && System.nanoTime() < deadline) {
        for (String g : List.of("gateway-1", "gateway-2")) {
          if (log(cluster, g).contains("restoring arch/big")) {
            leader = g;
            cluster.kill(g);
            break;
          }
        }
        Thread.sleep(20);
      }
      assertThat(leader).as("a gateway started copying arch/big").isNotNull();
      Thread.sleep(500); // let the killed process's last buffered log lines land
      assertThat(log(cluster, leader)).as("%s was killed before it finished the copy", leader)
          .doesNotContain("restored arch/big");
      String survivor = leader.equals("gateway-1") ? "gateway-2" : "gateway-1";
      int port = ports[survivor.equals("gateway-1") ? 0 : 1];

      try (S3Client s3 = S3TestClients.rootClient(port)) {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        String restore = "";
        while (System.nanoTime() < until) {
          restore = String.valueOf(s3.headObject(b -> b.bucket("arch").key("big")).restore());
          if (restore.contains("ongoing-request=\"false\"")) {
            break;
          }
          Thread.sleep(250);
        }
        assertThat(restore).as("x-amz-restore through %s", survivor).contains("ongoing-request=\"false\"");
        assertThat(log(cluster, survivor)).as("%s made the copy", survivor).contains("restored arch/big");
        try (var in = s3.getObject(b -> b.bucket("arch").key("big"))) {
          assertThat(S3TestClients.sha256(in)).isEqualTo(S3TestClients.sha256(new java.io.ByteArrayInputStream(body)));
        }
        byte[] range = s3.getObjectAsBytes(b -> b.bucket("arch").key("big").range("bytes=50000000-50999999")).asByteArray();
        assertThat(range).isEqualTo(java.util.Arrays.copyOfRange(body, 50_000_000, 51_000_000));
        assertThat(s3.headObject(b -> b.bucket("arch").key("big")).storageClass()).isEqualTo(software.amazon.awssdk.services.s3.model.StorageClass.GLACIER);
      }
      assertThat(cluster.admin("--internal-tls", cluster.dir.resolve("tls").toString(), "status"))
          .containsPattern("(?m)^restore leader " + survivor + " .*completed [1-9]");
      restorePassed = true;
    }
  }

  private static String log(ClusterFixture cluster, String nodeId) throws java.io.IOException {
    Path p = cluster.dir.resolve("logs").resolve(nodeId + ".log");
    return Files.exists(p) ? Files.readString(p) : "";
  }
}
