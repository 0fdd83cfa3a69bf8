package io.moraine.gateway.data;

import io.moraine.metadata.api.DataLayout;
import io.moraine.metadata.api.Segment;
import io.moraine.storage.api.ShardClients;
import io.moraine.storage.api.ShardId;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes the shards of data no committed version references any more (a replaced version, an
 * aborted write, unused parts), best effort and in the background. Fault model: a failed or
 * skipped delete leaves orphan shards, never a wrong read; orphans are for the garbage collector
 * that write intents will drive (later issue), so failures are logged, not retried.
 */
public final class DataCollector {
  private static final Logger log = LoggerFactory.getLogger(DataCollector.class);

  private final ShardClients shards;
  private final ExecutorService background;

  public DataCollector(ShardClients shards, ExecutorService background) {
    this.shards = shards;
    this.background = background;
  }

  public void collect(DataLayout layout) {
    if (layout instanceof DataLayout.Segments s) {
      s.segments().forEach(this::collect);
    }
  }

  public void collect(Segment segment) {
    List<String> nodes = segment.shardNodes();
    for (int i = 0; i < nodes.size(); i++) {
      deleteShard(nodes.get(i), new ShardId(segment.dataId(), i));
    }
  }

  /** Schedules one shard deletion. */
  public void deleteShard(String nodeId, ShardId shard) {
    try {
      background.execute(() -> {
        try {
          shards.delete(nodeId, shard);
        } catch (IOException | RuntimeException e) {
          log.warn("best-effort delete of shard {} on {} failed; it stays for garbage collection: {}", shard, nodeId,
              e.toString());
        }
      });
    } catch (RejectedExecutionException e) {
      log.warn("gateway closing; shard {} on {} left for garbage collection", shard, nodeId);
    }
  }
}
