package io.moraine.erasure.bench;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** MD5 (what a PUT computes for the ETag) and CRC32C (what every block carries) over 1 MiB, as baselines. */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class HashBaselineBenchmark {
  public static final int BUFFER_BYTES = 1 << 20;
  private byte[] buffer;
  private MessageDigest md5;

  @Setup
  public void setUp() throws NoSuchAlgorithmException {
    buffer = new byte[BUFFER_BYTES];
    new SplittableRandom(7).nextBytes(buffer);
    md5 = MessageDigest.getInstance("MD5");
  }

  @Benchmark
  public byte[] md5() {
    md5.update(buffer);
    return md5.digest();
  }

  @Benchmark
  public long crc32c() {
    CRC32C crc = new CRC32C();
    crc.update(buffer);
    return crc.getValue();
  }
}
