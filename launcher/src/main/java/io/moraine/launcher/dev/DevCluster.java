package io.moraine.launcher.dev;

import io.moraine.launcher.config.RoleConfig;
import io.moraine.launcher.config.RoleConfig.Keys;
import io.moraine.launcher.ops.AdminHttpServer;
import io.moraine.launcher.ops.ProcessMetrics;
import io.moraine.launcher.role.Roles;
import io.moraine.tls.TlsFiles;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole cluster in one JVM (`bin/moraine dev`): embedded ZooKeeper, 3 metadata peers,
 * 2 storage nodes in each of 3 AZs and one gateway, each built by the same {@link Roles}
 * composition roots the separate processes use and talking over loopback (ZooKeeper, Ratis,
 * gRPC, HTTP). State lives under the data dir and survives restarts; the internal ports are
 * chosen at the first start and recorded in {@code DATA_DIR/dev.properties} (Raft peers must
 * keep their addresses).
 */
public final class DevCluster implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(DevCluster.class);
  public static final int STORAGE_PER_AZ = 2;

  /**
   * @param gatewayPort 0 = a free port (tests)
   * @param tls serve HTTPS (not HTTP) on the gateway port with the dev certificate under
   *     {@code DATA_DIR/tls/} (generated once)
   * @param region the region of the gateway (signatures, new buckets) and the ready line
   * @param daySeconds the scaled day ({@code time.day.seconds}, DESIGN.md Contracts)
   * @param settings further configuration keys (docs/configuration.md) given to every role, after
   *     the ones the dev cluster sets (tests: restore delays, service intervals)
   */
  public record Options(Path dataDir, int gatewayPort, int zkPort, boolean tls, String region, long daySeconds,
      Map<String, String> settings) {
    public Options {
      settings = Map.copyOf(settings);
      new io.moraine.metadata.api.DayScale(daySeconds); // refuses a day shorter than a second
    }

    public Options(Path dataDir, int gatewayPort, int zkPort, boolean tls) {
      this(dataDir, gatewayPort, zkPort, tls, DEFAULT_REGION, io.moraine.metadata.api.DayScale.DEFAULT_DAY_SECONDS, Map.of());
    }

    /** Plain HTTP. */
    public Options(Path dataDir, int gatewayPort, int zkPort) {
      this(dataDir, gatewayPort, zkPort, false);
    }

    public Options withDaySeconds(long seconds) {
      return new Options(dataDir, gatewayPort, zkPort, tls, region, seconds, settings);
    }

    public Options withSettings(Map<String, String> more) {
      Map<String, String> all = new LinkedHashMap<>(settings);
      all.putAll(more);
      return new Options(dataDir, gatewayPort, zkPort, tls, region, daySeconds, all);
    }

    Options at(Path dir) {
      return new Options(dir, gatewayPort, zkPort, tls, region, daySeconds, settings);
    }
  }

  public static final String DEFAULT_REGION = "us-east-1";

  /** {@code DATA_DIR/tls-internal}: `dev --internal-tls`'s CA, the processes' certificate and the operator's. */
  public static final String INTERNAL_TLS_DIR = "tls-internal";

  /**
   * The {@code tls.internal.*} settings of `dev --internal-tls`: one certificate {@code dev.pem} for
   * every role of the JVM and {@code admin.pem} for `admin --internal-tls DIR`, issued once under
   * {@code DATA_DIR/tls-internal/} and reused (docs/tls.md).
   */
  public static Map<String, String> internalTlsSettings(Path dataDir) {
    Path tlsDir = dataDir.toAbsolutePath().resolve(INTERNAL_TLS_DIR);
    java.time.InstantSource clock = java.time.InstantSource.system();
    java.security.SecureRandom random = new java.security.SecureRandom();
    List<String> sans = List.of(Roles.DEFAULT_HOST, "localhost");
    TlsFiles files = TlsFiles.issued(tlsDir, "dev.pem", "dev-key.pem", "dev", sans, clock, random);
    TlsFiles.issued(tlsDir, "admin.pem", "admin-key.pem", "admin", sans, clock, random);
    return Map.of(Keys.TLS_INTERNAL_ENABLED, "true", Keys.TLS_INTERNAL_CERT_FILE, files.certFile().toString(),
        Keys.TLS_INTERNAL_KEY_FILE, files.keyFile().toString(), Keys.TLS_INTERNAL_CA_FILE, files.caFile().toString());
  }

  private final Options options;
  private final Properties ports;
  private final Map<String, Roles.Started> started = new LinkedHashMap<>();
  private AdminHttpServer admin;
  private AutoCloseable adminEndpoint;
  private io.moraine.launcher.console.Console console;
  // One registry for the whole JVM: the roles' families are shared, nodes told apart by node_id.
  private final ProcessMetrics metrics = ProcessMetrics.withJvm(new PrometheusRegistry());

  private DevCluster(Options options, Properties ports) {
    this.options = options;
    this.ports = ports;
  }

  public static DevCluster start(Options options) throws Exception {
    Path dir = options.dataDir().toAbsolutePath().normalize();
    Files.createDirectories(dir);
    DevCluster cluster = new DevCluster(options.at(dir), loadPorts(dir));
    try {
      cluster.startAll();
    } catch (Exception e) {
      cluster.close();
      throw e;
    }
    return cluster;
  }

  private static List<String> storageIds() {
    List<String> ids = new ArrayList<>();
    for (int az = 1; az <= 3; az++) {
      for (int n = 1; n <= STORAGE_PER_AZ; n++) {
        ids.add("storage-az" + az + "-" + n);
      }
    }
    return ids;
  }

  private static Properties loadPorts(Path dir) throws IOException {
    Path file = dir.resolve("dev.properties");
    Properties p = new Properties();
    if (Files.exists(file)) {
      try (Reader r = Files.newBufferedReader(file)) {
        p.load(r);
      }
      if (p.getProperty("port.website") == null) { // a data dir from before the website port
        try (ServerSocket s = new ServerSocket(0)) {
          p.setProperty("port.website", Integer.toString(s.getLocalPort()));
        }
        storePorts(file, p);
      }
      return p;
    }
    List<String> keys = new ArrayList<>(List.of("meta-1", "meta-2", "meta-3", "admin", "website"));
    keys.addAll(storageIds());
    List<ServerSocket> held = new ArrayList<>();
    try {
      for (String key : keys) {
        ServerSocket s = new ServerSocket(0);
        held.add(s);
        p.setProperty("port." + key, Integer.toString(s.getLocalPort()));
      }
    } finally {
      for (ServerSocket s : held) {
        s.close();
      }
    }
    p.setProperty("format", "1");
    storePorts(file, p);
    return p;
  }

  private static void storePorts(Path file, Properties p) throws IOException {
    try (Writer w = Files.newBufferedWriter(file)) {
      p.store(w, "bin/moraine dev: internal ports chosen at the first start and kept");
    }
  }

  private String port(String key) {
    return ports.getProperty("port." + key);
  }

  private Path dir() {
    return options.dataDir();
  }

  /** The internal TLS files every role of this JVM uses (from the settings), or null: plaintext. */
  private TlsFiles internalTls() {
    return io.moraine.launcher.config.InternalTls.filesOrNull(config("dev", "az1", Map.of()));
  }

  private RoleConfig config(String nodeId, String az, Map<String, String> extra) {
    Map<String, String> c = new LinkedHashMap<>();
    c.put(Keys.NODE_ID, nodeId);
    c.put(Keys.AZ, az);
    c.put(Keys.HOST, Roles.DEFAULT_HOST);
    c.put(Keys.DATA_DIR, dir().resolve(nodeId).toString());
    c.put(Keys.ZK_CONNECT, Roles.DEFAULT_HOST + ":" + options.zkPort());
    c.put(Keys.REGION, options.region());
    c.put(Keys.TIME_DAY_SECONDS, Long.toString(options.daySeconds()));
    c.putAll(extra);
    c.putAll(options.settings());
    return RoleConfig.of(c);
  }

  private void startAll() throws Exception {
    started.put("zk-1", Roles.startZk(config("zk-1", "az1", Map.of(Keys.ZK_CLIENT_PORT, Integer.toString(options.zkPort())))));
    String peers = String.join(",", List.of(1, 2, 3).stream()
        .map(n -> "meta-" + n + "=" + Roles.DEFAULT_HOST + ":" + port("meta-" + n)).toList());
    // The three peers start together: each waits for the others to elect a leader.
    ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
    try {
      List<CompletableFuture<Roles.Started>> metas = new ArrayList<>();
      for (int n = 1; n <= 3; n++) {
        RoleConfig c = config("meta-" + n, "az" + n, Map.of(Keys.META_PORT, port("meta-" + n), Keys.META_PEERS, peers,
            Keys.META_GROUPS, Integer.toString(io.moraine.metadata.server.MetadataServerConfig.DEFAULT_GROUPS),
            Keys.METRICS_BUCKETS, "*", Keys.METRICS_BUCKET_USAGE_INTERVAL_SECONDS, "30"));
        metas.add(CompletableFuture.supplyAsync(() -> unchecked(() -> Roles.startMeta(c, metrics)), pool));
      }
      for (int n = 1; n <= 3; n++) {
        started.put("meta-" + n, metas.get(n - 1).join());
      }
      List<CompletableFuture<Roles.Started>> nodes = new ArrayList<>();
      for (String id : storageIds()) {
        RoleConfig c = storageConfig(id);
        nodes.add(CompletableFuture.supplyAsync(() -> unchecked(() -> Roles.startStorage(c, metrics)), pool));
      }
      for (int i = 0; i < nodes.size(); i++) {
        started.put(storageIds().get(i), nodes.get(i).join());
      }
    } finally {
      pool.shutdown();
    }
    Map<String, String> gateway = new LinkedHashMap<>(Map.of(Keys.GATEWAY_PORT, Integer.toString(options.gatewayPort()),
        Keys.METRICS_BUCKETS, "*"));
    if (options.tls()) {
      TlsFiles tls = tlsFiles();
      gateway.put(Keys.GATEWAY_TLS_CERT_FILE, tls.certFile().toString());
      gateway.put(Keys.GATEWAY_TLS_KEY_FILE, tls.keyFile().toString());
    }
    gateway.put(Keys.GATEWAY_WEBSITE_PORT, port("website"));
    // SSE-S3's root key: generated once under the data dir (mode 0600), reused on later starts.
    gateway.put(Keys.ENCRYPTION_ROOT_KEY_FILE, rootKeyFile().toString());
    gateway.put(Keys.ENCRYPTION_REWRAP_INTERVAL_SECONDS, "10"); // a dev cluster shows the re-wrap soon after a rotation
    // A local cluster on loopback: SSE-C may be tried over plain HTTP (never on `dev --tls`, as S3).
    gateway.put(Keys.ENCRYPTION_SSE_C_ALLOW_HTTP, Boolean.toString(!options.tls()));
    started.put("gateway-1", Roles.startGateway(config("gateway-1", "az1", gateway), metrics));
    // The repair gauges once (every instance reports the cluster's figures).
    started.get("meta-1").metrics().accept(metrics.registry());
    started.get("gateway-1").metrics().accept(metrics.registry()); // the lifecycle gauges
    admin = new AdminHttpServer(Roles.DEFAULT_HOST, Integer.parseInt(port("admin")), metrics.registry(),
        started.values().stream().map(Roles.Started::health).toList());
    if (!options.tls()) {
      // The web console on the admin port, a client of the gateway over plain HTTP (docs/monitoring.md).
      console = io.moraine.launcher.console.Console.open(Roles.DEFAULT_HOST + ":" + options.zkPort(),
          java.net.URI.create("http://" + Roles.DEFAULT_HOST + ":" + gatewayPort()), options.region(),
          io.moraine.launcher.config.Credentials.fromEnvironment(System.getenv()).accessKey(), internalTls());
      admin.mount("/console", console);
    }
    adminEndpoint = io.moraine.launcher.role.RoleCommands.publishAdmin(Roles.DEFAULT_HOST + ":" + options.zkPort(), "dev",
        Roles.DEFAULT_HOST, admin.port(), internalTls());
  }

  private RoleConfig storageConfig(String id) {
    return config(id, id.substring("storage-".length(), "storage-azN".length()),
        Map.of(Keys.STORAGE_PORT, port(id), Keys.STORAGE_DISKS, dir().resolve(id).resolve("disk1").toString()));
  }

  private interface ThrowingSupplier<T> {
    T get() throws Exception;
  }

  private static <T> T unchecked(ThrowingSupplier<T> s) {
    try {
      return s.get();
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code DATA_DIR/root.key}: the root key of SSE-S3 (docs/encryption.md), generated on first use. */
  public Path rootKeyFile() throws java.io.IOException {
    return io.moraine.gateway.crypto.RootKey.generateIfAbsent(dir().resolve(ROOT_KEY_FILE), new java.security.SecureRandom());
  }

  /** The root key's file name under the data dir ({@code dev}) or the cluster dir ({@code cluster}). */
  public static final String ROOT_KEY_FILE = "root.key";

  /** The dev certificate files under {@code DATA_DIR/tls/}, generated on first use and reused after. */
  public TlsFiles tlsFiles() {
    return TlsFiles.dev(dir().resolve("tls"), java.time.InstantSource.system(), new java.security.SecureRandom());
  }

  /** Whether the gateway serves HTTPS (the endpoint scheme). */
  public String region() {
    return options.region();
  }

  public io.moraine.metadata.api.DayScale dayScale() {
    return new io.moraine.metadata.api.DayScale(options.daySeconds());
  }

  public boolean tls() {
    return options.tls();
  }

  /** The gateway's S3 endpoint. */
  /** The website endpoint's own port (chosen at the first start, kept in dev.properties). */
  public int websitePort() {
    return Integer.parseInt(port("website"));
  }

  public int gatewayPort() {
    return started.get("gateway-1").servicePort();
  }

  public int adminPort() {
    return admin.port();
  }

  /** The web console's URL, or empty when there is none (with --tls). */
  public java.util.Optional<String> consoleUrl() {
    return console == null ? java.util.Optional.empty()
        : java.util.Optional.of("http://" + Roles.DEFAULT_HOST + ":" + admin.port() + "/console/");
  }

  public Path dataDir() {
    return dir();
  }

  /** Stops one storage node (tests: an AZ going down). Its data stays on disk. */
  public void stopStorageNode(String nodeId) throws Exception {
    Roles.Started s = started.remove(nodeId);
    if (s == null) {
      throw new IllegalArgumentException("no running storage node " + nodeId);
    }
    s.component().close();
  }

  /** Starts a storage node stopped by {@link #stopStorageNode}. */
  public void startStorageNode(String nodeId) throws Exception {
    if (started.containsKey(nodeId)) {
      throw new IllegalArgumentException(nodeId + " is running");
    }
    started.put(nodeId, Roles.startStorage(storageConfig(nodeId), metrics));
  }

  @Override
  public void close() {
    if (adminEndpoint != null) {
      try {
        adminEndpoint.close();
      } catch (Exception e) {
        LOG.warn("admin endpoint did not close cleanly", e);
      }
    }
    if (admin != null) {
      admin.close();
    }
    if (console != null) {
      try {
        console.close();
      } catch (Exception e) {
        LOG.warn("console did not close cleanly", e);
      }
    }
    List<String> ids = new ArrayList<>(started.keySet());
    java.util.Collections.reverse(ids);
    for (String id : ids) {
      try {
        started.get(id).component().close();
      } catch (Exception e) {
        LOG.warn("{} did not close cleanly", id, e);
      }
    }
    started.clear();
  }
}
