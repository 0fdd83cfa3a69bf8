package io.moraine.repair;

import io.moraine.placement.PlacementView;
import java.time.InstantSource;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which storage nodes are down, and which have been down longer than the grace period ("lost":
 * their shards are rebuilt elsewhere). Down = no liveness registration in ZooKeeper, or not a
 * member at all (removed). The down-since times are carried in {@link RepairProgress}, so a new
 * repair leader does not restart the grace period of a node that died long ago.
 *
 * <p>Fault model: liveness lags a crash by one ZooKeeper session timeout; a node that flaps
 * restarts its grace period each time it is seen up.
 */
final class NodeHealth {
  private final PlacementView view;
  private final InstantSource clock;
  private final long graceMillis;
  private final Map<String, Long> downSince = new ConcurrentHashMap<>();

  NodeHealth(PlacementView view, InstantSource clock, long graceMillis, Map<String, Long> restored) {
    this.view = view;
    this.clock = clock;
    this.graceMillis = graceMillis;
    downSince.putAll(restored);
  }

  boolean isLive(String nodeId) {
    if (view.isLive(nodeId)) {
      downSince.remove(nodeId);
      return true;
    }
    downSince.putIfAbsent(nodeId, clock.millis());
    return false;
  }

  /** Down for at least the grace period. */
  boolean isLost(String nodeId) {
    if (isLive(nodeId)) {
      return false;
    }
    return clock.millis() - downSince.get(nodeId) >= graceMillis;
  }

  /** Re-checks every node seen down so that nodes back up leave the table. */
  SortedMap<String, Long> snapshot() {
    for (String node : downSince.keySet()) {
      isLive(node);
    }
    return new TreeMap<>(downSince);
  }
}
