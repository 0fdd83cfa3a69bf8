/*
 * Galois: arithmetic in GF(2^8) with the primitive polynomial x^8+x^4+x^3+x^2+1 (0x11D), generator 2,
 * the field used by most storage Reed-Solomon codes (Backblaze, ISA-L, klauspost).
 *
 * Fault model: pure functions over immutable tables; the field and polynomial are part of the shard
 * format (parity on disk is only decodable with the same field), so they never change for formatVersion 1.
 */
package io.moraine.erasure;

final class Galois {
  static final int POLYNOMIAL = 0x11D;

  /** EXP[i] = 2^i, doubled in length so EXP[log a + log b] needs no modulo. */
  private static final byte[] EXP = new byte[512];
  private static final int[] LOG = new int[256];
  /** MUL[(a << 8) | b] = a * b. */
  static final byte[] MUL = new byte[256 * 256];
  /**
   * MUL_ROWS[a][b] = a * b: the scalar kernel's 64 KiB table as 256-byte rows, so the JIT can prove
   * row[x & 0xff] in bounds and drop the range check from the inner loop.
   */
  static final byte[][] MUL_ROWS = new byte[256][256];

  static {
    int x = 1;
    for (int i = 0; i < 255; i++) {
      EXP[i] = (byte) x;
      LOG[x] = i;
      x <<= 1;
      if ((x & 0x100) != 0) {
        x ^= POLYNOMIAL;
      }
    }
    for (int i = 255; i < EXP.length; i++) {
      EXP[i] = EXP[i - 255];
    }
    for (int a = 0; a < 256; a++) {
      for (int b = 0; b < 256; b++) {
        MUL[(a << 8) | b] = slowMultiply(a, b);
        MUL_ROWS[a][b] = MUL[(a << 8) | b];
      }
    }
  }

  private Galois() {}

  private static byte slowMultiply(int a, int b) {
    if (a == 0 || b == 0) {
      return 0;
    }
    return EXP[LOG[a] + LOG[b]];
  }

  static byte multiply(byte a, byte b) {
    return MUL[((a & 0xff) << 8) | (b & 0xff)];
  }

  static byte divide(byte a, byte b) {
    if (b == 0) {
      throw new ArithmeticException("division by zero in GF(2^8)");
    }
    if (a == 0) {
      return 0;
    }
    return EXP[LOG[a & 0xff] - LOG[b & 0xff] + 255];
  }

  /** a^n with 0^0 = 1, as the Vandermonde construction needs. */
  static byte power(byte a, int n) {
    if (n == 0) {
      return 1;
    }
    if (a == 0) {
      return 0;
    }
    return EXP[(LOG[a & 0xff] * n) % 255];
  }
}
