/*
 * KernelSelector: picks the SIMD kernel when jdk.incubator.vector is present, its preferred byte species
 * is wide enough for a 16-entry table lookup, the system property moraine.erasure.simd is not "false",
 * and a self-test against the scalar kernel passes; otherwise the scalar kernel.
 *
 * Fault model: the SIMD class is loaded reflectively, so a JVM started without
 * --add-modules jdk.incubator.vector gets a LinkageError here, which selects the scalar path.
 */
package io.moraine.erasure;

import java.util.Arrays;

final class KernelSelector {
  static final String SIMD_PROPERTY = "moraine.erasure.simd";
  private static final String SIMD_CLASS = "io.moraine.erasure.SimdKernel";
  /** The JDK's platform logger: this module has no dependencies; applications route it to slf4j if they wish. */
  private static final System.Logger LOG = System.getLogger(KernelSelector.class.getName());

  private KernelSelector() {}

  /** Selected once per class loader: the choice depends only on the JVM and its flags. */
  private static final class Holder {
    static final Kernel BEST = select();
  }

  static Kernel best() {
    return Holder.BEST;
  }

  static Kernel select() {
    if ("false".equalsIgnoreCase(System.getProperty(SIMD_PROPERTY, "true"))) {
      LOG.log(System.Logger.Level.INFO, "erasure codec: scalar kernel (-D" + SIMD_PROPERTY + "=false)");
      return ScalarKernel.INSTANCE;
    }
    Kernel simd = loadSimd();
    if (simd == null) {
      return ScalarKernel.INSTANCE;
    }
    if (!selfTest(simd)) {
      LOG.log(System.Logger.Level.WARNING, "erasure codec: SIMD kernel failed its self-test against the scalar one;"
          + " using the scalar kernel");
      return ScalarKernel.INSTANCE;
    }
    LOG.log(System.Logger.Level.INFO, "erasure codec: SIMD kernel (Vector API)");
    return simd;
  }

  /** The SIMD kernel, or null when the Vector API is absent or too narrow on this JVM and CPU. */
  static Kernel loadSimd() {
    try {
      Class<?> type = Class.forName(SIMD_CLASS);
      Object usable = type.getDeclaredMethod("usable").invoke(null);
      if (!Boolean.TRUE.equals(usable)) {
        LOG.log(System.Logger.Level.WARNING, "erasure codec: vector species too narrow for the SIMD kernel;"
            + " using the scalar kernel");
        return null;
      }
      return (Kernel) type.getDeclaredConstructor().newInstance();
    } catch (LinkageError | ReflectiveOperationException e) {
      // Not a failure: the Vector API is an optional accelerator and the scalar path is complete.
      LOG.log(System.Logger.Level.WARNING, "erasure codec: SIMD kernel unavailable (" + e
          + "); using the scalar kernel, several times slower: run the JVM with --add-modules jdk.incubator.vector");
      return null;
    }
  }

  /** Compares the SIMD kernel with the scalar one on a deterministic pattern (several vector widths plus a tail). */
  private static boolean selfTest(Kernel simd) {
    int length = 1000;
    byte[][] inputs = new byte[3][length];
    int x = 0x9e3779b9;
    for (byte[] in : inputs) {
      for (int i = 0; i < length; i++) {
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        in[i] = (byte) x;
      }
    }
    byte[][] coefficients = {{1, 2, (byte) 0x8e}, {(byte) 0xff, 0, 7}};
    byte[][] expected = new byte[2][length];
    byte[][] actual = new byte[2][length];
    ScalarKernel.INSTANCE.apply(ScalarKernel.INSTANCE.prepare(coefficients), inputs, 0, expected, 0, length);
    simd.apply(simd.prepare(coefficients), inputs, 0, actual, 0, length);
    return Arrays.equals(expected[0], actual[0]) && Arrays.equals(expected[1], actual[1]);
  }
}
