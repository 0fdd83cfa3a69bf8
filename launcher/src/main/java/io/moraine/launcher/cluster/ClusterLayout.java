package io.moraine.launcher.cluster;

import io.moraine.launcher.config.RoleConfig;
import io.moraine.launcher.config.RoleConfig.Keys;
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

/**
 * The processes of a local multi-process cluster and their configuration, under DIR:
 * {@code cluster.properties} (the shape and every port, chosen once and kept so restarts reuse
 * them — Raft peers must keep their addresses), {@code conf/NODE.properties},
 * {@code data/NODE/}, {@code logs/NODE.log}, {@code pids/NODE.pid}.
 */
public final class ClusterLayout {

  /** One process of the cluster. Start order is the list order. */
  public record Node(String nodeId, String role, String az, RoleConfig config) {}

  static final String HOST = "127.0.0.1";
  /** gateway-1 and gateway-2 (DESIGN.md, Contracts: `cluster start` serves on P and P+1). */
  static final int GATEWAYS = 2;

  private final Path dir;
  private final Properties shape;

  private ClusterLayout(Path dir, Properties shape) {
    this.dir = dir;
    this.shape = shape;
  }

  public Path dir() {
    return dir;
  }

  /** Loads the recorded layout, or records a new one from the flags when there is none. */
  public static ClusterLayout loadOrCreate(Path dir, int storagePerAz, int zkServers, int gatewayPort, int zkPort)
      throws IOException {
    Path file = dir.resolve("cluster.properties");
    Properties shape = new Properties();
    if (Files.exists(file)) {
      try (Reader r = Files.newBufferedReader(file)) {
        shape.load(r);
      }
      List<String> missing = new ArrayList<>();
      for (int n = 1; n <= GATEWAYS; n++) { // a cluster recorded before the website endpoint had its own port
        if (shape.getProperty("port.gateway-" + n + ".website") == null) {
          missing.add("port.gateway-" + n + ".website");
        }
      }
      if (!missing.isEmpty()) {
        choosePorts(shape, missing);
        store(file, shape);
      }
      return new ClusterLayout(dir, shape);
    }
    if (storagePerAz < 1 || (zkServers != 1 && zkServers != 3)) {
      throw new IllegalArgumentException("--storage-per-az must be >= 1 and --zk-servers 1 or 3");
    }
    shape.setProperty("format", "1");
    shape.setProperty("storage.per.az", Integer.toString(storagePerAz));
    shape.setProperty("zk.servers", Integer.toString(zkServers));
    shape.setProperty("port.gateway-1", Integer.toString(gatewayPort));
    shape.setProperty("port.gateway-2", Integer.toString(gatewayPort + 1));
    shape.setProperty("port.zk-1", Integer.toString(zkPort));
    List<String> others = new ArrayList<>();
    for (int z = 2; z <= zkServers; z++) {
      others.add("port.zk-" + z);
    }
    for (int z = 1; z <= zkServers; z++) {
      others.add("port.zk-" + z + ".peer");
      others.add("port.zk-" + z + ".election");
    }
    for (int n = 1; n <= 3; n++) {
      others.add("port.meta-" + n);
    }
    for (int az = 1; az <= 3; az++) {
      for (int n = 1; n <= storagePerAz; n++) {
        others.add("port.storage-az" + az + "-" + n);
      }
    }
    for (String node : nodeIds(storagePerAz, zkServers)) {
      others.add("port." + node + ".admin");
    }
    for (int n = 1; n <= GATEWAYS; n++) {
      others.add("port.gateway-" + n + ".website");
    }
    choosePorts(shape, others);
    Files.createDirectories(dir);
    store(file, shape);
    return new ClusterLayout(dir, shape);
  }

  /** Free ports for {@code keys}, all held open until every one is chosen so none repeats. */
  private static void choosePorts(Properties shape, List<String> keys) throws IOException {
    List<ServerSocket> held = new ArrayList<>();
    try {
      for (String key : keys) {
        ServerSocket s = new ServerSocket(0);
        held.add(s);
        shape.setProperty(key, Integer.toString(s.getLocalPort()));
      }
    } finally {
      for (ServerSocket s : held) {
        s.close();
      }
    }
  }

  private static void store(Path file, Properties shape) throws IOException {
    try (Writer w = Files.newBufferedWriter(file)) {
      shape.store(w, "Moraine local cluster: shape and ports, chosen at the first start and kept");
    }
  }

  private static List<String> nodeIds(int storagePerAz, int zkServers) {
    List<String> ids = new ArrayList<>();
    for (int z = 1; z <= zkServers; z++) {
      ids.add("zk-" + z);
    }
    for (int n = 1; n <= 3; n++) {
      ids.add("meta-" + n);
    }
    for (int az = 1; az <= 3; az++) {
      for (int n = 1; n <= storagePerAz; n++) {
        ids.add("storage-az" + az + "-" + n);
      }
    }
    for (int n = 1; n <= GATEWAYS; n++) {
      ids.add("gateway-" + n);
    }
    return ids;
  }

