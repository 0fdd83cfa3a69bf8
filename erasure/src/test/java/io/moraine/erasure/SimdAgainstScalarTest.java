package io.moraine.erasure;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Runs the SIMD codec long enough for the JIT to compile its vector loops (the property tests mostly
 * see interpreted code) and compares every result with the scalar codec, including decodes.
 */
class SimdAgainstScalarTest {
  @Test
  void compiledSimdLoopsMatchScalarOnRandomShapesAndLengths() {
    SplittableRandom random = new SplittableRandom(2026);
    int[][] shapes = {{4, 2}, {6, 3}, {10, 4}, {12, 4}, {3, 7}, {17, 3}, {2, 1}};
    ReedSolomon[] simd = new ReedSolomon[shapes.length];
    ReedSolomon[] scalar = new ReedSolomon[shapes.length];
    for (int i = 0; i < shapes.length; i++) {
      simd[i] = ReedSolomon.create(shapes[i][0], shapes[i][1]);
      scalar[i] = ReedSolomon.scalar(shapes[i][0], shapes[i][1]);
    }
    for (int round = 0; round < 4000; round++) {
      int s = random.nextInt(shapes.length);
      int k = shapes[s][0];
      int m = shapes[s][1];
      int length = random.nextInt(3) == 0 ? random.nextInt(70) : random.nextInt(5000);
      int offset = random.nextInt(65);
      byte[][] a = TestShards.encoded(simd[s], offset + length, offset, length, random);
      byte[][] b = TestShards.copy(a);
      scalar[s].encodeParity(b, offset, length);
      for (int i = k; i < k + m; i++) {
        assertThat(Arrays.equals(a[i], b[i])).as("round %d shape %d+%d length %d shard %d", round, k, m, length, i).isTrue();
      }
      boolean[] present = new boolean[k + m];
      Arrays.fill(present, true);
      random.ints(0, k + m).distinct().limit(m).forEach(i -> present[i] = false);
      byte[][] lostA = TestShards.copy(a);
      for (int i = 0; i < k + m; i++) {
        if (!present[i]) {
          Arrays.fill(lostA[i], offset, offset + length, (byte) 0);
        }
      }
      simd[s].reconstruct(lostA, present, offset, length);
      for (int i = 0; i < k + m; i++) {
        assertThat(Arrays.equals(lostA[i], a[i])).as("round %d shape %d+%d decode shard %d", round, k, m, i).isTrue();
      }
    }
  }
}
