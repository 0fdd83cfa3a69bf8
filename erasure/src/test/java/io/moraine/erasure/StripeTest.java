package io.moraine.erasure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class StripeTest {
  @Test
  void layoutArithmetic() {
    StripeLayout layout = new StripeLayout(4, 2, 100, 1001);
    assertThat(layout.stripeDataBytes()).isEqualTo(400);
    assertThat(layout.stripeCount()).isEqualTo(3);
    assertThat(layout.shardLengthBytes()).isEqualTo(300);
    assertThat(layout.firstStripe(0)).isZero();
    assertThat(layout.firstStripe(399)).isZero();
    assertThat(layout.firstStripe(400)).isEqualTo(1);
    assertThat(layout.lastStripe(0, 400)).isZero();
    assertThat(layout.lastStripe(0, 401)).isEqualTo(1);
    assertThat(layout.lastStripe(1000, 1)).isEqualTo(2);
    assertThat(layout.lastStripe(5, 0)).isEqualTo(-1);
    assertThat(layout.dataShardOf(250)).isEqualTo(2);
    assertThat(layout.shardOffsetOf(650)).isEqualTo(100 + 50);
    assertThat(layout.stripeBlobBytes(2)).isEqualTo(201);
    assertThat(new StripeLayout(4, 2, 100, 0).stripeCount()).isZero();
    assertThat(new StripeLayout(4, 2, 100, 0).shardLengthBytes()).isZero();
    assertThatThrownBy(() -> layout.lastStripe(1000, 2)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new StripeLayout(0, 2, 100, 5)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void chunkSizeIsMaxForBigBlobsAndSmallAlignedForSmallOnes() {
    assertThat(StripeLayout.chooseChunkSizeBytes(0, 4, 1 << 20)).isEqualTo(64);
    assertThat(StripeLayout.chooseChunkSizeBytes(1, 4, 1 << 20)).isEqualTo(64);
    assertThat(StripeLayout.chooseChunkSizeBytes(257, 4, 1 << 20)).isEqualTo(128);
    assertThat(StripeLayout.chooseChunkSizeBytes(1000, 4, 1 << 20)).isEqualTo(256);
    assertThat(StripeLayout.chooseChunkSizeBytes(4L << 20, 4, 1 << 20)).isEqualTo(1 << 20);
    assertThat(StripeLayout.chooseChunkSizeBytes(1L << 40, 4, 1 << 20)).isEqualTo(1 << 20);
    assertThat(StripeLayout.chooseChunkSizeBytes(3L << 20, 4, 1 << 20)).isEqualTo(786432);
  }

  /** Delivers at most a few bytes per read, to prove readers loop on short reads. */
  private static InputStream trickle(byte[] bytes, SplittableRandom random) {
    return new FilterInputStream(new ByteArrayInputStream(bytes)) {
      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        return super.read(b, off, Math.min(len, 1 + random.nextInt(97)));
      }
    };
  }

  /** Encodes a blob stripe by stripe into k+m shards, the way the gateway does. */
  private static byte[][] encodeBlob(ReedSolomon codec, StripeLayout layout, byte[] blob, SplittableRandom random)
      throws IOException {
    StripeEncoder encoder = new StripeEncoder(codec, layout.chunkSizeBytes());
    ByteArrayOutputStream[] shardOut = new ByteArrayOutputStream[codec.totalShards()];
    Arrays.setAll(shardOut, i -> new ByteArrayOutputStream());
    byte[][] buffers = encoder.newStripeBuffers();
    InputStream in = trickle(blob, random);
    long consumed = 0;
    int n;
    while ((n = encoder.nextStripe(in, buffers)) > 0) {
      consumed += n;
      assertThat(codec.verifyParity(buffers, 0, layout.chunkSizeBytes())).isTrue();
      for (int i = 0; i < buffers.length; i++) {
        shardOut[i].write(buffers[i]);
      }
    }
    assertThat(consumed).isEqualTo(blob.length);
    byte[][] shards = new byte[codec.totalShards()][];
    for (int i = 0; i < shards.length; i++) {
      shards[i] = shardOut[i].toByteArray();
      assertThat((long) shards[i].length).isEqualTo(layout.shardLengthBytes());
    }
    return shards;
  }

  @Property(tries = 60)
  void blobSurvivesEncodeLossAndDecode(@ForAll @IntRange(min = 1, max = 8) int k, @ForAll @IntRange(min = 0, max = 3) int m,
      @ForAll @IntRange(min = 0, max = 5000) int size, @ForAll @IntRange(min = 1, max = 700) int maxChunk,
      @ForAll @LongRange long seed) throws IOException {
    SplittableRandom random = new SplittableRandom(seed);
    ReedSolomon codec = ReedSolomon.create(k, m);
    int chunk = StripeLayout.chooseChunkSizeBytes(size, k, maxChunk);
    StripeLayout layout = new StripeLayout(k, m, chunk, size);
    byte[] blob = new byte[size];
    random.nextBytes(blob);
    byte[][] shards = encodeBlob(codec, layout, blob, random);

    // Whole-blob decode with up to m shards gone.
    InputStream[] streams = new InputStream[k + m];
    for (int i = 0; i < k + m; i++) {
      streams[i] = trickle(shards[i], random);
    }
    random.ints(0, k + m).distinct().limit(m).forEach(i -> streams[i] = null);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StripeDecoder decoder = new StripeDecoder(codec, layout);
    decoder.decode(streams, out);
    assertThat(out.toByteArray()).isEqualTo(blob);

    // A degraded range read fetching only the columns each stripe needs.
    if (size == 0) {
      return;
    }
    long offset = random.nextLong(size);
    long length = random.nextLong(size - offset + 1);
    boolean[] present = new boolean[k + m];
    Arrays.fill(present, true);
    random.ints(0, k + m).distinct().limit(m).forEach(i -> present[i] = false);
    ByteArrayOutputStream range = new ByteArrayOutputStream();
    for (long s = layout.firstStripe(offset); s <= layout.lastStripe(offset, length); s++) {
      StripeDecoder.StripeRange r = decoder.stripeRange(s, offset, length);
      byte[][] chunks = new byte[k + m][];
      for (int i = 0; i < k + m; i++) {
        if (present[i]) {
          chunks[i] = new byte[chunk];
          // Only the needed columns are "fetched"; the rest stays garbage to prove it is not used.
          Arrays.fill(chunks[i], (byte) 0x77);
          System.arraycopy(shards[i], (int) r.shardOffset(), chunks[i], r.columnFrom(), r.columnLength());
        }
      }
      decoder.writeRange(r, chunks, present, range);
    }
    assertThat(range.toByteArray()).isEqualTo(Arrays.copyOfRange(blob, (int) offset, (int) (offset + length)));
  }

  @Test
  void encoderRejectsWrongBuffersAndDecoderReportsShortShard() throws IOException {
    ReedSolomon codec = ReedSolomon.create(2, 1);
    StripeEncoder encoder = new StripeEncoder(codec, 64);
    assertThatThrownBy(() -> encoder.nextStripe(InputStream.nullInputStream(), new byte[3][63]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(encoder.nextStripe(InputStream.nullInputStream(), encoder.newStripeBuffers())).isZero();
    StripeLayout layout = new StripeLayout(2, 1, 64, 200);
    InputStream[] shards = {new ByteArrayInputStream(new byte[128]), new ByteArrayInputStream(new byte[100]), null};
    assertThatThrownBy(() -> new StripeDecoder(codec, layout).decode(shards, new ByteArrayOutputStream()))
        .isInstanceOf(IOException.class).hasMessageContaining("shard 1 ended early in stripe 1");
  }
}
