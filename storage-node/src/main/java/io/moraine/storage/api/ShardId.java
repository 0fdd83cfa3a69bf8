package io.moraine.storage.api;

/** A shard: chunk column {@code index} (0..k+m-1) of the erasure-coded blob {@code dataId}. */
public record ShardId(String dataId, int index) {
  @Override
  public String toString() {
    return dataId + "#" + index;
  }
}
