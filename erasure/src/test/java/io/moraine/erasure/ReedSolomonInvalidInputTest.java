package io.moraine.erasure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Bad input gets an IllegalArgumentException and leaves the caller's bytes untouched, never wrong bytes. */
class ReedSolomonInvalidInputTest {
  private final ReedSolomon codec = ReedSolomon.create(4, 2);

  @Test
  void badShapesAreRejected() {
    for (int[] shape : new int[][] {{0, 2}, {-1, 1}, {4, -1}, {200, 57}, {257, 0}}) {
      assertThatThrownBy(() -> ReedSolomon.create(shape[0], shape[1])).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("dataShards=" + shape[0]);
      assertThatThrownBy(() -> ReedSolomon.scalar(shape[0], shape[1])).isInstanceOf(IllegalArgumentException.class);
    }
    assertThat(ReedSolomon.create(1, 0).totalShards()).isEqualTo(1);
    assertThat(ReedSolomon.create(255, 1).totalShards()).isEqualTo(256);
    assertThat(ReedSolomon.create(1, 255).totalShards()).isEqualTo(256);
  }

  @Test
  void moreThanMMissingIsRejectedWithoutTouchingBytes() {
    byte[][] shards = TestShards.encoded(codec, 100, 0, 100, new SplittableRandom(1));
    byte[][] before = TestShards.copy(shards);
    boolean[] present = {false, true, false, true, false, true};
    assertThatThrownBy(() -> codec.reconstruct(shards, present, 0, 100)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("too many missing shards: 3");
    for (int i = 0; i < shards.length; i++) {
      assertThat(shards[i]).isEqualTo(before[i]);
    }
  }

  @Test
  void wrongShardCountUnequalLengthsAndBadRangesAreRejected() {
    byte[][] five = new byte[5][10];
    assertThatThrownBy(() -> codec.encodeParity(five, 0, 10)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("shards.length=5");
    byte[][] unequal = new byte[6][10];
    unequal[3] = new byte[11];
    assertThatThrownBy(() -> codec.encodeParity(unequal, 0, 10)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unequal");
    byte[][] ok = new byte[6][10];
    assertThatThrownBy(() -> codec.encodeParity(ok, 5, 6)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("exceeds");
    assertThatThrownBy(() -> codec.encodeParity(ok, -1, 2)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> codec.encodeParity(ok, 0, -2)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> codec.verifyParity(unequal, 0, 10)).isInstanceOf(IllegalArgumentException.class);
    byte[][] withNull = new byte[6][10];
    withNull[1] = null;
    assertThatThrownBy(() -> codec.encodeParity(withNull, 0, 10)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("shard 1 is null");
    boolean[] allPresent = new boolean[6];
    Arrays.fill(allPresent, true);
    assertThatThrownBy(() -> codec.reconstruct(withNull, allPresent, 0, 10)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> codec.reconstruct(ok, new boolean[5], 0, 10)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("present.length=5");
  }

  @Test
  void emptyRangesAndZeroParityAreFine() {
    ReedSolomon noParity = ReedSolomon.create(3, 0);
    byte[][] shards = new byte[3][5];
    noParity.encodeParity(shards, 0, 5);
    assertThat(noParity.verifyParity(shards, 0, 5)).isTrue();
    byte[][] empty = new byte[6][0];
    codec.encodeParity(empty, 0, 0);
    assertThat(codec.verifyParity(empty, 0, 0)).isTrue();
    codec.reconstruct(empty, new boolean[] {false, true, true, true, true, false}, 0, 0);
  }
}
