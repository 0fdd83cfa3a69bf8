package io.moraine.storage.server;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.moraine.placement.NodeInfo;
import io.moraine.placement.zk.StorageMembership;
import io.moraine.storage.store.ShardStore;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Composition root of one storage node: shard store (with start-up recovery), gRPC server, and
 * ZooKeeper registration.
 *
 * <p>Fault model: the process can be killed at any time — the store never publishes half a shard
 * and discards temporary files at the next start; the ephemeral ZooKeeper registration vanishes
 * when the Curator session expires ({@link StorageNodeConfig#zkSessionTimeoutMillis}), which is
 * how the cluster learns the node is down. A graceful {@link #close()} first unregisters (so
 * gateways stop choosing this node), then lets in-flight calls finish within the grace period.
 */
public final class StorageNode implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StorageNode.class);
  /** Clients ping idle connections; allow it at this rate instead of answering GOAWAY. */
  static final long PERMIT_KEEPALIVE_MILLIS = 5_000;

  private final StorageNodeConfig config;
  private final CuratorFramework zk;
  private final InstantSource clock;
  private final io.moraine.tls.TlsFiles internalTls;
  private ShardStore store;
  private final ShardStore.Observer observer;
  private ExecutorService callExecutor;
  private Server server;
  private StorageMembership membership;
  private Instant startedAt;
  private boolean closed;

  /**
   * @param zkOrNull a started Curator client (see {@link #newCuratorClient}), or null to run without
   *     registration (tests, tools); the caller owns it and closes it after this node
   */
  public StorageNode(StorageNodeConfig config, CuratorFramework zkOrNull, InstantSource clock) {
    this(config, zkOrNull, clock, ShardStore.Observer.NONE, null);
  }

  /** With an observer of the store's operations (metrics: {@link StorageMetrics}). */
  public StorageNode(StorageNodeConfig config, CuratorFramework zkOrNull, InstantSource clock,
      ShardStore.Observer observer) {
    this(config, zkOrNull, clock, observer, null);
  }

  /** Speaking mutual TLS with {@code internalTls} (see the five-argument constructor). */
  public StorageNode(StorageNodeConfig config, CuratorFramework zkOrNull, InstantSource clock,
      io.moraine.tls.TlsFiles internalTls) {
    this(config, zkOrNull, clock, ShardStore.Observer.NONE, internalTls);
  }

  /**
   * @param observer the store's operations (metrics: {@link StorageMetrics})
   * @param internalTlsOrNull this node's certificate, key and the cluster CA: the shard service
   *     then speaks mutual TLS only (clients need a CA-signed certificate); null: plaintext
   */
  public StorageNode(StorageNodeConfig config, CuratorFramework zkOrNull, InstantSource clock,
      ShardStore.Observer observer, io.moraine.tls.TlsFiles internalTlsOrNull) {
    this.observer = observer;
    this.config = config.validate();
    this.zk = zkOrNull;
    this.clock = clock;
    this.internalTls = internalTlsOrNull;
  }

  /**
   * A started Curator client with the node's session timeout (≤ 8 s, so the node counts as down
   * within 10 s of dying). The caller closes it after {@link #close()}.
   */
  public static CuratorFramework newCuratorClient(String zkConnectString, StorageNodeConfig config) {
    CuratorFramework client = CuratorFrameworkFactory.builder()
        .connectString(zkConnectString)
        .sessionTimeoutMs(config.zkSessionTimeoutMillis())
        .connectionTimeoutMs(Math.min(5000, config.zkSessionTimeoutMillis()))
        .retryPolicy(new ExponentialBackoffRetry(200, 5, 2000))
        .build();
    client.start();
    return client;
  }

  /** Recovers the store, binds gRPC, registers in ZooKeeper with the actual port. */
  public synchronized StorageNode start() throws IOException {
    if (server != null || closed) {
      throw new IllegalStateException("storage node " + config.nodeId() + " already started or closed");
    }
    store = ShardStore.open(config.storeConfig(), observer);
    callExecutor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name(config.nodeId() + "-call-", 0).factory());
    server = NettyServerBuilder.forAddress(new InetSocketAddress(config.host(), config.grpcPort()),
            io.moraine.storage.tls.GrpcTls.server(internalTls))
        .executor(callExecutor)
        .addService(new ShardServiceImpl(config.nodeId(), config.az(), store, config.readChunkBytes(), clock))
        .maxInboundMessageSize(2 * 1024 * 1024)
        .permitKeepAliveTime(PERMIT_KEEPALIVE_MILLIS, TimeUnit.MILLISECONDS)
        .permitKeepAliveWithoutCalls(true)
        // Pings a quiet client: a dead gateway's half-written shards are aborted (tmp deleted,
        // space released) within a minute instead of pinning their reservation forever.
        .keepAliveTime(30, TimeUnit.SECONDS)
        .keepAliveTimeout(10, TimeUnit.SECONDS)
        .build();
    try {
      server.start();
    } catch (IOException e) {
      callExecutor.shutdownNow();
      throw new IOException("storage node " + config.nodeId() + " cannot bind " + config.host() + ":"
          + config.grpcPort(), e);
    }
    startedAt = clock.instant();
    if (zk != null) {
      membership = new StorageMembership(zk);
      NodeInfo self = new NodeInfo(config.nodeId(), config.az(), config.host(), grpcPort(), store.totalCapacityBytes(),
          NodeInfo.NodeState.UP);
      try {
        membership.register(self);
      } catch (IOException | RuntimeException e) {
        close(); // do not leave a serving but unregistered node behind
        throw new IOException("storage node " + config.nodeId() + " could not register in ZooKeeper", e);
      }
    }
    log.info("storage node {} ({}) serving on {}:{}, {} disks, capacity {} bytes, {} shards{}", config.nodeId(),
        config.az(), config.host(), grpcPort(), config.disks().size(), store.totalCapacityBytes(), store.shardCount(),
        zk == null ? " (no ZooKeeper)" : "");
    return this;
  }

  /**
   * Removes the liveness node, waiting at most the grace period: with ZooKeeper unreachable the
   * delete would retry for tens of seconds, and the registration ends with the session anyway.
   */
  private void unregister() {
    StorageMembership m = membership;
    Thread closer = Thread.ofVirtual().name(config.nodeId() + "-unregister").start(() -> {
      try {
        m.close();
      } catch (IOException | RuntimeException e) {
        log.warn("storage node {}: unregistering from ZooKeeper failed (the session's end removes it): {}",
            config.nodeId(), e.toString());
      }
    });
    try {
      if (!closer.join(Duration.ofMillis(Math.max(1, config.shutdownGraceMillis())))) {
        log.warn("storage node {}: ZooKeeper did not confirm unregistering within {} ms; continuing shutdown",
            config.nodeId(), config.shutdownGraceMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The bound gRPC port (the ephemeral one when the config said 0). */
  public synchronized int grpcPort() {
    if (server == null) {
      throw new IllegalStateException("storage node " + config.nodeId() + " not started");
    }
    return server.getPort();
  }

  public StorageNodeConfig config() {
    return config;
  }

  /** The node's store (for in-process tools and tests: scrub, fault injection). */
  public synchronized ShardStore store() {
    if (store == null) {
      throw new IllegalStateException("storage node " + config.nodeId() + " not started");
    }
    return store;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (membership != null) {
      unregister();
    }
    if (server != null) {
      server.shutdown();
      try {
        if (!server.awaitTermination(config.shutdownGraceMillis(), TimeUnit.MILLISECONDS)) {
          server.shutdownNow();
          server.awaitTermination(config.shutdownGraceMillis(), TimeUnit.MILLISECONDS);
        }
      } catch (InterruptedException e) {
        server.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
    if (callExecutor != null) {
      callExecutor.shutdown();
      try {
        if (!callExecutor.awaitTermination(config.shutdownGraceMillis(), TimeUnit.MILLISECONDS)) {
          callExecutor.shutdownNow();
        }
      } catch (InterruptedException e) {
        callExecutor.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
    if (store != null) {
      store.close();
    }
    if (startedAt != null) {
      log.info("storage node {} stopped after {}", config.nodeId(), Duration.between(startedAt, clock.instant()));
    }
  }
}
