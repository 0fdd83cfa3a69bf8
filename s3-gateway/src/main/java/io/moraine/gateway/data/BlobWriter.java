package io.moraine.gateway.data;

import io.moraine.erasure.ReedSolomon;
import io.moraine.erasure.StripeEncoder;
import io.moraine.erasure.StripeLayout;
import io.moraine.gateway.Ids;
import io.moraine.gateway.error.S3Error;
import io.moraine.gateway.error.S3Exception;
import io.moraine.metadata.api.Segment;
import io.moraine.placement.NodeInfo;
import io.moraine.placement.PlacementMap;
import io.moraine.placement.PlacementView;
import io.moraine.storage.api.ShardClients;
import io.moraine.storage.api.ShardId;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import io.moraine.gateway.metrics.GatewayMetrics;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PUT data path: streams a body into one erasure-coded blob on k+m storage nodes.
 *
 * <p>Stripe by stripe, the encoder fills one of a small pool of stripe buffers from the body
 * stream and hands it to k+m shard pipelines, one virtual thread per shard, which write their
 * chunk to their node; so a slow node delays only its own pipeline until the pool runs dry, and
 * memory per PUT is bounded by the pool (two stripes). After the last stripe the body's digests
 * are checked ({@code beforeDurable}), then every writer is finished and every ack awaited: the
 * write rule (acknowledged only when all k+m shards are durable).
 *
 * <p>Fault model: any failure — a node refusing or failing a write, a missing ack, a body that is
 * short or fails verification — aborts every writer, schedules deletion of whatever reached the
 * nodes, and throws; the caller commits nothing, so nothing becomes visible.
 */
public final class BlobWriter {
  private static final Logger log = LoggerFactory.getLogger(BlobWriter.class);
  private static final int STRIPE_BUFFERS_PER_PUT = 2;
  private static final Object END = new Object();
  private static final Object ABORT = new Object();

  /** Runs after the last body byte was read and before the shards are made durable. */
  public interface BodyCheck {
    void run() throws IOException;
  }

  private final ShardClients shards;
  private final PlacementView placement;
  private final Ids ids;
  private final DataCollector collector;
  private final ExecutorService threads;
  private final int maxChunkSizeBytes;
  private final long shardWriteTimeoutMillis;
  private final GatewayMetrics.DataPath metrics;
  private final ConcurrentHashMap<ErasureProfile, ReedSolomon> codecs = new ConcurrentHashMap<>();

  public BlobWriter(ShardClients shards, PlacementView placement, Ids ids, DataCollector collector,
      ExecutorService threads, int maxChunkSizeBytes, long shardWriteTimeoutMillis) {
    this(shards, placement, ids, collector, threads, maxChunkSizeBytes, shardWriteTimeoutMillis,
        GatewayMetrics.DataPath.unregistered());
  }

  public BlobWriter(ShardClients shards, PlacementView placement, Ids ids, DataCollector collector,
      ExecutorService threads, int maxChunkSizeBytes, long shardWriteTimeoutMillis, GatewayMetrics.DataPath metrics) {
    this.metrics = metrics;
    this.shards = shards;
    this.placement = placement;
    this.ids = ids;
    this.collector = collector;
    this.threads = threads;
    this.maxChunkSizeBytes = maxChunkSizeBytes;
    this.shardWriteTimeoutMillis = shardWriteTimeoutMillis;
  }

  /** Writes {@code sizeBytes} (> 0) bytes of {@code body} as one blob; returns its segment. */
  public Segment write(InputStream body, long sizeBytes, ErasureProfile profile, BodyCheck beforeDurable)
      throws IOException {
    return write(ids.dataId(), body, sizeBytes, profile, beforeDurable);
  }

  /** The placement view new blobs are placed with. */
  public PlacementView placement() {
    return placement;
  }

  /** A fresh blob id (for a caller that must know it before writing: an encrypted part's nonce derives from it). */
  public String newDataId() {
    return ids.dataId();
  }