  private int port(String key) {
    String v = shape.getProperty("port." + key);
    if (v == null) {
      throw new IllegalStateException("cluster.properties in " + dir + " has no port." + key);
    }
    return Integer.parseInt(v);
  }

  /** The region every process is configured with, recorded when the cluster was created (`cluster start --region`). */
  public String region() {
    return shape.getProperty("region", io.moraine.launcher.dev.DevCluster.DEFAULT_REGION);
  }

  /** The scaled day ({@code time.day.seconds}) of the last `cluster start --day-seconds`, default the real day. */
  public long daySeconds() {
    return Long.parseLong(shape.getProperty("time.day.seconds",
        Long.toString(io.moraine.metadata.api.DayScale.DEFAULT_DAY_SECONDS)));
  }

  /**
   * Records the flags of `cluster start`: {@code region} (null: keep) only when the cluster is new
   * or already has that region (buckets and signatures carry it); {@code daySeconds} (null: keep) always.
   */
  public void applyStartFlags(String region, Long daySeconds) throws IOException {
    if (region != null && !region.equals(region())) {
      if (shape.getProperty("region") != null || Files.exists(dir.resolve("data"))) {
        throw new IllegalArgumentException("cluster " + dir + " was created with region " + region()
            + "; --region " + region + " cannot change it");
      }
      shape.setProperty("region", region);
    }
    if (daySeconds != null) {
      new io.moraine.metadata.api.DayScale(daySeconds); // refuses a day shorter than a second
      shape.setProperty("time.day.seconds", Long.toString(daySeconds));
    }
    store(dir.resolve("cluster.properties"), shape);
  }

  /** Whether the cluster runs internal mutual TLS (recorded by the first `cluster start --internal-tls`, kept after). */
  public boolean internalTls() {
    return Boolean.parseBoolean(shape.getProperty("tls.internal", "false"));
  }

  /** Records `cluster start --internal-tls`: on from now on (restarts keep it; see docs/tls.md). */
  public void enableInternalTls() throws IOException {
    shape.setProperty("tls.internal", "true");
    store(dir.resolve("cluster.properties"), shape);
  }

  /** {@code DIR/tls}: the cluster CA ({@code ca.pem}, {@code ca-key.pem}) and every process's certificate. */
  public Path tlsDir() {
    return dir.resolve("tls").toAbsolutePath();
  }

  /**
   * The internal TLS files of {@code nodeId} ({@code DIR/tls/NODE.pem}, {@code NODE-key.pem}, the
   * CA's {@code ca.pem}); {@code admin} is the operator's client certificate. Issued by {@link #issueTls}.
   */
  public io.moraine.tls.TlsFiles tlsFiles(String nodeId) {
    return new io.moraine.tls.TlsFiles(tlsDir().resolve(nodeId + ".pem"), tlsDir().resolve(nodeId + "-key.pem"),
        tlsDir().resolve("ca.pem"));
  }

  /** Issues (once; reused after) the CA and a certificate for each id, SANs the advertised host and localhost. */
  public void issueTls(List<String> nodeIds, java.time.InstantSource clock, java.security.SecureRandom random) {
    for (String id : nodeIds) {
      io.moraine.tls.TlsFiles.issued(tlsDir(), id + ".pem", id + "-key.pem", id, List.of(HOST, "localhost"), clock, random);
    }
  }

  /** The internal TLS keys of {@code nodeId}'s config when the cluster runs internal TLS. */
  void putTls(Map<String, String> c, String nodeId) {
    if (internalTls()) {
      io.moraine.tls.TlsFiles f = tlsFiles(nodeId);
      c.put(Keys.TLS_INTERNAL_ENABLED, "true");
      c.put(Keys.TLS_INTERNAL_CERT_FILE, f.certFile().toString());
      c.put(Keys.TLS_INTERNAL_KEY_FILE, f.keyFile().toString());
      c.put(Keys.TLS_INTERNAL_CA_FILE, f.caFile().toString());
    }
  }

  public int storagePerAz() {
    return Integer.parseInt(shape.getProperty("storage.per.az"));
  }

  public int zkServers() {
    return Integer.parseInt(shape.getProperty("zk.servers"));
  }

  public String zkConnect() {
    List<String> parts = new ArrayList<>();
    for (int z = 1; z <= zkServers(); z++) {
      parts.add(HOST + ":" + port("zk-" + z));
    }
    return String.join(",", parts);
  }

  /** {@code DIR/root.key}: SSE-S3's root key, shared by both gateways; `cluster start` generates it once. */
  public Path rootKeyFile() {
    return dir.resolve(io.moraine.launcher.dev.DevCluster.ROOT_KEY_FILE).toAbsolutePath();
  }

  public int gatewayPort(int n) {
    return port("gateway-" + n);
  }

