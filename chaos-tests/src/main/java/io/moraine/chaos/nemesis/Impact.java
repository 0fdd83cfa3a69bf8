package io.moraine.chaos.nemesis;

import java.util.Set;
import java.util.TreeSet;

/**
 * Which nodes a fault impairs, in the terms of DESIGN.md's fault budget.
 *
 * @param storage storage nodes down, frozen, cut off, lossy or holding corrupted shards
 * @param meta metadata peers impaired
 * @param zk ZooKeeper servers impaired
 * @param gateways gateways impaired (not part of the budget: gateways are stateless)
 * @param persistent whether the impairment outlives the fault window (bitrot stays until repaired)
 */
public record Impact(Set<String> storage, Set<String> meta, Set<String> zk, Set<String> gateways, boolean persistent) {

  public Impact {
    storage = Set.copyOf(storage);
    meta = Set.copyOf(meta);
    zk = Set.copyOf(zk);
    gateways = Set.copyOf(gateways);
  }

  public static final Impact NONE = new Impact(Set.of(), Set.of(), Set.of(), Set.of(), false);

  /** The impact of impairing these nodes (sorted by role from their ids). */
  public static Impact of(Iterable<String> nodeIds, boolean persistent) {
    Set<String> s = new TreeSet<>();
    Set<String> m = new TreeSet<>();
    Set<String> z = new TreeSet<>();
    Set<String> g = new TreeSet<>();
    for (String id : nodeIds) {
      if (id.startsWith("storage-")) {
        s.add(id);
      } else if (id.startsWith("meta-")) {
        m.add(id);
      } else if (id.startsWith("zk-")) {
        z.add(id);
      } else {
        g.add(id);
      }
    }
    return new Impact(s, m, z, g, persistent);
  }

  public Impact plus(Impact o) {
    Set<String> s = new TreeSet<>(storage);
    s.addAll(o.storage);
    Set<String> m = new TreeSet<>(meta);
    m.addAll(o.meta);
    Set<String> z = new TreeSet<>(zk);
    z.addAll(o.zk);
    Set<String> g = new TreeSet<>(gateways);
    g.addAll(o.gateways);
    return new Impact(s, m, z, g, persistent || o.persistent);
  }
}
