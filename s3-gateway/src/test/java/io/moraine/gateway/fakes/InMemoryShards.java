package io.moraine.gateway.fakes;

import io.moraine.storage.api.ShardClients;
import io.moraine.storage.api.ShardId;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Storage nodes in memory with injectable faults: a node whose reads fail (dead or corrupt: the
 * stream throws after some bytes, as a node's block CRC check would), or whose writes fail.
 */
public final class InMemoryShards implements ShardClients {
  private final Map<String, Map<ShardId, byte[]>> nodes = new ConcurrentHashMap<>();
  public final Set<String> failingReads = ConcurrentHashMap.newKeySet();
  public final Set<String> corruptReads = ConcurrentHashMap.newKeySet();
  /** Nodes whose read streams hang (a node that is up but stuck). */
  public final Set<String> stallingReads = ConcurrentHashMap.newKeySet();
  public final Set<String> failingWrites = ConcurrentHashMap.newKeySet();
  /** Nodes that accept a write and then fail it (a crash mid-stream). */
  public final Set<String> failingMidWrite = ConcurrentHashMap.newKeySet();

  public int shardCount() {
    return nodes.values().stream().mapToInt(Map::size).sum();
  }

  public Map<ShardId, byte[]> node(String nodeId) {
    return nodes.computeIfAbsent(nodeId, n -> new ConcurrentHashMap<>());
  }

  @Override
  public ShardWriter openWrite(String nodeId, ShardId shard, int placementGroup, long lengthBytes) throws IOException {
    if (failingWrites.contains(nodeId)) {
      throw new IOException("node " + nodeId + " unreachable");
    }
    return new ShardWriter() {
      final byte[] buf = new byte[Math.toIntExact(lengthBytes)];
      int filled;
      boolean aborted;

      @Override
      public void write(byte[] buffer, int offset, int length) throws IOException {
        if (aborted) {
          throw new IOException("aborted");
        }
        if (failingMidWrite.contains(nodeId)) {
          throw new IOException("node " + nodeId + " died mid-write");
        }
        if (filled + length > buf.length) {
          throw new IOException("write beyond the announced " + lengthBytes + " bytes");
        }
        System.arraycopy(buffer, offset, buf, filled, length);
        filled += length;
      }

      @Override
      public CompletableFuture<ShardAck> finish() {
        if (filled != lengthBytes) {
          return CompletableFuture.failedFuture(new IOException("length " + filled + " != " + lengthBytes));
        }
        node(nodeId).put(shard, buf);
        return CompletableFuture.completedFuture(new ShardAck(nodeId, lengthBytes, 0));
      }

      @Override
      public void abort() {
        aborted = true;
      }
    };
  }

  @Override
  public InputStream read(String nodeId, ShardId shard, long offset, long lengthBytes, Duration timeout)
      throws IOException {
    if (failingReads.contains(nodeId)) {
      throw new IOException("node " + nodeId + " is down");
    }
    byte[] data = node(nodeId).get(shard);
    if (data == null) {
      throw new IOException("no shard " + shard + " on " + nodeId);
    }
    if (offset + lengthBytes > data.length) {
      throw new IOException("range beyond shard " + shard);
    }
    byte[] slice = Arrays.copyOfRange(data, (int) offset, (int) (offset + lengthBytes));
    if (stallingReads.contains(nodeId)) {
      return new InputStream() {
        @Override
        public int read() throws IOException {
          try {
            Thread.sleep(60_000);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("read cancelled");
          }
          throw new IOException("stalled");
        }
      };
    }
    if (corruptReads.contains(nodeId)) {
      return new InputStream() {
        int pos;

        @Override
        public int read() throws IOException {
          if (pos >= Math.min(100, slice.length)) {
            throw new IOException("CRC32C mismatch in block of " + shard + " on " + nodeId);
          }
          return slice[pos++] & 0xff;
        }
      };
    }
    return new ByteArrayInputStream(slice);
  }

  @Override
  public boolean delete(String nodeId, ShardId shard) {
    return node(nodeId).remove(shard) != null;
  }

  @Override
  public void close() {}
}
