package io.moraine.launcher.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The one configuration format of every role: a Java properties file ({@code key = value}, lists
 * comma-separated), each key overridable on the command line as {@code --key value}. A few
 * aliases read naturally on a command line: {@code --disk PATH} (repeatable) for
 * {@code storage.disks}, {@code --zk} for {@code zk.connect}, {@code --data-dir}, {@code --node-id},
 * {@code --port} for the role's main port. The keys are listed in {@link Keys} and in
 * docs/configuration.md.
 */
public final class RoleConfig {

  /** Every key the roles read; an unknown key is an error, so a typo never goes unnoticed. */
  public static final class Keys {
    public static final String NODE_ID = "node.id";
    public static final String AZ = "az";
    public static final String HOST = "host";
    public static final String ADMIN_PORT = "admin.port";
    public static final String DATA_DIR = "data.dir";
    public static final String ZK_CONNECT = "zk.connect";
    public static final String ZK_CLIENT_PORT = "zk.client.port";
    public static final String ZK_SERVERS = "zk.servers";
    public static final String META_PORT = "meta.port";
    public static final String META_PEERS = "meta.peers";
    /** Metadata Raft groups g1..gN on every meta peer (default 2); fixed for the life of the cluster. */
    public static final String META_GROUPS = "meta.groups";
    /** true: the meta peer starts with no group, to be added online (`bin/moraine meta --join`). */
    public static final String META_JOIN = "meta.join";
    public static final String STORAGE_PORT = "storage.port";
    public static final String STORAGE_DISKS = "storage.disks";
    public static final String STORAGE_CAPACITY_BYTES = "storage.capacity.bytes";
    public static final String GATEWAY_PORT = "gateway.port";
    public static final String GATEWAY_DOMAINS = "gateway.domains";
    /** Whether the gateway accepts Signature Version 2 (default true; S3 itself still does for old buckets). */
    public static final String GATEWAY_SIGV2 = "gateway.sigv2";
    /** PEM certificate chain of the gateway's HTTPS listener; with the key file it turns HTTPS on (docs/tls.md). */
    public static final String GATEWAY_TLS_CERT_FILE = "gateway.tls.cert-file";
    /** PEM private key (PKCS#8, PKCS#1 or SEC1) of {@link #GATEWAY_TLS_CERT_FILE}. */
    public static final String GATEWAY_TLS_KEY_FILE = "gateway.tls.key-file";
    /** HTTPS port; unset: HTTPS replaces HTTP on {@code gateway.port}. */
    public static final String GATEWAY_HTTPS_PORT = "gateway.https-port";
    /** With a separate HTTPS port, whether {@code gateway.port} still serves plain HTTP (default true). */
    public static final String GATEWAY_HTTP_ENABLED = "gateway.http.enabled";
    /** The website endpoint's own port (plain HTTP, bucket from the Host); unset: only the s3-website host forms of gateway.port. */
    public static final String GATEWAY_WEBSITE_PORT = "gateway.website.port";
    /** File holding the root key (base64 of 32 bytes) that wraps the SSE-S3 master keys; MORAINE_ROOT_KEY wins (docs/encryption.md). */
    public static final String ENCRYPTION_ROOT_KEY_FILE = "encryption.root-key-file";
    /** Seconds between passes of the SSE-S3 re-wrap of old data keys to the newest master key (default 300). */
    public static final String ENCRYPTION_REWRAP_INTERVAL_SECONDS = "encryption.rewrap.interval.seconds";
    /** Accept SSE-C keys on plain-HTTP requests (default false, as S3; `dev` and `cluster` set true). */
    public static final String ENCRYPTION_SSE_C_ALLOW_HTTP = "encryption.sse-c.allow-http";
    /** Internal mutual TLS (docs/tls.md): shard gRPC, Ratis and ZooKeeper; default false. */
    public static final String TLS_INTERNAL_ENABLED = "tls.internal.enabled";
    /** PEM certificate chain of this process (SANs: its advertised host), server and client auth. */
    public static final String TLS_INTERNAL_CERT_FILE = "tls.internal.cert-file";
    /** PEM private key of {@link #TLS_INTERNAL_CERT_FILE}. */
    public static final String TLS_INTERNAL_KEY_FILE = "tls.internal.key-file";
    /** PEM certificates of the cluster CA that every internal peer's certificate must chain to. */
    public static final String TLS_INTERNAL_CA_FILE = "tls.internal.ca-file";
    static final List<String> TLS_INTERNAL = List.of(TLS_INTERNAL_ENABLED, TLS_INTERNAL_CERT_FILE, TLS_INTERNAL_KEY_FILE,
        TLS_INTERNAL_CA_FILE);
    public static final String REGION = "region";
    /** Seconds in one lifecycle/restore/tiering "day" (DESIGN.md, Contracts: scaled time; default 86400). */
    public static final String TIME_DAY_SECONDS = "time.day.seconds";
    public static final String LIFECYCLE_INTERVAL_MILLIS = "lifecycle.interval.millis";
    /** Intelligent-Tiering: ms between flushes of a gateway's access table (default 5000). */
    public static final String TIERING_ACCESS_FLUSH_MILLIS = "tiering.access.flush.millis";
    /** Intelligent-Tiering: most object versions a gateway's access table holds (default 100000). */
    public static final String TIERING_ACCESS_MAX_ENTRIES = "tiering.access.max.entries";
    /** Intelligent-Tiering: ms between tiering passes (default: lifecycle's, one scaled hour). */
    public static final String TIERING_INTERVAL_MILLIS = "tiering.interval.millis";
    public static final String PLACEMENT_GROUPS = "placement.groups";
    public static final String MAX_BUCKETS_PER_ACCOUNT = "meta.max.buckets.per.account";
    public static final String REPAIR_GRACE_SECONDS = "repair.grace.seconds";
    public static final String REPAIR_SCRUB_INTERVAL_SECONDS = "repair.scrub.interval.seconds";
    public static final String REPAIR_SCRUB_BYTES_PER_SECOND = "repair.scrub.bytes.per.second";
    public static final String REPAIR_GC_MIN_AGE_SECONDS = "repair.gc.min.age.seconds";
    public static final String REPAIR_PASS_INTERVAL_MILLIS = "repair.pass.interval.millis";
    /** A deliberately unsafe behaviour for chaos drills that must be caught (docs/chaos.md); never in production. */
    public static final String UNSAFE = "unsafe";
    /** Observability (docs/metrics.md, docs/monitoring.md). */
    public static final String METRICS_BUCKETS = "metrics.buckets";
    public static final String METRICS_BUCKETS_MAX = "metrics.buckets.max";
    public static final String GATEWAY_SLOW_REQUEST_MILLIS = "gateway.slow.request.millis";
    public static final String GATEWAY_REQUEST_LOG = "gateway.request.log";
    public static final String LOG_LEVEL = "log.level";
    public static final String METRICS_BUCKET_USAGE_INTERVAL_SECONDS = "metrics.bucket.usage.interval.seconds";
    static final List<String> OBSERVABILITY = List.of(METRICS_BUCKETS, METRICS_BUCKETS_MAX,
        METRICS_BUCKET_USAGE_INTERVAL_SECONDS,
        GATEWAY_SLOW_REQUEST_MILLIS, GATEWAY_REQUEST_LOG, LOG_LEVEL);

