package io.moraine.metadata.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.moraine.metadata.api.Bucket;
import io.moraine.metadata.client.GroupStatus;
import io.moraine.metadata.client.MetadataAdmin;
import io.moraine.metadata.client.RaftMetadataClient;
import io.moraine.metadata.tls.RaftTls;
import io.moraine.tls.Pem;
import io.moraine.tls.TlsFiles;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The metadata tier over mutual TLS (docs/tls.md): real Ratis peers, clients, admin API and an online join. */
class RaftTlsTest {
  private static final InstantSource CLOCK = InstantSource.fixed(Instant.parse("2026-06-01T00:00:00Z"));

  @TempDir Path dir;

  private RaftTls tls(Path caDir, String name) {
    TlsFiles f = TlsFiles.issued(caDir, name + ".pem", name + "-key.pem", name, List.of("127.0.0.1", "localhost"),
        CLOCK, new SecureRandom());
    return new RaftTls(Pem.keyManager(f.certFile(), f.keyFile()), Pem.trustManager(f.caFile()));
  }

  @Test
  @Timeout(120)
  void peersClientsAndAdminTalkMutualTlsAndRefuseOthers() throws Exception {
    Path caDir = dir.resolve("ca");
    try (MetaCluster c = new MetaCluster(dir.resolve("peers"), 3, 1)) {
      c.tls = tls(caDir, "meta");
      c.startAll();
      RaftMetadataClient client = c.client();
      Bucket b = client.createBucket("o", "tls-bucket", "us-east-1");
      assertThat(client.listAllBuckets()).containsExactly(b);

      RaftTls operator = tls(caDir, "admin");
      assertThat(MetadataAdmin.status(operator, c.peers, c.groups, 3_000))
          .allSatisfy(g -> assertThat(g.leader()).as(g.line()).isPresent());
      // Plaintext, and a certificate of another CA, reach no peer.
      GroupStatus plain = MetadataAdmin.status(null, c.peers, "g1", 1_000);
      assertThat(plain.leader()).as(plain.line()).isEmpty();
      GroupStatus stranger = MetadataAdmin.status(tls(dir.resolve("other-ca"), "admin"), c.peers, "g1", 1_000);
      assertThat(stranger.leader()).as(stranger.line()).isEmpty();

      // An online join over TLS: the spare peer catches up from the leader and serves the bucket.
      c.start(3);
      MetadataAdmin.addPeer(operator, c.peers, c.groups, c.all.get(3));
      assertThat(MetadataAdmin.status(operator, c.all, c.groups, 3_000))
          .allSatisfy(g -> assertThat(g.peers()).containsExactly("meta-1", "meta-2", "meta-3", "meta-4"));
      c.stop(0);
      assertThat(c.client().getBucket("tls-bucket")).contains(b);
    }
  }
}
