package io.moraine.metadata.api;

import java.util.List;

/**
 * One erasure-coded blob: {@code size} bytes cut into stripes of {@code dataShards} chunks of
 * {@code chunkSizeBytes} each (the last stripe padded), plus {@code parityShards} parity chunks
 * per stripe. Shard i (0..k+m-1) holds chunk i of every stripe, in stripe order, on node
 * {@code shardNodes.get(i)}.
 *
 * @param dataId unique id of the blob; shard ids are (dataId, index)
 * @param placementGroup the placement group the blob hashes to
 * @param placementEpoch the epoch of the placement map the write used
 * @param shardNodes the node that durably holds each shard (k+m entries)
 * @param misplaced for each shard, true when it went to a fallback node rather than the one the
 *     map named (repair moves it home)
 * @param zone the AZ every shard of a one-zone segment (ONEZONE_IA) lives in, chosen at write
 *     time; empty for a segment spread over AZs. Repair, drain and rebalance keep it.
 * @param maxShardsPerAz the failure-domain rule the segment was written under; 0 (segments
 *     written before it was recorded) means {@code parityShards}
 */
public record Segment(
    String dataId,
    long size,
    int dataShards,
    int parityShards,
    int chunkSizeBytes,
    int placementGroup,
    long placementEpoch,
    List<String> shardNodes,
    List<Boolean> misplaced,
    String zone,
    int maxShardsPerAz) {

  public Segment {
    shardNodes = List.copyOf(shardNodes);
    misplaced = List.copyOf(misplaced);
    zone = zone == null ? "" : zone;
  }

  /** A segment spread over AZs under the default rule (at most m shards per AZ). */
  public Segment(String dataId, long size, int dataShards, int parityShards, int chunkSizeBytes, int placementGroup,
      long placementEpoch, List<String> shardNodes, List<Boolean> misplaced) {
    this(dataId, size, dataShards, parityShards, chunkSizeBytes, placementGroup, placementEpoch, shardNodes, misplaced,
        "", 0);
  }

  /** Whether every shard lives in one AZ ({@link #zone()}), at most one per node. */
  public boolean oneZone() {
    return !zone.isEmpty();
  }

  /** At most this many shards of a stripe in one AZ. */
  public int shardsPerAzMax() {
    if (oneZone()) {
      return dataShards + parityShards;
    }
    return maxShardsPerAz > 0 ? maxShardsPerAz : Math.max(1, parityShards);
  }

  /** At most this many shards of a stripe on one node: 1 for one-zone segments, else m (DESIGN.md, write rule). */
  public int shardsPerNodeMax() {
    return oneZone() ? 1 : Math.max(1, parityShards);
  }
}
