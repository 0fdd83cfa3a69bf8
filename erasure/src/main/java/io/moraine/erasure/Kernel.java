/*
 * Kernel: the inner loop of the codec, out[r] = XOR over c of coefficient[r][c] * in[c], byte-wise in
 * GF(2^8). Two implementations with identical output: ScalarKernel (everywhere) and SimdKernel
 * (jdk.incubator.vector, loaded reflectively so its absence is not an error).
 *
 * Fault model: pure computation on caller-owned buffers; callers validate shapes and ranges first.
 */
package io.moraine.erasure;

interface Kernel {
  /** Precomputes whatever the kernel wants for a coefficient matrix (rows x cols); the result is immutable. */
  Coding prepare(byte[][] coefficients);

  /**
   * outputs[r][outOffset + i] = XOR_c coefficients[r][c] * inputs[c][inOffset + i] for i in [0, length).
   * outputs are overwritten, never read; inputs.length == cols, outputs.length == rows.
   */
  void apply(Coding coding, byte[][] inputs, int inOffset, byte[][] outputs, int outOffset, int length);

  boolean isSimd();

  /** A prepared coefficient matrix; tables is kernel-specific (null for the scalar kernel). */
  record Coding(byte[][] coefficients, byte[] tables) {
    int rows() {
      return coefficients.length;
    }

    int cols() {
      return coefficients.length == 0 ? 0 : coefficients[0].length;
    }
  }
}
