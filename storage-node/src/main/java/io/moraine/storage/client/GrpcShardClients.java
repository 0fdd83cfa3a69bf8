package io.moraine.storage.client;

import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.moraine.proto.storage.v1.DeleteShardRequest;
import io.moraine.proto.storage.v1.HealthRequest;
import io.moraine.proto.storage.v1.HealthResponse;
import io.moraine.proto.storage.v1.ListShardsRequest;
import io.moraine.proto.storage.v1.ShardInfo;
import io.moraine.proto.storage.v1.ShardServiceGrpc;
import io.moraine.proto.storage.v1.VerifyShardsRequest;
import io.moraine.proto.storage.v1.VerifyShardsResponse;
import io.moraine.placement.PlacementView;
import io.moraine.storage.api.CorruptShardException;
import io.moraine.storage.api.ShardClients;
import io.moraine.storage.api.ShardId;
import io.moraine.storage.api.ShardMaintenance;
import io.moraine.storage.api.ShardNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ShardClients} over gRPC: one channel per storage node, created on first use and re-created
 * when the node's address changes (a restarted node with a new port).
 *
 * <p>Fault model: a node may be down (connection refused), blackholed (connect timeout), hung
 * (accepts nothing, sends nothing) or return errors. Every operation turns these into an
 * IOException within a bounded time: connects time out after {@code connectTimeoutMillis}, RPCs do
 * not wait for a connection to become ready, writes block at most {@code writeIdleTimeoutMillis}
 * for flow-control credit, reads at most the caller's timeout per message, unary calls carry a
 * deadline. Nothing is buffered without bound: writes block on the transport's readiness, reads
 * request one message at a time beyond a small prefetch.
 */
public final class GrpcShardClients implements ShardClients, ShardMaintenance {
  private static final Logger log = LoggerFactory.getLogger(GrpcShardClients.class);

  private final Function<String, Optional<InetSocketAddress>> resolver;
  private final GrpcShardClientsConfig config;
  private final ConcurrentHashMap<String, NodeChannel> channels = new ConcurrentHashMap<>();
  private final io.grpc.ChannelCredentials credentials;
  private volatile boolean closed;

  private record NodeChannel(InetSocketAddress address, ManagedChannel channel) {}

  /**
   * @param resolver the gRPC address of a node id, empty when unknown (typically from the placement
   *     view's membership; returning empty for nodes known to be down makes calls fail instantly)
   */
  public GrpcShardClients(Function<String, Optional<InetSocketAddress>> resolver, GrpcShardClientsConfig cfg) {
    this(resolver, cfg, null);
  }

  /**
   * @param internalTlsOrNull this process's certificate, key and the cluster CA for mutual TLS to
   *     the storage nodes; null: plaintext
   */
  public GrpcShardClients(Function<String, Optional<InetSocketAddress>> resolver, GrpcShardClientsConfig cfg,
      io.moraine.tls.TlsFiles internalTlsOrNull) {
    this.resolver = resolver;
    this.config = cfg.validate();
    this.credentials = io.moraine.storage.tls.GrpcTls.channel(internalTlsOrNull);
  }

  /**
   * A resolver over placement membership: the registered address of a node that is live, empty for
   * unknown or down nodes (so calls to them fail at once instead of after a connect timeout).
   */
  public static Function<String, Optional<InetSocketAddress>> liveNodesOf(PlacementView view) {
    return nodeId -> view.isLive(nodeId)
        ? view.node(nodeId).map(n -> new InetSocketAddress(n.host(), n.grpcPort()))
        : Optional.empty();
  }

  GrpcShardClientsConfig config() {
    return config;
  }

  /** The node's channel, (re)created for its current address. */
  ManagedChannel channel(String nodeId) throws IOException {
    if (closed) {
      throw new IOException("shard clients closed");
    }
    InetSocketAddress address = resolver.apply(nodeId)
        .orElseThrow(() -> new IOException("storage node " + nodeId + " is unknown (no address in membership)"));
    List<ManagedChannel> stale = new ArrayList<>(1);
    NodeChannel current = channels.compute(nodeId, (id, existing) -> {
      if (existing != null && existing.address.equals(address) && !existing.channel.isShutdown()) {
        return existing;
      }
      if (existing != null) {
        stale.add(existing.channel);
      }
      return new NodeChannel(address, newChannel(address));
    });
    for (ManagedChannel old : stale) {
      log.info("storage node {} moved to {}; closing its old channel", nodeId, address);
      old.shutdown(); // lets calls in flight on the old address finish
    }
    ManagedChannel channel = current.channel;
    // A channel that failed to connect stays failed until its reconnect backoff (up to minutes)
    // expires; the resolver still names the node, so try again now (a restarted node is back at once).
    if (channel.getState(false) == ConnectivityState.TRANSIENT_FAILURE) {
      channel.resetConnectBackoff();
    }
    return channel;
  }

  private ManagedChannel newChannel(InetSocketAddress address) {
    return NettyChannelBuilder.forAddress(address, credentials)
        .withOption(ChannelOption.CONNECT_TIMEOUT_MILLIS, config.connectTimeoutMillis())
        .keepAliveTime(config.keepAliveMillis(), TimeUnit.MILLISECONDS)
        .keepAliveTimeout(config.connectTimeoutMillis(), TimeUnit.MILLISECONDS)
        .maxInboundMessageSize(2 * GrpcShardClientsConfig.MAX_MESSAGE_PAYLOAD_BYTES)
        .build();
  }

