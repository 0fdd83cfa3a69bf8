/*
 * ScalarKernel: table-driven GF(2^8) multiply-accumulate with the 64 KiB product table, one output row
 * at a time over blocks small enough that the inputs stay in L2 while every output row is produced.
 * Correct for every length, including 0 and 1; also the tail handler of the SIMD kernel.
 *
 * Fault model: pure; callers validate ranges.
 */
package io.moraine.erasure;

final class ScalarKernel implements Kernel {
  /** Block length along the shard: k inputs of this size should fit in L2 together with the outputs. */
  private static final int BLOCK_BYTES = 16 * 1024;

  static final ScalarKernel INSTANCE = new ScalarKernel();

  @Override
  public Coding prepare(byte[][] coefficients) {
    return new Coding(copy(coefficients), null);
  }

  static byte[][] copy(byte[][] coefficients) {
    byte[][] rows = new byte[coefficients.length][];
    for (int r = 0; r < rows.length; r++) {
      rows[r] = coefficients[r].clone();
    }
    return rows;
  }

  @Override
  public void apply(Coding coding, byte[][] inputs, int inOffset, byte[][] outputs, int outOffset, int length) {
    applyRange(coding.coefficients(), inputs, inOffset, outputs, outOffset, length);
  }

  static void applyRange(byte[][] coefficients, byte[][] inputs, int inOffset, byte[][] outputs, int outOffset, int length) {
    byte[][] mul = Galois.MUL_ROWS;
    int cols = inputs.length;
    for (int start = 0; start < length; start += BLOCK_BYTES) {
      int len = Math.min(BLOCK_BYTES, length - start);
      for (int r = 0; r < outputs.length; r++) {
        byte[] out = outputs[r];
        int o = outOffset + start;
        byte[] row = coefficients[r];
        if (cols == 0) {
          java.util.Arrays.fill(out, o, o + len, (byte) 0);
          continue;
        }
        byte[] table = mul[row[0] & 0xff];
        byte[] in = inputs[0];
        int p = inOffset + start;
        for (int i = 0; i < len; i++) {
          out[o + i] = table[in[p + i] & 0xff];
        }
        for (int c = 1; c < cols; c++) {
          table = mul[row[c] & 0xff];
          in = inputs[c];
          for (int i = 0; i < len; i++) {
            out[o + i] ^= table[in[p + i] & 0xff];
          }
        }
      }
    }
  }

  @Override
  public boolean isSimd() {
    return false;
  }
}
