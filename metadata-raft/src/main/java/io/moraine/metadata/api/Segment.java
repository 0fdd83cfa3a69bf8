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
    List<Boolean> misplaced) {

  public Segment {
    shardNodes = List.copyOf(shardNodes);
    misplaced = List.copyOf(misplaced);
  }
}
