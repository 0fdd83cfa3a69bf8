package io.moraine.gateway.crypto;

/**
 * The shared state of a decrypting stream: which package comes next, how long it must be, and the
 * window of its plaintext that belongs to the requested range.
 */
final class PackageOpener {
  private final PackageCipher cipher;
  private final SealedRange range;
  private final byte[] plain = new byte[PackageFormat.PACKAGE_BYTES];
  private long nextIndex;
  private int pos;
  private int end;
  private long remaining;

  PackageOpener(PackageCipher cipher, SealedRange range) {
    this.cipher = cipher;
    this.range = range;
    this.nextIndex = range.firstPackage();
    this.remaining = range.plaintextLength();
  }

  /** True when every package of the range has been opened and its bytes taken. */
  boolean complete() {
    return nextIndex > range.lastPackage() && pos == end;
  }

  long nextIndex() {
    return nextIndex;
  }

  int nextSealedLength() {
    return range.sealedLength(nextIndex);
  }

  int available() {
    return end - pos;
  }

  /** Opens the next package from {@code len} sealed bytes and exposes its part of the range. */
  void open(byte[] sealed, int off, int len) {
    long index = nextIndex++;
    int n = cipher.open(index, range.isFinal(index), sealed, off, len, plain, 0);
    int from = index == range.firstPackage() ? range.skipBytes() : 0;
    int to = (int) Math.min(n, from + remaining);
    pos = Math.min(from, to);
    end = to;
    remaining -= end - pos;
  }

  void drainTo(java.io.OutputStream out) throws java.io.IOException {
    out.write(plain, pos, end - pos);
    pos = end;
  }

  int take(byte[] b, int off, int len) {
    int n = Math.min(len, end - pos);
    System.arraycopy(plain, pos, b, off, n);
    pos += n;
    return n;
  }
}
