/*
 * ReedSolomon: systematic Reed-Solomon over GF(2^8) for k data and m parity shards (k >= 1, m >= 0,
 * k + m <= 256). The encoding matrix is a Vandermonde matrix made systematic (see Matrix), so any k of
 * the k + m shards rebuild the others.
 *
 * Fault model: pure and thread-safe (immutable, plus a bounded concurrent cache of decode matrices).
 * Invalid input (bad k/m, wrong shard count, unequal or too short shards, more than m missing) gets an
 * IllegalArgumentException before any byte is written, never wrong bytes. The field, polynomial and
 * matrix are part of the stored-shard format and are pinned by golden tests.
 */
package io.moraine.erasure;

import java.util.BitSet;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

public final class ReedSolomon {
  public static final int MAX_TOTAL_SHARDS = 256;
  /** Distinct loss patterns cached per codec; a stripe decode re-uses the same pattern many times. */
  private static final int DECODE_CACHE_ENTRIES = 1024;
  /** Verification recomputes parity in blocks of this size, so it allocates little. */
  private static final int VERIFY_BLOCK_BYTES = 64 * 1024;

  private final int dataShards;
  private final int parityShards;
  private final byte[][] encodingMatrix;
  private final Kernel kernel;
  private final Kernel.Coding parityCoding;
  private final ConcurrentHashMap<BitSet, Decoding> decodeCache = new ConcurrentHashMap<>();

  private record Decoding(int[] inputShards, int[] missingShards, Kernel.Coding coding) {}

  private ReedSolomon(int dataShards, int parityShards, Kernel kernel) {
    checkShape(dataShards, parityShards);
    this.dataShards = dataShards;
    this.parityShards = parityShards;
    this.kernel = kernel;
    this.encodingMatrix = Matrix.systematicEncoding(dataShards, parityShards);
    byte[][] parityRows = new byte[parityShards][];
    for (int p = 0; p < parityShards; p++) {
      parityRows[p] = encodingMatrix[dataShards + p];
    }
    this.parityCoding = kernel.prepare(parityRows);
  }

  /** The fastest path this JVM offers (SIMD unless unavailable or disabled by -Dmoraine.erasure.simd=false). */
  public static ReedSolomon create(int dataShards, int parityShards) {
    checkShape(dataShards, parityShards);
    return new ReedSolomon(dataShards, parityShards, KernelSelector.best());
  }

  /** The portable scalar path; identical output to {@link #create}. */
  public static ReedSolomon scalar(int dataShards, int parityShards) {
    checkShape(dataShards, parityShards);
    return new ReedSolomon(dataShards, parityShards, ScalarKernel.INSTANCE);
  }

  /** True when this JVM can run the SIMD path (module present, wide enough, not disabled). */
  public static boolean simdAvailable() {
    return KernelSelector.best().isSimd();
  }

  private static void checkShape(int dataShards, int parityShards) {
    if (dataShards < 1 || parityShards < 0 || dataShards + parityShards > MAX_TOTAL_SHARDS) {
      throw new IllegalArgumentException("need dataShards >= 1, parityShards >= 0, dataShards + parityShards <= "
          + MAX_TOTAL_SHARDS + "; got dataShards=" + dataShards + " parityShards=" + parityShards);
    }
  }

  public int dataShards() {
    return dataShards;
  }

  public int parityShards() {
    return parityShards;
  }

  public int totalShards() {
    return dataShards + parityShards;
  }

  public boolean isSimd() {
    return kernel.isSimd();
  }

  /** A copy of row {@code shard} of the (k+m) x k encoding matrix (identity rows for data shards). */
  public byte[] encodingRow(int shard) {
    Objects.checkIndex(shard, totalShards());
    return encodingMatrix[shard].clone();
  }

  /**
   * shards.length == k+m; data in shards[0..k), all shards the same length, at least offset+length bytes;
   * fills parity [k..k+m) over [offset, offset+length).
   */
  public void encodeParity(byte[][] shards, int offset, int length) {
    checkShards(shards, null, offset, length);
    if (parityShards == 0 || length == 0) {
      return;
    }
    kernel.apply(parityCoding, dataView(shards), offset, parityView(shards), offset, length);
  }

  /**
   * Rebuilds every shard i with present[i]==false (data and/or parity) over [offset, offset+length);
   * at least k present. A missing shard's array may be null: it is then allocated with the present
   * shards' length (the rest of it zero).
   */
  public void reconstruct(byte[][] shards, boolean[] present, int offset, int length) {
    reconstruct(shards, present, offset, length, false);
  }

  /**
   * Like {@link #reconstruct} but rebuilds only the missing data shards (what a read needs); missing
   * parity shards are left untouched and may be null.
   */
  public void reconstructData(byte[][] shards, boolean[] present, int offset, int length) {
    reconstruct(shards, present, offset, length, true);
  }

