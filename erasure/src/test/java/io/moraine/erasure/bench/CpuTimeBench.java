package io.moraine.erasure.bench;

import io.moraine.erasure.ReedSolomon;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.zip.CRC32C;

/**
 * Single-threaded throughput per CPU-second (thread CPU time, not wall time), the measure the issue's
 * check uses; robust to other processes sharing the cores, unlike JMH's wall-clock figures.
 * Args: [secondsPerCase (default 1.0)] [simd|scalar (default simd)].
 */
public final class CpuTimeBench {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private CpuTimeBench() {}

  interface Op {
    void run() throws Exception;
  }

  /** Bytes per CPU-second x 1e-6 after a warm-up of the same length. */
  static double mbPerCpuSecond(Op op, long bytesPerOp, double seconds) throws Exception {
    long budget = (long) (seconds * 1e9);
    for (int pass = 0; pass < 2; pass++) {
      long start = THREADS.getCurrentThreadCpuTime();
      long ops = 0;
      long used;
      do {
        op.run();
        ops++;
        used = THREADS.getCurrentThreadCpuTime() - start;
      } while (used < budget);
      if (pass == 1) {
        return ops * (double) bytesPerOp / used * 1e3;
      }
    }
    throw new IllegalStateException("unreachable");
  }

  public static void main(String[] args) throws Exception {
    double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 1.0;
    boolean simd = args.length < 2 || args[1].equals("simd");
    System.out.printf(Locale.ROOT, "%-16s %-6s %-7s %-7s %10s %8s%n", "op", "shape", "shard", "kernel", "MB/cpu-s", "x ref");
    int[][] shapes = {{4, 2}, {6, 3}, {10, 4}, {12, 4}};
    for (int shardBytes : new int[] {64 * 1024, 1024 * 1024}) {
      for (int[] shape : shapes) {
        int k = shape[0];
        int m = shape[1];
        ReedSolomon codec = simd ? ReedSolomon.create(k, m) : ReedSolomon.scalar(k, m);
        byte[][] shards = new byte[k + m][shardBytes];
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < k; i++) {
          random.nextBytes(shards[i]);
        }
        boolean[] one = new boolean[k + m];
        boolean[] mMissing = new boolean[k + m];
        Arrays.fill(one, true);
        Arrays.fill(mMissing, true);
        one[0] = false;
        for (int i = 0; i < m; i++) {
          mMissing[i] = false;
        }
        long dataBytes = (long) k * shardBytes;
        String name = k + "+" + m;
        String size = shardBytes >= 1 << 20 ? (shardBytes >> 20) + "MiB" : (shardBytes >> 10) + "KiB";
        String kernel = codec.isSimd() ? "simd" : "scalar";
        double reference = BenchMain.referenceMbPerSecond(name);
        double encode = mbPerCpuSecond(() -> codec.encodeParity(shards, 0, shardBytes), dataBytes, seconds);
        double decodeOne = mbPerCpuSecond(() -> codec.reconstruct(shards, one, 0, shardBytes), dataBytes, seconds);
        double decodeM = mbPerCpuSecond(() -> codec.reconstruct(shards, mMissing, 0, shardBytes), dataBytes, seconds);
        for (Object[] row : new Object[][] {{"encode", encode}, {"decodeOneMissing", decodeOne}, {"decodeMMissing", decodeM}}) {
          double mbs = (Double) row[1];
          System.out.printf(Locale.ROOT, "%-16s %-6s %-7s %-7s %10.0f %8.1f%n", row[0], name, size, kernel, mbs, mbs / reference);
        }
      }
    }
    byte[] buffer = new byte[1 << 20];
    new SplittableRandom(7).nextBytes(buffer);
    MessageDigest md5 = MessageDigest.getInstance("MD5");
    double md5Mbs = mbPerCpuSecond(() -> md5.digest(buffer), buffer.length, seconds);
    double crcMbs = mbPerCpuSecond(() -> {
      CRC32C crc = new CRC32C();
      crc.update(buffer);
      if (crc.getValue() == 42) {
        throw new IllegalStateException("unlikely");
      }
    }, buffer.length, seconds);
    System.out.printf(Locale.ROOT, "%-16s %-6s %-7s %-7s %10.0f %8s%n", "md5", "-", "1MiB", "-", md5Mbs, "-");
    System.out.printf(Locale.ROOT, "%-16s %-6s %-7s %-7s %10.0f %8s%n", "crc32c", "-", "1MiB", "-", crcMbs, "-");
  }
}
