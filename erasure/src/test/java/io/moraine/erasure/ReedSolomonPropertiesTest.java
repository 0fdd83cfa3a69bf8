package io.moraine.erasure;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/** Random loss patterns on shapes too wide for exhaustive enumeration, and SIMD against scalar. */
class ReedSolomonPropertiesTest {
  record Case(int k, int m, int missing, long seed, int length, int offset) {}

  /** Shapes up to (17,3) and (10,4), any number of losses up to m, lengths around vector boundaries. */
  @Provide
  Arbitrary<Case> cases() {
    Arbitrary<int[]> shape = Arbitraries.oneOf(
        Combinators.combine(Arbitraries.integers().between(1, 17), Arbitraries.integers().between(0, 3))
            .as((k, m) -> new int[] {k, m}),
        Combinators.combine(Arbitraries.integers().between(1, 10), Arbitraries.integers().between(0, 4))
            .as((k, m) -> new int[] {k, m}));
    Arbitrary<Integer> length = Arbitraries.oneOf(Arbitraries.integers().between(0, 300),
        Arbitraries.of(0, 1, 63, 64, 65, 127, 128, 129, 4095, 4096, 4097));
    return Combinators.combine(shape, Arbitraries.integers().between(0, 4), Arbitraries.longs(), length,
        Arbitraries.integers().between(0, 70))
        .as((s, missing, seed, len, offset) -> new Case(s[0], s[1], Math.min(missing, s[1]), seed, len, offset));
  }

  @Property(tries = 300)
  void anyLossOfUpToMShardsIsRebuiltBitExact(@ForAll("cases") Case c) {
    for (ReedSolomon codec : new ReedSolomon[] {ReedSolomon.create(c.k(), c.m()), ReedSolomon.scalar(c.k(), c.m())}) {
      SplittableRandom random = new SplittableRandom(c.seed());
      byte[][] original = TestShards.encoded(codec, c.offset() + c.length() + 3, c.offset(), c.length(), random);
      assertThat(codec.verifyParity(original, c.offset(), c.length())).isTrue();
      int[] lost = random.ints(0, c.k() + c.m()).distinct().limit(c.missing()).toArray();
      byte[][] shards = TestShards.copy(original);
      boolean[] present = new boolean[c.k() + c.m()];
      Arrays.fill(present, true);
      for (int i : lost) {
        present[i] = false;
        shards[i] = random.nextBoolean() ? null : new byte[original[i].length];
      }
      codec.reconstruct(shards, present, c.offset(), c.length());
      for (int i : lost) {
        assertThat(Arrays.copyOfRange(shards[i], c.offset(), c.offset() + c.length())).as("shard %d of %s", i, c)
            .isEqualTo(Arrays.copyOfRange(original[i], c.offset(), c.offset() + c.length()));
      }
    }
  }

  @Property(tries = 200)
  void simdAndScalarProduceIdenticalParity(@ForAll @IntRange(min = 1, max = 20) int k,
      @ForAll @IntRange(min = 1, max = 8) int m, @ForAll @IntRange(min = 0, max = 2000) int length,
      @ForAll @IntRange(min = 0, max = 70) int offset, @ForAll @LongRange long seed) {
    ReedSolomon simd = ReedSolomon.create(k, m);
    ReedSolomon scalar = ReedSolomon.scalar(k, m);
    byte[][] a = TestShards.encoded(simd, offset + length + 5, offset, length, new SplittableRandom(seed));
    byte[][] b = TestShards.copy(a);
    scalar.encodeParity(b, offset, length);
    for (int i = 0; i < k + m; i++) {
      assertThat(a[i]).as("shard %d", i).isEqualTo(b[i]);
    }
  }

  @Property(tries = 100)
  void verifyParityFindsAnySingleFlippedByte(@ForAll @IntRange(min = 1, max = 12) int k,
      @ForAll @IntRange(min = 1, max = 4) int m, @ForAll @IntRange(min = 1, max = 300) int length,
      @ForAll @LongRange long seed) {
    ReedSolomon codec = ReedSolomon.create(k, m);
    SplittableRandom random = new SplittableRandom(seed);
    byte[][] shards = TestShards.encoded(codec, length, 0, length, random);
    shards[random.nextInt(k + m)][random.nextInt(length)] ^= (byte) (1 + random.nextInt(255));
    assertThat(codec.verifyParity(shards, 0, length)).isFalse();
  }

  @Property(tries = 100)
  void reconstructDataRebuildsDataAndLeavesParityAlone(@ForAll @IntRange(min = 1, max = 10) int k,
      @ForAll @IntRange(min = 1, max = 4) int m, @ForAll @LongRange long seed) {
    ReedSolomon codec = ReedSolomon.create(k, m);
    SplittableRandom random = new SplittableRandom(seed);
    byte[][] original = TestShards.encoded(codec, 200, 0, 200, random);
    byte[][] shards = TestShards.copy(original);
    boolean[] present = new boolean[k + m];
    Arrays.fill(present, true);
    random.ints(0, k + m).distinct().limit(m).forEach(i -> {
      present[i] = false;
      shards[i] = null;
    });
    codec.reconstructData(shards, present, 0, 200);
    for (int i = 0; i < k + m; i++) {
      if (i < k) {
        assertThat(shards[i]).isEqualTo(original[i]);
      } else if (!present[i]) {
        assertThat(shards[i]).isNull();
      }
    }
  }

  @Property(tries = 20)
  void widestShapesRebuildParityAndData(@ForAll @IntRange(min = 100, max = 200) int k, @ForAll @LongRange long seed) {
    int m = 256 - k;
    ReedSolomon codec = ReedSolomon.create(k, m);
    SplittableRandom random = new SplittableRandom(seed);
    byte[][] original = TestShards.encoded(codec, 70, 0, 70, random);
    byte[][] shards = TestShards.copy(original);
    boolean[] present = new boolean[k + m];
    Arrays.fill(present, true);
    random.ints(0, k + m).distinct().limit(m).forEach(i -> present[i] = false);
    codec.reconstruct(shards, present, 0, 70);
    for (int i = 0; i < k + m; i++) {
      assertThat(shards[i]).as("shard %d", i).isEqualTo(original[i]);
    }
  }
}
