package io.moraine.repair;

import io.moraine.storage.api.CorruptShardException;
import io.moraine.storage.api.ShardClients;
import io.moraine.storage.api.ShardId;
import io.moraine.storage.api.ShardMaintenance;
import java.util.ArrayList;
import java.util.List;
import io.moraine.storage.api.ShardNotFoundException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Storage nodes in memory: dead nodes refuse everything; corrupt shards fail their reads like a bad
 * CRC. Shards written through {@link #openWrite} are stamped with {@link #clock}'s time (GC's age);
 * ones put directly were published at epoch millisecond 1 (long ago).
 */
final class FakeShards implements ShardClients, ShardMaintenance {
  final Map<String, Map<ShardId, byte[]>> nodes = new ConcurrentHashMap<>();
  final Map<String, Long> publishedAt = new ConcurrentHashMap<>(); // "node/dataId#i"
  final java.util.concurrent.atomic.AtomicInteger verifyCalls = new java.util.concurrent.atomic.AtomicInteger();
  volatile java.util.function.LongSupplier clock = () -> 0;
  final Set<String> dead = ConcurrentHashMap.newKeySet();
  final Set<String> corrupt = ConcurrentHashMap.newKeySet(); // "node/dataId#i"

  Map<ShardId, byte[]> on(String node) {
    return nodes.computeIfAbsent(node, n -> new ConcurrentHashMap<>());
  }

  private void checkUp(String node) throws IOException {
    if (dead.contains(node)) {
      throw new IOException("storage node " + node + " unreachable");
    }
  }

  @Override
  public ShardWriter openWrite(String nodeId, ShardId shard, int placementGroup, long lengthBytes) throws IOException {
    checkUp(nodeId);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    return new ShardWriter() {
      boolean aborted;

      @Override
      public void write(byte[] buffer, int offset, int length) {
        out.write(buffer, offset, length);
      }

      @Override
      public CompletableFuture<ShardAck> finish() {
        if (aborted || dead.contains(nodeId) || out.size() != lengthBytes) {
          return CompletableFuture.failedFuture(new IOException("write of " + shard + " to " + nodeId + " failed"));
        }
        on(nodeId).put(shard, out.toByteArray());
        publishedAt.put(nodeId + "/" + shard, clock.getAsLong());
        corrupt.remove(nodeId + "/" + shard);
        return CompletableFuture.completedFuture(new ShardAck(nodeId, lengthBytes, 0));
      }

      @Override
      public void abort() {
        aborted = true;
      }
    };
  }

  @Override
  public InputStream read(String nodeId, ShardId shard, long offset, long lengthBytes, Duration timeout) throws IOException {
    checkUp(nodeId);
    byte[] bytes = on(nodeId).get(shard);
    if (bytes == null) {
      throw new ShardNotFoundException(shard + " not on " + nodeId);
    }
    if (corrupt.contains(nodeId + "/" + shard)) {
      throw new CorruptShardException(shard + " on " + nodeId + " failed its CRC", null);
    }
    return new ByteArrayInputStream(Arrays.copyOfRange(bytes, (int) offset, (int) (offset + lengthBytes)));
  }

  @Override
  public boolean delete(String nodeId, ShardId shard) throws IOException {
    checkUp(nodeId);
    return on(nodeId).remove(shard) != null;
  }

  @Override
  public VerifyResult verify(String nodeId, List<ShardId> ids, long bytesPerSecond, Duration timeout) throws IOException {
    checkUp(nodeId);
    verifyCalls.incrementAndGet();
    List<ShardId> intact = new ArrayList<>();
    List<ShardId> bad = new ArrayList<>();
    List<ShardId> missing = new ArrayList<>();
    long bytes = 0;
    for (ShardId id : ids) {
      byte[] b = on(nodeId).get(id);
      if (b == null) {
        missing.add(id);
      } else {
        bytes += b.length;
        (corrupt.contains(nodeId + "/" + id) ? bad : intact).add(id);
      }
    }
    return new VerifyResult(intact, bad, missing, bytes);
  }

  @Override
  public List<ListedShard> list(String nodeId, Duration timeout) throws IOException {
    checkUp(nodeId);
    List<ListedShard> out = new ArrayList<>();
    on(nodeId).forEach((id, b) -> out.add(new ListedShard(id, 0, b.length, publishedAt.getOrDefault(nodeId + "/" + id, 1L))));
    return out;
  }

  @Override
  public void close() {}
}
