package io.moraine.gateway.crypto;

import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals and opens the packages of one blob (an object's bytes, or one part's): the data key, the
 * blob's nonce base, its part number and the object identity fixed, the package index and final
 * flag given per call. One JCE cipher reused for every package; not thread-safe (one per stream).
 */
public final class PackageCipher {
  private final SecretKeySpec key;
  private final byte[] nonceBase;
  private final byte[] aad;
  private final Cipher cipher;

  public PackageCipher(byte[] dataKey, byte[] nonceBase, int partNumber, ObjectIdentity identity) {
    PackageFormat.check(dataKey.length == PackageFormat.KEY_BYTES, "data key must be 32 bytes, got " + dataKey.length);
    PackageFormat.check(nonceBase.length == PackageFormat.NONCE_BYTES, "nonce base must be 12 bytes, got " + nonceBase.length);
    PackageFormat.check(partNumber >= 0 && partNumber <= 10_000, "part number " + partNumber + " outside 0..10000");
    this.key = new SecretKeySpec(dataKey, "AES");
    this.nonceBase = nonceBase.clone();
    byte[] suffix = PackageFormat.aadSuffix(partNumber, identity);
    this.aad = new byte[PackageFormat.prefixBytes() + suffix.length];
    System.arraycopy(suffix, 0, aad, PackageFormat.prefixBytes(), suffix.length);
    try {
      this.cipher = Cipher.getInstance("AES/GCM/NoPadding");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM unavailable", e);
    }
  }

  /**
   * Seals {@code len} plaintext bytes (at most one package) as package {@code index} into
   * {@code out} at {@code outOff}; returns the sealed length ({@code len + 16}).
   */
  public int seal(long index, boolean last, byte[] in, int off, int len, byte[] out, int outOff) {
    PackageFormat.check(len <= PackageFormat.PACKAGE_BYTES, "package of " + len + " bytes");
    PackageFormat.check(last || len == PackageFormat.PACKAGE_BYTES, "non-final package " + index + " of " + len + " bytes");
    try {
      init(Cipher.ENCRYPT_MODE, index, last);
      return cipher.doFinal(in, off, len, out, outOff);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("sealing package " + index + " failed", e);
    }
  }

  /**
   * Opens sealed package {@code index} ({@code len} bytes, tag included) into {@code out} at
   * {@code outOff}; returns the plaintext length. Throws {@link TamperedPackageException} when
   * the tag does not verify: altered, moved, cut short, or from another object.
   */
  public int open(long index, boolean last, byte[] in, int off, int len, byte[] out, int outOff) {
    if (len < PackageFormat.TAG_BYTES || len > PackageFormat.SEALED_PACKAGE_BYTES
        || (!last && len != PackageFormat.SEALED_PACKAGE_BYTES)) {
      throw new TamperedPackageException("package " + index + " has " + len + " sealed bytes"
          + (last ? " (final)" : " (not final, must be " + PackageFormat.SEALED_PACKAGE_BYTES + ")"));
    }
    try {
      init(Cipher.DECRYPT_MODE, index, last);
      return cipher.doFinal(in, off, len, out, outOff);
    } catch (AEADBadTagException e) {
      throw new TamperedPackageException("package " + index + (last ? " (final)" : "") + " failed authentication");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("opening package " + index + " failed", e);
    }
  }

  private void init(int mode, long index, boolean last) throws GeneralSecurityException {
    PackageFormat.writePrefix(aad, last, index);
    cipher.init(mode, key, new GCMParameterSpec(PackageFormat.TAG_BYTES * 8, PackageFormat.nonce(nonceBase, index)));
    cipher.updateAAD(aad);
  }
}
