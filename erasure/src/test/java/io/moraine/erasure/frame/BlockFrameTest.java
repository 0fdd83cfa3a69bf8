package io.moraine.erasure.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlockFrameTest {
  @TempDir Path dir;

  private static byte[] frame(byte[] payload, int blockSize) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (BlockFrame.Writer writer = new BlockFrame.Writer(bytes, blockSize, payload.length)) {
      // Uneven writes cross block boundaries.
      int at = 0;
      int step = 1;
      while (at < payload.length) {
        int n = Math.min(step, payload.length - at);
        writer.write(payload, at, n);
        at += n;
        step = step * 3 + 1;
      }
      CRC32C crc = new CRC32C();
      crc.update(payload);
      assertThat(writer.payloadCrc32c()).isEqualTo((int) crc.getValue());
    }
    return bytes.toByteArray();
  }

  private BlockFrame.Reader open(byte[] framed) throws IOException {
    Path file = Files.write(dir.resolve("shard-" + System.nanoTime()), framed);
    return new BlockFrame.Reader(FileChannel.open(file, StandardOpenOption.READ));
  }

  @Test
  void roundTripsEveryRangeOfSeveralSizes() throws IOException {
    SplittableRandom random = new SplittableRandom(1);
    for (int size : new int[] {0, 1, 15, 16, 17, 64, 100}) {
      byte[] payload = new byte[size];
      random.nextBytes(payload);
      byte[] framed = frame(payload, 16);
      assertThat((long) framed.length).isEqualTo(BlockFrame.framedLengthBytes(16, size));
      try (BlockFrame.Reader reader = open(framed)) {
        assertThat(reader.header()).isEqualTo(new BlockFrame.Header(1, 16, size));
        reader.verifyAll();
        for (int from = 0; from <= size; from++) {
          for (int to = from; to <= size; to++) {
            byte[] dst = new byte[to - from + 2];
            reader.readPayload(from, dst, 1, to - from);
            assertThat(Arrays.copyOfRange(dst, 1, 1 + to - from)).isEqualTo(Arrays.copyOfRange(payload, from, to));
          }
        }
      }
    }
  }

  @Test
  void flippedBitIsReportedWithItsBlockIndex() throws IOException {
    byte[] payload = new byte[100];
    new SplittableRandom(2).nextBytes(payload);
    byte[] framed = frame(payload, 16);
    // Payload byte 40 sits in block 2: header + 2 blocks of (16 + 4) + 8.
    framed[BlockFrame.HEADER_BYTES + 2 * 20 + 8] ^= 0x10;
    try (BlockFrame.Reader reader = open(framed)) {
      byte[] dst = new byte[16];
      reader.readPayload(0, dst, 0, 16);
      assertThatThrownBy(() -> reader.readPayload(30, dst, 0, 16)).isInstanceOf(CorruptFrameException.class)
          .hasMessageContaining("block 2 ");
      assertThatThrownBy(reader::verifyAll).isInstanceOf(CorruptFrameException.class).hasMessageContaining("block 2 ");
    }
  }

  @Test
  void truncatedFileIsCorrupt() throws IOException {
    byte[] framed = frame(new byte[100], 16);
    assertThatThrownBy(() -> open(Arrays.copyOf(framed, framed.length - 1))).isInstanceOf(CorruptFrameException.class)
        .hasMessageContaining("file length");
  }

  @Test
  void badHeadersAreRejected() {
    byte[] header = BlockFrame.encodeHeader(new BlockFrame.Header(1, 65536, 12345));
    byte[] badMagic = header.clone();
    badMagic[0] = 'X';
    assertThatThrownBy(() -> BlockFrame.decodeHeader(badMagic)).isInstanceOf(CorruptFrameException.class)
        .hasMessageContaining("magic");
    byte[] badCrc = header.clone();
    badCrc[15] ^= 1;
    assertThatThrownBy(() -> BlockFrame.decodeHeader(badCrc)).isInstanceOf(CorruptFrameException.class)
        .hasMessageContaining("CRC32C");
    // Version 2 with a valid CRC: rejected as unknown, not misread.
    byte[] v2 = header.clone();
    v2[7] = 2;
    CRC32C crc = new CRC32C();
    crc.update(v2, 0, 20);
    ByteBuffer.wrap(v2, 20, 4).putInt((int) crc.getValue());
    assertThatThrownBy(() -> BlockFrame.decodeHeader(v2)).isInstanceOf(CorruptFrameException.class)
        .hasMessageContaining("formatVersion 2");
    assertThatThrownBy(() -> BlockFrame.decodeHeader(Arrays.copyOf(header, 10))).isInstanceOf(CorruptFrameException.class);
  }

  @Test
  void writerRejectsTooFewAndTooManyBytes() throws IOException {
    BlockFrame.Writer short_ = new BlockFrame.Writer(new ByteArrayOutputStream(), 16, 10);
    short_.write(new byte[9]);
    assertThatThrownBy(short_::close).isInstanceOf(IOException.class).hasMessageContaining("incomplete");
    BlockFrame.Writer long_ = new BlockFrame.Writer(new ByteArrayOutputStream(), 16, 10);
    assertThatThrownBy(() -> long_.write(new byte[11])).isInstanceOf(IOException.class).hasMessageContaining("beyond");
    long_.write(new byte[10]);
    assertThatThrownBy(() -> long_.write(1)).isInstanceOf(IOException.class);
    long_.close();
  }
}
