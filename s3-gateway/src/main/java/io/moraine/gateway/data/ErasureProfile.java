package io.moraine.gateway.data;

import io.moraine.erasure.ReedSolomon;

/**
 * A storage class's erasure profile: k data + m parity shards per stripe and the failure-domain
 * rule handed to placement (at most {@code maxShardsPerAz} shards of a stripe per AZ and
 * {@code maxShardsPerNode} per node), so losing one AZ or m nodes loses at most m shards.
 */
public record ErasureProfile(int dataShards, int parityShards, int maxShardsPerAz, int maxShardsPerNode) {

  public static final ErasureProfile RS_4_2 = new ErasureProfile(4, 2, 2, 2);
  public static final ErasureProfile RS_2_1 = new ErasureProfile(2, 1, 1, 1);

  public ErasureProfile {
    if (dataShards < 1 || parityShards < 0 || dataShards + parityShards > ReedSolomon.MAX_TOTAL_SHARDS
        || maxShardsPerAz < 1 || maxShardsPerNode < 1) {
      throw new IllegalArgumentException("bad erasure profile: k=" + dataShards + " m=" + parityShards
          + " maxShardsPerAz=" + maxShardsPerAz + " maxShardsPerNode=" + maxShardsPerNode);
    }
  }

  public int totalShards() {
    return dataShards + parityShards;
  }

  /** DESIGN.md, storage classes: REDUCED_REDUNDANCY is RS 2+1; every other class RS 4+2 for now. */
  public static ErasureProfile forStorageClass(String storageClass) {
    return "REDUCED_REDUNDANCY".equals(storageClass) ? RS_2_1 : RS_4_2;
  }
}
