package io.moraine.gateway.data;

import io.moraine.erasure.ReedSolomon;
import io.moraine.erasure.StripeLayout;
import io.moraine.metadata.api.Segment;
import io.moraine.placement.PlacementView;
import io.moraine.storage.api.ShardClients;
import io.moraine.storage.api.ShardId;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import io.moraine.gateway.metrics.GatewayMetrics;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The GET data path: streams a byte range of one erasure-coded blob to the client.
 *
 * <p>For the stripes covering the range it reads k shards in parallel (one prefetching virtual
 * thread per shard stream, a couple of chunks ahead), data shards first. A shard whose node is not
 * live, whose stream fails (corrupt block, missing shard, dead node) or which delivers nothing for
 * {@code shardReadTimeoutMillis} is dropped for the rest of the range and replaced by the next
 * parity shard, opened at the current stripe; stripes missing a data chunk are rebuilt with
 * {@link ReedSolomon#reconstruct}. Memory is a few chunks per shard, never the object.
 *
 * <p>Fault model: up to m lost or slow shards per stripe are absorbed; beyond that the read fails
 * with an IOException (once bytes were sent, the caller can only abort the connection).
 */
public final class BlobReader {
  private static final Logger log = LoggerFactory.getLogger(BlobReader.class);
  private static final int PREFETCH_CHUNKS = 2;

  private final ShardClients shards;
  private final PlacementView placement;
  private final ExecutorService threads;
  private final long shardReadTimeoutMillis;
  private final GatewayMetrics.DataPath metrics;
  private final ConcurrentHashMap<Long, ReedSolomon> codecs = new ConcurrentHashMap<>();

  public BlobReader(ShardClients shards, PlacementView placement, ExecutorService threads, long shardReadTimeoutMillis) {
    this(shards, placement, threads, shardReadTimeoutMillis, GatewayMetrics.DataPath.unregistered());
  }

  public BlobReader(ShardClients shards, PlacementView placement, ExecutorService threads, long shardReadTimeoutMillis,
      GatewayMetrics.DataPath metrics) {
    this.metrics = metrics;
    this.shards = shards;
    this.placement = placement;
    this.threads = threads;
    this.shardReadTimeoutMillis = shardReadTimeoutMillis;
  }

  /** Writes blob bytes [offset, offset+length) of {@code segment} to {@code out}. */
  public void read(Segment segment, long offset, long length, OutputStream out) throws IOException {
    if (length == 0) {
      return;
    }
    int k = segment.dataShards();
    int width = k + segment.parityShards();
    int chunk = segment.chunkSizeBytes();
    if (segment.shardNodes().size() != width) {
      throw new IllegalStateException("segment " + segment.dataId() + " names " + segment.shardNodes().size()
          + " nodes for " + width + " shards");
    }
    StripeLayout layout = new StripeLayout(k, segment.parityShards(), chunk, segment.size());
    long first = layout.firstStripe(offset);
    long last = layout.lastStripe(offset, length);
    ReedSolomon codec = codecs.computeIfAbsent(((long) k << 32) | segment.parityShards(),
        key -> ReedSolomon.create(k, segment.parityShards()));

    ShardStream[] streams = new ShardStream[width];
    boolean[] dropped = new boolean[width];
    try {
      int active = 0;
      for (int i = 0; i < width && active < k; i++) {
        if (placement.isLive(segment.shardNodes().get(i))) {
          streams[i] = open(segment, i, first, last, chunk);
          active++;
        } else {
          dropped[i] = true;
        }
      }
      long stripeBytes = layout.stripeDataBytes();
      for (long s = first; s <= last; s++) {
        byte[][] chunks = new byte[width][];
        boolean[] present = new boolean[width];
        int have = 0;
        for (int i = 0; i < width && have < k; i++) {
          if (dropped[i]) {
            continue;
          }
          if (streams[i] == null) {
            streams[i] = open(segment, i, s, last, chunk);
          }
          try {
            chunks[i] = streams[i].nextChunk();
            present[i] = true;
            have++;
          } catch (IOException e) {
            log.warn("shard {} of blob {} on {} unreadable at stripe {} ({}); using parity", i, segment.dataId(),
                segment.shardNodes().get(i), s, e.toString());
            metrics.shardReadFailures().inc();
            streams[i].close();
            streams[i] = null;
            dropped[i] = true;
          }
        }
        if (have < k) {
          throw new IOException("blob " + segment.dataId() + ": fewer than " + k + " readable shards at stripe " + s);
        }
        boolean complete = true;
        for (int i = 0; i < k; i++) {
          complete &= present[i];
        }
        if (!complete) {
          codec.reconstruct(chunks, present, 0, chunk);
          metrics.reconstructedStripes().inc();
        }
        long stripeStart = s * stripeBytes;
        long from = Math.max(offset, stripeStart);
        long to = Math.min(offset + length, Math.min(stripeStart + stripeBytes, segment.size()));
        for (int i = 0; i < k && from < to; i++) {
          long chunkStart = stripeStart + (long) i * chunk;
          long a = Math.max(from, chunkStart);
          long b = Math.min(to, chunkStart + chunk);
          if (a < b) {
            metrics.decodedBytes().inc(b - a);
            out.write(chunks[i], (int) (a - chunkStart), (int) (b - a));
          }
        }
      }
    } finally {
      for (ShardStream st : streams) {
        if (st != null) {
          st.close();
        }
      }
    }
  }

  private ShardStream open(Segment segment, int index, long fromStripe, long lastStripe, int chunk) {
    ShardStream st = new ShardStream(segment.shardNodes().get(index), new ShardId(segment.dataId(), index),
        fromStripe * chunk, (lastStripe - fromStripe + 1) * chunk, chunk);
    st.future = threads.submit(st::run);
    return st;
  }

  /** A shard byte range read ahead by its own virtual thread, chunk by chunk. */
  private final class ShardStream {
    private final String nodeId;
    private final ShardId shard;
    private final long offset;
    private final long length;
    private final int chunk;
    private final BlockingQueue<Object> chunks = new ArrayBlockingQueue<>(PREFETCH_CHUNKS + 1);
    private volatile Future<?> future;
    private volatile boolean closed;

    ShardStream(String nodeId, ShardId shard, long offset, long length, int chunk) {
      this.nodeId = nodeId;
      this.shard = shard;
      this.offset = offset;
      this.length = length;
      this.chunk = chunk;
    }

    void run() {
      try (InputStream in = shards.read(nodeId, shard, offset, length, Duration.ofMillis(shardReadTimeoutMillis))) {
        long left = length;
        while (left > 0 && !closed) {
          byte[] buf = new byte[chunk];
          int filled = 0;
          while (filled < chunk) {
            int n = in.read(buf, filled, chunk - filled);
            if (n < 0) {
              throw new IOException("shard " + shard + " on " + nodeId + " ended " + (left - filled) + " bytes early");
            }
            filled += n;
          }
          chunks.put(buf);
          left -= chunk;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Throwable e) {
        if (!closed) {
          try {
            chunks.put(e instanceof Exception ex ? ex : new IOException("shard reader failed", e));
          } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
          }
        }
      }
    }

    byte[] nextChunk() throws IOException {
      Object item;
      try {
        item = chunks.poll(shardReadTimeoutMillis, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted reading shard " + shard, e);
      }
      if (item == null) {
        throw new IOException("shard " + shard + " on " + nodeId + " sent nothing for " + shardReadTimeoutMillis + " ms");
      }
      if (item instanceof Exception e) {
        throw new IOException("reading shard " + shard + " on " + nodeId + " failed", e);
      }
      return (byte[]) item;
    }

    void close() {
      closed = true;
      Future<?> f = future;
      if (f != null) {
        f.cancel(true);
      }
    }
  }
}
