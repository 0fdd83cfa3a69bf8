/*
 * BlockFrame: the storage node's on-disk shard format, formatVersion 1.
 *
 *   header (HEADER_BYTES = 24, big-endian):
 *     0  magic "MRSH" (4 bytes)
 *     4  formatVersion        int32  (1)
 *     8  blockSizeBytes       int32  (> 0)
 *    12  payloadLengthBytes   int64  (>= 0)
 *    20  CRC32C of bytes [0, 20)     int32
 *   then ceil(payload / blockSize) blocks: blockSizeBytes of payload (the last one short), each
 *   followed by the CRC32C of that block's payload bytes (4 bytes, big-endian).
 *
 * Fault model: bitrot, torn or truncated files and misdirected bytes are detected on every read
 * (each block touched is verified) and reported as CorruptFrameException naming the block; unknown
 * versions are rejected loudly. Frozen: golden files under src/test/resources/golden pin these bytes.
 */
package io.moraine.erasure.frame;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.util.Objects;
import java.util.zip.CRC32C;

public final class BlockFrame {
  public static final int FORMAT_VERSION = 1;
  public static final int HEADER_BYTES = 24;
  public static final int DEFAULT_BLOCK_SIZE_BYTES = 64 * 1024;
  public static final int CHECKSUM_BYTES = 4;
  /** "MRSH" in ASCII. */
  public static final int MAGIC = 0x4d525348;
  /** Blocks larger than this would make a reader allocate unbounded buffers from a header it does not trust yet. */
  public static final int MAX_BLOCK_SIZE_BYTES = 64 * 1024 * 1024;

  private BlockFrame() {}

  public static long framedLengthBytes(int blockSizeBytes, long payloadLengthBytes) {
    checkBlockSize(blockSizeBytes);
    if (payloadLengthBytes < 0) {
      throw new IllegalArgumentException("payloadLengthBytes must be >= 0, got " + payloadLengthBytes);
    }
    long blocks = blockCount(blockSizeBytes, payloadLengthBytes);
    return HEADER_BYTES + payloadLengthBytes + blocks * CHECKSUM_BYTES;
  }

  static long blockCount(int blockSizeBytes, long payloadLengthBytes) {
    return (payloadLengthBytes + blockSizeBytes - 1) / blockSizeBytes;
  }

  private static void checkBlockSize(int blockSizeBytes) {
    if (blockSizeBytes < 1 || blockSizeBytes > MAX_BLOCK_SIZE_BYTES) {
      throw new IllegalArgumentException("blockSizeBytes must be in [1, " + MAX_BLOCK_SIZE_BYTES + "], got " + blockSizeBytes);
    }
  }

  public record Header(int formatVersion, int blockSizeBytes, long payloadLengthBytes) {
    public Header {
      if (formatVersion != FORMAT_VERSION) {
        throw new IllegalArgumentException("unsupported formatVersion " + formatVersion + ", this code writes " + FORMAT_VERSION);
      }
      checkBlockSize(blockSizeBytes);
      if (payloadLengthBytes < 0) {
        throw new IllegalArgumentException("payloadLengthBytes must be >= 0, got " + payloadLengthBytes);
      }
    }

    public Header(int blockSizeBytes, long payloadLengthBytes) {
      this(FORMAT_VERSION, blockSizeBytes, payloadLengthBytes);
    }

    public long framedLengthBytes() {
      return BlockFrame.framedLengthBytes(blockSizeBytes, payloadLengthBytes);
    }

    public long blockCount() {
      return BlockFrame.blockCount(blockSizeBytes, payloadLengthBytes);
    }
  }