  /** As {@link #write(InputStream, long, ErasureProfile, BodyCheck)} as blob {@code dataId}. */
  public Segment write(String dataId, InputStream body, long sizeBytes, ErasureProfile profile, BodyCheck beforeDurable)
      throws IOException {
    return write(dataId, body, sizeBytes, profile, dataId, beforeDurable);
  }

  /**
   * As {@link #write(String, InputStream, long, ErasureProfile, BodyCheck)}; a one-zone profile's
   * AZ is chosen from {@code zoneKey} (the blob's dataId for a single PUT, the upload id for the
   * parts of a multipart upload, so the parts of one object share an AZ while it stays eligible)
   * and recorded in the segment.
   */
  public Segment write(String dataId, InputStream body, long sizeBytes, ErasureProfile profile, String zoneKey,
      BodyCheck beforeDurable) throws IOException {
    if (sizeBytes <= 0) {
      throw new IllegalArgumentException("a blob has at least one byte, got sizeBytes=" + sizeBytes);
    }
    int k = profile.dataShards();
    int width = profile.totalShards();
    ReedSolomon codec = codecs.computeIfAbsent(profile, p -> ReedSolomon.create(p.dataShards(), p.parityShards()));
    int chunk = StripeLayout.chooseChunkSizeBytes(sizeBytes, k, maxChunkSizeBytes);
    StripeLayout layout = new StripeLayout(k, profile.parityShards(), chunk, sizeBytes);
    PlacementMap map = placement.current().orElseThrow(
        () -> new S3Exception(new S3Error.ServiceUnavailable("No placement map has been published yet")));
    int group = map.placementGroupOf(dataId);
    String zone = "";
    Optional<List<PlacementView.ShardTarget>> selected;
    if (profile.oneZone()) {
      zone = placement.chooseZone(width, zoneKey).orElseThrow(() -> new S3Exception(new S3Error.ServiceUnavailable(
          "No availability zone has " + width + " live storage nodes for this one-zone storage class")));
      selected = placement.targetsInZone(group, zone, width);
    } else {
      selected = placement.targets(group, width, profile.maxShardsPerAz(), profile.maxShardsPerNode());
    }
    List<PlacementView.ShardTarget> targets = selected.orElseThrow(
        () -> new S3Exception(new S3Error.ServiceUnavailable("Not enough live storage nodes for this storage class")));
    if (targets.size() != width) {
      throw new IllegalStateException("placement returned " + targets.size() + " targets, expected " + width);
    }

    List<Pipeline> pipelines = new ArrayList<>(width);
    List<PlacementView.ShardTarget> chosen = new ArrayList<>(targets);
    try {
      Set<String> unreachable = new HashSet<>();
      for (int i = 0; i < width; i++) {
        ShardId id = new ShardId(dataId, i);
        ShardClients.ShardWriter writer = null;
        while (writer == null) {
          String node = chosen.get(i).nodeId();
          try {
            writer = shards.openWrite(node, id, group, layout.shardLengthBytes());
          } catch (IOException e) {
            // Membership lags a crash by seconds: route this shard to a fallback right away.
            unreachable.add(node);
            PlacementView.ShardTarget fallback = fallback(map, chosen, i, profile, zone, unreachable).orElseThrow(
                () -> new ShardFailure("opening " + id + " on " + node + "; no fallback node left", e));
            log.info("shard {} of blob {}: {} unreachable ({}), writing to fallback {}", i, dataId, node, e.toString(),
                fallback.nodeId());
            chosen.set(i, fallback);
          }
        }
        Pipeline p = new Pipeline(i, chosen.get(i).nodeId(), writer, chunk);
        pipelines.add(p);
        threads.execute(p::run);
      }
      StripeEncoder encoder = new StripeEncoder(codec, chunk);
      BlockingQueue<Stripe> pool = new ArrayBlockingQueue<>(STRIPE_BUFFERS_PER_PUT);
      for (int i = 0; i < STRIPE_BUFFERS_PER_PUT; i++) {
        pool.add(new Stripe(encoder.newStripeBuffers(), pool));
      }
      for (long s = 0; s < layout.stripeCount(); s++) {
        Stripe stripe = takeStripe(pool, pipelines);
        int consumed = encoder.nextStripe(body, stripe.buffers);
        long expected = layout.stripeBlobBytes(s);
        if (consumed != expected) {
          throw new S3Exception(new S3Error.IncompleteBody(null));
        }
        metrics.encodedBytes().inc(consumed);
        metrics.parityBytes().inc((long) profile.parityShards() * chunk);
        stripe.pending.set(width);
        for (Pipeline p : pipelines) {
          p.queue.add(stripe);
        }
      }
      beforeDurable.run();
      for (Pipeline p : pipelines) {
        p.queue.add(END);
      }
      awaitAcks(pipelines, layout.shardLengthBytes());
      List<Boolean> misplaced = new ArrayList<>(width);
      List<String> nodes = new ArrayList<>(width);
      for (Pipeline p : pipelines) {
        nodes.add(p.nodeId);
        misplaced.add(chosen.get(p.index).misplaced());
      }
      return new Segment(dataId, sizeBytes, k, profile.parityShards(), chunk, group, map.epoch(), nodes, misplaced,
          zone, profile.maxShardsPerAz());
    } catch (Throwable t) {
      abort(dataId, pipelines, chosen);
      if (t instanceof ShardFailure f) {
        log.warn("PUT of blob {} failed on a storage node: {}", dataId, f.getMessage(), f.getCause());
        throw new S3Exception(new S3Error.ServiceUnavailable("A storage node failed; please retry"));
      }
      throw t;
    }
  }

