package io.moraine.erasure.bench;

import io.moraine.erasure.ReedSolomon;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Encode and decode throughput of the codec. Each thread has its own shards (Scope.Thread), so with
 * -t 2 the figure is the machine's aggregate. MB/s of data bytes = ops/s x k x shardBytes / 1e6,
 * printed by {@link BenchMain}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CodecBenchmark {
  /** "k+m". */
  @Param({"4+2", "6+3", "10+4", "12+4"})
  public String shape;

  @Param({"65536", "1048576"})
  public int shardBytes;

  /** simd = best available path; scalar = forced scalar. */
  @Param({"simd"})
  public String kernel;

  private ReedSolomon codec;
  private byte[][] shards;
  private boolean[] oneDataMissing;
  private boolean[] mDataMissing;

  @Setup
  public void setUp() {
    String[] parts = shape.split("\\+");
    int k = Integer.parseInt(parts[0]);
    int m = Integer.parseInt(parts[1]);
    codec = kernel.equals("scalar") ? ReedSolomon.scalar(k, m) : ReedSolomon.create(k, m);
    if (kernel.equals("simd") && !codec.isSimd()) {
      throw new IllegalStateException("SIMD path unavailable in this JVM (need --add-modules jdk.incubator.vector)");
    }
    shards = new byte[k + m][shardBytes];
    SplittableRandom random = new SplittableRandom(42);
    for (int i = 0; i < k; i++) {
      random.nextBytes(shards[i]);
    }
    codec.encodeParity(shards, 0, shardBytes);
    oneDataMissing = new boolean[k + m];
    mDataMissing = new boolean[k + m];
    java.util.Arrays.fill(oneDataMissing, true);
    java.util.Arrays.fill(mDataMissing, true);
    oneDataMissing[0] = false;
    for (int i = 0; i < m; i++) {
      mDataMissing[i] = false;
    }
  }

  @Benchmark
  public byte[][] encode() {
    codec.encodeParity(shards, 0, shardBytes);
    return shards;
  }

  /** Rebuilds data shard 0 from the others (its old bytes are simply overwritten). */
  @Benchmark
  public byte[][] decodeOneMissing() {
    codec.reconstruct(shards, oneDataMissing, 0, shardBytes);
    return shards;
  }

  /** Rebuilds data shards 0..m-1 from the remaining data and all parity. */
  @Benchmark
  public byte[][] decodeMMissing() {
    codec.reconstruct(shards, mDataMissing, 0, shardBytes);
    return shards;
  }
}
