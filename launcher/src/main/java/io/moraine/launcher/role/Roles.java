package io.moraine.launcher.role;

import io.moraine.gateway.GatewayConfig;
import io.moraine.gateway.S3Gateway;
import io.moraine.launcher.config.Credentials;
import io.moraine.launcher.config.InternalTls;
import io.moraine.launcher.config.RoleConfig;
import io.moraine.launcher.config.RoleConfig.Keys;
import io.moraine.gateway.metrics.BucketFilter;
import io.moraine.gateway.metrics.Observability;
import io.moraine.launcher.ops.AdminHttpServer;
import io.moraine.launcher.ops.Logs;
import io.moraine.launcher.ops.ProcessMetrics;
import io.moraine.metadata.api.MetadataClient;
import io.moraine.metadata.client.RaftMetadataClient;
import io.moraine.metadata.server.MetaPeer;
import io.moraine.metadata.server.MetadataServer;
import io.moraine.metadata.server.MetadataServerConfig;
import io.moraine.placement.PlacementConfig;
import io.moraine.placement.zk.PlacementCoordinator;
import io.moraine.placement.zk.ZkPlacementView;
import io.moraine.repair.RepairConfig;
import io.moraine.repair.RepairMetrics;
import io.moraine.repair.RepairService;
import io.moraine.storage.client.GrpcShardClients;
import io.moraine.storage.client.GrpcShardClientsConfig;
import io.moraine.storage.server.StorageNode;
import io.moraine.storage.server.StorageNodeConfig;
import io.moraine.tls.TlsFiles;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.apache.curator.framework.CuratorFramework;

/**
 * The composition roots of the four roles: each turns a {@link RoleConfig} into started
 * components with plain constructors. `bin/moraine ROLE` runs one per process; `dev` runs all of
 * them in one JVM through these same methods, so the two cannot drift apart.
 */
public final class Roles {

  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final String DEFAULT_ZK = "127.0.0.1:2181";
  /** Storage nodes ask ZooKeeper for a short session so that a dead node is seen down within 10 s. */
  public static final int STORAGE_SESSION_TIMEOUT_MILLIS = 6_000;

  private Roles() {}

  /**
   * A started role: what to close, how /health sees it, the port it serves clients on, and the
   * metrics it registers on the process's admin registry.
   */
  public record Started(AutoCloseable component, AdminHttpServer.Component health, int servicePort,
      Consumer<PrometheusRegistry> metrics) {
    public Started(AutoCloseable component, AdminHttpServer.Component health, int servicePort) {
      this(component, health, servicePort, registry -> { });
    }
  }

  public static Started startZk(RoleConfig cfg) throws Exception {
    UnsafeModes.check(cfg.get(Keys.UNSAFE));
    String nodeId = cfg.require(Keys.NODE_ID);
    ZkRole zk = new ZkRole(nodeId, cfg.get(Keys.HOST, DEFAULT_HOST), cfg.getInt(Keys.ZK_CLIENT_PORT, 2181),
        Path.of(cfg.require(Keys.DATA_DIR)), cfg.getList(Keys.ZK_SERVERS), InternalTls.filesOrNull(cfg));
    zk.start();
    return new Started(zk, new AdminHttpServer.Component(nodeId, "zk", () -> true), zk.clientPort());
  }

  public static List<MetaPeer> parsePeers(List<String> entries) {
    List<MetaPeer> peers = new ArrayList<>();
    for (String entry : entries) {
      int eq = entry.indexOf('=');
      int colon = entry.lastIndexOf(':');
      if (eq < 0 || colon < eq) {
        throw new IllegalArgumentException("meta.peers entry '" + entry + "' must be meta-N=host:port");
      }
      peers.add(new MetaPeer(entry.substring(0, eq), entry.substring(eq + 1, colon), Integer.parseInt(entry.substring(colon + 1))));
    }
    return peers;
  }

  public static Started startMeta(RoleConfig cfg) throws Exception {
    return startMeta(cfg, false, ProcessMetrics.unscraped());
  }

  public static Started startMeta(RoleConfig cfg, ProcessMetrics metrics) throws Exception {
    return startMeta(cfg, false, metrics);
  }

