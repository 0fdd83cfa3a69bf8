package io.moraine.chaos.nemesis;

import io.moraine.chaos.cluster.ClusterShape;
import java.util.Set;
import java.util.TreeSet;

/**
 * DESIGN.md, Invariants: the faults the design promises to survive at once — one AZ, or m
 * storage nodes, or shards corrupted on up to m nodes of a stripe — plus a minority of metadata
 * peers (and, for coordination, a minority of ZooKeeper servers). Gateways are stateless and
 * outside the budget, but never all of them at once.
 *
 * @param parityShards m of the storage classes in use (RS 4+2: 2)
 * @param metaPeers metadata peers (3)
 * @param zkServers ZooKeeper servers (3)
 * @param gateways gateways
 */
public record FaultBudget(int parityShards, int metaPeers, int zkServers, int gateways) {

  public boolean allows(Impact i) {
    boolean storageOk = i.storage().size() <= parityShards || sameAz(i.storage());
    return storageOk
        && i.meta().size() <= (metaPeers - 1) / 2
        && i.zk().size() <= (zkServers - 1) / 2
        && i.gateways().size() < gateways;
  }

  private static boolean sameAz(Set<String> storage) {
    Set<String> azs = new TreeSet<>();
    storage.forEach(id -> azs.add(ClusterShape.azOf(id)));
    return azs.size() <= 1;
  }
}
