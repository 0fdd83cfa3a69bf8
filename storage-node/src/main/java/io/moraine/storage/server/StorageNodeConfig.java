package io.moraine.storage.server;

import io.moraine.storage.store.ShardStoreConfig;
import java.nio.file.Path;
import java.util.List;

/**
 * Configuration of one storage node process role.
 *
 * @param nodeId {@code storage-azA-N} (DESIGN.md, Contracts); also the ZooKeeper member name
 * @param az the node's availability zone; a wrong AZ breaks the "≤ m shards per AZ" rule silently
 * @param host address the gRPC server binds to and advertises in ZooKeeper (so it must be reachable
 *     by gateways: not 0.0.0.0)
 * @param grpcPort 0 picks a free port (the actual one is registered)
 * @param disks shard directories, one per disk
 * @param capacityBytesOverride total capacity advertised and enforced, split over the disks; 0 =
 *     from the filesystems. Set it when nodes share a filesystem, or placement weights lie.
 * @param zkSessionTimeoutMillis ZooKeeper session timeout of the node's Curator client (see
 *     {@link StorageNode#newCuratorClient}); a dead node counts as down only when its session
 *     expires, and DESIGN.md wants that within 10 s, so at most 8000
 * @param blockSizeBytes CRC32C block size of new shard files
 * @param readChunkBytes payload bytes per ReadShard message (≤ 1 MiB)
 * @param shutdownGraceMillis how long close() lets in-flight calls finish before cancelling them
 */
public record StorageNodeConfig(
    String nodeId,
    String az,
    String host,
    int grpcPort,
    List<Path> disks,
    long capacityBytesOverride,
    int zkSessionTimeoutMillis,
    int blockSizeBytes,
    int readChunkBytes,
    long shutdownGraceMillis) {

  public static final int DEFAULT_ZK_SESSION_TIMEOUT_MILLIS = 6000;
  public static final int MAX_ZK_SESSION_TIMEOUT_MILLIS = 8000;
  public static final int DEFAULT_BLOCK_SIZE_BYTES = 64 * 1024;
  public static final int DEFAULT_READ_CHUNK_BYTES = 512 * 1024;
  public static final long DEFAULT_SHUTDOWN_GRACE_MILLIS = 5000;

  public StorageNodeConfig {
    disks = List.copyOf(disks);
  }

  /** The brief's field order; block size, read chunk and shutdown grace take their defaults. */
  public StorageNodeConfig(String nodeId, String az, String host, int grpcPort, List<Path> disks,
      long capacityBytesOverride, int zkSessionTimeoutMillis) {
    this(nodeId, az, host, grpcPort, disks, capacityBytesOverride, zkSessionTimeoutMillis, DEFAULT_BLOCK_SIZE_BYTES,
        DEFAULT_READ_CHUNK_BYTES, DEFAULT_SHUTDOWN_GRACE_MILLIS);
  }

  /** A config with defaults for everything but identity, address, disks and capacity. */
  public static StorageNodeConfig of(String nodeId, String az, String host, int grpcPort, List<Path> disks,
      long capacityBytesOverride) {
    return new StorageNodeConfig(nodeId, az, host, grpcPort, disks, capacityBytesOverride,
        DEFAULT_ZK_SESSION_TIMEOUT_MILLIS, DEFAULT_BLOCK_SIZE_BYTES, DEFAULT_READ_CHUNK_BYTES,
        DEFAULT_SHUTDOWN_GRACE_MILLIS);
  }

  public StorageNodeConfig validate() {
    if (nodeId == null || !nodeId.matches("[A-Za-z0-9_.\\-]{1,128}")) {
      throw new IllegalArgumentException("nodeId must be a ZooKeeper-safe name like storage-az1-1, got " + nodeId);
    }
    if (az == null || az.isBlank()) {
      throw new IllegalArgumentException("az must be set for node " + nodeId);
    }
    if (host == null || host.isBlank() || host.equals("0.0.0.0") || host.equals("::")) {
      throw new IllegalArgumentException("host must be an address gateways can reach, got " + host);
    }
    if (grpcPort < 0 || grpcPort > 65535) {
      throw new IllegalArgumentException("grpcPort out of range: " + grpcPort);
    }
    if (zkSessionTimeoutMillis < 1000 || zkSessionTimeoutMillis > MAX_ZK_SESSION_TIMEOUT_MILLIS) {
      throw new IllegalArgumentException("zkSessionTimeoutMillis must be in [1000, " + MAX_ZK_SESSION_TIMEOUT_MILLIS
          + "] so a dead node counts as down within 10 s, got " + zkSessionTimeoutMillis);
    }
    if (readChunkBytes <= 0 || readChunkBytes > 1024 * 1024) {
      throw new IllegalArgumentException("readChunkBytes must be in (0, 1 MiB], got " + readChunkBytes);
    }
    if (shutdownGraceMillis < 0) {
      throw new IllegalArgumentException("shutdownGraceMillis must be >= 0, got " + shutdownGraceMillis);
    }
    storeConfig().validate();
    return this;
  }

  public ShardStoreConfig storeConfig() {
    return new ShardStoreConfig(disks, capacityBytesOverride, blockSizeBytes);
  }
}