  /**
   * A live node for shard {@code index} other than the unreachable ones, never more than m shards
   * of the blob on one node; emptier AZs first (DESIGN.md: other AZs first). A one-zone blob's
   * fallback is in its {@code zone} (one shard per node).
   */
  private Optional<PlacementView.ShardTarget> fallback(PlacementMap map, List<PlacementView.ShardTarget> chosen,
      int index, ErasureProfile profile, String zone, Set<String> unreachable) {
    Map<String, String> azOf = new HashMap<>();
    for (NodeInfo n : map.nodes()) {
      azOf.put(n.nodeId(), n.az());
    }
    Map<String, Integer> perNode = new HashMap<>();
    Map<String, Integer> perAz = new HashMap<>();
    for (int j = 0; j < chosen.size(); j++) {
      if (j != index) {
        String node = chosen.get(j).nodeId();
        perNode.merge(node, 1, Integer::sum);
        perAz.merge(azOf.getOrDefault(node, "?"), 1, Integer::sum);
      }
    }
    return map.nodes().stream()
        .filter(n -> !unreachable.contains(n.nodeId()) && n.state() != NodeInfo.NodeState.DOWN && placement.isLive(n.nodeId()))
        .filter(n -> zone.isEmpty() || n.az().equals(zone))
        .filter(n -> perNode.getOrDefault(n.nodeId(), 0) < profile.maxShardsPerNode())
        // The per-AZ cap is a preference here, not a filter: with a whole AZ down its shards must
        // land in the other AZs (DESIGN.md, write rule: only "never more than m on one node" binds).
        .min(Comparator.<NodeInfo>comparingInt(n -> perAz.getOrDefault(n.az(), 0))
            .thenComparingInt(n -> perNode.getOrDefault(n.nodeId(), 0))
            .thenComparing(NodeInfo::nodeId))
        .map(n -> new PlacementView.ShardTarget(n.nodeId(), true));
  }

