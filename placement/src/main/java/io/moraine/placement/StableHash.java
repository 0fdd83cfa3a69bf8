package io.moraine.placement;

import java.nio.charset.StandardCharsets;

/**
 * The hash placement is built on. Fixed forever (a change re-homes data), independent of the JVM
 * ({@code String.hashCode} and {@code Math.log} are not used), and well mixed so that rendezvous
 * scores of different (group, position, node) triples are independent.
 */
final class StableHash {

  private StableHash() {}

  /** 64-bit FNV-1a of the UTF-8 bytes, then a murmur3 finalizer. */
  static long ofString(String s) {
    long h = 0xcbf29ce484222325L;
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    return fmix64(h);
  }

  /** Combines a pre-hashed name with a placement group and a position. */
  static long combine(long nameHash, int placementGroup, int position) {
    long k = fmix64(placementGroup * 0x9e3779b97f4a7c15L + position * 0xc2b2ae3d27d4eb4fL + 0x165667b19e3779f9L);
    return fmix64(nameHash ^ k);
  }

  /**
   * Straw2 score of a weighted candidate: {@code ln(u) / weight} with {@code u} uniform in (0, 1]
   * drawn from the hash. The highest score wins; a candidate wins with probability proportional
   * to its weight, and adding or removing a candidate changes only the draws it wins or loses.
   */
  static double straw2(long hash, long weight) {
    double u = ((hash >>> 11) + 1) * 0x1.0p-53;
    return StrictMath.log(u) / weight;
  }

  static long fmix64(long k) {
    k ^= k >>> 33;
    k *= 0xff51afd7ed558ccdL;
    k ^= k >>> 33;
    k *= 0xc4ceb9fe1a85ec53L;
    k ^= k >>> 33;
    return k;
  }
}
