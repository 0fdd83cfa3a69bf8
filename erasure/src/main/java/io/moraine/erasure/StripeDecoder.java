/*
 * StripeDecoder: the read side of StripeEncoder. Plans which stripes, shards and chunk columns a blob
 * byte range needs, rebuilds missing data chunks from any k chunks of a stripe (degraded read), and
 * writes the blob bytes out; also decodes a whole blob from k shard streams, one stripe at a time.
 *
 * Reconstruction works column by column (byte j of a missing chunk depends only on byte j of the
 * other chunks), so a degraded range read fetches just the columns the range needs from k shards.
 *
 * Fault model: a short shard stream is an IOException naming the shard (the caller may retry with
 * another shard); fewer than k shards is an IllegalArgumentException. Never writes a byte it could
 * not rebuild. Not thread-safe per call (buffers are the caller's).
 */
package io.moraine.erasure;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;

public final class StripeDecoder {
  private final ReedSolomon codec;
  private final StripeLayout layout;

  public StripeDecoder(ReedSolomon codec, StripeLayout layout) {
    this.codec = Objects.requireNonNull(codec, "codec");
    this.layout = Objects.requireNonNull(layout, "layout");
    if (codec.dataShards() != layout.dataShards() || codec.parityShards() != layout.parityShards()) {
      throw new IllegalArgumentException("codec (" + codec.dataShards() + "+" + codec.parityShards() + ") does not match layout ("
          + layout.dataShards() + "+" + layout.parityShards() + ")");
    }
  }

  public StripeLayout layout() {
    return layout;
  }

  /**
   * What one stripe contributes to a blob range: blob bytes [blobOffset, blobOffset+length) lie in data
   * chunks [firstDataShard, lastDataShard] of the stripe; every needed byte is in chunk columns
   * [columnFrom, columnTo), which is also all a degraded read must fetch from each of k shards.
   */
  public record StripeRange(long stripe, long blobOffset, int length, int firstDataShard, int lastDataShard,
      int columnFrom, int columnTo, int chunkSizeBytes) {
    /** Offset in any shard (data or parity) of column columnFrom of this stripe. */
    public long shardOffset() {
      return stripe * chunkSizeBytes + columnFrom;
    }

    public int columnLength() {
      return columnTo - columnFrom;
    }

    /** True when data shard i holds bytes of the range. */
    public boolean needs(int dataShard) {
      return dataShard >= firstDataShard && dataShard <= lastDataShard;
    }
  }

  /** The part of blob range [offset, offset+length) inside stripe; the stripe must intersect the range. */
  public StripeRange stripeRange(long stripe, long offset, long length) {
    long first = layout.firstStripe(offset);
    long last = layout.lastStripe(offset, length);
    if (stripe < first || stripe > last) {
      throw new IllegalArgumentException("stripe " + stripe + " outside [" + first + ", " + last + "] for range ["
          + offset + ", +" + length + ")");
    }
    long stripeStart = stripe * layout.stripeDataBytes();
    long from = Math.max(offset, stripeStart);
    long to = Math.min(offset + length, stripeStart + layout.stripeDataBytes());
    int chunk = layout.chunkSizeBytes();
    int firstShard = (int) ((from - stripeStart) / chunk);
    int lastShard = (int) ((to - 1 - stripeStart) / chunk);
    int columnFrom;
    int columnTo;
    if (firstShard == lastShard) {
      columnFrom = (int) ((from - stripeStart) % chunk);
      columnTo = columnFrom + (int) (to - from);
    } else {
      columnFrom = 0;
      columnTo = chunk;
    }
    return new StripeRange(stripe, from, (int) (to - from), firstShard, lastShard, columnFrom, columnTo, chunk);
  }

  /**
   * Writes the bytes of range r from chunks (k+m buffers of chunkSizeBytes, indexed by column; present
   * ones hold valid bytes over [columnFrom, columnTo)). Missing needed data chunks are rebuilt in place
   * over those columns first; at least k must be present unless every needed data chunk is. Missing
   * buffers may be null. Returns the number of bytes written (r.length()).
   */
  public int writeRange(StripeRange r, byte[][] chunks, boolean[] present, OutputStream out) throws IOException {
    Objects.requireNonNull(out, "out");
    if (chunks.length != codec.totalShards() || present.length != codec.totalShards()) {
      throw new IllegalArgumentException("need " + codec.totalShards() + " chunks and flags, got " + chunks.length + " and "
          + present.length);
    }
    boolean needsRebuild = false;
    for (int i = r.firstDataShard(); i <= r.lastDataShard(); i++) {
      needsRebuild |= !present[i];
    }
    if (needsRebuild) {
      codec.reconstructData(chunks, present, r.columnFrom(), r.columnLength());
    }
    int chunk = layout.chunkSizeBytes();
    long stripeStart = r.stripe() * layout.stripeDataBytes();
    long at = r.blobOffset();
    long end = r.blobOffset() + r.length();
    while (at < end) {
      int shard = (int) ((at - stripeStart) / chunk);
      int column = (int) ((at - stripeStart) % chunk);
      int n = (int) Math.min(end - at, chunk - column);
      out.write(chunks[shard], column, n);
      at += n;
    }
    return r.length();
  }

  /**
   * Decodes the whole blob from shard streams (shards[i] == null: shard i unavailable), reading one
   * stripe at a time from the first k available shards, and writes exactly sizeBytes to out.
   */
  public void decode(InputStream[] shards, OutputStream out) throws IOException {
    Objects.requireNonNull(shards, "shards");
    Objects.requireNonNull(out, "out");
    int total = codec.totalShards();
    if (shards.length != total) {
      throw new IllegalArgumentException("shards.length=" + shards.length + " but totalShards=" + total);
    }
    boolean[] present = new boolean[total];
    int used = 0;
    for (int i = 0; i < total && used < codec.dataShards(); i++) {
      if (shards[i] != null) {
        present[i] = true;
        used++;
      }
    }
    if (used < codec.dataShards()) {
      throw new IllegalArgumentException("only " + used + " shards available, need " + codec.dataShards());
    }
    int chunk = layout.chunkSizeBytes();
    byte[][] chunks = new byte[total][];
    for (int i = 0; i < total; i++) {
      if (present[i] || i < codec.dataShards()) {
        chunks[i] = new byte[chunk];
      }
    }
    long stripes = layout.stripeCount();
    for (long stripe = 0; stripe < stripes; stripe++) {
      for (int i = 0; i < total; i++) {
        if (present[i]) {
          readChunk(shards[i], chunks[i], i, stripe);
        }
      }
      StripeRange whole = new StripeRange(stripe, stripe * layout.stripeDataBytes(), (int) layout.stripeBlobBytes(stripe),
          0, codec.dataShards() - 1, 0, chunk, chunk);
      writeRange(whole, chunks, present, out);
    }
  }

  private static void readChunk(InputStream in, byte[] chunk, int shard, long stripe) throws IOException {
    int filled = 0;
    while (filled < chunk.length) {
      int n = in.read(chunk, filled, chunk.length - filled);
      if (n < 0) {
        throw new IOException("shard " + shard + " ended early in stripe " + stripe + " (" + filled + " of "
            + chunk.length + " chunk bytes)");
      }
      filled += n;
    }
  }
}
