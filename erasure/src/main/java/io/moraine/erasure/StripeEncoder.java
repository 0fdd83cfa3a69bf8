/*
 * StripeEncoder: reads a blob from an InputStream one stripe at a time (never the whole blob in memory),
 * fills the k data chunks, zero-pads a short last stripe and computes the m parity chunks.
 *
 * Fault model: I/O errors from the stream propagate unchanged; a stripe is either complete (data
 * read, padded, parity computed) or the call throws. Not thread-safe per call (buffers are the caller's).
 */
package io.moraine.erasure;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Objects;

public final class StripeEncoder {
  private final ReedSolomon codec;
  private final int chunkSizeBytes;

  public StripeEncoder(ReedSolomon codec, int chunkSizeBytes) {
    this.codec = Objects.requireNonNull(codec, "codec");
    if (chunkSizeBytes < 1) {
      throw new IllegalArgumentException("chunkSizeBytes must be >= 1, got " + chunkSizeBytes);
    }
    if ((long) chunkSizeBytes * codec.dataShards() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("stripe too large: " + codec.dataShards() + " x " + chunkSizeBytes);
    }
    this.chunkSizeBytes = chunkSizeBytes;
  }

  public int chunkSizeBytes() {
    return chunkSizeBytes;
  }

  /** Allocates k+m buffers of chunkSizeBytes. */
  public byte[][] newStripeBuffers() {
    return new byte[codec.totalShards()][chunkSizeBytes];
  }

  /**
   * Fills shards[0..k) from in (zero-padding the tail of a short last stripe), computes parity into
   * shards[k..k+m). Returns the number of blob bytes consumed for this stripe (0 = end of stream,
   * nothing filled). Reads fully (loops on short reads) and never reads past the stripe.
   */
  public int nextStripe(InputStream in, byte[][] shards) throws IOException {
    Objects.requireNonNull(in, "in");
    Objects.requireNonNull(shards, "shards");
    if (shards.length != codec.totalShards()) {
      throw new IllegalArgumentException("shards.length=" + shards.length + " but totalShards=" + codec.totalShards());
    }
    for (int i = 0; i < shards.length; i++) {
      if (shards[i] == null || shards[i].length != chunkSizeBytes) {
        throw new IllegalArgumentException("shard buffer " + i + " must have chunkSizeBytes=" + chunkSizeBytes
            + " bytes, has " + (shards[i] == null ? "null" : shards[i].length));
      }
    }
    int consumed = 0;
    int shard = 0;
    for (; shard < codec.dataShards(); shard++) {
      int filled = readFully(in, shards[shard]);
      consumed += filled;
      if (filled < chunkSizeBytes) {
        if (consumed == 0) {
          return 0;
        }
        Arrays.fill(shards[shard], filled, chunkSizeBytes, (byte) 0);
        shard++;
        break;
      }
    }
    for (; shard < codec.dataShards(); shard++) {
      Arrays.fill(shards[shard], (byte) 0);
    }
    codec.encodeParity(shards, 0, chunkSizeBytes);
    return consumed;
  }

  private static int readFully(InputStream in, byte[] buffer) throws IOException {
    int filled = 0;
    while (filled < buffer.length) {
      int n = in.read(buffer, filled, buffer.length - filled);
      if (n < 0) {
        break;
      }
      filled += n;
    }
    return filled;
  }
}
