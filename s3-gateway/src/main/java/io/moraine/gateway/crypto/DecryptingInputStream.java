package io.moraine.gateway.crypto;

import java.io.IOException;
import java.io.InputStream;

/**
 * Sealed packages in, plaintext out: reads the stored bytes of {@code range} (positioned at its
 * first package) and yields exactly the range's plaintext, opening one package at a time. A
 * package that fails authentication, or sealed bytes that end early, throw — never wrong bytes.
 */
public final class DecryptingInputStream extends InputStream {
  private final InputStream sealedIn;
  private final PackageOpener opener;
  private final byte[] sealed = new byte[PackageFormat.SEALED_PACKAGE_BYTES];

  public DecryptingInputStream(InputStream sealed, PackageCipher cipher, SealedRange range) {
    this.sealedIn = sealed;
    this.opener = new PackageOpener(cipher, range);
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
    while (opener.available() == 0) {
      if (opener.complete()) {
        return -1;
      }
      int want = opener.nextSealedLength();
      int n = sealedIn.readNBytes(sealed, 0, want);
      if (n < want) {
        throw new TamperedPackageException("sealed data ends " + (want - n) + " bytes into package "
            + opener.nextIndex() + " (truncated)");
      }
      opener.open(sealed, 0, want);
    }
    return opener.take(b, off, len);
  }

  @Override
  public void close() throws IOException {
    sealedIn.close();
  }
}
