package io.moraine.erasure;

import static org.assertj.core.api.Assertions.assertThat;

import io.moraine.erasure.frame.BlockFrame;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * Pins the stored formats: the block frame bytes and the codec's parity (field, polynomial and
 * encoding matrix decide what parity on disk means). The files under src/test/resources/golden are
 * committed and never regenerated silently: a mismatch means the format changed, which needs a new
 * formatVersion, not new golden files. Writing them needs -Dmoraine.golden.write=true, for new files only.
 */
class GoldenVectorsTest {
  private static final Path GOLDEN = Path.of("src/test/resources/golden");
  private static final boolean WRITE = Boolean.getBoolean("moraine.golden.write");

  private static void assertGolden(String name, byte[] actual) throws IOException {
    Path file = GOLDEN.resolve(name);
    if (!Files.exists(file)) {
      if (!WRITE) {
        throw new AssertionError("golden file " + file.toAbsolutePath() + " is missing; create it deliberately with"
            + " -Dmoraine.golden.write=true and commit it");
      }
      Files.createDirectories(GOLDEN);
      Files.write(file, actual);
    }
    assertThat(actual).as("golden %s", name).isEqualTo(Files.readAllBytes(file));
  }

  private static byte[] framed(int blockSize, int payloadLength) throws IOException {
    byte[] payload = new byte[payloadLength];
    for (int i = 0; i < payloadLength; i++) {
      payload[i] = (byte) (i * 7 + 3);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (BlockFrame.Writer writer = new BlockFrame.Writer(out, blockSize, payloadLength)) {
      writer.write(payload);
    }
    return out.toByteArray();
  }

  @Test
  void blockFrameV1Bytes() throws IOException {
    assertGolden("frame-v1-block16-payload40.bin", framed(16, 40));
    assertGolden("frame-v1-block65536-payload0.bin", framed(BlockFrame.DEFAULT_BLOCK_SIZE_BYTES, 0));
    assertGolden("frame-v1-block65536-payload100.bin", framed(BlockFrame.DEFAULT_BLOCK_SIZE_BYTES, 100));
    assertGolden("frame-v1-header-block65536-payload5000000000.bin",
        BlockFrame.encodeHeader(new BlockFrame.Header(1, 65536, 5_000_000_000L)));
  }

  @Test
  void codecMatricesAndParity() throws IOException {
    StringBuilder text = new StringBuilder();
    HexFormat hex = HexFormat.of();
    int[][] shapes = {{1, 1}, {2, 1}, {4, 2}, {6, 3}, {8, 4}, {10, 4}, {12, 4}, {17, 3}};
    for (int[] shape : shapes) {
      int k = shape[0];
      int m = shape[1];
      for (ReedSolomon codec : new ReedSolomon[] {ReedSolomon.scalar(k, m), ReedSolomon.create(k, m)}) {
        StringBuilder one = new StringBuilder();
        for (int r = k; r < k + m; r++) {
          one.append("matrix ").append(k).append('+').append(m).append(" row ").append(r).append(' ')
              .append(hex.formatHex(codec.encodingRow(r))).append('\n');
        }
        int length = 70;
        byte[][] shards = new byte[k + m][length];
        for (int i = 0; i < k; i++) {
          for (int j = 0; j < length; j++) {
            shards[i][j] = (byte) (i * 31 + j * 17 + 5);
          }
        }
        codec.encodeParity(shards, 0, length);
        for (int p = k; p < k + m; p++) {
          one.append("parity ").append(k).append('+').append(m).append(" shard ").append(p).append(' ')
              .append(hex.formatHex(shards[p])).append('\n');
        }
        if (codec.isSimd() || !ReedSolomon.simdAvailable()) {
          text.append(one);
        }
      }
    }
    assertGolden("rs-v1-matrices-and-parity.txt", text.toString().getBytes(StandardCharsets.US_ASCII));
  }

  /**
   * Same field, generator and Vandermonde-derived matrix as the Backblaze JavaReedSolomon library, so
   * parity is byte-identical to it; these are the values of its own (5,5) encode test.
   */
  @Test
  void parityMatchesTheReferenceLibrarysPublishedVector() {
    for (ReedSolomon codec : new ReedSolomon[] {ReedSolomon.scalar(5, 5), ReedSolomon.create(5, 5)}) {
      byte[][] shards = new byte[10][];
      shards[0] = new byte[] {0, 1};
      shards[1] = new byte[] {4, 5};
      shards[2] = new byte[] {2, 3};
      shards[3] = new byte[] {6, 7};
      shards[4] = new byte[] {8, 9};
      for (int i = 5; i < 10; i++) {
        shards[i] = new byte[2];
      }
      codec.encodeParity(shards, 0, 2);
      assertThat(shards[5]).containsExactly(12, 13);
      assertThat(shards[6]).containsExactly(10, 11);
      assertThat(shards[7]).containsExactly(14, 15);
      assertThat(shards[8]).containsExactly(90, 91);
      assertThat(shards[9]).containsExactly(94, 95);
    }
  }
}
