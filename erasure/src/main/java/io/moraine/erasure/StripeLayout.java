/*
 * StripeLayout: pure arithmetic placing a blob of sizeBytes into stripes of k chunks of chunkSizeBytes.
 * Blob byte b lies in stripe b / (k * chunk), data shard (b % (k * chunk)) / chunk, at shard offset
 * stripe * chunk + b % chunk. Shard i is chunk i of every stripe, concatenated; the last stripe is
 * zero-padded, so every shard, data or parity, has shardLengthBytes() bytes.
 *
 * Fault model: pure; the record rejects shapes the codec cannot handle.
 */
package io.moraine.erasure;

public record StripeLayout(int dataShards, int parityShards, int chunkSizeBytes, long sizeBytes) {
  /** Small chunks are rounded to this, so vector loops and block frames see aligned lengths. */
  public static final int CHUNK_ALIGNMENT_BYTES = 64;

  public StripeLayout {
    if (dataShards < 1 || parityShards < 0 || dataShards + parityShards > ReedSolomon.MAX_TOTAL_SHARDS) {
      throw new IllegalArgumentException("bad shape: dataShards=" + dataShards + " parityShards=" + parityShards);
    }
    if (chunkSizeBytes < 1) {
      throw new IllegalArgumentException("chunkSizeBytes must be >= 1, got " + chunkSizeBytes);
    }
    if (sizeBytes < 0) {
      throw new IllegalArgumentException("sizeBytes must be >= 0, got " + sizeBytes);
    }
  }

  public int totalShards() {
    return dataShards + parityShards;
  }

  /** k * chunk: blob bytes per stripe. */
  public long stripeDataBytes() {
    return (long) dataShards * chunkSizeBytes;
  }

  /** ceil(size / stripeDataBytes), 0 when size == 0. */
  public long stripeCount() {
    long perStripe = stripeDataBytes();
    return (sizeBytes + perStripe - 1) / perStripe;
  }

  /** stripeCount * chunk: the length of every shard, data or parity. */
  public long shardLengthBytes() {
    return stripeCount() * chunkSizeBytes;
  }

  /**
   * Chunk size for a blob: maxChunkSizeBytes for big blobs; for small ones ceil(size/k) rounded up to a
   * multiple of 64 (min 64), so a small object is one stripe without huge padding.
   */
  public static int chooseChunkSizeBytes(long sizeBytes, int dataShards, int maxChunkSizeBytes) {
    if (sizeBytes < 0 || dataShards < 1 || maxChunkSizeBytes < 1) {
      throw new IllegalArgumentException("bad arguments: sizeBytes=" + sizeBytes + " dataShards=" + dataShards
          + " maxChunkSizeBytes=" + maxChunkSizeBytes);
    }
    long perShard = (sizeBytes + dataShards - 1) / dataShards;
    long aligned = Math.max(CHUNK_ALIGNMENT_BYTES,
        (perShard + CHUNK_ALIGNMENT_BYTES - 1) / CHUNK_ALIGNMENT_BYTES * CHUNK_ALIGNMENT_BYTES);
    return (int) Math.min(maxChunkSizeBytes, aligned);
  }

  /** The stripe holding blob byte offset (0 <= offset < sizeBytes; offset == sizeBytes is allowed for empty ranges). */
  public long firstStripe(long offset) {
    if (offset < 0 || offset > sizeBytes) {
      throw new IllegalArgumentException("offset " + offset + " outside blob of " + sizeBytes + " bytes");
    }
    return offset / stripeDataBytes();
  }

  /**
   * The last stripe covering [offset, offset+length); for length == 0 this is firstStripe(offset) - 1,
   * so [first, last] is empty.
   */
  public long lastStripe(long offset, long length) {
    checkRange(offset, length);
    if (length == 0) {
      return firstStripe(offset) - 1;
    }
    return (offset + length - 1) / stripeDataBytes();
  }

  /** Data shard index (0..k) holding blob byte offset. */
  public int dataShardOf(long offset) {
    checkRange(offset, 1);
    return (int) ((offset % stripeDataBytes()) / chunkSizeBytes);
  }

  /** Offset inside its shard of blob byte offset. */
  public long shardOffsetOf(long offset) {
    checkRange(offset, 1);
    return offset / stripeDataBytes() * chunkSizeBytes + offset % chunkSizeBytes;
  }

  /** Blob bytes stored in a stripe: stripeDataBytes, less for the last stripe. */
  public long stripeBlobBytes(long stripe) {
    if (stripe < 0 || stripe >= stripeCount()) {
      throw new IllegalArgumentException("stripe " + stripe + " outside [0, " + stripeCount() + ")");
    }
    return Math.min(stripeDataBytes(), sizeBytes - stripe * stripeDataBytes());
  }

  private void checkRange(long offset, long length) {
    if (offset < 0 || length < 0 || offset + length > sizeBytes) {
      throw new IllegalArgumentException("range [" + offset + ", +" + length + ") outside blob of " + sizeBytes + " bytes");
    }
  }
}
