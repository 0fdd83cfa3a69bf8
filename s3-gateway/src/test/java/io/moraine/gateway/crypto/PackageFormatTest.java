package io.moraine.gateway.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The SSE package format (docs/encryption.md): sizes, round trips, ranged decryption touching
 * only the packages it needs, and every kind of tampering failing authentication.
 */
class PackageFormatTest {
  private static final int P = PackageFormat.PACKAGE_BYTES;
  private static final int S = PackageFormat.SEALED_PACKAGE_BYTES;
  private static final ObjectIdentity ID = new ObjectIdentity("bucket", "a/key", "instance-1");
  private final SplittableRandom random = new SplittableRandom(13);
  private final byte[] key = bytes(32);
  private final byte[] base = bytes(12);

  @Test
  void sizesFollowThePackageArithmetic() {
    long[][] table = {{0, 16}, {1, 17}, {P - 1, P + 15}, {P, P + 16}, {P + 1, P + 33}, {3L * P, 3L * S},
        {5L << 30, (5L << 30) + ((5L << 30) / P) * 16}};
    for (long[] row : table) {
      assertThat(PackageFormat.sealedSize(row[0])).as("sealed size of %d", row[0]).isEqualTo(row[1]);
      assertThat(PackageFormat.plaintextSize(row[1])).as("plaintext of %d", row[1]).isEqualTo(row[0]);
    }
    assertThatThrownBy(() -> PackageFormat.plaintextSize(S + 5)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PackageFormat.plaintextSize(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void nonceXorsTheIndexIntoTheLastEightBytes() {
    byte[] b = new byte[12];
    Arrays.fill(b, (byte) 0xff);
    byte[] n = PackageFormat.nonce(b, 0x0102030405060708L);
    assertThat(n).containsExactly(0xff, 0xff, 0xff, 0xff, 0xfe, 0xfd, 0xfc, 0xfb, 0xfa, 0xf9, 0xf8, 0xf7);
    assertThat(PackageFormat.nonce(b, 0)).isEqualTo(b);
  }

  @Test
  void roundTripsEverySizeAroundPackageBoundaries() throws IOException {
    for (int n : new int[] {0, 1, 100, P - 1, P, P + 1, 2 * P, 2 * P + 7, 3 * P - 1}) {
      byte[] plain = bytes(n);
      byte[] sealed = seal(plain, 0);
      assertThat(sealed).as("size %d", n).hasSize((int) PackageFormat.sealedSize(n));
      assertThat(open(sealed, n, 0, n, 0)).as("size %d", n).isEqualTo(plain);
      assertThat(openThroughOutputStream(sealed, n, 0, n, 0)).as("size %d", n).isEqualTo(plain);
    }
  }

  @Test
  void rangesAtAndAcrossPackageBoundariesDecryptOnlyTheirPackages() throws IOException {
    int n = 3 * P + 500;
    byte[] plain = bytes(n);
    byte[] sealed = seal(plain, 0);
    long[][] ranges = {{0, 1}, {P - 1, 1}, {P - 1, 2}, {P, 1}, {P, P}, {P - 10, P + 20}, {2 * P + 3, P + 497},
        {3 * P, 500}, {n - 1, 1}, {0, n}, {5, 2 * P}, {n, 0}};
    for (long[] r : ranges) {
      SealedRange range = SealedRange.of(n, r[0], r[1]);
      assertThat(range.firstPackage()).isEqualTo(Math.min(r[0] / P, 3));
      assertThat(range.sealedOffset()).isEqualTo(range.firstPackage() * S);
      // Only the range's packages are handed in: bytes outside them are never needed.
      byte[] slice = Arrays.copyOfRange(sealed, (int) range.sealedOffset(),
          (int) (range.sealedOffset() + range.sealedLength()));
      byte[] expected = Arrays.copyOfRange(plain, (int) r[0], (int) (r[0] + r[1]));
      assertThat(decrypt(slice, range, 0)).as("range %d+%d", r[0], r[1]).isEqualTo(expected);
      assertThat(decryptOut(slice, range, 0)).as("range %d+%d", r[0], r[1]).isEqualTo(expected);
    }
    SealedRange middle = SealedRange.of(n, P + 5, 10);
    assertThat(middle.sealedLength()).isEqualTo(S);
    SealedRange tail = SealedRange.of(n, 3 * P + 1, 10);
    assertThat(tail.sealedLength()).isEqualTo(500 + 16);
  }

  @Test
  void randomRangesMatchThePlaintext() throws IOException {
    int n = 4 * P + 123;
    byte[] plain = bytes(n);
    byte[] sealed = seal(plain, 7);
    for (int i = 0; i < 200; i++) {
      long first = random.nextLong(n);
      long length = random.nextLong(n - first + 1);
      SealedRange range = SealedRange.of(n, first, length);
      byte[] slice = Arrays.copyOfRange(sealed, (int) range.sealedOffset(), (int) (range.sealedOffset() + range.sealedLength()));
      assertThat(decryptOut(slice, range, 7)).as("range %d+%d", first, length)
          .isEqualTo(Arrays.copyOfRange(plain, (int) first, (int) (first + length)));
    }
  }

  @Test
  void swappedPackagesFailAuthentication() {
    byte[] sealed = seal(bytes(3 * P), 0);
    byte[] swapped = sealed.clone();
    System.arraycopy(sealed, 0, swapped, S, S);
    System.arraycopy(sealed, S, swapped, 0, S);
    assertTampered(swapped, 3 * P);
  }

  @Test
  void reorderedPackagesFailAuthentication() {
    byte[] sealed = seal(bytes(3 * P), 0);
    byte[] rotated = new byte[sealed.length];
    System.arraycopy(sealed, S, rotated, 0, 2 * S); // packages 1, 2 first
    System.arraycopy(sealed, 0, rotated, 2 * S, S); // then 0
    assertTampered(rotated, 3 * P);
    // A range read of package 1 given package 2's bytes fails too.
    SealedRange one = SealedRange.of(3 * P, P, 10);
    assertThatThrownBy(() -> decrypt(Arrays.copyOfRange(sealed, 2 * S, 3 * S), one, 0))
        .isInstanceOf(TamperedPackageException.class);
  }

  @Test
  void truncationFailsAuthentication() {
    byte[] sealed = seal(bytes(3 * P), 0);
    // The last package dropped: the stored metadata says 3 packages, 2 arrive.
    assertThatThrownBy(() -> decrypt(Arrays.copyOf(sealed, 2 * S), SealedRange.whole(3 * P), 0))
        .isInstanceOf(TamperedPackageException.class).hasMessageContaining("truncated");
    assertThatThrownBy(() -> decryptOut(Arrays.copyOf(sealed, sealed.length - 1), SealedRange.whole(3 * P), 0))
        .isInstanceOf(TamperedPackageException.class);
    // Even if the size were believed to be 2 packages, package 1 was sealed non-final.
    assertTampered(Arrays.copyOf(sealed, 2 * S), 2 * P);
    // A short last package presented as the whole blob (tag bytes cut).
    byte[] small = seal(bytes(100), 0);
    assertTampered(Arrays.copyOf(small, 100), 84);
  }

  @Test
  void packagesFromAnotherObjectPartOrWriteFailAuthentication() {
    byte[] plain = bytes(2 * P);
    byte[] sealed = seal(plain, 0);
    PackageCipher otherKey = new PackageCipher(key, base, 0, new ObjectIdentity("bucket", "b/key", "instance-1"));
    PackageCipher otherBucket = new PackageCipher(key, base, 0, new ObjectIdentity("bucket2", "a/key", "instance-1"));
    PackageCipher otherWrite = new PackageCipher(key, base, 0, new ObjectIdentity("bucket", "a/key", "instance-2"));
    PackageCipher otherPart = new PackageCipher(key, base, 1, ID);
    PackageCipher otherNonce = new PackageCipher(key, bytes(12), 0, ID);
    for (PackageCipher c : new PackageCipher[] {otherKey, otherBucket, otherWrite, otherPart, otherNonce}) {
      assertThatThrownBy(() -> new DecryptingInputStream(new ByteArrayInputStream(sealed), c, SealedRange.whole(2 * P))
          .readAllBytes()).isInstanceOf(TamperedPackageException.class);
    }
    // Length-prefixing keeps ("ab", "c") and ("a", "bc") apart.
    byte[] ab = new PackageCipherFixture(key, base, new ObjectIdentity("ab", "c", "i")).seal(plain);
    assertThatThrownBy(() -> new DecryptingInputStream(new ByteArrayInputStream(ab),
        new PackageCipher(key, base, 0, new ObjectIdentity("a", "bc", "i")), SealedRange.whole(2 * P)).readAllBytes())
        .isInstanceOf(TamperedPackageException.class);
  }

  @Test
  void aFlippedBitFailsAuthentication() {
    byte[] sealed = seal(bytes(P + 10), 0);
    for (int at : new int[] {0, P - 1, P + 3, S + 2, sealed.length - 1}) {
      byte[] bad = sealed.clone();
      bad[at] ^= 0x01;
      assertTampered(bad, P + 10);
    }
  }

  @Test
  void partNonceBasesDifferPerDataId() {
    byte[] a = PackageFormat.partNonceBase(base, "00aa");
    byte[] b = PackageFormat.partNonceBase(base, "00ab");
    assertThat(a).hasSize(12).isNotEqualTo(b).isNotEqualTo(base);
  }

  // ---- helpers ------------------------------------------------------------------------------

  private record PackageCipherFixture(byte[] key, byte[] base, ObjectIdentity id) {
    byte[] seal(byte[] plain) {
      try {
        return new EncryptingInputStream(new ByteArrayInputStream(plain), new PackageCipher(key, base, 0, id)).readAllBytes();
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }

  private void assertTampered(byte[] sealed, long plaintextSize) {
    assertThatThrownBy(() -> decrypt(sealed, SealedRange.whole(plaintextSize), 0)).isInstanceOf(TamperedPackageException.class);
    assertThatThrownBy(() -> decryptOut(sealed, SealedRange.whole(plaintextSize), 0)).isInstanceOf(TamperedPackageException.class);
  }

  private byte[] seal(byte[] plain, int part) {
    try (EncryptingInputStream in = new EncryptingInputStream(new ByteArrayInputStream(plain), new PackageCipher(key, base, part, ID))) {
      byte[] out = in.readAllBytes();
      assertThat(in.plaintextBytes()).isEqualTo(plain.length);
      return out;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private byte[] open(byte[] sealed, long size, long first, long length, int part) throws IOException {
    return decrypt(sealed, SealedRange.of(size, first, length), part);
  }

  private byte[] openThroughOutputStream(byte[] sealed, long size, long first, long length, int part) {
    return decryptOut(sealed, SealedRange.of(size, first, length), part);
  }

  private byte[] decrypt(byte[] slice, SealedRange range, int part) throws IOException {
    return new DecryptingInputStream(new ByteArrayInputStream(slice), new PackageCipher(key, base, part, ID), range).readAllBytes();
  }

  private byte[] decryptOut(byte[] slice, SealedRange range, int part) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    DecryptingOutputStream d = new DecryptingOutputStream(out, new PackageCipher(key, base, part, ID), range);
    try {
      // Odd write sizes, as the erasure reader's chunks need not align with packages.
      int pos = 0;
      while (pos < slice.length) {
        int n = Math.min(slice.length - pos, 1 + random.nextInt(20_000));
        d.write(slice, pos, n);
        pos += n;
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    d.finish();
    return out.toByteArray();
  }

  private byte[] bytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }
}
