package io.moraine.gateway.auth;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;
import java.util.zip.Checksum;

/**
 * S3's additional checksums ({@code x-amz-checksum-*} headers and aws-chunked trailers): the
 * value on the wire is the base64 of the big-endian checksum bytes.
 */
public enum ChecksumAlgorithm {
  CRC32("x-amz-checksum-crc32"),
  CRC32C("x-amz-checksum-crc32c"),
  SHA1("x-amz-checksum-sha1"),
  SHA256("x-amz-checksum-sha256"),
  CRC64NVME("x-amz-checksum-crc64nvme");

  private final String headerName;

  ChecksumAlgorithm(String headerName) {
    this.headerName = headerName;
  }

  public String headerName() {
    return headerName;
  }

  public static Optional<ChecksumAlgorithm> byHeader(String lowerCaseName) {
    for (ChecksumAlgorithm a : values()) {
      if (a.headerName.equals(lowerCaseName)) {
        return Optional.of(a);
      }
    }
    return Optional.empty();
  }

  /** By the name used in {@code x-amz-sdk-checksum-algorithm} / {@code x-amz-checksum-algorithm}. */
  public static Optional<ChecksumAlgorithm> byName(String name) {
    for (ChecksumAlgorithm a : values()) {
      if (a.name().equals(name.toUpperCase(Locale.ROOT))) {
        return Optional.of(a);
      }
    }
    return Optional.empty();
  }

  public Hasher newHasher() {
    return switch (this) {
      case CRC32 -> new CrcHasher(new CRC32());
      case CRC32C -> new CrcHasher(new CRC32C());
      case SHA1 -> new DigestHasher(digest("SHA-1"));
      case SHA256 -> new DigestHasher(digest("SHA-256"));
      case CRC64NVME -> new Crc64Hasher(new Crc64Nvme());
    };
  }

  /** An incremental checksum; {@link #base64()} once at the end. */
  public interface Hasher {
    void update(byte[] b, int off, int len);

    String base64();
  }

  private record CrcHasher(Checksum crc) implements Hasher {
    @Override
    public void update(byte[] b, int off, int len) {
      crc.update(b, off, len);
    }

    @Override
    public String base64() {
      return Base64.getEncoder().encodeToString(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }
  }

  private record Crc64Hasher(Crc64Nvme crc) implements Hasher {
    @Override
    public void update(byte[] b, int off, int len) {
      crc.update(b, off, len);
    }

    @Override
    public String base64() {
      return Base64.getEncoder().encodeToString(ByteBuffer.allocate(8).putLong(crc.getValue()).array());
    }
  }

  private record DigestHasher(MessageDigest md) implements Hasher {
    @Override
    public void update(byte[] b, int off, int len) {
      md.update(b, off, len);
    }

    @Override
    public String base64() {
      return Base64.getEncoder().encodeToString(md.digest());
    }
  }

  private static MessageDigest digest(String name) {
    try {
      return MessageDigest.getInstance(name);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(name + " unavailable", e);
    }
  }
}
