package io.moraine.gateway;

import io.moraine.gateway.auth.Authenticator;
import io.moraine.gateway.auth.MetadataIdentities;
import io.moraine.gateway.access.Access;
import io.moraine.gateway.bucket.BucketApi;
import io.moraine.gateway.data.BlobReader;
import io.moraine.gateway.data.BlobWriter;
import io.moraine.gateway.data.DataCollector;
import io.moraine.gateway.data.ObjectData;
import io.moraine.gateway.http.S3Handler;
import io.moraine.gateway.http.SubresourceHandlers;
import io.moraine.gateway.list.ListApi;
import io.moraine.gateway.multipart.MultipartApi;
import io.moraine.gateway.object.ObjectApi;
import io.moraine.metadata.api.MetadataClient;
import io.moraine.placement.PlacementView;
import io.moraine.storage.api.ShardClients;
import java.time.InstantSource;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.random.RandomGenerator;
import io.moraine.tls.Pem;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Composition root of one S3 gateway: wires auth, the S3 features and the data path over the
 * metadata client, the shard clients and the placement view it is given (it owns none of them),
 * and serves HTTP and/or HTTPS ({@link GatewayTls}) with Jetty on virtual threads.
 *
 * <p>Fault model: stateless. Every acknowledged write is committed in metadata; a gateway crash
 * loses only in-flight requests (their shards become garbage for the collector).
 */