  /** {@code join}: start with no group, to be added to each group online (also meta.join=true). */
  public static Started startMeta(RoleConfig cfg, boolean join, ProcessMetrics metrics) throws Exception {
    UnsafeModes.check(cfg.get(Keys.UNSAFE));
    String nodeId = cfg.require(Keys.NODE_ID);
    List<MetaPeer> peers = parsePeers(cfg.getList(Keys.META_PEERS));
    MetaPeer self = peers.stream().filter(p -> p.nodeId().equals(nodeId)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("node.id " + nodeId + " is not among meta.peers " + peers));
    TlsFiles tls = InternalTls.filesOrNull(cfg);
    CuratorFramework zk = Zk.connectBlocking(cfg.get(Keys.ZK_CONNECT, DEFAULT_ZK), Zk.SESSION_TIMEOUT_MILLIS, tls);
    MetadataServerConfig d = MetadataServerConfig.of(nodeId, self.host(), self.port(),
        Path.of(cfg.require(Keys.DATA_DIR)).resolve("meta"), peers);
    int groups = cfg.getInt(Keys.META_GROUPS, MetadataServerConfig.DEFAULT_GROUPS);
    boolean joining = join || Boolean.parseBoolean(cfg.get(Keys.META_JOIN, "false"));
    MetadataServer server = new MetadataServer(d.withGroups(groups).withJoin(joining)
        .withMaxBucketsPerAccount(cfg.getInt(Keys.MAX_BUCKETS_PER_ACCOUNT, d.maxBucketsPerAccount())), InstantSource.system(),
        InternalTls.raft(tls));
    server.start();
    metrics.raft().watch(server);
    MetaDirectory.publishGroups(zk, groups);
    if (!joining) {
      // A joining peer is published by `admin meta add`, once it is a member of every group.
      MetaDirectory.publish(zk, self);
    }
    PlacementCoordinator coordinator = new PlacementCoordinator(zk, nodeId,
        new PlacementConfig(cfg.getInt(Keys.PLACEMENT_GROUPS, PlacementConfig.DEFAULT_PLACEMENT_GROUP_COUNT),
            PlacementConfig.DEFAULT_MAX_SLOTS_PER_GROUP, PlacementConfig.DEFAULT_WEIGHT_UNIT_BYTES).validate());
    coordinator.start();
    // Every meta process runs a repair service; one of them (LeaderLatch) is active.
    RaftMetadataClient repairMeta = MetaDirectory.connectClient(zk, peers, groups, InternalTls.raft(tls));
    ZkPlacementView view = new ZkPlacementView(zk);
    view.start();
    GrpcShardClients shards = new GrpcShardClients(GrpcShardClients.liveNodesOf(view), GrpcShardClientsConfig.defaults(), tls);
    RepairService repair = new RepairService(repairConfig(cfg, System.getenv()), nodeId, zk, repairMeta, shards, view,
        InstantSource.system()).start();
    AutoCloseable usage = bucketUsage(cfg, nodeId, repairMeta, repair::isLeader, metrics);
    AutoCloseable all = () -> closeAll(usage, repair, shards, view, repairMeta, coordinator,
        () -> metrics.raft().unwatch(server), server, zk);
    return new Started(all, new AdminHttpServer.Component(nodeId, "meta", () -> true), self.port(),
        registry -> RepairMetrics.register(registry, nodeId, repair));
  }

  /**
   * Repair settings from the config; the grace period and the pass interval may also come from
   * MORAINE_REPAIR_GRACE_SECONDS / MORAINE_REPAIR_PASS_INTERVAL_MILLIS (tests, drills).
   */
  static RepairConfig repairConfig(RoleConfig cfg, java.util.Map<String, String> env) {
    RepairConfig d = RepairConfig.defaults();
    long graceSeconds = cfg.getLong(Keys.REPAIR_GRACE_SECONDS,
        Long.parseLong(env.getOrDefault("MORAINE_REPAIR_GRACE_SECONDS", Long.toString(d.graceMillis() / 1000))));
    long passIntervalMillis = cfg.getLong(Keys.REPAIR_PASS_INTERVAL_MILLIS, Long.parseLong(
        env.getOrDefault("MORAINE_REPAIR_PASS_INTERVAL_MILLIS", Long.toString(d.passIntervalMillis()))));
    return new RepairConfig(graceSeconds * 1000, passIntervalMillis, d.shardReadTimeoutMillis(),
        d.shardWriteAckTimeoutMillis(), cfg.getLong(Keys.REPAIR_SCRUB_INTERVAL_SECONDS, d.scrubIntervalMillis() / 1000) * 1000,
        cfg.getLong(Keys.REPAIR_SCRUB_BYTES_PER_SECOND, d.scrubBytesPerSecond()), d.progressSaveIntervalMillis(),
        d.parallelObjects(), cfg.getLong(Keys.REPAIR_GC_MIN_AGE_SECONDS, d.gcMinAgeMillis() / 1000) * 1000).validate();
  }