  /** Gateway {@code n}'s website endpoint (its own listener; the bucket comes from the Host). */
  public int websitePort(int n) {
    return port("gateway-" + n + ".website");
  }

  public int adminPort(String nodeId) {
    return port(nodeId + ".admin");
  }

  /** Every process of the cluster, in start order. */
  public List<Node> nodes() {
    List<Node> nodes = new ArrayList<>();
    List<String> zkServerList = new ArrayList<>();
    if (zkServers() > 1) {
      for (int z = 1; z <= zkServers(); z++) {
        zkServerList.add("zk-" + z + "=" + HOST + ":" + port("zk-" + z + ".peer") + ":" + port("zk-" + z + ".election"));
      }
    }
    for (int z = 1; z <= zkServers(); z++) {
      String id = "zk-" + z;
      Map<String, String> c = common(id, "az" + z);
      c.put(Keys.ZK_CLIENT_PORT, Integer.toString(port(id)));
      if (!zkServerList.isEmpty()) {
        c.put(Keys.ZK_SERVERS, String.join(",", zkServerList));
      }
      c.remove(Keys.ZK_CONNECT);
      nodes.add(new Node(id, "zk", "az" + z, RoleConfig.of(c)));
    }
    List<String> peers = new ArrayList<>();
    for (int n = 1; n <= 3; n++) {
      peers.add("meta-" + n + "=" + HOST + ":" + port("meta-" + n));
    }
    for (int n = 1; n <= 3; n++) {
      String id = "meta-" + n;
      Map<String, String> c = common(id, "az" + n);
      c.put(Keys.META_PORT, Integer.toString(port(id)));
      c.put(Keys.META_PEERS, String.join(",", peers));
      c.put(Keys.META_GROUPS, "2");
      // Per-bucket usage series for every bucket (capped), recomputed every 30 s by the repair leader.
      c.put(Keys.METRICS_BUCKETS, "*");
      c.put(Keys.METRICS_BUCKET_USAGE_INTERVAL_SECONDS, "30");
      nodes.add(new Node(id, "meta", "az" + n, RoleConfig.of(c)));
    }
    for (int az = 1; az <= 3; az++) {
      for (int n = 1; n <= storagePerAz(); n++) {
        String id = "storage-az" + az + "-" + n;
        Map<String, String> c = common(id, "az" + az);
        c.put(Keys.STORAGE_PORT, Integer.toString(port(id)));
        c.put(Keys.STORAGE_DISKS, dir.resolve("data").resolve(id).resolve("disk1").toAbsolutePath().toString());
        nodes.add(new Node(id, "storage", "az" + az, RoleConfig.of(c)));
      }
    }
    for (int n = 1; n <= GATEWAYS; n++) {
      String id = "gateway-" + n;
      Map<String, String> c = common(id, "az" + n);
      c.put(Keys.GATEWAY_PORT, Integer.toString(port(id)));
      c.put(Keys.GATEWAY_WEBSITE_PORT, Integer.toString(websitePort(n)));
      // A local test cluster: per-bucket series for every bucket (capped), the request log beside the node's log.
      c.put(Keys.METRICS_BUCKETS, "*");
      c.put(Keys.GATEWAY_REQUEST_LOG, dir.resolve("logs").resolve(id + "-requests.log").toAbsolutePath().toString());
      c.put(Keys.ENCRYPTION_ROOT_KEY_FILE, rootKeyFile().toString());
      c.put(Keys.ENCRYPTION_REWRAP_INTERVAL_SECONDS, "10");
      c.put(Keys.ENCRYPTION_SSE_C_ALLOW_HTTP, "true"); // a local test cluster on loopback, plain HTTP only
      nodes.add(new Node(id, "gateway", "az" + n, RoleConfig.of(c)));
    }
    return nodes;
  }

  private Map<String, String> common(String nodeId, String az) {
    Map<String, String> c = new LinkedHashMap<>();
    c.put(Keys.NODE_ID, nodeId);
    c.put(Keys.AZ, az);
    c.put(Keys.HOST, HOST);
    c.put(Keys.ADMIN_PORT, Integer.toString(adminPort(nodeId)));
    c.put(Keys.DATA_DIR, dir.resolve("data").resolve(nodeId).toAbsolutePath().toString());
    c.put(Keys.ZK_CONNECT, zkConnect());
    c.put(Keys.REGION, region());
    c.put(Keys.TIME_DAY_SECONDS, Long.toString(daySeconds()));
    putTls(c, nodeId);
    return c;
  }

  public Path configFile(String nodeId) {
    return dir.resolve("conf").resolve(nodeId + ".properties");
  }

  public Path pidFile(String nodeId) {
    return dir.resolve("pids").resolve(nodeId + ".pid");
  }

  public Path logFile(String nodeId) {
    return dir.resolve("logs").resolve(nodeId + ".log");
  }
}
