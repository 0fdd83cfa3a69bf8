package io.moraine.gateway.data;

import io.moraine.erasure.ReedSolomon;

/**
 * A storage class's erasure profile: k data + m parity shards per stripe and the failure-domain
 * rule handed to placement. Spread profiles keep at most {@code maxShardsPerAz} shards of a
 * stripe per AZ and {@code maxShardsPerNode} per node, so losing one AZ or m nodes loses at most
 * m shards. One-zone profiles (ONEZONE_IA) put every shard in one AZ, at most one per node: they
 * survive the loss of m nodes, not of their AZ. Resolved from the class by {@link StorageClasses}.
 */
public record ErasureProfile(int dataShards, int parityShards, int maxShardsPerAz, int maxShardsPerNode, boolean oneZone) {

  public static final ErasureProfile RS_4_2 = spread(4, 2);
  public static final ErasureProfile RS_2_1 = spread(2, 1);

  public ErasureProfile {
    if (dataShards < 1 || parityShards < 0 || dataShards + parityShards > ReedSolomon.MAX_TOTAL_SHARDS
        || maxShardsPerAz < 1 || maxShardsPerNode < 1 || (oneZone && maxShardsPerNode != 1)) {
      throw new IllegalArgumentException("bad erasure profile: k=" + dataShards + " m=" + parityShards
          + " maxShardsPerAz=" + maxShardsPerAz + " maxShardsPerNode=" + maxShardsPerNode + " oneZone=" + oneZone);
    }
  }

  /** RS k+m spread over AZs: at most m shards per AZ and per node (DESIGN.md, write rule). */
  public static ErasureProfile spread(int k, int m) {
    int cap = Math.max(1, m);
    return new ErasureProfile(k, m, cap, cap, false);
  }

  /** RS k+m in one AZ, one shard per node. */
  public static ErasureProfile oneZone(int k, int m) {
    return new ErasureProfile(k, m, k + m, 1, true);
  }

  public int totalShards() {
    return dataShards + parityShards;
  }

  /** {@code k+m}, as configured and announced. */
  public String label() {
    return dataShards + "+" + parityShards;
  }
}
