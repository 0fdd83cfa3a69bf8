package io.moraine.erasure;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GaloisTest {
  /** Carry-less multiply reduced by 0x11D: the definition the tables must match. */
  private static int reference(int a, int b) {
    int product = 0;
    for (int i = 0; i < 8; i++) {
      if ((b & (1 << i)) != 0) {
        product ^= a << i;
      }
    }
    for (int bit = 15; bit >= 8; bit--) {
      if ((product & (1 << bit)) != 0) {
        product ^= Galois.POLYNOMIAL << (bit - 8);
      }
    }
    return product;
  }

  @Test
  void tablesMatchCarrylessMultiplicationAndDivisionInverts() {
    for (int a = 0; a < 256; a++) {
      for (int b = 0; b < 256; b++) {
        byte p = Galois.multiply((byte) a, (byte) b);
        assertThat(p & 0xff).as("%d * %d", a, b).isEqualTo(reference(a, b));
        if (b != 0) {
          assertThat(Galois.divide(p, (byte) b) & 0xff).isEqualTo(a);
        }
      }
    }
  }

  @Test
  void encodingMatrixIsSystematic() {
    byte[][] matrix = Matrix.systematicEncoding(5, 3);
    for (int r = 0; r < 5; r++) {
      for (int c = 0; c < 5; c++) {
        assertThat(matrix[r][c]).isEqualTo((byte) (r == c ? 1 : 0));
      }
    }
  }
}
