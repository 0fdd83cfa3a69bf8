package io.moraine.erasure;

import java.util.SplittableRandom;

final class TestShards {
  private TestShards() {}

  /** k+m shards of shardLength bytes, random data over everything, parity encoded over [offset, offset+length). */
  static byte[][] encoded(ReedSolomon codec, int shardLength, int offset, int length, SplittableRandom random) {
    byte[][] shards = new byte[codec.totalShards()][shardLength];
    for (byte[] shard : shards) {
      random.nextBytes(shard);
    }
    codec.encodeParity(shards, offset, length);
    return shards;
  }

  static byte[][] copy(byte[][] shards) {
    byte[][] copy = new byte[shards.length][];
    for (int i = 0; i < shards.length; i++) {
      copy[i] = shards[i] == null ? null : shards[i].clone();
    }
    return copy;
  }
}
