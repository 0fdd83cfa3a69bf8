package io.moraine.gateway.crypto;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;

/**
 * The server-side encryption package format, version 1 (docs/encryption.md): an object's (or a
 * part's) plaintext is cut into {@value #PACKAGE_BYTES}-byte packages, each sealed on its own
 * with AES-256-GCM, so a ranged read decrypts only the packages it touches and every package is
 * authenticated where it stands.
 *
 * <ul>
 *   <li>package i = ciphertext(plaintext[i·P, min((i+1)·P, n))) || tag (16 bytes); an empty
 *       plaintext is one final package holding only a tag, so truncation to nothing is detected.
 *   <li>nonce(i) = the blob's 12-byte nonce base with i (big-endian, 8 bytes) XORed into bytes 4..11.
 *   <li>AAD(i) = "MORAINE-SSE" | formatVersion (1 byte) | final flag (1 byte) | i (8 bytes BE) |
 *       partNumber (4 bytes BE, 0 for a single PUT) | len(bucket) bucket | len(key) key |
 *       len(instanceId) instanceId (lengths 4 bytes BE, strings UTF-8).
 * </ul>
 *
 * A package moved to another index, another part, another object or another write of the same
 * key fails its tag; a dropped last package fails because the new last one was sealed non-final.
 * Pure arithmetic and byte layouts, no I/O.
 */
public final class PackageFormat {
  public static final int FORMAT_VERSION = 1;
  public static final int PACKAGE_BYTES = 64 * 1024;
  public static final int TAG_BYTES = 16;
  public static final int NONCE_BYTES = 12;
  public static final int KEY_BYTES = 32;
  public static final int SEALED_PACKAGE_BYTES = PACKAGE_BYTES + TAG_BYTES;
  static final byte[] MARKER = "MORAINE-SSE".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] PART_NONCE_LABEL = "MORAINE-SSE part nonce v1".getBytes(StandardCharsets.US_ASCII);

  private PackageFormat() {}

  /** Packages a plaintext of {@code plaintextBytes} is sealed into (at least one). */
  public static long packageCount(long plaintextBytes) {
    check(plaintextBytes >= 0, "negative plaintext size " + plaintextBytes);
    return plaintextBytes == 0 ? 1 : (plaintextBytes + PACKAGE_BYTES - 1) / PACKAGE_BYTES;
  }

  /** Stored (ciphertext) bytes of a plaintext of {@code plaintextBytes}. */
  public static long sealedSize(long plaintextBytes) {
    return plaintextBytes + packageCount(plaintextBytes) * TAG_BYTES;
  }

  /** The plaintext size of a sealed blob of {@code sealedBytes}; fails for a size no plaintext seals to. */
  public static long plaintextSize(long sealedBytes) {
    long full = sealedBytes / SEALED_PACKAGE_BYTES;
    long rest = sealedBytes % SEALED_PACKAGE_BYTES;
    long n;
    if (rest == 0) {
      n = full * PACKAGE_BYTES;
    } else {
      check(rest >= TAG_BYTES, "sealed size " + sealedBytes + " leaves a package shorter than its tag");
      n = full * PACKAGE_BYTES + rest - TAG_BYTES;
    }
    check(sealedSize(n) == sealedBytes, "sealed size " + sealedBytes + " is not the size of any plaintext");
    return n;
  }

  /** Index of the last package of a plaintext of {@code plaintextBytes}. */
  public static long lastPackage(long plaintextBytes) {
    return packageCount(plaintextBytes) - 1;
  }

  /** The nonce of package {@code index}: {@code nonceBase} with the index XORed into its last 8 bytes. */
  public static byte[] nonce(byte[] nonceBase, long index) {
    check(nonceBase.length == NONCE_BYTES, "nonce base must be " + NONCE_BYTES + " bytes, got " + nonceBase.length);
    check(index >= 0, "negative package index " + index);
    byte[] n = nonceBase.clone();
    for (int i = 0; i < 8; i++) {
      n[NONCE_BYTES - 1 - i] ^= (byte) (index >>> (8 * i));
    }
    return n;
  }

  /**
   * The nonce base of one part's blob: the upload's base XOR the first 12 bytes of
   * SHA-256(label || dataId). Parts share the upload's data key, and a part number may be
   * uploaded again; the blob's data id (unique per write) keeps every part's nonces apart.
   */
  public static byte[] partNonceBase(byte[] uploadNonceBase, String dataId) {
    check(uploadNonceBase.length == NONCE_BYTES, "nonce base must be " + NONCE_BYTES + " bytes");
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(PART_NONCE_LABEL);
      sha.update(dataId.getBytes(StandardCharsets.UTF_8));
      byte[] h = sha.digest();
      byte[] out = new byte[NONCE_BYTES];
      for (int i = 0; i < NONCE_BYTES; i++) {
        out[i] = (byte) (uploadNonceBase[i] ^ h[i]);
      }
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }

  /** The constant part of every package's AAD for one blob: everything after the package index. */
  static byte[] aadSuffix(int partNumber, ObjectIdentity id) {
    ByteArrayOutputStream b = new ByteArrayOutputStream(64);
    writeInt(b, partNumber);
    writeString(b, id.bucket());
    writeString(b, id.key());
    writeString(b, id.instanceId());
    return b.toByteArray();
  }

  /** The AAD of package {@code index} (see the class comment). */
  public static byte[] aad(boolean last, long index, int partNumber, ObjectIdentity id) {
    byte[] suffix = aadSuffix(partNumber, id);
    byte[] out = new byte[MARKER.length + 2 + 8 + suffix.length];
    writePrefix(out, last, index);
    System.arraycopy(suffix, 0, out, MARKER.length + 10, suffix.length);
    return out;
  }

  /** Writes marker, version, final flag and index into the first {@code MARKER.length + 10} bytes. */
  static void writePrefix(byte[] aad, boolean last, long index) {
    System.arraycopy(MARKER, 0, aad, 0, MARKER.length);
    int p = MARKER.length;
    aad[p++] = (byte) FORMAT_VERSION;
    aad[p++] = (byte) (last ? 1 : 0);
    for (int i = 7; i >= 0; i--) {
      aad[p++] = (byte) (index >>> (8 * i));
    }
  }

  static int prefixBytes() {
    return MARKER.length + 10;
  }

  private static void writeInt(ByteArrayOutputStream b, int v) {
    b.write(v >>> 24);
    b.write(v >>> 16);
    b.write(v >>> 8);
    b.write(v);
  }

  private static void writeString(ByteArrayOutputStream b, String s) {
    byte[] u = s.getBytes(StandardCharsets.UTF_8);
    writeInt(b, u.length);
    b.writeBytes(u);
  }

  static void check(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }
}
