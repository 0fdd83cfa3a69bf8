package io.moraine.storage.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moraine.erasure.frame.BlockFrame;
import io.moraine.storage.api.CorruptShardException;
import io.moraine.storage.api.ShardId;
import io.moraine.storage.api.ShardNotFoundException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShardStoreTest {
  private static final int BLOCK = 4096;

  @TempDir Path dir;

  private ShardStore open(long capacityOverride, Path... disks) throws IOException {
    return ShardStore.open(new ShardStoreConfig(List.of(disks), capacityOverride, BLOCK));
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

  private static StoredShard put(ShardStore store, ShardId id, int pg, byte[] data) throws IOException {
    ShardStore.PendingShard w = store.beginWrite(id, pg, data.length);
    // uneven pieces so block boundaries fall inside writes
    int at = 0;
    int piece = 1000;
    while (at < data.length) {
      int n = Math.min(piece, data.length - at);
      w.write(data, at, n);
      at += n;
      piece = piece * 3 % 7919 + 1;
    }
    return w.commit(crc(data));
  }

  private static byte[] get(ShardStore store, ShardId id, long offset, int length) throws IOException {
    try (ShardStore.ShardReader r = store.openRead(id)) {
      byte[] out = new byte[length];
      r.read(offset, out, 0, length);
      return out;
    }
  }

  private long tmpFiles(Path disk) throws IOException {
    try (Stream<Path> s = Files.list(ShardLayout.tmpDir(disk))) {
      return s.count();
    }
  }

  @Test
  void writtenShardReadsBackWholeAndInRanges() throws IOException {
    Path disk = dir.resolve("d1");
    try (ShardStore store = open(0, disk)) {
      byte[] data = randomBytes(3 * BLOCK + 123, 1);
      ShardId id = new ShardId("blob-1", 2);
      StoredShard stored = put(store, id, 300, data);

      assertThat(stored.payloadLengthBytes()).isEqualTo(data.length);
      assertThat(stored.placementGroupDir()).isEqualTo(300 % 256);
      Path file = disk.resolve("moraine-shards/v1/2c/blob-1.2.shard");
      assertThat(file).exists();
      assertThat(Files.size(file)).isEqualTo(BlockFrame.framedLengthBytes(BLOCK, data.length));
      assertThat(get(store, id, 0, data.length)).isEqualTo(data);
      for (int[] range : new int[][] {{0, 1}, {BLOCK - 1, 2}, {BLOCK, BLOCK}, {5000, 7000}, {data.length - 1, 1}}) {
        byte[] expected = java.util.Arrays.copyOfRange(data, range[0], range[0] + range[1]);
        assertThat(get(store, id, range[0], range[1])).as("range %s+%s", range[0], range[1]).isEqualTo(expected);
      }
      assertThat(tmpFiles(disk)).isZero();
    }
  }

  @Test
  void emptyShardRoundTrips() throws IOException {
    try (ShardStore store = open(0, dir)) {
      ShardId id = new ShardId("empty", 0);
      put(store, id, 0, new byte[0]);
      try (ShardStore.ShardReader r = store.openRead(id)) {
        assertThat(r.payloadLengthBytes()).isZero();
      }
    }
  }

  @Test
  void shardIsInvisibleUntilCommitAndCrashLeftoversAreDeletedAtStartup() throws IOException {
    Path disk = dir.resolve("d1");
    ShardId id = new ShardId("half", 0);
    ShardStore store = open(0, disk);
    ShardStore.PendingShard w = store.beginWrite(id, 7, 10 * BLOCK);
    w.write(randomBytes(3 * BLOCK, 2), 0, 3 * BLOCK);
    assertThatThrownBy(() -> store.openRead(id)).isInstanceOf(ShardNotFoundException.class);
    assertThat(tmpFiles(disk)).isEqualTo(1);
    // "crash": the process dies without commit or abort; a new store opens the same disk.
    Files.writeString(ShardLayout.tmpDir(disk).resolve("other.1.99.tmp"), "torn");
    try (ShardStore reopened = open(0, disk)) {
      assertThat(tmpFiles(disk)).isZero();
      assertThat(reopened.shardCount()).isZero();
      assertThat(reopened.disks().getFirst().usedBytes()).isZero();
      assertThatThrownBy(() -> reopened.openRead(id)).isInstanceOf(ShardNotFoundException.class);
    }
  }

  @Test
  void flippedByteFailsReadsOfItsBlockOnly() throws IOException {
    Path disk = dir.resolve("d1");
    try (ShardStore store = open(0, disk)) {
      byte[] data = randomBytes(4 * BLOCK, 3);
      ShardId id = new ShardId("rot", 1);
      put(store, id, 9, data);
      Path file = ShardLayout.shardPath(disk, 9, id);
      // Flip one bit inside the payload of block 2.
      long position = BlockFrame.HEADER_BYTES + 2L * (BLOCK + 4) + 17;
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
        ByteBuffer b = ByteBuffer.allocate(1);
        ch.read(b, position);
        b.put(0, (byte) (b.get(0) ^ 0x10)).rewind();
        ch.write(b, position);
      }
      assertThatThrownBy(() -> get(store, id, 0, data.length))
          .isInstanceOf(CorruptShardException.class).hasMessageContaining("rot#1").hasMessageContaining("block 2");
      assertThatThrownBy(() -> get(store, id, 2L * BLOCK + 5, 10)).isInstanceOf(CorruptShardException.class);
      assertThat(get(store, id, 0, 2 * BLOCK)).isEqualTo(java.util.Arrays.copyOf(data, 2 * BLOCK));
      try (ShardStore.ShardReader r = store.openRead(id)) {
        assertThatThrownBy(r::verifyAll).isInstanceOf(CorruptShardException.class);
      }
    }
  }

  @Test
  void truncatedFileIsCorruptNotShort() throws IOException {
    Path disk = dir.resolve("d1");
    ShardId id = new ShardId("cut", 0);
    try (ShardStore store = open(0, disk)) {
      put(store, id, 1, randomBytes(2 * BLOCK, 4));
    }
    Path file = ShardLayout.shardPath(disk, 1, id);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.truncate(BLOCK);
    }
    try (ShardStore store = open(0, disk)) {
      assertThatThrownBy(() -> store.openRead(id)).isInstanceOf(CorruptShardException.class);
    }
  }

  @Test
  void wrongCrcOrLengthPublishesNothing() throws IOException {
    Path disk = dir.resolve("d1");
    try (ShardStore store = open(0, disk)) {
      byte[] data = randomBytes(BLOCK + 1, 5);
      ShardId id = new ShardId("bad", 0);
      ShardStore.PendingShard w = store.beginWrite(id, 0, data.length);
      w.write(data, 0, data.length);
      assertThatThrownBy(() -> w.commit(crc(data) ^ 1)).isInstanceOf(RejectedWriteException.class)
          .hasMessageContaining("CRC32C");

      ShardStore.PendingShard shortWrite = store.beginWrite(id, 0, data.length);
      shortWrite.write(data, 0, 10);
      assertThatThrownBy(() -> shortWrite.commit(crc(data))).isInstanceOf(RejectedWriteException.class);

      ShardStore.PendingShard longWrite = store.beginWrite(id, 0, 5);
      assertThatThrownBy(() -> longWrite.write(data, 0, 6)).isInstanceOf(RejectedWriteException.class);
      longWrite.abort();

      assertThat(store.find(id)).isEmpty();
      assertThat(tmpFiles(disk)).isZero();
      assertThat(store.disks().getFirst().usedBytes()).isZero();
    }
  }

  @Test
  void rejectsIdsThatCouldEscapeTheDirectory() throws IOException {
    try (ShardStore store = open(0, dir)) {
      for (String bad : new String[] {"../x", "a/b", ".hidden", "", "x y"}) {
        assertThatThrownBy(() -> store.beginWrite(new ShardId(bad, 0), 0, 1))
            .as(bad).isInstanceOf(IllegalArgumentException.class);
      }
      assertThatThrownBy(() -> store.beginWrite(new ShardId("ok", 256), 0, 1)).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void capacityIsAccountedAndEnforced() throws IOException {
    Path disk = dir.resolve("d1");
    long framed = BlockFrame.framedLengthBytes(BLOCK, 10_000);
    try (ShardStore store = open(3 * framed + 10, disk)) {
      assertThat(store.totalCapacityBytes()).isEqualTo(3 * framed + 10);
      put(store, new ShardId("c", 0), 0, randomBytes(10_000, 6));
      put(store, new ShardId("c", 1), 0, randomBytes(10_000, 7));
      // An in-flight write reserves its space: the fourth cannot start while the third is open.
      ShardStore.PendingShard third = store.beginWrite(new ShardId("c", 2), 0, 10_000);
      assertThatThrownBy(() -> store.beginWrite(new ShardId("c", 3), 0, 10_000))
          .isInstanceOf(InsufficientCapacityException.class);
      third.abort();
      put(store, new ShardId("c", 2), 0, randomBytes(10_000, 8));
      assertThat(store.disks().getFirst().usedBytes()).isEqualTo(3 * framed);
      assertThatThrownBy(() -> store.beginWrite(new ShardId("c", 3), 0, 10_000))
          .isInstanceOf(InsufficientCapacityException.class);
      assertThat(store.delete(new ShardId("c", 1))).isTrue();
      assertThat(store.delete(new ShardId("c", 1))).isFalse();
      assertThat(store.disks().getFirst().usedBytes()).isEqualTo(2 * framed);
      put(store, new ShardId("c", 3), 0, randomBytes(10_000, 9));
    }
    try (ShardStore reopened = open(3 * framed + 10, disk)) {
      assertThat(reopened.disks().getFirst().usedBytes()).isEqualTo(3 * framed);
      assertThat(reopened.shardCount()).isEqualTo(3);
    }
  }

  @Test
  void filesystemCapacityWhenNoOverride() throws IOException {
    try (ShardStore store = open(0, dir)) {
      assertThat(store.totalCapacityBytes()).isEqualTo(Files.getFileStore(dir).getTotalSpace());
    }
  }

  @Test
  void shardsSpreadDeterministicallyOverDisksAndSurviveReopen() throws IOException {
    Path a = dir.resolve("a");
    Path b = dir.resolve("b");
    Path c = dir.resolve("c");
    List<ShardId> ids = new ArrayList<>();
    List<Integer> firstPlacement = new ArrayList<>();
    try (ShardStore store = open(0, a, b, c)) {
      for (int i = 0; i < 60; i++) {
        ShardId id = new ShardId("obj-" + i, i % 6);
        ids.add(id);
        firstPlacement.add(put(store, id, i, randomBytes(100, i)).diskIndex());
      }
      Set<Integer> used = new HashSet<>(firstPlacement);
      assertThat(used).containsExactlyInAnyOrder(0, 1, 2);
      assertThat(store.list(OptionalInt.of(5))).extracting(StoredShard::shard).containsExactly(new ShardId("obj-5", 5));
      assertThat(store.list(OptionalInt.of(256 + 5))).extracting(StoredShard::shard).containsExactly(new ShardId("obj-5", 5));
    }
    // Same ids on fresh disks land on the same disk positions (pure function of id and disk index).
    Path a2 = dir.resolve("a2");
    Path b2 = dir.resolve("b2");
    Path c2 = dir.resolve("c2");
    try (ShardStore other = open(0, a2, b2, c2)) {
      for (int i = 0; i < ids.size(); i++) {
        assertThat(put(other, ids.get(i), i, randomBytes(100, i)).diskIndex()).isEqualTo(firstPlacement.get(i));
      }
    }
    try (ShardStore reopened = open(0, a, b, c)) {
      assertThat(reopened.shardCount()).isEqualTo(60);
      for (int i = 0; i < ids.size(); i++) {
        assertThat(get(reopened, ids.get(i), 0, 100)).isEqualTo(randomBytes(100, i));
      }
      assertThat(reopened.list(OptionalInt.empty())).hasSize(60);
    }
  }

  @Test
  void rewriteReplacesAndFullDiskFallsBackToAnother() throws IOException {
    Path a = dir.resolve("a");
    Path b = dir.resolve("b");
    try (ShardStore store = open(0, a, b)) {
      ShardId id = new ShardId("again", 0);
      put(store, id, 0, randomBytes(500, 1));
      StoredShard second = put(store, id, 0, randomBytes(700, 2));
      assertThat(store.shardCount()).isEqualTo(1);
      assertThat(get(store, id, 0, 700)).isEqualTo(randomBytes(700, 2));
      long usedTotal = store.disks().stream().mapToLong(DiskUsage::usedBytes).sum();
      assertThat(usedTotal).isEqualTo(second.fileLengthBytes());
    }
    // Capacity only for one small shard per disk: the second shard must go to the other disk.
    long framed = BlockFrame.framedLengthBytes(BLOCK, 1000);
    Path c = dir.resolve("c");
    Path d = dir.resolve("d");
    try (ShardStore store = open(2 * framed, c, d)) {
      int first = put(store, new ShardId("x", 0), 0, randomBytes(1000, 3)).diskIndex();
      int second = put(store, new ShardId("x", 1), 0, randomBytes(1000, 4)).diskIndex();
      assertThat(second).isNotEqualTo(first);
      assertThatThrownBy(() -> store.beginWrite(new ShardId("x", 2), 0, 1000))
          .isInstanceOf(InsufficientCapacityException.class);
    }
  }

  @Test
  void duplicateOnTwoDisksKeepsOneCopy() throws IOException {
    Path a = dir.resolve("a");
    Path b = dir.resolve("b");
    ShardId id = new ShardId("dup", 3);
    try (ShardStore store = open(0, a, b)) {
      StoredShard s = put(store, id, 4, randomBytes(100, 1));
      Path from = ShardLayout.shardPath(s.diskIndex() == 0 ? a : b, 4, id);
      Path to = ShardLayout.shardPath(s.diskIndex() == 0 ? b : a, 4, id);
      Files.copy(from, to);
    }
    try (ShardStore store = open(0, a, b)) {
      assertThat(store.shardCount()).isEqualTo(1);
      assertThat(Files.exists(ShardLayout.shardPath(a, 4, id)) ^ Files.exists(ShardLayout.shardPath(b, 4, id))).isTrue();
      assertThat(get(store, id, 0, 100)).isEqualTo(randomBytes(100, 1));
    }
  }

  @Test
  void layoutNamesParseBack() {
    assertThat(ShardLayout.parseFileName("a.b-c_d.12.shard")).contains(new ShardId("a.b-c_d", 12));
    assertThat(ShardLayout.parseFileName("x.01.shard")).isEmpty();
    assertThat(ShardLayout.parseFileName("x.shard")).isEmpty();
    assertThat(ShardLayout.parseFileName("x.1.tmp")).isEmpty();
    assertThat(ShardLayout.groupDirName(ShardLayout.groupDir(511))).isEqualTo("ff");
  }
}