  @Override
  public ShardWriter openWrite(String nodeId, ShardId shard, int placementGroup, long lengthBytes) throws IOException {
    if (lengthBytes < 0) {
      throw new IllegalArgumentException("lengthBytes must be >= 0, got " + lengthBytes);
    }
    return GrpcShardWriter.open(ShardServiceGrpc.newStub(channel(nodeId)), nodeId, shard, placementGroup, lengthBytes,
        config);
  }

  @Override
  public InputStream read(String nodeId, ShardId shard, long offset, long lengthBytes, Duration timeout)
      throws IOException {
    if (offset < 0 || lengthBytes < 0) {
      throw new IllegalArgumentException("offset and lengthBytes must be >= 0, got " + offset + ", " + lengthBytes);
    }
    if (lengthBytes == 0) {
      return InputStream.nullInputStream(); // the wire's length 0 means "to the end"
    }
    return GrpcShardInputStream.open(ShardServiceGrpc.newStub(channel(nodeId)), nodeId, shard, offset, lengthBytes,
        timeout);
  }

  @Override
  public boolean delete(String nodeId, ShardId shard) throws IOException {
    try {
      return ShardServiceGrpc.newBlockingStub(channel(nodeId))
          .withDeadlineAfter(config.rpcTimeoutMillis(), TimeUnit.MILLISECONDS)
          .deleteShard(DeleteShardRequest.newBuilder().setShard(toWire(shard)).build())
          .getExisted();
    } catch (StatusRuntimeException e) {
      throw toIOException(nodeId, "delete " + shard, e);
    }
  }

  @Override
  public VerifyResult verify(String nodeId, List<ShardId> shards, long bytesPerSecond, Duration timeout)
      throws IOException {
    VerifyShardsRequest.Builder request = VerifyShardsRequest.newBuilder().setBytesPerSecond(Math.max(0, bytesPerSecond));
    shards.forEach(s -> request.addShards(toWire(s)));
    try {
      VerifyShardsResponse r = ShardServiceGrpc.newBlockingStub(channel(nodeId))
          .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
          .verifyShards(request.build());
      return new VerifyResult(fromWire(r.getIntactList()), fromWire(r.getCorruptList()), fromWire(r.getMissingList()),
          r.getVerifiedBytes());
    } catch (StatusRuntimeException e) {
      throw toIOException(nodeId, "verify " + shards.size() + " shards", e);
    }
  }

  @Override
  public List<ListedShard> list(String nodeId, Duration timeout) throws IOException {
    List<ListedShard> out = new ArrayList<>();
    try {
      var it = ShardServiceGrpc.newBlockingStub(channel(nodeId))
          .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
          .listShards(ListShardsRequest.getDefaultInstance());
      while (it.hasNext()) {
        for (ShardInfo info : it.next().getShardsList()) {
          out.add(new ListedShard(new ShardId(info.getShard().getDataId(), info.getShard().getShardIndex()),
              info.getPlacementGroup(), info.getLength(), info.getPublishedMillis()));
        }
      }
      return out;
    } catch (StatusRuntimeException e) {
      throw toIOException(nodeId, "list shards", e);
    }
  }

  private static List<ShardId> fromWire(List<io.moraine.proto.storage.v1.ShardId> ids) {
    return ids.stream().map(w -> new ShardId(w.getDataId(), w.getShardIndex())).toList();
  }

  /** The node's health and disk usage (admin status, tests). */
  public HealthResponse health(String nodeId) throws IOException {
    try {
      return ShardServiceGrpc.newBlockingStub(channel(nodeId))
          .withDeadlineAfter(config.rpcTimeoutMillis(), TimeUnit.MILLISECONDS)
          .health(HealthRequest.getDefaultInstance());
    } catch (StatusRuntimeException e) {
      throw toIOException(nodeId, "health", e);
    }
  }

  @Override
  public void close() {
    closed = true;
    List<NodeChannel> all = new ArrayList<>(channels.values());
    channels.clear();
    for (NodeChannel c : all) {
      c.channel.shutdown();
    }
    for (NodeChannel c : all) {
      try {
        if (!c.channel.awaitTermination(1, TimeUnit.SECONDS)) {
          c.channel.shutdownNow();
        }
      } catch (InterruptedException e) {
        c.channel.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
  }

  static io.moraine.proto.storage.v1.ShardId toWire(ShardId shard) {
    return io.moraine.proto.storage.v1.ShardId.newBuilder().setDataId(shard.dataId()).setShardIndex(shard.index()).build();
  }

  /** Maps a call's failure to the typed exceptions of the api package (inverse of the server's mapping). */
  static IOException toIOException(String nodeId, String what, Throwable t) {
    Status status = Status.fromThrowable(t);
    String message = "storage node " + nodeId + ": " + what + " failed: " + status.getCode()
        + (status.getDescription() == null ? "" : " " + status.getDescription());
    return switch (status.getCode()) {
      case NOT_FOUND -> new ShardNotFoundException(message);
      case DATA_LOSS -> new CorruptShardException(message, t);
      default -> new IOException(message, t);
    };
  }
}