  public static Started startStorage(RoleConfig cfg) throws Exception {
    return startStorage(cfg, ProcessMetrics.unscraped());
  }

  public static Started startStorage(RoleConfig cfg, ProcessMetrics metrics) throws Exception {
    UnsafeModes.check(cfg.get(Keys.UNSAFE));
    String nodeId = cfg.require(Keys.NODE_ID);
    List<Path> disks = cfg.getList(Keys.STORAGE_DISKS).stream().map(Path::of).toList();
    if (disks.isEmpty()) {
      disks = List.of(Path.of(cfg.require(Keys.DATA_DIR)).resolve("disk1"));
    }
    TlsFiles tls = InternalTls.filesOrNull(cfg);
    CuratorFramework zk = Zk.connectBlocking(cfg.get(Keys.ZK_CONNECT, DEFAULT_ZK), STORAGE_SESSION_TIMEOUT_MILLIS, tls);
    StorageNode node = new StorageNode(new StorageNodeConfig(nodeId, cfg.require(Keys.AZ), cfg.get(Keys.HOST, DEFAULT_HOST),
        cfg.getInt(Keys.STORAGE_PORT, 0), disks, cfg.getLong(Keys.STORAGE_CAPACITY_BYTES, 0),
        STORAGE_SESSION_TIMEOUT_MILLIS), zk, InstantSource.system(), metrics.storage().observer(nodeId), tls);
    node.start();
    metrics.storage().watch(node);
    AutoCloseable all = () -> closeAll(() -> metrics.storage().unwatch(node), node, zk);
    return new Started(all, new AdminHttpServer.Component(nodeId, "storage", () -> true), node.grpcPort());
  }

  public static Started startGateway(RoleConfig cfg) throws Exception {
    return startGateway(cfg, ProcessMetrics.unscraped());
  }

