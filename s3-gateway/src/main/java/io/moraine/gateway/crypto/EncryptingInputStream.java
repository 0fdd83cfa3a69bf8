package io.moraine.gateway.crypto;

import java.io.IOException;
import java.io.InputStream;

/**
 * Plaintext in, sealed packages out: reads {@code plaintext} a package at a time and yields each
 * sealed package. The final package is recognised by reading one byte ahead, so the flag is right
 * whatever length the source turns out to have; {@link PackageFormat#sealedSize} of the bytes
 * read is what comes out.
 */
public final class EncryptingInputStream extends InputStream {
  private final InputStream plaintext;
  private final PackageCipher cipher;
  private final byte[] plain = new byte[PackageFormat.PACKAGE_BYTES];
  private final byte[] sealed = new byte[PackageFormat.SEALED_PACKAGE_BYTES];
  private int lookahead = -1;
  private long nextIndex;
  private int sealedPos;
  private int sealedEnd;
  private boolean done;
  private long plaintextBytes;

  public EncryptingInputStream(InputStream plaintext, PackageCipher cipher) {
    this.plaintext = plaintext;
    this.cipher = cipher;
  }

  /** Plaintext bytes consumed so far. */
  public long plaintextBytes() {
    return plaintextBytes;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    if (sealedPos == sealedEnd && !fill()) {
      return -1;
    }
    int n = Math.min(len, sealedEnd - sealedPos);
    System.arraycopy(sealed, sealedPos, b, off, n);
    sealedPos += n;
    return n;
  }

  /** Seals the next package; false at the end. */
  private boolean fill() throws IOException {
    if (done) {
      return false;
    }
    int n = 0;
    if (lookahead >= 0) {
      plain[n++] = (byte) lookahead;
      lookahead = -1;
    }
    while (n < plain.length) {
      int r = plaintext.read(plain, n, plain.length - n);
      if (r < 0) {
        break;
      }
      n += r;
    }
    boolean last = n < plain.length;
    if (!last) {
      lookahead = plaintext.read();
      last = lookahead < 0;
    }
    plaintextBytes += n;
    sealedEnd = cipher.seal(nextIndex++, last, plain, 0, n, sealed, 0);
    sealedPos = 0;
    done = last;
    return true;
  }

  @Override
  public void close() throws IOException {
    plaintext.close();
  }
}
