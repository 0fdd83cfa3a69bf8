package io.moraine.gateway.auth;

import java.util.zip.Checksum;

/**
 * CRC-64/NVME (the {@code x-amz-checksum-crc64nvme} of S3): reflected polynomial
 * 0x9A6C9329AC4BC9B5, init and xor-out all ones; check value of "123456789" is
 * 0xAE8B14860A799888. Slicing-by-8 tables, so it keeps up with a PUT stream.
 */
public final class Crc64Nvme implements Checksum {
  private static final long POLY = 0x9A6C9329AC4BC9B5L;
  private static final long[][] T = new long[8][256];

  static {
    for (int i = 0; i < 256; i++) {
      long c = i;
      for (int k = 0; k < 8; k++) {
        c = (c & 1) != 0 ? (c >>> 1) ^ POLY : c >>> 1;
      }
      T[0][i] = c;
    }
    for (int i = 0; i < 256; i++) {
      for (int t = 1; t < 8; t++) {
        T[t][i] = (T[t - 1][i] >>> 8) ^ T[0][(int) (T[t - 1][i] & 0xff)];
      }
    }
  }

  private long crc = -1L;

  @Override
  public void update(int b) {
    crc = (crc >>> 8) ^ T[0][(int) ((crc ^ b) & 0xff)];
  }

  @Override
  public void update(byte[] b, int off, int len) {
    long c = crc;
    int i = off;
    int end = off + len;
    while (end - i >= 8) {
      long v = (b[i] & 0xffL) | (b[i + 1] & 0xffL) << 8 | (b[i + 2] & 0xffL) << 16 | (b[i + 3] & 0xffL) << 24
          | (b[i + 4] & 0xffL) << 32 | (b[i + 5] & 0xffL) << 40 | (b[i + 6] & 0xffL) << 48 | (b[i + 7] & 0xffL) << 56;
      v ^= c;
      c = T[7][(int) (v & 0xff)] ^ T[6][(int) ((v >>> 8) & 0xff)] ^ T[5][(int) ((v >>> 16) & 0xff)]
          ^ T[4][(int) ((v >>> 24) & 0xff)] ^ T[3][(int) ((v >>> 32) & 0xff)] ^ T[2][(int) ((v >>> 40) & 0xff)]
          ^ T[1][(int) ((v >>> 48) & 0xff)] ^ T[0][(int) (v >>> 56)];
      i += 8;
    }
    while (i < end) {
      c = (c >>> 8) ^ T[0][(int) ((c ^ b[i++]) & 0xff)];
    }
    crc = c;
  }

  /** The full 64-bit value (Checksum's long). */
  @Override
  public long getValue() {
    return ~crc;
  }

  @Override
  public void reset() {
    crc = -1L;
  }
}
