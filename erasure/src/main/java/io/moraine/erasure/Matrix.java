/*
 * Matrix: small dense matrices over GF(2^8) (rows of byte[]), enough to build the systematic encoding
 * matrix and invert k x k sub-matrices for decoding.
 *
 * Fault model: pure; a singular matrix means a bug in the construction (every k x k sub-matrix of the
 * encoding matrix is invertible by design) and fails loudly.
 */
package io.moraine.erasure;

final class Matrix {
  private Matrix() {}

  /**
   * The (k+m) x k systematic encoding matrix: a Vandermonde matrix V (row r = powers of r) times the
   * inverse of its top k x k square. Any k rows of V are independent (distinct evaluation points), and
   * right-multiplying by an invertible matrix keeps that, so any k shards suffice to decode; the top
   * becomes the identity, so data shards are stored as they are.
   */
  static byte[][] systematicEncoding(int dataShards, int parityShards) {
    int total = dataShards + parityShards;
    byte[][] vandermonde = new byte[total][dataShards];
    for (int r = 0; r < total; r++) {
      for (int c = 0; c < dataShards; c++) {
        vandermonde[r][c] = Galois.power((byte) r, c);
      }
    }
    byte[][] top = new byte[dataShards][];
    for (int r = 0; r < dataShards; r++) {
      top[r] = vandermonde[r].clone();
    }
    return multiply(vandermonde, invert(top));
  }

  static byte[][] multiply(byte[][] left, byte[][] right) {
    int rows = left.length;
    int inner = right.length;
    int cols = right[0].length;
    byte[][] result = new byte[rows][cols];
    for (int r = 0; r < rows; r++) {
      if (left[r].length != inner) {
        throw new IllegalArgumentException("matrix shapes do not match: left row " + r + " has "
            + left[r].length + " columns, right has " + inner + " rows");
      }
      for (int c = 0; c < cols; c++) {
        int acc = 0;
        for (int i = 0; i < inner; i++) {
          acc ^= Galois.multiply(left[r][i], right[i][c]);
        }
        result[r][c] = (byte) acc;
      }
    }
    return result;
  }

  /** Gauss-Jordan inversion of a square matrix; the argument is not modified. */
  static byte[][] invert(byte[][] square) {
    int n = square.length;
    byte[][] work = new byte[n][2 * n];
    for (int r = 0; r < n; r++) {
      if (square[r].length != n) {
        throw new IllegalArgumentException("not square: row " + r + " has " + square[r].length + " columns, " + n + " rows");
      }
      System.arraycopy(square[r], 0, work[r], 0, n);
      work[r][n + r] = 1;
    }
    for (int col = 0; col < n; col++) {
      int pivot = col;
      while (pivot < n && work[pivot][col] == 0) {
        pivot++;
      }
      if (pivot == n) {
        throw new IllegalStateException("singular matrix at column " + col + " of " + n);
      }
      byte[] tmp = work[col];
      work[col] = work[pivot];
      work[pivot] = tmp;
      byte scale = Galois.divide((byte) 1, work[col][col]);
      for (int c = 0; c < 2 * n; c++) {
        work[col][c] = Galois.multiply(work[col][c], scale);
      }
      for (int r = 0; r < n; r++) {
        byte factor = work[r][col];
        if (r != col && factor != 0) {
          for (int c = 0; c < 2 * n; c++) {
            work[r][c] ^= Galois.multiply(factor, work[col][c]);
          }
        }
      }
    }
    byte[][] inverse = new byte[n][];
    for (int r = 0; r < n; r++) {
      inverse[r] = java.util.Arrays.copyOfRange(work[r], n, 2 * n);
    }
    return inverse;
  }
}
