package io.moraine.gateway.crypto;

/**
 * The packages a plaintext range of one blob needs: which ones, where their sealed bytes sit in
 * the stored blob, and how much of the first opened package to skip.
 *
 * @param blobPlaintextBytes the whole blob's plaintext size (tells which package is final)
 * @param firstPackage index of the package holding the range's first byte
 * @param lastPackage index of the package holding its last byte
 * @param sealedOffset offset of {@code firstPackage} in the stored blob
 * @param sealedLength stored bytes from {@code firstPackage} through {@code lastPackage}
 * @param skipBytes plaintext bytes of {@code firstPackage} before the range
 * @param plaintextLength the range's length
 */
public record SealedRange(long blobPlaintextBytes, long firstPackage, long lastPackage, long sealedOffset,
    long sealedLength, int skipBytes, long plaintextLength) {

  /** The packages of plaintext [offset, offset + length) of a blob of {@code blobPlaintextBytes}. */
  public static SealedRange of(long blobPlaintextBytes, long offset, long length) {
    PackageFormat.check(offset >= 0 && length >= 0 && offset + length <= blobPlaintextBytes,
        "range [" + offset + ", +" + length + ") outside a blob of " + blobPlaintextBytes + " bytes");
    long p = PackageFormat.PACKAGE_BYTES;
    long first = Math.min(offset / p, PackageFormat.lastPackage(blobPlaintextBytes));
    long last = length == 0 ? first : (offset + length - 1) / p;
    long sealedOffset = first * PackageFormat.SEALED_PACKAGE_BYTES;
    long sealedEnd = Math.min(PackageFormat.sealedSize(blobPlaintextBytes), (last + 1) * PackageFormat.SEALED_PACKAGE_BYTES);
    return new SealedRange(blobPlaintextBytes, first, last, sealedOffset, sealedEnd - sealedOffset,
        (int) (offset - first * p), length);
  }

  /** The whole blob. */
  public static SealedRange whole(long blobPlaintextBytes) {
    return of(blobPlaintextBytes, 0, blobPlaintextBytes);
  }

  /** Whether package {@code index} is the blob's final one (sealed with the final flag). */
  public boolean isFinal(long index) {
    return index == PackageFormat.lastPackage(blobPlaintextBytes);
  }

  /** The sealed length of package {@code index}. */
  public int sealedLength(long index) {
    long plain = Math.min(PackageFormat.PACKAGE_BYTES, blobPlaintextBytes - index * PackageFormat.PACKAGE_BYTES);
    return (int) plain + PackageFormat.TAG_BYTES;
  }
}
