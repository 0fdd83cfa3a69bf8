package io.moraine.placement;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * A versioned placement map: every placement group maps to an ordered list of node slots.
 * Computed deterministically from the topology by the elected placement leader and published in
 * ZooKeeper; the epoch grows by one with every change.
 *
 * @param epoch version of this map; recorded with every blob written under it
 * @param placementGroupCount fixed for the life of a cluster
 * @param nodes the members the map was computed from, sorted by node id
 * @param groups for each placement group, node ids in slot order (slot i holds shard i)
 */
public record PlacementMap(long epoch, int placementGroupCount, List<NodeInfo> nodes, List<List<String>> groups) {

  public PlacementMap {
    nodes = List.copyOf(nodes);
    groups = groups.stream().map(List::copyOf).toList();
  }

  /** The placement group a blob belongs to: a stable hash of its data id (CRC32C, not hashCode). */
  public int placementGroupOf(String dataId) {
    CRC32C crc = new CRC32C();
    crc.update(dataId.getBytes(StandardCharsets.UTF_8));
    return (int) (crc.getValue() % placementGroupCount);
  }
}