  public static Started startGateway(RoleConfig cfg, ProcessMetrics metrics) throws Exception {
    UnsafeModes.check(cfg.get(Keys.UNSAFE));
    String nodeId = cfg.require(Keys.NODE_ID);
    Credentials creds = Credentials.fromEnvironment(System.getenv());
    TlsFiles tls = InternalTls.filesOrNull(cfg);
    CuratorFramework zk = Zk.connectBlocking(cfg.get(Keys.ZK_CONNECT, DEFAULT_ZK), Zk.SESSION_TIMEOUT_MILLIS, tls);
    List<MetaPeer> peers = MetaDirectory.await(zk, 3, Duration.ofSeconds(60));
    RaftMetadataClient meta = MetaDirectory.connectClient(zk, peers, InternalTls.raft(tls));
    ZkPlacementView view = new ZkPlacementView(zk);
    view.start();
    view.awaitMap(Duration.ofSeconds(120));
    GrpcShardClients shards = new GrpcShardClients(GrpcShardClients.liveNodesOf(view), GrpcShardClientsConfig.defaults(), tls);
    GatewayConfig d = GatewayConfig.defaults(nodeId, cfg.get(Keys.HOST, DEFAULT_HOST),
        cfg.getInt(Keys.GATEWAY_PORT, 9000), creds.accessKey(), creds.secretKey());
    List<String> domains = cfg.getList(Keys.GATEWAY_DOMAINS);
    GatewayConfig gatewayConfig = new GatewayConfig(d.nodeId(), d.host(), d.port(), cfg.get(Keys.REGION, d.region()),
        domains.isEmpty() ? d.virtualHostDomains() : domains, d.rootAccessKey(), d.rootSecretKey(),
        d.maxChunkSizeBytes(), d.inlineThresholdBytes(), d.shardReadTimeoutMillis(), d.shardWriteTimeoutMillis(),
        d.keyUseFlushMillis(), d.minPartSizeBytes(),
        Boolean.parseBoolean(cfg.get(Keys.GATEWAY_SIGV2, "true"))).withTls(gatewayTls(cfg))
        .withWebsitePort(cfg.getInt(Keys.GATEWAY_WEBSITE_PORT, GatewayConfig.NO_WEBSITE_PORT))
        .withDayScale(cfg.dayScale())
        .withSseCustomerOverHttp(Boolean.parseBoolean(cfg.get(Keys.ENCRYPTION_SSE_C_ALLOW_HTTP, "false"))).validate();
    MetadataClient gatewayMeta = meta;
    ScheduledExecutorService unsafeCommits = Executors.newSingleThreadScheduledExecutor();
    if (cfg.get(Keys.UNSAFE).isPresent()) {
      gatewayMeta = UnsafeModes.ackBeforeCommit(meta, unsafeCommits, new SecureRandom(), InstantSource.system());
    }
    java.util.Optional<io.moraine.gateway.crypto.RootKey> rootKey = io.moraine.gateway.crypto.RootKey.load(System.getenv(),
        cfg.get(Keys.ENCRYPTION_ROOT_KEY_FILE).map(Path::of), new SecureRandom());
    if (rootKey.isEmpty()) {
      org.slf4j.LoggerFactory.getLogger(Roles.class).warn("{}: no root key ({} or {}): SSE requests are refused", nodeId, io.moraine.gateway.crypto.RootKey.ENV,
          Keys.ENCRYPTION_ROOT_KEY_FILE);
    }
    io.moraine.gateway.data.StorageClasses classes = io.moraine.gateway.data.StorageClasses.fromConfig(
        cfg.withPrefix(io.moraine.gateway.data.StorageClasses.KEY_PREFIX));
    S3Gateway gateway = new S3Gateway(gatewayConfig, gatewayMeta, shards, view, InstantSource.system(), new SecureRandom(),
        observability(cfg, nodeId, metrics), rootKey, cfg.restoreConfig(), classes);
    // The classes' profiles are checked against the topology again whenever the map changes (DESIGN.md, Storage classes).
    view.addListener(() -> view.current().ifPresent(classes::check));
    gateway.start();
    // Archive restores: the copies are made and expired by one gateway at a time (docs/s3-compatibility.md).
    RestoreService restore = new RestoreService(zk, nodeId, meta, gateway.reencoder(), gateway::profile, gateway.collector(),
        InstantSource.system(), cfg.getLong(Keys.RESTORE_POLL_INTERVAL_MILLIS, 1000));
    metrics.restore().watch(restore);
    // Old data keys move to the newest master key in the background (docs/encryption.md).
    SseRewrapService rewrap = gateway.rewrapper().isEmpty() ? null : new SseRewrapService(zk, nodeId,
        gateway.rewrapper().get(), cfg.getLong(Keys.ENCRYPTION_REWRAP_INTERVAL_SECONDS, 300) * 1000,
        java.time.Clock.systemUTC());
    // Lifecycle rules are applied by one gateway at a time (docs/lifecycle.md).
    LifecycleService lifecycle = new LifecycleService(zk, nodeId, gateway.lifecycle(),
        cfg.getLong(Keys.LIFECYCLE_INTERVAL_MILLIS, LifecycleService.defaultIntervalMillis(cfg.dayScale())));
    // Intelligent-Tiering: reads flushed in batches; tier moves by one gateway at a time (docs/storage-classes.md).
    gateway.accessTracker().maxEntries(cfg.getInt(Keys.TIERING_ACCESS_MAX_ENTRIES,
        io.moraine.gateway.tiering.AccessTracker.DEFAULT_MAX_ENTRIES));
    gateway.accessTracker().start(nodeId, cfg.getLong(Keys.TIERING_ACCESS_FLUSH_MILLIS,
        io.moraine.gateway.tiering.AccessTracker.DEFAULT_FLUSH_MILLIS));
    TieringService tiering = new TieringService(zk, nodeId, gateway.tiering(),
        cfg.getLong(Keys.TIERING_INTERVAL_MILLIS, LifecycleService.defaultIntervalMillis(cfg.dayScale())));
    AutoCloseable all = () -> closeAll(tiering, lifecycle, restore, rewrap == null ? () -> { } : rewrap, gateway,
        unsafeCommits::shutdownNow, shards, view, meta, zk);
    return new Started(all, new AdminHttpServer.Component(nodeId, "gateway", () -> view.current().isPresent()),
        gateway.port(), registry -> {
          LifecycleService.registerMetrics(registry, nodeId, lifecycle);
          TieringService.registerMetrics(registry, nodeId, tiering);
          if (rewrap != null) {
            SseRewrapService.registerMetrics(registry, nodeId, rewrap);
          }
        });
  }

