package io.moraine.gateway.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moraine.gateway.Ids;
import io.moraine.gateway.fakes.FixedPlacement;
import io.moraine.gateway.fakes.InMemoryShards;
import io.moraine.metadata.api.DataLayout;
import io.moraine.metadata.api.Segment;
import io.moraine.storage.api.ShardId;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The re-encoder through the real writer and reader (in-memory shards, fixed six-node placement):
 * the copy holds the same bytes in new blobs of the target profile, part boundaries kept, and a
 * failed copy leaves none of its blobs behind.
 */
class ReencoderTest {
  private final InMemoryShards shards = new InMemoryShards();
  private final FixedPlacement placement = new FixedPlacement();
  private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
  private final DataCollector collector = new DataCollector(shards, threads);
  private final BlobWriter writer = new BlobWriter(shards, placement, new Ids(new SplittableRandom(7)), collector,
      threads, 64 * 1024, 10_000);
  private final BlobReader reader = new BlobReader(shards, placement, threads, 10_000);
  private final Reencoder reencoder = new Reencoder(reader, writer, collector, threads);

  @AfterEach
  void close() {
    threads.shutdownNow();
  }

  private Segment write(byte[] bytes, ErasureProfile profile) throws IOException {
    return writer.write(new ByteArrayInputStream(bytes), bytes.length, profile, () -> {});
  }

  private byte[] read(DataLayout layout, long size) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new ObjectData(writer, reader, 0, null).read(layout, 0, size, out);
    return out.toByteArray();
  }

  private static byte[] bytes(int n, long seed) {
    byte[] b = new byte[n];
    new SplittableRandom(seed).nextBytes(b);
    return b;
  }

  @Test
  void multipartLayoutIsCopiedSegmentBySegmentIntoTheTargetProfile() throws Exception {
    byte[] part1 = bytes(700_000, 1);
    byte[] part2 = bytes(123_457, 2);
    DataLayout from = new DataLayout.Segments(List.of(write(part1, ErasureProfile.RS_2_1), write(part2, ErasureProfile.RS_2_1)));
    int before = shards.shardCount();
    assertEquals(6, before);

    DataLayout copy = reencoder.reencode(from, ErasureProfile.RS_4_2);

    List<Segment> segments = ((DataLayout.Segments) copy).segments();
    assertEquals(2, segments.size());
    List<Segment> sources = ((DataLayout.Segments) from).segments();
    for (int i = 0; i < 2; i++) {
      Segment s = segments.get(i);
      assertEquals(4, s.dataShards());
      assertEquals(2, s.parityShards());
      assertEquals(6, s.shardNodes().size());
      assertEquals(sources.get(i).size(), s.size());
      assertNotEquals(sources.get(i).dataId(), s.dataId());
      for (int shard = 0; shard < 6; shard++) {
        assertTrue(shards.node(s.shardNodes().get(shard)).containsKey(new ShardId(s.dataId(), shard)),
            "shard " + shard + " of " + s.dataId());
      }
    }
    assertEquals(before + 12, shards.shardCount());
    byte[] whole = new byte[part1.length + part2.length];
    System.arraycopy(part1, 0, whole, 0, part1.length);
    System.arraycopy(part2, 0, whole, part1.length, part2.length);
    assertArrayEquals(whole, read(copy, whole.length));
    assertArrayEquals(whole, read(from, whole.length), "the source is untouched");
  }

  @Test
  void copyReadsThroughParityWhenASourceNodeIsDown() throws Exception {
    byte[] body = bytes(300_001, 3);
    Segment source = write(body, ErasureProfile.RS_4_2);
    shards.failingReads.add(source.shardNodes().get(0));

    DataLayout copy = reencoder.reencode(new DataLayout.Segments(List.of(source)), ErasureProfile.RS_2_1);

    shards.failingReads.clear();
    Segment s = ((DataLayout.Segments) copy).segments().getFirst();
    assertEquals(2, s.dataShards());
    assertEquals(1, s.parityShards());
    assertArrayEquals(body, read(copy, body.length));
  }

  @Test
  void inlineLayoutStaysInlineAsACopy() throws Exception {
    byte[] body = bytes(100, 4);
    DataLayout.Inline from = new DataLayout.Inline(body);
    DataLayout copy = reencoder.reencode(from, ErasureProfile.RS_4_2);
    assertEquals(from, copy);
    assertNotSame(body, ((DataLayout.Inline) copy).bytes());
    assertEquals(0, shards.shardCount());
  }

  @Test
  void failedReadOfALaterSegmentCommitsNothingAndCollectsTheEarlierCopies() throws Exception {
    Segment first = write(bytes(200_000, 5), ErasureProfile.RS_2_1);
    Segment second = write(bytes(200_000, 6), ErasureProfile.RS_2_1);
    for (int i = 0; i < 2; i++) { // 2 of 3 shards of the second blob lost: below k
      shards.node(second.shardNodes().get(i)).remove(new ShardId(second.dataId(), i));
    }
    int before = shards.shardCount();

    assertThrows(IOException.class,
        () -> reencoder.reencode(new DataLayout.Segments(List.of(first, second)), ErasureProfile.RS_4_2));

    long deadline = System.nanoTime() + 5_000_000_000L;
    while (shards.shardCount() != before && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(before, shards.shardCount(), "the copies of the first segment were collected");
  }
}
