package io.moraine.gateway;

import java.util.List;

/**
 * Configuration of one S3 gateway.
 *
 * @param nodeId {@code gateway-N}; appears in logs and metrics
 * @param host address to bind (127.0.0.1 for dev; 0.0.0.0 to serve every interface)
 * @param port HTTP port; 0 binds an ephemeral port ({@link S3Gateway#port()} tells which)
 * @param region the region clients sign for; requests signed for another region are refused
 *     (AuthorizationHeaderMalformed), so a wrong value locks every client out
 * @param virtualHostDomains domains under which {@code bucket.domain} addresses a bucket; a domain
 *     missing here makes virtual-hosted requests look like path-style ones for a wrong bucket
 * @param rootAccessKey root account's access key (DESIGN.md, Credentials)
 * @param rootSecretKey root account's secret key
 * @param maxChunkSizeBytes chunk size of big blobs; memory per PUT is about 2 × (k+m) × this
 * @param inlineThresholdBytes objects up to this size are stored inline in metadata (Raft log
 *     traffic grows with it; 0 disables inline storage except for empty objects)
 * @param shardReadTimeoutMillis a shard stream silent this long is replaced by parity; too low
 *     turns ordinary hiccups into reconstructions, too high stalls GETs behind a hung node
 * @param shardWriteTimeoutMillis how long a PUT waits for all k+m acks after its last byte
 * @param keyUseFlushMillis how often the access keys' "last used" times are written to metadata
 *     (credentials themselves are never cached: every request resolves its key)
 * @param minPartSizeBytes S3's minimum size of a non-last multipart part (5 MiB)
 * @param sigV2Enabled whether Signature Version 2 requests are accepted (older SDKs and tools)
 * @param tls HTTPS certificate, key and listeners; null serves plain HTTP only
 * @param websitePort the website endpoint's own listener (plain HTTP, every request a website
 *     request, the bucket named by the Host); 0 binds an ephemeral port, {@link #NO_WEBSITE_PORT}
 *     serves the website only through the {@code BUCKET.s3-website.DOMAIN} host forms of {@code port}
 * @param dayScale the length of a lifecycle "day" ({@code time.day.seconds}); a wrong one makes
 *     {@code x-amz-expiration} disagree with when the lifecycle engine really expires the object
 * @param sseCustomerOverHttp accept SSE-C keys on plain-HTTP requests (tests, local clusters); false:
 *     refused with 400 InvalidRequest as S3 does
 */