  /**
   * Per-bucket stored bytes and objects (metrics.buckets of the meta config; none by default),
   * recomputed every metrics.bucket.usage.interval.seconds (300) by the repair leader only.
   */
  static AutoCloseable bucketUsage(RoleConfig cfg, String nodeId, MetadataClient meta,
      java.util.function.BooleanSupplier leader, ProcessMetrics metrics) {
    BucketFilter buckets = BucketFilter.of(cfg.getList(Keys.METRICS_BUCKETS),
        cfg.getInt(Keys.METRICS_BUCKETS_MAX, BucketFilter.DEFAULT_MAX_BUCKETS));
    long interval = cfg.getLong(Keys.METRICS_BUCKET_USAGE_INTERVAL_SECONDS, 300);
    if (buckets.maxBuckets() == 0 || interval <= 0) {
      return () -> { };
    }
    io.moraine.repair.BucketUsage usage = new io.moraine.repair.BucketUsage(nodeId, meta, leader, buckets::includes,
        buckets.maxBuckets(), InstantSource.system());
    metrics.bucketUsage().watch(usage);
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
        Thread.ofPlatform().daemon(true).name(nodeId + "-bucket-usage").factory());
    timer.scheduleWithFixedDelay(() -> {
      try {
        usage.refresh();
      } catch (RuntimeException e) {
        org.slf4j.LoggerFactory.getLogger(Roles.class).warn("{}: bucket usage not refreshed: {}", nodeId, e.toString());
      }
    }, Math.min(interval, 10), interval, java.util.concurrent.TimeUnit.SECONDS);
    return () -> {
      timer.shutdownNow();
      metrics.bucketUsage().unwatch(usage);
    };
  }

  /**
   * The gateway's metric series (per-bucket ones for metrics.buckets), its slow-request threshold,
   * and its request log file (gateway.request.log, default DATA_DIR/s3-requests.log; "off" for none).
   */
  static Observability observability(RoleConfig cfg, String nodeId, ProcessMetrics metrics) throws java.io.IOException {
    String requestLog = cfg.get(Keys.GATEWAY_REQUEST_LOG).orElseGet(() -> cfg.get(Keys.DATA_DIR)
        .map(d -> Path.of(d).resolve("s3-requests.log").toString()).orElse("off"));
    if (!requestLog.equals("off")) {
      Logs.requestLog(Path.of(requestLog));
    }
    BucketFilter buckets = BucketFilter.of(cfg.getList(Keys.METRICS_BUCKETS),
        cfg.getInt(Keys.METRICS_BUCKETS_MAX, BucketFilter.DEFAULT_MAX_BUCKETS));
    return new Observability(metrics.gateway().node(nodeId, buckets),
        cfg.getLong(Keys.GATEWAY_SLOW_REQUEST_MILLIS, Observability.DEFAULT_SLOW_REQUEST_MILLIS));
  }

  /** The gateway's HTTPS settings from {@code gateway.tls.*}, or null when no certificate is configured. */
  static io.moraine.gateway.GatewayTls gatewayTls(RoleConfig cfg) {
    java.util.Optional<String> cert = cfg.get(Keys.GATEWAY_TLS_CERT_FILE);
    java.util.Optional<String> key = cfg.get(Keys.GATEWAY_TLS_KEY_FILE);
    if (cert.isEmpty() && key.isEmpty()) {
      if (cfg.get(Keys.GATEWAY_HTTPS_PORT).isPresent() || cfg.get(Keys.GATEWAY_HTTP_ENABLED).isPresent()) {
        throw new IllegalArgumentException(Keys.GATEWAY_HTTPS_PORT + " and " + Keys.GATEWAY_HTTP_ENABLED + " need "
            + Keys.GATEWAY_TLS_CERT_FILE + " and " + Keys.GATEWAY_TLS_KEY_FILE);
      }
      return null;
    }
    if (cert.isEmpty() || key.isEmpty()) {
      throw new IllegalArgumentException("HTTPS needs both " + Keys.GATEWAY_TLS_CERT_FILE + " and " + Keys.GATEWAY_TLS_KEY_FILE);
    }
    boolean separate = cfg.get(Keys.GATEWAY_HTTPS_PORT).isPresent();
    return new io.moraine.gateway.GatewayTls(java.nio.file.Path.of(cert.get()), java.nio.file.Path.of(key.get()),
        separate ? cfg.getInt(Keys.GATEWAY_HTTPS_PORT, 0) : io.moraine.gateway.GatewayTls.SAME_PORT,
        separate && Boolean.parseBoolean(cfg.get(Keys.GATEWAY_HTTP_ENABLED, "true")));
  }

  /** Closes in the order given, every one even when an earlier one fails; the first failure is rethrown. */
  public static void closeAll(AutoCloseable... closeables) throws Exception {
    Exception first = null;
    for (AutoCloseable c : closeables) {
      try {
        c.close();
      } catch (Exception e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
