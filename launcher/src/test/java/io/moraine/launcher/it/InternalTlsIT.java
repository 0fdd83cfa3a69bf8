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
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InternalTlsIT {

  private static final String BUCKET = "internal-tls-it";

  private ClusterFixture cluster;
  private Properties shape;
  private TlsFiles admin;
  private boolean passed;

  @BeforeAll
  void start() throws Exception {
    cluster = ClusterFixture.start("moraine-internal-tls-it", 2, java.util.Map.of(), "--internal-tls");
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
    cluster.keepLogs = !passed;
    cluster.close();
  }

  @Test
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
}