  private static Stripe takeStripe(BlockingQueue<Stripe> pool, List<Pipeline> pipelines) throws ShardFailure {
    try {
      while (true) {
        Stripe s = pool.poll(100, TimeUnit.MILLISECONDS);
        if (s != null) {
          return s;
        }
        for (Pipeline p : pipelines) {
          Throwable failure = p.failure.get();
          if (failure != null) {
            throw new ShardFailure("writing shard " + p.index + " on " + p.nodeId, failure);
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ShardFailure("interrupted while waiting for shard pipelines", e);
    }
  }

  /** The write rule: every shard acknowledged durable, with the expected length. */
  private void awaitAcks(List<Pipeline> pipelines, long expectedLength) throws ShardFailure {
    CompletableFuture<?>[] all = pipelines.stream().map(p -> p.result).toArray(CompletableFuture[]::new);
    try {
      CompletableFuture.allOf(all).get(shardWriteTimeoutMillis, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new ShardFailure("finishing shards", e.getCause());
    } catch (TimeoutException e) {
      throw new ShardFailure("not every shard was acknowledged within " + shardWriteTimeoutMillis + " ms", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ShardFailure("interrupted while waiting for acks", e);
    }
    for (Pipeline p : pipelines) {
      ShardClients.ShardAck ack = p.result.join();
      if (ack.lengthBytes() != expectedLength) {
        throw new ShardFailure("node " + p.nodeId + " acknowledged " + ack.lengthBytes() + " bytes of shard "
            + p.index + ", expected " + expectedLength, null);
      }
    }
  }

  private void abort(String dataId, List<Pipeline> pipelines, List<PlacementView.ShardTarget> targets) {
    List<CompletableFuture<ShardClients.ShardAck>> results = new ArrayList<>();
    for (Pipeline p : pipelines) {
      p.queue.add(ABORT);
      results.add(p.result);
    }
    // Whatever a node already made durable is deleted once every pipeline has stopped.
    CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).handle((v, e) -> {
      for (int i = 0; i < targets.size(); i++) {
        collector.deleteShard(targets.get(i).nodeId(), new ShardId(dataId, i));
      }
      return null;
    });
  }

  /** One stripe's buffers, shared by all pipelines; back to the pool when every shard is written. */
  private static final class Stripe {
    final byte[][] buffers;
    final BlockingQueue<Stripe> pool;
    final AtomicInteger pending = new AtomicInteger();

    Stripe(byte[][] buffers, BlockingQueue<Stripe> pool) {
      this.buffers = buffers;
      this.pool = pool;
    }

    void release() {
      if (pending.decrementAndGet() == 0) {
        pool.add(this);
      }
    }
  }

  /** One shard's writer thread. */
  private final class Pipeline {
    final int index;
    final String nodeId;
    final ShardClients.ShardWriter writer;
    final int chunk;
    final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    final CompletableFuture<ShardClients.ShardAck> result = new CompletableFuture<>();
    final AtomicReference<Throwable> failure = new AtomicReference<>();

    Pipeline(int index, String nodeId, ShardClients.ShardWriter writer, int chunk) {
      this.index = index;
      this.nodeId = nodeId;
      this.writer = writer;
      this.chunk = chunk;
    }

    void run() {
      try {
        while (true) {
          Object item = queue.take();
          if (item == END) {
            if (failure.get() != null) {
              writer.abort();
              result.completeExceptionally(failure.get());
            } else {
              writer.finish().whenComplete((ack, e) -> {
                if (e != null) {
                  result.completeExceptionally(e);
                } else {
                  result.complete(ack);
                }
              });
            }
            return;
          }
          if (item == ABORT) {
            writer.abort();
            result.completeExceptionally(failure.get() != null ? failure.get() : new IOException("aborted"));
            return;
          }
          Stripe stripe = (Stripe) item;
          try {
            if (failure.get() == null) {
              writer.write(stripe.buffers[index], 0, chunk);
            }
          } catch (Throwable e) {
            // Errors too (an OutOfMemoryError must not leave the PUT waiting for an ack forever).
            // Keep draining so the encoder never waits for buffers this pipeline holds.
            failure.compareAndSet(null, e);
          } finally {
            stripe.release();
          }
        }
      } catch (Throwable e) {
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        failure.compareAndSet(null, e);
        writer.abort();
        result.completeExceptionally(e);
      }
    }
  }

  /** A storage-side failure (as opposed to a client-side one) while writing a blob. */
  private static final class ShardFailure extends IOException {
    ShardFailure(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
