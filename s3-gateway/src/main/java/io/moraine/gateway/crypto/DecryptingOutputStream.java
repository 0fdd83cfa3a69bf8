package io.moraine.gateway.crypto;

import java.io.IOException;
import java.io.OutputStream;

/**
 * The GET path's decryptor: the sealed bytes of {@code range} are written in (as the erasure
 * reader streams them), the range's plaintext goes out to {@code plaintext}. {@link #finish}
 * checks every package arrived; it does not close the downstream.
 */
public final class DecryptingOutputStream extends OutputStream {
  private final OutputStream plaintext;
  private final PackageOpener opener;
  private final byte[] sealed = new byte[PackageFormat.SEALED_PACKAGE_BYTES];
  private int filled;

  public DecryptingOutputStream(OutputStream plaintext, PackageCipher cipher, SealedRange range) {
    this.plaintext = plaintext;
    this.opener = new PackageOpener(cipher, range);
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    while (len > 0) {
      if (opener.complete()) {
        throw new TamperedPackageException("sealed data runs past the range's last package " + opener.nextIndex());
      }
      int want = opener.nextSealedLength();
      int n = Math.min(len, want - filled);
      System.arraycopy(b, off, sealed, filled, n);
      filled += n;
      off += n;
      len -= n;
      if (filled == want) {
        opener.open(sealed, 0, want);
        filled = 0;
        opener.drainTo(plaintext);
      }
    }
  }

  /** Fails unless every package of the range was written and opened. */
  public void finish() {
    if (!opener.complete() || filled != 0) {
      throw new TamperedPackageException("sealed data ends " + filled + " bytes into package " + opener.nextIndex()
          + " (truncated)");
    }
  }

  @Override
  public void flush() throws IOException {
    plaintext.flush();
  }
}