    /** Archive restore (docs/configuration.md): how often the restore leader looks for due jobs. */
    public static final String RESTORE_POLL_INTERVAL_MILLIS = "restore.poll.interval.millis";
    /**
     * Real-time delay of each archive class and tier, in seconds, scaled by time.day.seconds:
     * {@code restore.CLASS.TIER.delay.seconds} with class glacier or deep_archive and tier
     * expedited, standard or bulk (deep_archive has no expedited tier).
     */
    public static final List<String> RESTORE_DELAYS = List.of("restore.glacier.expedited.delay.seconds",
        "restore.glacier.standard.delay.seconds", "restore.glacier.bulk.delay.seconds",
        "restore.deep_archive.standard.delay.seconds", "restore.deep_archive.bulk.delay.seconds");
    static final List<String> RESTORE = java.util.stream.Stream.concat(java.util.stream.Stream.of(RESTORE_POLL_INTERVAL_MILLIS),
        RESTORE_DELAYS.stream()).toList();

    static final List<String> ALL = List.of(NODE_ID, AZ, HOST, ADMIN_PORT, DATA_DIR, ZK_CONNECT,
        ZK_CLIENT_PORT, ZK_SERVERS, META_PORT, META_PEERS, META_GROUPS, META_JOIN, STORAGE_PORT, STORAGE_DISKS,
        STORAGE_CAPACITY_BYTES, GATEWAY_PORT, GATEWAY_DOMAINS, GATEWAY_SIGV2,
        GATEWAY_TLS_CERT_FILE, GATEWAY_TLS_KEY_FILE, GATEWAY_HTTPS_PORT, GATEWAY_HTTP_ENABLED, GATEWAY_WEBSITE_PORT, ENCRYPTION_ROOT_KEY_FILE, ENCRYPTION_REWRAP_INTERVAL_SECONDS, ENCRYPTION_SSE_C_ALLOW_HTTP, REGION, TIME_DAY_SECONDS, LIFECYCLE_INTERVAL_MILLIS,
        TIERING_ACCESS_FLUSH_MILLIS, TIERING_ACCESS_MAX_ENTRIES, TIERING_INTERVAL_MILLIS,
        PLACEMENT_GROUPS, MAX_BUCKETS_PER_ACCOUNT, REPAIR_GRACE_SECONDS,
        REPAIR_SCRUB_INTERVAL_SECONDS, REPAIR_SCRUB_BYTES_PER_SECOND, REPAIR_GC_MIN_AGE_SECONDS,
        REPAIR_PASS_INTERVAL_MILLIS, UNSAFE);

