package io.moraine.erasure;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The codec picks SIMD when it can and falls back to scalar (without crashing) when the module is absent or disabled. */
class KernelSelectionTest {
  /** Run in a child JVM: prints "simd=<bool> ok" after a round trip. */
  public static final class Probe {
    public static void main(String[] args) {
      ReedSolomon codec = ReedSolomon.create(4, 2);
      byte[][] original = TestShards.encoded(codec, 1000, 0, 1000, new SplittableRandom(9));
      byte[][] scalarCopy = TestShards.copy(original);
      ReedSolomon.scalar(4, 2).encodeParity(scalarCopy, 0, 1000);
      byte[][] shards = TestShards.copy(original);
      shards[0] = null;
      shards[5] = null;
      codec.reconstruct(shards, new boolean[] {false, true, true, true, true, false}, 0, 1000);
      boolean ok = java.util.Arrays.equals(shards[0], original[0]) && java.util.Arrays.equals(shards[5], original[5])
          && java.util.Arrays.equals(scalarCopy[4], original[4]);
      // Enough calls for the JIT to compile the vector loops, so compiled code is compared too, not only the interpreter.
      SplittableRandom random = new SplittableRandom(11);
      ReedSolomon scalar = ReedSolomon.scalar(4, 2);
      for (int round = 0; round < 3000 && ok; round++) {
        int length = random.nextInt(2100);
        byte[][] a = TestShards.encoded(codec, length, 0, length, random);
        byte[][] b = TestShards.copy(a);
        scalar.encodeParity(b, 0, length);
        ok = java.util.Arrays.equals(a[4], b[4]) && java.util.Arrays.equals(a[5], b[5]);
      }
      System.out.println("simd=" + codec.isSimd() + (ok ? " ok" : " WRONG"));
    }
  }

  private static String runProbe(String... jvmFlags) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of(jvmFlags));
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Probe.class.getName());
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      byte[] output = process.getInputStream().readAllBytes();
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
      return new String(output, StandardCharsets.UTF_8);
    } finally {
      process.destroyForcibly();
    }
  }

  @Test
  void withoutTheVectorModuleTheScalarPathIsUsed() throws Exception {
    assertThat(runProbe()).contains("simd=false ok");
  }

  @Test
  void systemPropertyForcesScalar() throws Exception {
    assertThat(runProbe("--add-modules", "jdk.incubator.vector", "-Dmoraine.erasure.simd=false")).contains("simd=false ok");
  }

  @Test
  void everyVectorWidthGivesTheScalarBytes() throws Exception {
    for (String bits : new String[] {"128", "256", "512"}) {
      assertThat(runProbe("--add-modules", "jdk.incubator.vector", "-Dmoraine.erasure.simd.bits=" + bits))
          .as("bits=%s", bits).contains(" ok").doesNotContain("WRONG");
    }
  }

  @Test
  void withTheModuleOnThisMachineSimdIsSelected() throws Exception {
    String output = runProbe("--add-modules", "jdk.incubator.vector");
    assertThat(output).contains(" ok");
    if (jdk.incubator.vector.ByteVector.SPECIES_PREFERRED.length() >= 16) {
      assertThat(output).contains("simd=true");
      assertThat(ReedSolomon.simdAvailable()).isTrue();
    }
  }
}
