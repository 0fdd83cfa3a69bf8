package io.moraine.repair;

import io.moraine.metadata.api.Segment;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every (node, shard) some manifest named during one repair walk: the live set garbage collection
 * keeps. Filled concurrently by the walk's workers. Memory is one entry per shard in the cluster
 * (tens of bytes each), which is why collection runs only after a complete walk and the set is
 * dropped right after.
 *
 * <p>A walk that could not read back a placement it changed marks the set inconsistent: it may
 * miss a live copy, so no shard is deleted on its word.
 */
final class ShardReferences {
  private final Set<String> refs = ConcurrentHashMap.newKeySet();
  private volatile boolean consistent = true;

  void add(Segment segment) {
    for (int i = 0; i < segment.shardNodes().size(); i++) {
      refs.add(key(segment.shardNodes().get(i), segment.dataId(), i));
    }
  }

  boolean contains(String node, String dataId, int index) {
    return refs.contains(key(node, dataId, index));
  }

  void markInconsistent() {
    consistent = false;
  }

  boolean consistent() {
    return consistent;
  }

  int size() {
    return refs.size();
  }

  static String key(String node, String dataId, int index) {
    return node + '\0' + dataId + '#' + index;
  }
}
