package io.moraine.placement;

/**
 * Configuration of the placement map computation. Immutable; {@link #validate()} before use.
 *
 * @param placementGroupCount number of placement groups; fixed for the life of a cluster, since
 *     every blob's group is {@code crc32c(dataId) % placementGroupCount}: changing it re-homes
 *     every shard. Too few groups balance poorly across nodes (256 suits up to ~100 nodes).
 * @param maxSlotsPerGroup how many node slots each group lists; slots beyond a storage class's
 *     width are the fallback order for shards whose home node is down. Too small: writes fail
 *     when several nodes are down although others are alive; the map grows with it.
 * @param weightUnitBytes capacity is counted in whole units of this size (at least one unit) for
 *     the placement weight, so capacity reports that wobble by a few bytes do not publish a new
 *     map; too large and nodes of different sizes weigh the same.
 */
public record PlacementConfig(int placementGroupCount, int maxSlotsPerGroup, long weightUnitBytes) {

  public static final int DEFAULT_PLACEMENT_GROUP_COUNT = 256;
  public static final int DEFAULT_MAX_SLOTS_PER_GROUP = 16;
  public static final long DEFAULT_WEIGHT_UNIT_BYTES = 1L << 30;

  /** 256 groups, 16 slots, 1 GiB weight units. */
  public static PlacementConfig defaults() {
    return new PlacementConfig(DEFAULT_PLACEMENT_GROUP_COUNT, DEFAULT_MAX_SLOTS_PER_GROUP, DEFAULT_WEIGHT_UNIT_BYTES);
  }

  public PlacementConfig validate() {
    if (placementGroupCount < 1 || placementGroupCount > 1 << 20) {
      throw new IllegalArgumentException("placementGroupCount must be in 1..2^20: " + placementGroupCount);
    }
    if (maxSlotsPerGroup < 1 || maxSlotsPerGroup > 256) {
      throw new IllegalArgumentException("maxSlotsPerGroup must be in 1..256: " + maxSlotsPerGroup);
    }
    if (weightUnitBytes < 1) {
      throw new IllegalArgumentException("weightUnitBytes must be positive: " + weightUnitBytes);
    }
    return this;
  }

  /** The placement weight of a node of this capacity: whole units, at least 1. */
  public long weightOf(long capacityBytes) {
    return Math.max(1, capacityBytes / weightUnitBytes);
  }
}
