package io.moraine.storage.api;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The storage nodes as their clients (gateway, repair, scrub) see them: one method set, node
 * addressed by id, addresses resolved from ZooKeeper membership. Implementations keep one gRPC
 * channel per node and apply deadlines, so a slow or hung node fails the call instead of
 * stalling it.
 */
public interface ShardClients extends AutoCloseable {

  /**
   * Opens a streaming write of one shard of exactly {@code lengthBytes} bytes. Fails fast with an
   * IOException when the node is unknown or unreachable.
   */
  ShardWriter openWrite(String nodeId, ShardId shard, int placementGroup, long lengthBytes) throws IOException;

  /**
   * Reads {@code lengthBytes} bytes of a shard from {@code offset} (every block verified on the
   * node). The stream throws IOException on a corrupt block, a missing shard, a dead node or when
   * no data arrives within {@code timeout}.
   */
  InputStream read(String nodeId, ShardId shard, long offset, long lengthBytes, Duration timeout) throws IOException;

  /** Deletes a shard; true when it existed. */
  boolean delete(String nodeId, ShardId shard) throws IOException;

  @Override
  void close();

  /** One shard being written. Not thread-safe: one writer thread per shard. */
  interface ShardWriter extends AutoCloseable {
    /** Sends bytes; blocks while the node's flow-control window is full. */
    void write(byte[] buffer, int offset, int length) throws IOException;

    /** Ends the stream; completes when the node reports the shard durable and published. */
    CompletableFuture<ShardAck> finish();

    /** Abandons the write; the node discards what it received. Idempotent. */
    void abort();

    @Override
    default void close() {
      abort();
    }
  }

  /** A storage node's acknowledgement that a shard is fsynced and published. */
  record ShardAck(String nodeId, long lengthBytes, int crc32c) {}
}