public record GatewayConfig(
    String nodeId,
    String host,
    int port,
    String region,
    List<String> virtualHostDomains,
    String rootAccessKey,
    String rootSecretKey,
    int maxChunkSizeBytes,
    int inlineThresholdBytes,
    int shardReadTimeoutMillis,
    int shardWriteTimeoutMillis,
    int keyUseFlushMillis,
    long minPartSizeBytes,
    boolean sigV2Enabled,
    GatewayTls tls,
    int websitePort,
    io.moraine.metadata.api.DayScale dayScale,
    boolean sseCustomerOverHttp) {

  public static final int NO_WEBSITE_PORT = -1;

  public static final int DEFAULT_MAX_CHUNK_SIZE_BYTES = 1024 * 1024;
  public static final int DEFAULT_INLINE_THRESHOLD_BYTES = 4096;
  public static final long DEFAULT_MIN_PART_SIZE_BYTES = 5L * 1024 * 1024;

  public GatewayConfig {
    virtualHostDomains = List.copyOf(virtualHostDomains);
    dayScale = dayScale == null ? io.moraine.metadata.api.DayScale.real() : dayScale;
  }

  /** Plain HTTP only. */
  public GatewayConfig(String nodeId, String host, int port, String region, List<String> virtualHostDomains,
      String rootAccessKey, String rootSecretKey, int maxChunkSizeBytes, int inlineThresholdBytes,
      int shardReadTimeoutMillis, int shardWriteTimeoutMillis, int keyUseFlushMillis, long minPartSizeBytes,
      boolean sigV2Enabled) {
    this(nodeId, host, port, region, virtualHostDomains, rootAccessKey, rootSecretKey, maxChunkSizeBytes,
        inlineThresholdBytes, shardReadTimeoutMillis, shardWriteTimeoutMillis, keyUseFlushMillis, minPartSizeBytes,
        sigV2Enabled, null, NO_WEBSITE_PORT, null, false);
  }

  /** This configuration with HTTPS as given ({@code null}: plain HTTP only). */
  public GatewayConfig withTls(GatewayTls tls) {
    return new GatewayConfig(nodeId, host, port, region, virtualHostDomains, rootAccessKey, rootSecretKey,
        maxChunkSizeBytes, inlineThresholdBytes, shardReadTimeoutMillis, shardWriteTimeoutMillis, keyUseFlushMillis,
        minPartSizeBytes, sigV2Enabled, tls, websitePort, dayScale, sseCustomerOverHttp);
  }

  /** This configuration with the website endpoint on its own port ({@link #NO_WEBSITE_PORT}: none). */
  public GatewayConfig withWebsitePort(int websitePort) {
    return new GatewayConfig(nodeId, host, port, region, virtualHostDomains, rootAccessKey, rootSecretKey,
        maxChunkSizeBytes, inlineThresholdBytes, shardReadTimeoutMillis, shardWriteTimeoutMillis, keyUseFlushMillis,
        minPartSizeBytes, sigV2Enabled, tls, websitePort, dayScale, sseCustomerOverHttp);
  }

  /** This configuration with lifecycle days of {@code dayScale} (config key time.day.seconds). */
  public GatewayConfig withDayScale(io.moraine.metadata.api.DayScale dayScale) {
    return new GatewayConfig(nodeId, host, port, region, virtualHostDomains, rootAccessKey, rootSecretKey,
        maxChunkSizeBytes, inlineThresholdBytes, shardReadTimeoutMillis, shardWriteTimeoutMillis, keyUseFlushMillis,
        minPartSizeBytes, sigV2Enabled, tls, websitePort, dayScale, sseCustomerOverHttp);
  }

  /**
   * This configuration accepting SSE-C keys on plain-HTTP requests ({@code encryption.sse-c.allow-http};
   * S3 refuses them, and so does a gateway by default: the key would cross the network in the clear).
   */
  public GatewayConfig withSseCustomerOverHttp(boolean allowed) {
    return new GatewayConfig(nodeId, host, port, region, virtualHostDomains, rootAccessKey, rootSecretKey,
        maxChunkSizeBytes, inlineThresholdBytes, shardReadTimeoutMillis, shardWriteTimeoutMillis, keyUseFlushMillis,
        minPartSizeBytes, sigV2Enabled, tls, websitePort, dayScale, allowed);
  }

  /** With Signature Version 2 accepted. */
  public GatewayConfig(String nodeId, String host, int port, String region, List<String> virtualHostDomains,
      String rootAccessKey, String rootSecretKey, int maxChunkSizeBytes, int inlineThresholdBytes,
      int shardReadTimeoutMillis, int shardWriteTimeoutMillis, int keyUseFlushMillis, long minPartSizeBytes) {
    this(nodeId, host, port, region, virtualHostDomains, rootAccessKey, rootSecretKey, maxChunkSizeBytes,
        inlineThresholdBytes, shardReadTimeoutMillis, shardWriteTimeoutMillis, keyUseFlushMillis, minPartSizeBytes, true);
  }

  /** The defaults of DESIGN.md for a gateway on {@code host:port} with the given root keys. */
  public static GatewayConfig defaults(String nodeId, String host, int port, String rootAccessKey, String rootSecretKey) {
    return new GatewayConfig(nodeId, host, port, "us-east-1", List.of("localhost", "s3.localhost"), rootAccessKey,
        rootSecretKey, DEFAULT_MAX_CHUNK_SIZE_BYTES, DEFAULT_INLINE_THRESHOLD_BYTES, 3_000, 60_000, 10_000,
        DEFAULT_MIN_PART_SIZE_BYTES);
  }

  public GatewayConfig validate() {
    check(nodeId != null && !nodeId.isBlank(), "nodeId must be set");
    check(host != null && !host.isBlank(), "host must be set");
    check(port >= 0 && port <= 65535, "port must be 0..65535, got " + port);
    check(region != null && !region.isBlank(), "region must be set");
    check(rootAccessKey != null && !rootAccessKey.isBlank(), "rootAccessKey must be set");
    check(rootSecretKey != null && !rootSecretKey.isBlank(), "rootSecretKey must be set");
    check(maxChunkSizeBytes >= 64 && maxChunkSizeBytes % 64 == 0 && maxChunkSizeBytes <= 64 * 1024 * 1024,
        "maxChunkSizeBytes must be a multiple of 64 in [64, 64 MiB], got " + maxChunkSizeBytes);
    check(inlineThresholdBytes >= 0 && inlineThresholdBytes <= 1024 * 1024,
        "inlineThresholdBytes must be in [0, 1 MiB], got " + inlineThresholdBytes);
    check(shardReadTimeoutMillis > 0, "shardReadTimeoutMillis must be > 0, got " + shardReadTimeoutMillis);
    check(shardWriteTimeoutMillis > 0, "shardWriteTimeoutMillis must be > 0, got " + shardWriteTimeoutMillis);
    check(keyUseFlushMillis > 0, "keyUseFlushMillis must be > 0, got " + keyUseFlushMillis);
    check(websitePort == NO_WEBSITE_PORT || (websitePort >= 0 && websitePort <= 65535),
        "websitePort must be 0..65535 or " + NO_WEBSITE_PORT + ", got " + websitePort);
    check(websitePort <= 0 || websitePort != port, "websitePort must differ from port " + port);
    check(minPartSizeBytes >= 0, "minPartSizeBytes must be >= 0, got " + minPartSizeBytes);
    if (tls != null) {
      tls.validate();
    }
    for (String d : virtualHostDomains) {
      check(d != null && !d.isBlank() && !d.startsWith("."), "bad virtual host domain '" + d + "'");
    }
    return this;
  }

  private static void check(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException("GatewayConfig: " + message);
    }
  }
}
