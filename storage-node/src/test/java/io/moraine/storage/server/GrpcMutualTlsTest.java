package io.moraine.storage.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moraine.storage.api.ShardClients.ShardAck;
import io.moraine.storage.api.ShardId;
import io.moraine.storage.client.GrpcShardClients;
import io.moraine.storage.client.GrpcShardClientsConfig;
import io.moraine.tls.TlsFiles;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Internal mutual TLS on the shard service: a client with a certificate from the cluster CA
 * writes and reads; one without a certificate, one with another CA's and a plaintext one are
 * refused.
 */
@Timeout(60)
class GrpcMutualTlsTest {
  private static final List<String> LOOPBACK = List.of("127.0.0.1", "localhost");

  @TempDir Path dir;
  private StorageNode node;
  private TlsFiles clusterCa;

  @BeforeEach
  void start() throws IOException {
    InstantSource clock = InstantSource.system();
    Path tls = dir.resolve("tls");
    TlsFiles nodeFiles = TlsFiles.issued(tls, "storage-az1-1.pem", "storage-az1-1-key.pem", "storage-az1-1", LOOPBACK,
        clock, new SecureRandom());
    clusterCa = nodeFiles;
    node = new StorageNode(StorageNodeConfig.of("storage-az1-1", "az1", "127.0.0.1", 0, List.of(dir.resolve("disk1")),
        1L << 40), null, clock, nodeFiles).start();
  }

  @AfterEach
  void stop() {
    node.close();
  }

  private GrpcShardClients clients(TlsFiles files) {
    InetSocketAddress a = new InetSocketAddress("127.0.0.1", node.grpcPort());
    return new GrpcShardClients(id -> Optional.of(a), GrpcShardClientsConfig.defaults(), files);
  }

  @Test
  void aClientWithACaSignedCertificateWritesAndReads() throws Exception {
    TlsFiles gateway = TlsFiles.issued(dir.resolve("tls"), "gateway-1.pem", "gateway-1-key.pem", "gateway-1", LOOPBACK,
        InstantSource.system(), new SecureRandom());
    try (GrpcShardClients c = clients(gateway)) {
      byte[] data = "shard over mutual tls".getBytes(java.nio.charset.StandardCharsets.UTF_8);
      ShardId id = new ShardId("obj-tls", 0);
      try (var w = c.openWrite("storage-az1-1", id, 17, data.length)) {
        w.write(data, 0, data.length);
        ShardAck ack = w.finish().get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(ack.lengthBytes()).isEqualTo(data.length);
      }
      try (InputStream in = c.read("storage-az1-1", id, 0, data.length, Duration.ofSeconds(10))) {
        assertThat(in.readAllBytes()).isEqualTo(data);
      }
    }
  }

  @Test
  void aClientWithoutACertificateIsRefused() {
    try (GrpcShardClients c = clients(new TlsFiles(null, null, clusterCa.caFile()))) {
      assertThatThrownBy(() -> c.health("storage-az1-1")).isInstanceOf(IOException.class);
    }
  }

  @Test
  void aClientWithAnotherCasCertificateIsRefused() {
    TlsFiles stranger = TlsFiles.issued(dir.resolve("other"), "gateway-1.pem", "gateway-1-key.pem", "gateway-1",
        LOOPBACK, InstantSource.system(), new SecureRandom());
    // It trusts the node (the cluster CA) but presents a certificate the node does not trust.
    try (GrpcShardClients c = clients(new TlsFiles(stranger.certFile(), stranger.keyFile(), clusterCa.caFile()))) {
      assertThatThrownBy(() -> c.health("storage-az1-1")).isInstanceOf(IOException.class);
    }
  }

  @Test
  void aPlaintextClientIsRefused() {
    try (GrpcShardClients c = clients(null)) {
      assertThatThrownBy(() -> c.health("storage-az1-1")).isInstanceOf(IOException.class);
    }
  }

  @Test
  void theSameClientWithItsCertificateGetsHealth() throws Exception {
    TlsFiles repair = TlsFiles.issued(dir.resolve("tls"), "repair.pem", "repair-key.pem", "repair", LOOPBACK,
        InstantSource.system(), new SecureRandom());
    try (GrpcShardClients c = clients(repair)) {
      assertThat(c.health("storage-az1-1").getNodeId()).isEqualTo("storage-az1-1");
    }
  }
}
