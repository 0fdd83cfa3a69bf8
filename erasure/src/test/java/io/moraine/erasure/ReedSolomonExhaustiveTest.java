package io.moraine.erasure;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Every erasure pattern of up to m shards (data and parity) for every (k, m) with k <= 6, m <= 3, both kernels. */
class ReedSolomonExhaustiveTest {
  @Test
  void everyErasurePatternUpToSixPlusThreeIsRebuilt() {
    SplittableRandom random = new SplittableRandom(3);
    int patterns = 0;
    for (int k = 1; k <= 6; k++) {
      for (int m = 0; m <= 3; m++) {
        for (ReedSolomon codec : new ReedSolomon[] {ReedSolomon.scalar(k, m), ReedSolomon.create(k, m)}) {
          // 131 bytes: two 64-byte vectors plus a scalar tail, at a non-zero offset.
          byte[][] original = TestShards.encoded(codec, 131 + 7, 7, 131, random);
          for (int mask = 0; mask < (1 << (k + m)); mask++) {
            if (Integer.bitCount(mask) > m) {
              continue;
            }
            byte[][] shards = TestShards.copy(original);
            boolean[] present = new boolean[k + m];
            for (int i = 0; i < k + m; i++) {
              present[i] = (mask & (1 << i)) == 0;
              if (!present[i]) {
                java.util.Arrays.fill(shards[i], 7, 7 + 131, (byte) 0x5a);
              }
            }
            codec.reconstruct(shards, present, 7, 131);
            for (int i = 0; i < k + m; i++) {
              assertThat(shards[i]).as("k=%d m=%d mask=%s shard %d simd=%s", k, m, Integer.toBinaryString(mask), i,
                  codec.isSimd()).isEqualTo(original[i]);
            }
            patterns++;
          }
        }
      }
    }
    assertThat(patterns).isGreaterThan(1000);
  }
}
