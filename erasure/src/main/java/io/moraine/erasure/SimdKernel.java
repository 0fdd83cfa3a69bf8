/*
 * SimdKernel: GF(2^8) multiply-accumulate on jdk.incubator.vector with split-nibble table lookups
 * (the ISA-L / klauspost technique): for a coefficient c, c*x = lo[c][x & 15] ^ hi[c][x >>> 4], each a
 * 16-entry table, looked up for a whole vector at once with ByteVector.selectFrom (vpermb / pshufb).
 * Up to four output rows are accumulated in registers while each input vector is loaded once; with more
 * outputs the range is cut into blocks that stay in L2 while every group of four rows is produced.
 * The tail shorter than a vector goes to the scalar kernel, so the output is identical for any length.
 *
 * Fault model: pure; loaded only reflectively (KernelSelector), so a JVM without the incubator module
 * never links this class.
 */
package io.moraine.erasure;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

final class SimdKernel implements Kernel {
  /**
   * Vector width: the CPU's preferred one unless -Dmoraine.erasure.simd.bits=128|256|512 says otherwise
   * (for CPUs where a 512-bit byte permute is not a single instruction, e.g. AVX-512 without VBMI).
   */
  static final String BITS_PROPERTY = "moraine.erasure.simd.bits";
  private static final VectorSpecies<Byte> SPECIES = species(System.getProperty(BITS_PROPERTY, ""));
  private static final int LANES = SPECIES.length();
  /** Per (row, col): a lo table and a hi table, each one vector wide (16 entries, repeated per 128-bit lane). */
  private static final int TABLE_STRIDE = 2 * LANES;
  /** With more than four output rows, inputs are re-read per group of four: blocks of this size stay in L2. */
  private static final int BLOCK_BYTES = 32 * 1024;

  SimdKernel() {}

  private static VectorSpecies<Byte> species(String bits) {
    return switch (bits) {
      case "128" -> ByteVector.SPECIES_128;
      case "256" -> ByteVector.SPECIES_256;
      case "512" -> ByteVector.SPECIES_512;
      case "" -> ByteVector.SPECIES_PREFERRED;
      default -> throw new IllegalArgumentException("-D" + BITS_PROPERTY + " must be 128, 256 or 512, got " + bits);
    };
  }

  static int vectorBits() {
    return SPECIES.vectorBitSize();
  }

  /** Needs 16 byte lanes for a 16-entry lookup. */
  static boolean usable() {
    return LANES >= 16;
  }

  @Override
  public boolean isSimd() {
    return true;
  }

  @Override
  public Coding prepare(byte[][] coefficients) {
    byte[][] rows = ScalarKernel.copy(coefficients);
    int cols = rows.length == 0 ? 0 : rows[0].length;
    byte[] tables = new byte[rows.length * cols * TABLE_STRIDE];
    for (int r = 0; r < rows.length; r++) {
      for (int c = 0; c < cols; c++) {
        byte coefficient = rows[r][c];
        int base = (r * cols + c) * TABLE_STRIDE;
        for (int i = 0; i < LANES; i++) {
          int nibble = i & 15;
          tables[base + i] = Galois.multiply(coefficient, (byte) nibble);
          tables[base + LANES + i] = Galois.multiply(coefficient, (byte) (nibble << 4));
        }
      }
    }
    return new Coding(rows, tables);
  }

  @Override
  public void apply(Coding coding, byte[][] inputs, int inOffset, byte[][] outputs, int outOffset, int length) {
    int rows = outputs.length;
    int cols = inputs.length;
    int vectorLength = length - length % LANES;
    if (cols == 0 || rows == 0) {
      ScalarKernel.applyRange(coding.coefficients(), inputs, inOffset, outputs, outOffset, length);
      return;
    }
    byte[] tables = coding.tables();
    int block = rows <= 4 ? Math.max(vectorLength, 1) : BLOCK_BYTES;
    for (int start = 0; start < vectorLength; start += block) {
      int len = Math.min(block, vectorLength - start);
      for (int r = 0; r < rows; r += 4) {
        int group = Math.min(4, rows - r);
        int in = inOffset + start;
        int out = outOffset + start;
        switch (group) {
          case 1 -> rows1(tables, cols, r, inputs, in, outputs[r], out, len);
          case 2 -> rows2(tables, cols, r, inputs, in, outputs[r], outputs[r + 1], out, len);
          case 3 -> rows3(tables, cols, r, inputs, in, outputs[r], outputs[r + 1], outputs[r + 2], out, len);
          default -> rows4(tables, cols, r, inputs, in, outputs[r], outputs[r + 1], outputs[r + 2], outputs[r + 3], out, len);
        }
      }
    }
    if (vectorLength < length) {
      byte[][] coefficients = coding.coefficients();
      ScalarKernel.applyRange(coefficients, inputs, inOffset + vectorLength, outputs, outOffset + vectorLength,
          length - vectorLength);
    }
  }