    /** {@code storage-class.CLASS.profile} and {@code .small-profile} of every class (gateway; docs/storage-classes.md). */
    static final List<String> STORAGE_CLASSES = io.moraine.gateway.data.StorageClasses.configKeys();

    private Keys() {}
  }

  private final Map<String, String> values;

  private RoleConfig(Map<String, String> values) {
    this.values = values;
  }

  /** Loads {@code file} (may be null) and applies command-line overrides; {@code portKey} is what --port means. */
  public static RoleConfig load(Path file, List<String> overrides, String portKey) throws IOException {
    Map<String, String> values = new LinkedHashMap<>();
    if (file != null) {
      Properties props = new Properties();
      try (Reader reader = Files.newBufferedReader(file)) {
        props.load(reader);
      }
      for (String name : props.stringPropertyNames()) {
        values.put(checkKnown(name, "in " + file), props.getProperty(name).trim());
      }
    }
    boolean disksOverridden = false;
    for (int i = 0; i < overrides.size(); i++) {
      String arg = overrides.get(i);
      if (!arg.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument '" + arg + "' (overrides are --key value)");
      }
      String name = arg.substring(2);
      String value;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      } else {
        if (i + 1 >= overrides.size()) {
          throw new IllegalArgumentException("--" + name + " needs a value");
        }
        value = overrides.get(++i);
      }
      String key = switch (name) {
        case "disk" -> Keys.STORAGE_DISKS;
        case "zk" -> Keys.ZK_CONNECT;
        case "data-dir" -> Keys.DATA_DIR;
        case "node-id" -> Keys.NODE_ID;
        case "port" -> {
          if (portKey == null) {
            throw new IllegalArgumentException("--port has no meaning for this role");
          }
          yield portKey;
        }
        default -> checkKnown(name, "on the command line");
      };
      if (key.equals(Keys.STORAGE_DISKS) && name.equals("disk")) {
        // --disk is repeatable: the first one replaces the file's list, later ones append.
        value = disksOverridden ? values.get(key) + "," + value : value;
        disksOverridden = true;
      }
      values.put(key, value);
    }
    return new RoleConfig(values);
  }

  public static RoleConfig of(Map<String, String> values) {
    values.keySet().forEach(k -> checkKnown(k, "in config"));
    return new RoleConfig(new LinkedHashMap<>(values));
  }

  private static String checkKnown(String key, String where) {
    if (!Keys.ALL.contains(key) && !Keys.OBSERVABILITY.contains(key) && !Keys.RESTORE.contains(key)
        && !Keys.STORAGE_CLASSES.contains(key) && !Keys.TLS_INTERNAL.contains(key)) {
      throw new IllegalArgumentException("unknown configuration key '" + key + "' " + where
          + "; known keys: " + String.join(", ", Keys.ALL) + ", " + String.join(", ", Keys.OBSERVABILITY) + ", "
          + String.join(", ", Keys.RESTORE) + ", " + String.join(", ", Keys.TLS_INTERNAL) + ", storage-class.CLASS.profile, storage-class.CLASS.small-profile");
    }
    return key;
  }

  public Optional<String> get(String key) {
    return Optional.ofNullable(values.get(key)).filter(v -> !v.isBlank());
  }

  public String require(String key) {
    return get(key).orElseThrow(() -> new IllegalArgumentException("configuration key '" + key + "' is required"));
  }

  public String get(String key, String defaultValue) {
    return get(key).orElse(defaultValue);
  }

  public int getInt(String key, int defaultValue) {
    return get(key).map(v -> parseInt(key, v)).orElse(defaultValue);
  }

  public long getLong(String key, long defaultValue) {
    return get(key).map(v -> {
      try {
        return Long.parseLong(v);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("configuration key '" + key + "' must be a number, got '" + v + "'");
      }
    }).orElse(defaultValue);
  }

  /** Every set key starting with {@code prefix}, in the order given. */
  public Map<String, String> withPrefix(String prefix) {
    Map<String, String> out = new LinkedHashMap<>();
    values.forEach((k, v) -> {
      if (k.startsWith(prefix) && !v.isBlank()) {
        out.put(k, v);
      }
    });
    return out;
  }

  public List<String> getList(String key) {
    return get(key).map(v -> new ArrayList<>(Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList()))
        .map(List::copyOf).orElse(List.of());
  }

  private static int parseInt(String key, String v) {
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("configuration key '" + key + "' must be a number, got '" + v + "'");
    }
  }

  /** Renders the configuration as a properties file (for `cluster start`, which writes one per node). */
  /** The scaled day of {@link Keys#TIME_DAY_SECONDS}. */
  /** The restore delays (restore.CLASS.TIER.delay.seconds, defaults S3's upper bounds) on this config's day. */
  public io.moraine.gateway.restore.RestoreConfig restoreConfig() {
    java.util.Map<String, java.time.Duration> delays = io.moraine.gateway.restore.RestoreConfig.defaultDelays();
    for (String key : Keys.RESTORE_DELAYS) {
      String[] parts = key.split("\\.");
      String storageClass = parts[1].toUpperCase(java.util.Locale.ROOT);
      String tier = parts[2].substring(0, 1).toUpperCase(java.util.Locale.ROOT) + parts[2].substring(1);
      get(key).ifPresent(v -> delays.put(io.moraine.gateway.restore.RestoreConfig.key(storageClass, tier),
          java.time.Duration.ofSeconds(Long.parseLong(v.strip()))));
    }
    return new io.moraine.gateway.restore.RestoreConfig(dayScale(), delays);
  }

  public io.moraine.metadata.api.DayScale dayScale() {
    return new io.moraine.metadata.api.DayScale(getLong(Keys.TIME_DAY_SECONDS, io.moraine.metadata.api.DayScale.DEFAULT_DAY_SECONDS));
  }

  public String toPropertiesText() {
    StringBuilder out = new StringBuilder();
    values.forEach((k, v) -> out.append(k).append(" = ").append(v).append('\n'));
    return out.toString();
  }
}