  private void reconstruct(byte[][] shards, boolean[] present, int offset, int length, boolean dataOnly) {
    Objects.requireNonNull(present, "present");
    if (present.length != totalShards()) {
      throw new IllegalArgumentException("present.length=" + present.length + " but totalShards=" + totalShards());
    }
    int shardLength = checkShards(shards, present, offset, length);
    BitSet key = new BitSet(totalShards() + 1);
    for (int i = 0; i < present.length; i++) {
      if (present[i]) {
        key.set(i);
      }
    }
    int presentCount = key.cardinality();
    if (presentCount < dataShards) {
      throw new IllegalArgumentException("too many missing shards: " + (totalShards() - presentCount)
          + " missing, at most " + parityShards + " can be rebuilt (k=" + dataShards + ", m=" + parityShards + ")");
    }
    int wanted = totalShards();
    if (dataOnly) {
      wanted = dataShards;
      key.set(totalShards());
    }
    boolean anyWantedMissing = false;
    for (int i = 0; i < wanted; i++) {
      if (!present[i]) {
        anyWantedMissing = true;
        if (shards[i] == null) {
          shards[i] = new byte[shardLength];
        }
      }
    }
    if (!anyWantedMissing || length == 0) {
      return;
    }
    Decoding decoding = decoding(key, wanted);
    byte[][] inputs = new byte[dataShards][];
    for (int i = 0; i < dataShards; i++) {
      inputs[i] = shards[decoding.inputShards()[i]];
    }
    byte[][] outputs = new byte[decoding.missingShards().length][];
    for (int i = 0; i < outputs.length; i++) {
      outputs[i] = shards[decoding.missingShards()[i]];
    }
    kernel.apply(decoding.coding(), inputs, offset, outputs, offset, length);
  }

  /** key: bits [0, n) = present shards, bit n = data only; wanted: rebuild missing shards below this index. */
  private Decoding decoding(BitSet key, int wanted) {
    Decoding cached = decodeCache.get(key);
    if (cached != null) {
      return cached;
    }
    Decoding built = buildDecoding(key, wanted);
    if (decodeCache.size() >= DECODE_CACHE_ENTRIES) {
      decodeCache.clear();
    }
    decodeCache.put((BitSet) key.clone(), built);
    return built;
  }

  /** Decodes from the first k present shards: their rows of the encoding matrix, inverted, give the data. */
  private Decoding buildDecoding(BitSet key, int wanted) {
    BitSet presentSet = key.get(0, totalShards());
    int[] inputShards = new int[dataShards];
    byte[][] subMatrix = new byte[dataShards][];
    int shard = presentSet.nextSetBit(0);
    for (int i = 0; i < dataShards; i++) {
      inputShards[i] = shard;
      subMatrix[i] = encodingMatrix[shard];
      shard = presentSet.nextSetBit(shard + 1);
    }
    byte[][] decode = Matrix.invert(subMatrix);
    int missingCount = wanted - presentSet.get(0, wanted).cardinality();
    int[] missingShards = new int[missingCount];
    byte[][] rows = new byte[missingCount][];
    int next = 0;
    for (int s = presentSet.nextClearBit(0); s < wanted; s = presentSet.nextClearBit(s + 1)) {
      missingShards[next] = s;
      // A data shard's row is its row of the inverse; a parity shard's is its encoding row applied to the data.
      rows[next] = s < dataShards ? decode[s] : Matrix.multiply(new byte[][] {encodingMatrix[s]}, decode)[0];
      next++;
    }
    return new Decoding(inputShards, missingShards, kernel.prepare(rows));
  }

  /** True when parity matches data over the range. */
  public boolean verifyParity(byte[][] shards, int offset, int length) {
    checkShards(shards, null, offset, length);
    if (parityShards == 0 || length == 0) {
      return true;
    }
    byte[][] data = dataView(shards);
    int blockBytes = Math.min(length, VERIFY_BLOCK_BYTES);
    byte[][] expected = new byte[parityShards][blockBytes];
    for (int start = 0; start < length; start += blockBytes) {
      int len = Math.min(blockBytes, length - start);
      kernel.apply(parityCoding, data, offset + start, expected, 0, len);
      for (int p = 0; p < parityShards; p++) {
        int from = offset + start;
        if (java.util.Arrays.mismatch(expected[p], 0, len, shards[dataShards + p], from, from + len) >= 0) {
          return false;
        }
      }
    }
    return true;
  }

  private byte[][] dataView(byte[][] shards) {
    byte[][] data = new byte[dataShards][];
    System.arraycopy(shards, 0, data, 0, dataShards);
    return data;
  }

  private byte[][] parityView(byte[][] shards) {
    byte[][] parity = new byte[parityShards][];
    System.arraycopy(shards, dataShards, parity, 0, parityShards);
    return parity;
  }

  /**
   * Checks count, range and equal lengths; shards not present (present[i]==false) may be null.
   * Returns the common shard length.
   */
  private int checkShards(byte[][] shards, boolean[] present, int offset, int length) {
    Objects.requireNonNull(shards, "shards");
    if (shards.length != totalShards()) {
      throw new IllegalArgumentException("shards.length=" + shards.length + " but dataShards + parityShards = "
          + dataShards + " + " + parityShards);
    }
    if (offset < 0 || length < 0) {
      throw new IllegalArgumentException("negative range: offset=" + offset + " length=" + length);
    }
    int shardLength = -1;
    for (int i = 0; i < shards.length; i++) {
      boolean mayBeNull = present != null && !present[i];
      if (shards[i] == null) {
        if (mayBeNull) {
          continue;
        }
        throw new IllegalArgumentException("shard " + i + " is null");
      }
      if (shardLength < 0) {
        shardLength = shards[i].length;
      } else if (shards[i].length != shardLength) {
        throw new IllegalArgumentException("unequal shard lengths: shard " + i + " has " + shards[i].length
            + " bytes, earlier shards " + shardLength);
      }
    }
    if (shardLength < 0) {
      throw new IllegalArgumentException("every shard is null");
    }
    if ((long) offset + length > shardLength) {
      throw new IllegalArgumentException("range [" + offset + ", " + ((long) offset + length)
          + ") exceeds shard length " + shardLength);
    }
    return shardLength;
  }
}
