package io.moraine.storage.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.moraine.erasure.frame.BlockFrame;
import io.moraine.proto.storage.v1.HealthResponse;
import io.moraine.storage.api.CorruptShardException;
import io.moraine.storage.api.ShardClients;
import io.moraine.storage.api.ShardClients.ShardAck;
import io.moraine.storage.api.ShardId;
import io.moraine.storage.api.ShardMaintenance;
import io.moraine.storage.api.ShardNotFoundException;
import io.moraine.storage.client.GrpcShardClients;
import io.moraine.storage.client.GrpcShardClientsConfig;
import io.moraine.storage.store.ShardLayout;
import io.moraine.storage.store.StoredShard;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A real StorageNode on loopback and GrpcShardClients against it. */
@Timeout(120)
class GrpcRoundTripTest {
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

  @TempDir Path dir;
  private StorageNode node;
  private final AtomicReference<InetSocketAddress> address = new AtomicReference<>();
  private GrpcShardClients clients;

  @BeforeEach
  void start() throws IOException {
    node = startNode(dir.resolve("disk1"));
    address.set(new InetSocketAddress("127.0.0.1", node.grpcPort()));
    clients = new GrpcShardClients(id -> id.equals("storage-az1-1") ? Optional.of(address.get()) : Optional.empty(),
        GrpcShardClientsConfig.defaults());
  }

  private static StorageNode startNode(Path disk) throws IOException {
    return new StorageNode(StorageNodeConfig.of("storage-az1-1", "az1", "127.0.0.1", 0, List.of(disk), 1L << 40), null,
        InstantSource.system()).start();
  }

  @AfterEach
  void stop() {
    clients.close();
    node.close();
  }

  private static byte[] randomBytes(int n, long seed) {
    byte[] b = new byte[n];
    new SplittableRandom(seed).nextBytes(b);
    return b;
  }

  private static int crc(byte[] b) {
    CRC32C c = new CRC32C();
    c.update(b);
    return (int) c.getValue();
  }

  private ShardAck write(String nodeId, ShardId id, byte[] data, int pieceBytes) throws Exception {
    try (ShardClients.ShardWriter w = clients.openWrite(nodeId, id, 17, data.length)) {
      for (int at = 0; at < data.length; at += pieceBytes) {
        w.write(data, at, Math.min(pieceBytes, data.length - at));
      }
      return w.finish().get(60, TimeUnit.SECONDS);
    }
  }

  private byte[] read(ShardId id, long offset, long length) throws IOException {
    try (InputStream in = clients.read("storage-az1-1", id, offset, length, READ_TIMEOUT)) {
      return in.readAllBytes();
    }
  }

  @Test
  void writeReadRangeDeleteRoundTrip() throws Exception {
    byte[] data = randomBytes(1_500_000, 1);
    ShardId id = new ShardId("obj-a", 3);
    ShardAck ack = write("storage-az1-1", id, data, 100_000);
    assertThat(ack).isEqualTo(new ShardAck("storage-az1-1", data.length, crc(data)));

    assertThat(read(id, 0, data.length)).isEqualTo(data);
    assertThat(read(id, 123_456, 700_001)).isEqualTo(java.util.Arrays.copyOfRange(data, 123_456, 823_457));
    assertThat(read(id, 0, 0)).isEmpty();
    assertThatThrownBy(() -> read(id, data.length - 10, 11)).isInstanceOf(IOException.class)
        .hasMessageContaining("OUT_OF_RANGE");

    HealthResponse health = clients.health("storage-az1-1");
    assertThat(health.getShardCount()).isEqualTo(1);
    assertThat(health.getDisks(0).getUsedBytes()).isEqualTo(BlockFrame.framedLengthBytes(64 * 1024, data.length));
    assertThat(health.getDisks(0).getTotalBytes()).isEqualTo(1L << 40);

    ShardAck empty = write("storage-az1-1", new ShardId("obj-empty", 0), new byte[0], 1);
    assertThat(empty.lengthBytes()).isZero();
    assertThat(node.store().find(new ShardId("obj-empty", 0))).isPresent();

    assertThat(clients.delete("storage-az1-1", id)).isTrue();
    assertThat(clients.delete("storage-az1-1", id)).isFalse();
    assertThatThrownBy(() -> read(id, 0, 10)).isInstanceOf(ShardNotFoundException.class);
  }

