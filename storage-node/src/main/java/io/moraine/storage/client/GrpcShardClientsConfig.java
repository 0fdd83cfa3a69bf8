package io.moraine.storage.client;

/**
 * Configuration of the gateway-side (or repair-side) storage client.
 *
 * @param connectTimeoutMillis TCP connect timeout; too long and a write to a blackholed node holds a
 *     PUT that long before it falls back, too short and a busy node is declared unreachable
 * @param writeIdleTimeoutMillis how long write() may block waiting for the node's flow-control
 *     window before it fails; a hung node otherwise stalls the PUT forever
 * @param ackTimeoutMillis how long finish() waits after the last byte for the node's durable ack
 *     (covers the fsync of the whole shard, so generous for large shards)
 * @param rpcTimeoutMillis deadline of small unary calls (delete, health)
 * @param writeChunkBytes payload bytes per WriteShard data message (≤ 1 MiB, the wire rule)
 * @param keepAliveMillis HTTP/2 ping interval on idle connections, to notice dead peers; must not be
 *     below the server's permitted 5 s or the server closes the connection
 */
public record GrpcShardClientsConfig(
    int connectTimeoutMillis,
    long writeIdleTimeoutMillis,
    long ackTimeoutMillis,
    long rpcTimeoutMillis,
    int writeChunkBytes,
    long keepAliveMillis) {

  public static final int MAX_MESSAGE_PAYLOAD_BYTES = 1024 * 1024;

  public static GrpcShardClientsConfig defaults() {
    return new GrpcShardClientsConfig(2_000, 10_000, 60_000, 5_000, 256 * 1024, 20_000);
  }

  public GrpcShardClientsConfig validate() {
    if (connectTimeoutMillis <= 0) {
      throw new IllegalArgumentException("connectTimeoutMillis must be > 0, got " + connectTimeoutMillis);
    }
    if (writeIdleTimeoutMillis <= 0 || ackTimeoutMillis <= 0 || rpcTimeoutMillis <= 0) {
      throw new IllegalArgumentException("timeouts must be > 0: writeIdle=" + writeIdleTimeoutMillis + " ack="
          + ackTimeoutMillis + " rpc=" + rpcTimeoutMillis);
    }
    if (writeChunkBytes <= 0 || writeChunkBytes > MAX_MESSAGE_PAYLOAD_BYTES) {
      throw new IllegalArgumentException("writeChunkBytes must be in (0, 1 MiB], got " + writeChunkBytes);
    }
    if (keepAliveMillis < 5_000) {
      throw new IllegalArgumentException("keepAliveMillis must be >= 5000 (the server's permitted rate), got "
          + keepAliveMillis);
    }
    return this;
  }
}
