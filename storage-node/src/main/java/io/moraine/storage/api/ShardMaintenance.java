package io.moraine.storage.api;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * What the repair service needs of storage nodes beyond reading and writing shards: node-side
 * verification (scrub without moving the bytes over the network) and a listing of every shard a
 * node holds (garbage collection). A separate interface, so clients that only read and write
 * (gateway fakes) need not implement it; {@code GrpcShardClients} implements both.
 *
 * <p>Fault model: a dead, hung or unknown node fails the call with an IOException within the
 * given timeout; the caller treats that node as unverifiable/unlisted for this pass.
 */
public interface ShardMaintenance {

  /**
   * Has the node check the CRC32C of every block of {@code shards}, paced on the node at
   * {@code bytesPerSecond} (0: the node's default). Every id given appears in exactly one list.
   */
  VerifyResult verify(String nodeId, List<ShardId> shards, long bytesPerSecond, Duration timeout) throws IOException;

  /** Every published shard on the node. */
  List<ListedShard> list(String nodeId, Duration timeout) throws IOException;

  record VerifyResult(List<ShardId> intact, List<ShardId> corrupt, List<ShardId> missing, long verifiedBytes) {
    public VerifyResult {
      intact = List.copyOf(intact);
      corrupt = List.copyOf(corrupt);
      missing = List.copyOf(missing);
    }
  }

  /** A shard on a node; {@code publishedMillis} is 0 when the node does not report it (older nodes). */
  record ListedShard(ShardId shard, int placementGroup, long lengthBytes, long publishedMillis) {}
}