  @Test
  void sixtyFourMebibyteShardStreamsBothWays() throws Exception {
    int size = 64 * 1024 * 1024;
    byte[] data = randomBytes(size, 2);
    ShardId id = new ShardId("big", 0);
    long t0 = System.nanoTime();
    write("storage-az1-1", id, data, 1 << 20);
    long t1 = System.nanoTime();
    CRC32C readCrc = new CRC32C();
    long total = 0;
    try (InputStream in = clients.read("storage-az1-1", id, 0, size, READ_TIMEOUT)) {
      byte[] buf = new byte[256 * 1024];
      for (int n; (n = in.read(buf)) > 0; ) {
        readCrc.update(buf, 0, n);
        total += n;
      }
    }
    long t2 = System.nanoTime();
    assertThat(total).isEqualTo(size);
    assertThat((int) readCrc.getValue()).isEqualTo(crc(data));
    System.out.printf("64 MiB shard over loopback: write+fsync %.0f MiB/s, read+verify %.0f MiB/s%n",
        64 / ((t1 - t0) / 1e9), 64 / ((t2 - t1) / 1e9));
  }

  @Test
  void manyConcurrentWritersAllLand() throws Exception {
    int writers = 24;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      List<Future<ShardAck>> acks = new ArrayList<>();
      for (int i = 0; i < writers; i++) {
        int seed = i;
        acks.add(pool.submit(() -> write("storage-az1-1", new ShardId("c" + seed, seed % 6),
            randomBytes(2_000_000 + seed, seed), 64 * 1024)));
      }
      for (Future<ShardAck> ack : acks) {
        assertThat(ack.get(60, TimeUnit.SECONDS).nodeId()).isEqualTo("storage-az1-1");
      }
    } finally {
      pool.shutdownNow();
    }
    for (int i = 0; i < writers; i++) {
      assertThat(read(new ShardId("c" + i, i % 6), 0, 2_000_000 + i)).isEqualTo(randomBytes(2_000_000 + i, i));
    }
    assertThat(node.store().shardCount()).isEqualTo(writers);
  }

  @Test
  void corruptBlockFailsTheReadWithDataLoss() throws Exception {
    byte[] data = randomBytes(300_000, 3);
    ShardId id = new ShardId("rotten", 1);
    write("storage-az1-1", id, data, 50_000);
    StoredShard stored = node.store().find(id).orElseThrow();
    Path file = ShardLayout.shardPath(dir.resolve("disk1").toAbsolutePath(), stored.placementGroupDir(), id);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(new byte[] {0x5a, 0x5a}), BlockFrame.HEADER_BYTES + 70_000);
    }
    assertThatThrownBy(() -> read(id, 0, data.length)).isInstanceOf(CorruptShardException.class)
        .hasMessageContaining("DATA_LOSS");
    // The first block is intact and still readable.
    assertThat(read(id, 0, 1000)).isEqualTo(java.util.Arrays.copyOf(data, 1000));
  }

  @Test
  void verifyShardsChecksOnTheNodeAndListReportsPublishTimes() throws Exception {
    byte[] data = randomBytes(300_000, 4);
    ShardId good = new ShardId("good", 0);
    ShardId rotten = new ShardId("rotten", 2);
    ShardId absent = new ShardId("absent", 1);
    write("storage-az1-1", good, data, 50_000);
    write("storage-az1-1", rotten, data, 50_000);
    StoredShard stored = node.store().find(rotten).orElseThrow();
    Path file = ShardLayout.shardPath(dir.resolve("disk1").toAbsolutePath(), stored.placementGroupDir(), rotten);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(new byte[] {0x5a}), BlockFrame.HEADER_BYTES + 200_000);
    }
    ShardMaintenance.VerifyResult r = clients.verify("storage-az1-1", List.of(good, rotten, absent), 0, READ_TIMEOUT);
    assertThat(r.intact()).containsExactly(good);
    assertThat(r.corrupt()).containsExactly(rotten);
    assertThat(r.missing()).containsExactly(absent);
    assertThat(r.verifiedBytes()).isEqualTo(2L * data.length);

    // Paced on the node: 600 000 bytes at 1 MB/s take at least ~0.5 s.
    long t0 = System.nanoTime();
    clients.verify("storage-az1-1", List.of(good, good), 1_000_000, READ_TIMEOUT);
    assertThat((System.nanoTime() - t0) / 1_000_000).isGreaterThanOrEqualTo(400);

    List<ShardMaintenance.ListedShard> listed = clients.list("storage-az1-1", READ_TIMEOUT);
    assertThat(listed).extracting(ShardMaintenance.ListedShard::shard).containsExactlyInAnyOrder(good, rotten);
    assertThat(listed).allSatisfy(l -> assertThat(l.publishedMillis()).isGreaterThan(System.currentTimeMillis() - 60_000));
    assertThatThrownBy(() -> clients.verify("storage-az9-9", List.of(good), 0, READ_TIMEOUT))
        .isInstanceOf(IOException.class);
  }

  @Test
  void abortedAndShortWritesPublishNothing() throws Exception {
    ShardId id = new ShardId("aborted", 0);
    ShardClients.ShardWriter w = clients.openWrite("storage-az1-1", id, 1, 1_000_000);
    w.write(randomBytes(300_000, 4), 0, 300_000);
    w.abort();
    w.abort();

    ShardClients.ShardWriter shortWriter = clients.openWrite("storage-az1-1", id, 1, 1_000_000);
    shortWriter.write(new byte[10], 0, 10);
    CompletableFuture<ShardAck> failed = shortWriter.finish();
    assertThatThrownBy(() -> failed.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(IOException.class);

    ShardClients.ShardWriter longWriter = clients.openWrite("storage-az1-1", id, 1, 5);
    assertThatThrownBy(() -> longWriter.write(new byte[6], 0, 6)).isInstanceOf(IOException.class);

    Path tmp = ShardLayout.tmpDir(dir.resolve("disk1").toAbsolutePath());
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      try (Stream<Path> s = Files.list(tmp)) {
        assertThat(s.count()).isZero();
      }
    });
    assertThat(node.store().find(id)).isEmpty();
    assertThatThrownBy(() -> read(id, 0, 10)).isInstanceOf(ShardNotFoundException.class);
  }

  @Test
  void unknownOrDeadNodeFailsFast() throws Exception {
    assertThatThrownBy(() -> clients.openWrite("storage-az9-9", new ShardId("x", 0), 0, 1))
        .isInstanceOf(IOException.class).hasMessageContaining("unknown");
    int deadPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      deadPort = s.getLocalPort();
    }
    address.set(new InetSocketAddress("127.0.0.1", deadPort));
    long t0 = System.nanoTime();
    assertThatThrownBy(() -> clients.openWrite("storage-az1-1", new ShardId("x", 0), 0, 1))
        .isInstanceOf(IOException.class).hasMessageContaining("UNAVAILABLE");
    assertThatThrownBy(() -> read(new ShardId("x", 0), 0, 1)).isInstanceOf(IOException.class)
        .hasMessageContaining("UNAVAILABLE");
    assertThatThrownBy(() -> clients.delete("storage-az1-1", new ShardId("x", 0))).isInstanceOf(IOException.class);
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
  }

  @Test
  void hungNodeTimesOutInsteadOfStalling() throws Exception {
    // Accepts TCP connections and never says anything: a paused or wedged process.
    try (ServerSocket hung = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      List<Socket> held = new ArrayList<>();
      Thread acceptor = Thread.ofVirtual().start(() -> {
        while (!hung.isClosed()) {
          try {
            held.add(hung.accept());
          } catch (IOException e) {
            return;
          }
        }
      });
      address.set(new InetSocketAddress("127.0.0.1", hung.getLocalPort()));
      try (GrpcShardClients impatient = new GrpcShardClients(id -> Optional.of(address.get()),
          new GrpcShardClientsConfig(500, 1_000, 2_000, 1_000, 256 * 1024, 20_000))) {
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> {
          try (InputStream in = impatient.read("storage-az1-1", new ShardId("x", 0), 0, 10, Duration.ofMillis(800))) {
            in.readAllBytes();
          }
        }).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> impatient.openWrite("storage-az1-1", new ShardId("x", 0), 0, 10))
            .isInstanceOf(IOException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(8));
      }
      hung.close();
      acceptor.join();
      for (Socket s : held) {
        s.close();
      }
    }
  }

  @Test
  void restartedNodeOnNewPortIsReachedThroughTheResolver() throws Exception {
    byte[] data = randomBytes(10_000, 5);
    ShardId id = new ShardId("survivor", 2);
    write("storage-az1-1", id, data, 4096);
    node.close();
    node = startNode(dir.resolve("disk1"));
    address.set(new InetSocketAddress("127.0.0.1", node.grpcPort()));
    assertThat(read(id, 0, data.length)).isEqualTo(data);
  }
}