public final class S3Gateway implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(S3Gateway.class);

  private final GatewayConfig config;
  private final MetadataClient metadata;
  private final MetadataIdentities identities;
  private final java.util.concurrent.ScheduledExecutorService keyUseFlusher;
  /** How often GET retrieval bytes go to the metadata tier (one command per group; docs/storage-classes.md). */
  public static final long RETRIEVAL_REPORT_MILLIS = 5_000;
  private final io.moraine.gateway.kms.KmsKeys kms;
  private final ExecutorService threads;
  private final Server server;
  private final ServerConnector connector;
  private final ServerConnector httpsConnector;
  private final ServerConnector websiteConnector;
  private final java.util.Optional<io.moraine.gateway.crypto.Rewrapper> rewrapper;
  private final io.moraine.gateway.lifecycle.LifecycleWorker lifecycle;
  private final io.moraine.gateway.data.Reencoder reencoder;
  private final io.moraine.gateway.tiering.AccessTracker accesses;
  private final io.moraine.gateway.tiering.TieringWorker tiering;
  private final DataCollector collector;
  private final io.moraine.gateway.data.StorageClasses storageClasses;
  private final ObjectData data;

  public S3Gateway(GatewayConfig config, MetadataClient metadata, ShardClients shardClients, PlacementView placement,
      InstantSource clock, RandomGenerator random) {
    this(config, metadata, shardClients, placement, clock, random,
        io.moraine.gateway.metrics.Observability.unscraped(config.nodeId()));
  }

  /** With the metrics series and request-log settings of this gateway (docs/metrics.md, docs/monitoring.md); no root key. */
  public S3Gateway(GatewayConfig config, MetadataClient metadata, ShardClients shardClients, PlacementView placement,
      InstantSource clock, RandomGenerator random, io.moraine.gateway.metrics.Observability observability) {
    this(config, metadata, shardClients, placement, clock, random, observability, java.util.Optional.empty());
  }

  /**
   * With the root key of SSE-S3 ({@code rootKey}; empty: SSE requests and reads of encrypted
   * objects are refused with 501, everything else is served). Data keys, nonces, instance and
   * master key ids come from {@code random}.
   */
  public S3Gateway(GatewayConfig config, MetadataClient metadata, ShardClients shardClients, PlacementView placement,
      InstantSource clock, RandomGenerator random, io.moraine.gateway.metrics.Observability observability,
      java.util.Optional<io.moraine.gateway.crypto.RootKey> rootKey) {
    this(config, metadata, shardClients, placement, clock, random, observability, rootKey,
        io.moraine.gateway.restore.RestoreConfig.defaults(io.moraine.metadata.api.DayScale.real()));
  }

  /** With the restore delays and day of the archive classes (docs/s3-compatibility.md, Archive storage and restore). */
  public S3Gateway(GatewayConfig config, MetadataClient metadata, ShardClients shardClients, PlacementView placement,
      InstantSource clock, RandomGenerator random, io.moraine.gateway.metrics.Observability observability,
      java.util.Optional<io.moraine.gateway.crypto.RootKey> rootKey, io.moraine.gateway.restore.RestoreConfig restore) {
    this(config, metadata, shardClients, placement, clock, random, observability, rootKey, restore,
        io.moraine.gateway.data.StorageClasses.defaults());
  }

  /** With the storage classes' profiles as configured and the default restore delays. */
  public S3Gateway(GatewayConfig config, MetadataClient metadata, ShardClients shardClients, PlacementView placement,
      InstantSource clock, RandomGenerator random, io.moraine.gateway.metrics.Observability observability,
      java.util.Optional<io.moraine.gateway.crypto.RootKey> rootKey, io.moraine.gateway.data.StorageClasses classes) {
    this(config, metadata, shardClients, placement, clock, random, observability, rootKey,
        io.moraine.gateway.restore.RestoreConfig.defaults(io.moraine.metadata.api.DayScale.real()), classes);
  }

  /**
   * With the restore configuration and the storage classes' profiles as configured
   * ({@code storage-class.*} keys); the profiles are checked against the topology here (if a map is
   * known) and whenever the map changes ({@link #storageClasses()}{@code .check}, wired to the
   * placement view's listener by the role).
   */
  public S3Gateway(GatewayConfig config, MetadataClient metadata, ShardClients shardClients, PlacementView placement,
      InstantSource clock, RandomGenerator random, io.moraine.gateway.metrics.Observability observability,
      java.util.Optional<io.moraine.gateway.crypto.RootKey> rootKey, io.moraine.gateway.restore.RestoreConfig restore,
      io.moraine.gateway.data.StorageClasses classes) {
    this.config = config.validate();
    this.storageClasses = classes;
    placement.current().ifPresent(classes::check);
    this.metadata = metadata;
    Ids ids = new Ids(random);
    this.threads = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name(config.nodeId() + "-io-", 0).factory());
    this.identities = new MetadataIdentities(metadata, clock);
    this.keyUseFlusher = Executors.newSingleThreadScheduledExecutor(
        Thread.ofPlatform().daemon(true).name(config.nodeId() + "-key-use").factory());
    Authenticator authenticator = new Authenticator(identities, clock, config.region(), config.sigV2Enabled());
    DataCollector collector = new DataCollector(shardClients, threads);
    BlobWriter writer = new BlobWriter(shardClients, placement, ids, collector, threads, config.maxChunkSizeBytes(),
        config.shardWriteTimeoutMillis(), observability.metrics().dataPath());
    BlobReader reader = new BlobReader(shardClients, placement, threads, config.shardReadTimeoutMillis(),
        observability.metrics().dataPath());
    // SSE-C keys only over TLS unless the operator allows plain HTTP (docs/encryption.md).
    io.moraine.gateway.crypto.Sse sse = new io.moraine.gateway.crypto.Sse(rootKey, metadata, random,
        !config.sseCustomerOverHttp());
    this.rewrapper = sse.masterKeys().map(k -> new io.moraine.gateway.crypto.Rewrapper(metadata, k, random));
    ObjectData data = new ObjectData(writer, reader, config.inlineThresholdBytes(), sse, classes, placement);
    this.data = data;
    Access access = new Access(metadata, clock, io.moraine.gateway.access.policy.ManagedPolicies::document);
    this.kms = new io.moraine.gateway.kms.KmsKeys(metadata, rootKey, access, clock, config.dayScale(), random,
        config.region(), new io.moraine.gateway.kms.KmsAudit(metadata));
    sse.useKms(new io.moraine.gateway.crypto.SseKms(kms, random, clock));
    SubresourceHandlers subresources = Features.subresources(metadata, access, config, clock, data, threads, ids)
        .register(new io.moraine.gateway.restore.RestoreHandler(metadata, access, restore));
    this.reencoder = new io.moraine.gateway.data.Reencoder(reader, writer, collector, threads);
    this.collector = collector;
    this.lifecycle = new io.moraine.gateway.lifecycle.LifecycleWorker(metadata, collector, config.dayScale(), clock,
        java.util.Optional.of(new io.moraine.gateway.lifecycle.Reencoding(metadata, reencoder, data::profile, collector,
            clock)));
    io.moraine.gateway.cors.Cors cors = new io.moraine.gateway.cors.Cors(access);
    io.moraine.gateway.version.VersioningApi versioning = new io.moraine.gateway.version.VersioningApi(metadata, access, clock);
    this.accesses = new io.moraine.gateway.tiering.AccessTracker(metadata, clock,
        io.moraine.gateway.tiering.AccessTracker.DEFAULT_MAX_ENTRIES);
    this.tiering = new io.moraine.gateway.tiering.TieringWorker(metadata, reencoder, data::profile, collector, clock,
        config.dayScale());
    ObjectApi objects = new ObjectApi(metadata, access, data, collector, threads, versioning, config.dayScale())
        .withAccessTracker(accesses);
    S3Handler handler = new S3Handler(ids, authenticator, config.virtualHostDomains(), new io.moraine.gateway.http.Apis(
        new BucketApi(metadata, access, config.region()), objects, new ListApi(metadata, access),
        new MultipartApi(metadata, access, data, collector, ids, config.minPartSizeBytes(), threads, clock)
            .withAccessTracker(accesses),
        versioning, subresources,
        Features.services(metadata, access, config, clock, ids, kms),
        new io.moraine.gateway.publicaccess.AccountPublicAccessBlockApi(access), cors, Features.decorators(access, cors),
        new io.moraine.gateway.website.WebsiteEndpoint(metadata, access, objects, ids::hostId),
        new io.moraine.gateway.accelerate.AccelerateEndpoint(access),
        new io.moraine.gateway.post.PostObjectApi(authenticator, objects, clock)));

    QueuedThreadPool pool = new QueuedThreadPool();
    pool.setName(config.nodeId() + "-http");
    pool.setVirtualThreadsExecutor(
        Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name(config.nodeId() + "-req-", 0).factory()));
    this.server = new Server(pool);
    HttpConfiguration http = new HttpConfiguration();
    // S3 keys may hold any character, including encoded slashes, "..", and "//": no URI rewriting.
    http.setUriCompliance(UriCompliance.UNSAFE);
    // SigV4 signs header values byte for byte: Jetty must not swap in its cached, differently
    // cased copy of a common value (e.g. "text/plain; charset=UTF-8").
    http.setHeaderCacheCaseSensitive(true);
    http.setSendServerVersion(false);
    http.setSendDateHeader(true);
    http.setRequestHeaderSize(16 * 1024);
    GatewayTls tls = config.tls();
    ServerConnector plain = null;
    if (tls == null || tls.servesHttp()) {
      plain = new ServerConnector(server, new io.moraine.gateway.http.S3HttpConnectionFactory(http));
      plain.setHost(config.host());
      plain.setPort(config.port());
      server.addConnector(plain);
    }
    this.httpsConnector = tls == null ? null : httpsConnector(server, http, config, tls);
    this.connector = plain != null ? plain : httpsConnector;
    if (config.websitePort() != GatewayConfig.NO_WEBSITE_PORT) {
      websiteConnector = new ServerConnector(server, new io.moraine.gateway.http.S3HttpConnectionFactory(http));
      websiteConnector.setName(io.moraine.gateway.http.S3Handler.WEBSITE_CONNECTOR);
      websiteConnector.setHost(config.host());
      websiteConnector.setPort(config.websitePort());
      server.addConnector(websiteConnector);
    } else {
      websiteConnector = null;
    }
    server.setHandler(new io.moraine.gateway.metrics.RequestObserver(handler, observability.metrics(),
        observability.slowRequestMillis(), System::nanoTime, clock::millis));
    server.setErrorHandler(new io.moraine.gateway.http.S3ProtocolErrorHandler(ids));
  }

  /**
   * The HTTPS listener: Jetty's TLS over a key store built in memory from the PEM files, TLS 1.2
   * and 1.3 only. Requests on it are secure ({@code aws:SecureTransport} true).
   */
  private static ServerConnector httpsConnector(Server server, HttpConfiguration http, GatewayConfig config,
      GatewayTls tls) {
    SslContextFactory.Server ssl = new SslContextFactory.Server();
    char[] password = "moraine".toCharArray();
    ssl.setKeyStore(Pem.keyStore(tls.certFile(), tls.keyFile(), password));
    ssl.setKeyStorePassword(new String(password));
    ssl.setIncludeProtocols(Pem.PROTOCOLS.toArray(String[]::new));
    ssl.setSniRequired(false);
    HttpConfiguration https = new HttpConfiguration(http);
    SecureRequestCustomizer secure = new SecureRequestCustomizer();
    // Clients reach a gateway by IP, bucket.domain and other names; the certificate need not list
    // each for the request to be served (the client checks the name, not the server).
    secure.setSniHostCheck(false);
    https.addCustomizer(secure);
    ServerConnector c = new ServerConnector(server, new SslConnectionFactory(ssl, HttpVersion.HTTP_1_1.asString()),
        new io.moraine.gateway.http.S3HttpConnectionFactory(https));
    c.setHost(config.host());
    c.setPort(tls.httpsPort() == GatewayTls.SAME_PORT ? config.port() : tls.httpsPort());
    server.addConnector(c);
    return c;
  }

  /** The lifecycle engine's pass (run by the launcher's LifecycleService in the elected gateway). */
  public io.moraine.gateway.lifecycle.LifecycleWorker lifecycle() {
    return lifecycle;
  }

  /** Intelligent-Tiering's access table (the launcher starts its flush with tiering.access.flush.millis). */
  public io.moraine.gateway.tiering.AccessTracker accessTracker() {
    return accesses;
  }

  /** Intelligent-Tiering's pass (run by the launcher's TieringService in the elected gateway). */
  public io.moraine.gateway.tiering.TieringWorker tiering() {
    return tiering;
  }

  /** The storage classes' resolution; call {@code check(map)} when the placement map changes. */
  public io.moraine.gateway.data.StorageClasses storageClasses() {
    return storageClasses;
  }

  /** The background re-wrap of old data keys to the active master key; empty without a root key. */
  public java.util.Optional<io.moraine.gateway.crypto.Rewrapper> rewrapper() {
    return rewrapper;
  }

  /** The erasure profile a new blob of {@code storageClass} gets now (topology-checked; ONEZONE_IA one-zone). */
  public io.moraine.gateway.data.ErasureProfile profile(String storageClass) {
    return data.profile(storageClass);
  }

  /** Re-encodes stored layouts into other profiles with this gateway's data path (restore, lifecycle). */
  public io.moraine.gateway.data.Reencoder reencoder() {
    return reencoder;
  }

  /** Best-effort deletion of blobs no record names any more (a refused or expired restore copy). */
  public DataCollector collector() {
    return collector;
  }

  /** The built-in KMS (SSE-KMS and the KMS API); tests flush its audit log through it. */
  public io.moraine.gateway.kms.KmsKeys kms() {
    return kms;
  }

  /** Ensures the root account exists, then binds and serves. */
  public void start() throws Exception {
    metadata.ensureRootAccount(config.rootAccessKey(), config.rootSecretKey());
    server.start();
    keyUseFlusher.scheduleWithFixedDelay(identities::flush, config.keyUseFlushMillis(), config.keyUseFlushMillis(),
        java.util.concurrent.TimeUnit.MILLISECONDS);
    // Storage accounting: this gateway's day length to every group, then IA/IR read bytes every few seconds.
    data.retrievals().flush(metadata, config.dayScale().dayMillis(), true);
    keyUseFlusher.scheduleWithFixedDelay(() -> data.retrievals().flush(metadata, config.dayScale().dayMillis(), false),
        RETRIEVAL_REPORT_MILLIS, RETRIEVAL_REPORT_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS);
    keyUseFlusher.scheduleWithFixedDelay(kms.audit()::flush, config.keyUseFlushMillis(), config.keyUseFlushMillis(),
        java.util.concurrent.TimeUnit.MILLISECONDS);
    log.info("{} serving S3 on {}:{}{} (region {})", config.nodeId(), config.host(), port(),
        (httpsConnector == null ? "" : connector == httpsConnector ? " (https)" : ", https on " + httpsPort())
            + (websiteConnector == null ? "" : ", website endpoint on " + websitePort()),
        config.region());
  }

  /**
   * The bound gateway port (the ephemeral one when configured with 0): plain HTTP, or HTTPS when
   * HTTPS is served on the gateway port.
   */
  public int port() {
    return connector.getLocalPort();
  }

  /** The bound HTTPS port, or -1 without TLS. */
  /** The website endpoint's own port; -1 when it has none. */
  public int websitePort() {
    return websiteConnector == null ? -1 : websiteConnector.getLocalPort();
  }

  public int httpsPort() {
    return httpsConnector == null ? -1 : httpsConnector.getLocalPort();
  }

  @Override
  public void close() throws Exception {
    try {
      server.stop();
    } finally {
      accesses.close(); // the reads served so far are committed
      keyUseFlusher.shutdownNow();
      try {
        kms.audit().flush();
      } finally {
        threads.shutdown();
      }
    }
  }
}