  public static byte[] encodeHeader(Header h) {
    Objects.requireNonNull(h, "header");
    ByteBuffer buffer = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.BIG_ENDIAN);
    buffer.putInt(MAGIC).putInt(h.formatVersion()).putInt(h.blockSizeBytes()).putLong(h.payloadLengthBytes());
    buffer.putInt(crc32c(buffer.array(), 0, HEADER_BYTES - CHECKSUM_BYTES));
    return buffer.array();
  }

  /** Unknown version / bad magic / bad crc / impossible sizes -> CorruptFrameException. */
  public static Header decodeHeader(byte[] bytes) throws CorruptFrameException {
    Objects.requireNonNull(bytes, "bytes");
    if (bytes.length < HEADER_BYTES) {
      throw new CorruptFrameException("header truncated: " + bytes.length + " bytes, need " + HEADER_BYTES);
    }
    ByteBuffer buffer = ByteBuffer.wrap(bytes, 0, HEADER_BYTES).order(ByteOrder.BIG_ENDIAN);
    int magic = buffer.getInt();
    if (magic != MAGIC) {
      throw new CorruptFrameException("bad magic 0x" + Integer.toHexString(magic) + ", expected \"MRSH\"");
    }
    int stored = ByteBuffer.wrap(bytes, HEADER_BYTES - CHECKSUM_BYTES, CHECKSUM_BYTES).getInt();
    int computed = crc32c(bytes, 0, HEADER_BYTES - CHECKSUM_BYTES);
    if (stored != computed) {
      throw new CorruptFrameException("header CRC32C mismatch: stored 0x" + Integer.toHexString(stored)
          + ", computed 0x" + Integer.toHexString(computed));
    }
    int version = buffer.getInt();
    if (version != FORMAT_VERSION) {
      throw new CorruptFrameException("unknown formatVersion " + version + " (this code reads " + FORMAT_VERSION + ")");
    }
    int blockSize = buffer.getInt();
    long payloadLength = buffer.getLong();
    if (blockSize < 1 || blockSize > MAX_BLOCK_SIZE_BYTES || payloadLength < 0) {
      throw new CorruptFrameException("impossible header: blockSizeBytes=" + blockSize + " payloadLengthBytes=" + payloadLength);
    }
    return new Header(version, blockSize, payloadLength);
  }

  static int crc32c(byte[] bytes, int offset, int length) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, offset, length);
    return (int) crc.getValue();
  }

  /**
   * Streams a payload of exactly payloadLengthBytes into the frame (header first). finish() completes
   * the frame and flushes without closing the target (so the caller can fsync it); close() finishes
   * and closes the target. Both fail if fewer bytes were written; write() beyond the payload fails.
   * Also tracks the CRC32C of the whole payload: payloadCrc32c(). Not thread-safe.
   */
  public static final class Writer extends OutputStream {
    private final OutputStream out;
    private final Header header;
    private final byte[] block;
    private final CRC32C blockCrc = new CRC32C();
    private final CRC32C payloadCrc = new CRC32C();
    private int blockFill;
    private long written;
    private boolean finished;
    private boolean closed;

    public Writer(OutputStream out, int blockSizeBytes, long payloadLengthBytes) throws IOException {
      this.out = Objects.requireNonNull(out, "out");
      this.header = new Header(blockSizeBytes, payloadLengthBytes);
      // The block buffer never needs to exceed the payload: small shards get small buffers.
      this.block = new byte[(int) Math.min(blockSizeBytes, Math.max(1, payloadLengthBytes)) + CHECKSUM_BYTES];
      out.write(encodeHeader(header));
    }

    public Header header() {
      return header;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] src, int offset, int length) throws IOException {
      Objects.checkFromIndexSize(offset, length, src.length);
      if (finished) {
        throw new IOException("frame already finished");
      }
      if (length > header.payloadLengthBytes() - written) {
        throw new IOException("write beyond payload: " + written + " + " + length + " > " + header.payloadLengthBytes());
      }
      payloadCrc.update(src, offset, length);
      int blockSize = header.blockSizeBytes();
      while (length > 0) {
        int n = Math.min(length, blockSize - blockFill);
        System.arraycopy(src, offset, block, blockFill, n);
        blockFill += n;
        offset += n;
        length -= n;
        written += n;
        if (blockFill == blockSize || written == header.payloadLengthBytes()) {
          emitBlock();
        }
      }
    }

    private void emitBlock() throws IOException {
      blockCrc.reset();
      blockCrc.update(block, 0, blockFill);
      int crc = (int) blockCrc.getValue();
      block[blockFill] = (byte) (crc >>> 24);
      block[blockFill + 1] = (byte) (crc >>> 16);
      block[blockFill + 2] = (byte) (crc >>> 8);
      block[blockFill + 3] = (byte) crc;
      out.write(block, 0, blockFill + CHECKSUM_BYTES);
      blockFill = 0;
    }

    /** CRC32C of the payload bytes written so far (of the whole payload once finished). */
    public int payloadCrc32c() {
      return (int) payloadCrc.getValue();
    }

    public long payloadBytesWritten() {
      return written;
    }

    /** Completes the frame and flushes the target without closing it. */
    public void finish() throws IOException {
      if (finished) {
        return;
      }
      if (written != header.payloadLengthBytes()) {
        throw new IOException("frame incomplete: " + written + " of " + header.payloadLengthBytes() + " payload bytes written");
      }
      finished = true;
      out.flush();
    }

    @Override
    public void flush() throws IOException {
      out.flush();
    }

    /** finish() then close the target; the target is closed even when the frame is incomplete. */
    @Override
    public void close() throws IOException {
      if (closed) {
        return;
      }
      closed = true;
      try {
        finish();
      } finally {
        out.close();
      }
    }
  }

  /**
   * Random-access, verifying reader over a framed file. Owns the channel (close() closes it).
   * Thread-safe: reads are positional and use per-call buffers.
   */
  public static final class Reader implements Closeable {
    private final FileChannel channel;
    private final Header header;

    /** Reads and checks the header, and that the file length matches it (a truncated or extended file is corrupt). */
    public Reader(FileChannel channel) throws IOException {
      this.channel = Objects.requireNonNull(channel, "channel");
      byte[] bytes = new byte[HEADER_BYTES];
      readFully(ByteBuffer.wrap(bytes), 0);
      this.header = decodeHeader(bytes);
      long size = channel.size();
      if (size != header.framedLengthBytes()) {
        throw new CorruptFrameException("file length " + size + " does not match header (" + header.framedLengthBytes()
            + " bytes expected for payload " + header.payloadLengthBytes() + ", block " + header.blockSizeBytes() + ")");
      }
    }

    public Header header() {
      return header;
    }

    /**
     * Copies payload bytes [offset, offset+length) into dst, verifying the CRC32C of every block
     * touched; CorruptFrameException on mismatch (with block index in message).
     */
    public void readPayload(long offset, byte[] dst, int dstOffset, int length) throws IOException {
      Objects.checkFromIndexSize(dstOffset, length, dst.length);
      if (offset < 0 || offset + length > header.payloadLengthBytes()) {
        throw new IllegalArgumentException("range [" + offset + ", +" + length + ") outside payload of "
            + header.payloadLengthBytes() + " bytes");
      }
      if (length == 0) {
        return;
      }
      int blockSize = header.blockSizeBytes();
      long firstBlock = offset / blockSize;
      long lastBlock = (offset + length - 1) / blockSize;
      byte[] buffer = new byte[blockLength(firstBlock == lastBlock ? firstBlock : 0) + CHECKSUM_BYTES];
      for (long b = firstBlock; b <= lastBlock; b++) {
        int blockLength = verifiedBlock(b, buffer);
        long blockStart = b * blockSize;
        long from = Math.max(offset, blockStart);
        long to = Math.min(offset + length, blockStart + blockLength);
        System.arraycopy(buffer, (int) (from - blockStart), dst, dstOffset + (int) (from - offset), (int) (to - from));
      }
    }

    /** Verifies every block (scrub). */
    public void verifyAll() throws IOException {
      long blocks = header.blockCount();
      if (blocks == 0) {
        return;
      }
      byte[] buffer = new byte[blockLength(0) + CHECKSUM_BYTES];
      for (long b = 0; b < blocks; b++) {
        verifiedBlock(b, buffer);
      }
    }

    private int blockLength(long block) {
      long start = block * header.blockSizeBytes();
      return (int) Math.min(header.blockSizeBytes(), header.payloadLengthBytes() - start);
    }

    /** Reads block b with its checksum into buffer, verifies it, returns its payload length. */
    private int verifiedBlock(long block, byte[] buffer) throws IOException {
      int blockLength = blockLength(block);
      long position = HEADER_BYTES + block * ((long) header.blockSizeBytes() + CHECKSUM_BYTES);
      readFully(ByteBuffer.wrap(buffer, 0, blockLength + CHECKSUM_BYTES), position);
      int stored = ((buffer[blockLength] & 0xff) << 24) | ((buffer[blockLength + 1] & 0xff) << 16)
          | ((buffer[blockLength + 2] & 0xff) << 8) | (buffer[blockLength + 3] & 0xff);
      int computed = crc32c(buffer, 0, blockLength);
      if (stored != computed) {
        throw new CorruptFrameException("block " + block + " of " + header.blockCount() + " CRC32C mismatch: stored 0x"
            + Integer.toHexString(stored) + ", computed 0x" + Integer.toHexString(computed) + " (file offset " + position + ")");
      }
      return blockLength;
    }

    private void readFully(ByteBuffer target, long position) throws IOException {
      long at = position;
      while (target.hasRemaining()) {
        int n = channel.read(target, at);
        if (n < 0) {
          throw new CorruptFrameException("unexpected end of file at offset " + at);
        }
        at += n;
      }
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }
}