  private static ByteVector product(byte[] tables, int table, ByteVector low, ByteVector high) {
    ByteVector lo = ByteVector.fromArray(SPECIES, tables, table);
    ByteVector hi = ByteVector.fromArray(SPECIES, tables, table + LANES);
    return low.selectFrom(lo).lanewise(VectorOperators.XOR, high.selectFrom(hi));
  }

  private static void rows1(byte[] tables, int cols, int row, byte[][] inputs, int in, byte[] out0, int out, int len) {
    int t0 = row * cols * TABLE_STRIDE;
    for (int i = 0; i < len; i += LANES) {
      ByteVector a0 = ByteVector.zero(SPECIES);
      for (int c = 0; c < cols; c++) {
        ByteVector x = ByteVector.fromArray(SPECIES, inputs[c], in + i);
        ByteVector low = x.and((byte) 0x0f);
        ByteVector high = x.lanewise(VectorOperators.LSHR, 4);
        int t = c * TABLE_STRIDE;
        a0 = a0.lanewise(VectorOperators.XOR, product(tables, t0 + t, low, high));
      }
      a0.intoArray(out0, out + i);
    }
  }

  private static void rows2(byte[] tables, int cols, int row, byte[][] inputs, int in, byte[] out0, byte[] out1,
      int out, int len) {
    int rowStride = cols * TABLE_STRIDE;
    int t0 = row * rowStride;
    int t1 = t0 + rowStride;
    for (int i = 0; i < len; i += LANES) {
      ByteVector a0 = ByteVector.zero(SPECIES);
      ByteVector a1 = ByteVector.zero(SPECIES);
      for (int c = 0; c < cols; c++) {
        ByteVector x = ByteVector.fromArray(SPECIES, inputs[c], in + i);
        ByteVector low = x.and((byte) 0x0f);
        ByteVector high = x.lanewise(VectorOperators.LSHR, 4);
        int t = c * TABLE_STRIDE;
        a0 = a0.lanewise(VectorOperators.XOR, product(tables, t0 + t, low, high));
        a1 = a1.lanewise(VectorOperators.XOR, product(tables, t1 + t, low, high));
      }
      a0.intoArray(out0, out + i);
      a1.intoArray(out1, out + i);
    }
  }

  private static void rows3(byte[] tables, int cols, int row, byte[][] inputs, int in, byte[] out0, byte[] out1,
      byte[] out2, int out, int len) {
    int rowStride = cols * TABLE_STRIDE;
    int t0 = row * rowStride;
    int t1 = t0 + rowStride;
    int t2 = t1 + rowStride;
    for (int i = 0; i < len; i += LANES) {
      ByteVector a0 = ByteVector.zero(SPECIES);
      ByteVector a1 = ByteVector.zero(SPECIES);
      ByteVector a2 = ByteVector.zero(SPECIES);
      for (int c = 0; c < cols; c++) {
        ByteVector x = ByteVector.fromArray(SPECIES, inputs[c], in + i);
        ByteVector low = x.and((byte) 0x0f);
        ByteVector high = x.lanewise(VectorOperators.LSHR, 4);
        int t = c * TABLE_STRIDE;
        a0 = a0.lanewise(VectorOperators.XOR, product(tables, t0 + t, low, high));
        a1 = a1.lanewise(VectorOperators.XOR, product(tables, t1 + t, low, high));
        a2 = a2.lanewise(VectorOperators.XOR, product(tables, t2 + t, low, high));
      }
      a0.intoArray(out0, out + i);
      a1.intoArray(out1, out + i);
      a2.intoArray(out2, out + i);
    }
  }

  private static void rows4(byte[] tables, int cols, int row, byte[][] inputs, int in, byte[] out0, byte[] out1,
      byte[] out2, byte[] out3, int out, int len) {
    int rowStride = cols * TABLE_STRIDE;
    int t0 = row * rowStride;
    int t1 = t0 + rowStride;
    int t2 = t1 + rowStride;
    int t3 = t2 + rowStride;
    for (int i = 0; i < len; i += LANES) {
      ByteVector a0 = ByteVector.zero(SPECIES);
      ByteVector a1 = ByteVector.zero(SPECIES);
      ByteVector a2 = ByteVector.zero(SPECIES);
      ByteVector a3 = ByteVector.zero(SPECIES);
      for (int c = 0; c < cols; c++) {
        ByteVector x = ByteVector.fromArray(SPECIES, inputs[c], in + i);
        ByteVector low = x.and((byte) 0x0f);
        ByteVector high = x.lanewise(VectorOperators.LSHR, 4);
        int t = c * TABLE_STRIDE;
        a0 = a0.lanewise(VectorOperators.XOR, product(tables, t0 + t, low, high));
        a1 = a1.lanewise(VectorOperators.XOR, product(tables, t1 + t, low, high));
        a2 = a2.lanewise(VectorOperators.XOR, product(tables, t2 + t, low, high));
        a3 = a3.lanewise(VectorOperators.XOR, product(tables, t3 + t, low, high));
      }
      a0.intoArray(out0, out + i);
      a1.intoArray(out1, out + i);
      a2.intoArray(out2, out + i);
      a3.intoArray(out3, out + i);
    }
  }
}
