package io.moraine.gateway.crypto;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import javax.crypto.spec.SecretKeySpec;

/**
 * The root of Moraine's key hierarchy: a 256-bit key each gateway reads at start, never stored
 * in metadata, that wraps the keys metadata does store (SSE-S3 master keys, KMS key material).
 * Losing it loses every encrypted object; changing it makes them unreadable.
 *
 * <p>Read from the environment variable {@value #ENV} (base64 of 32 bytes) if set, else from the
 * file named by the config key {@code encryption.root-key-file} (the same base64 text, one line).
 * {@code dev} and {@code cluster} generate the file under their data directory.
 *
 * <p>Wrapped form, version 1: {@code 0x01 | nonce (12) | AES-256-GCM(ciphertext || tag 16)}, with
 * the purpose string ("sse-s3-master:ID", "kms-key:ARN", ...) as additional data, so a blob
 * wrapped for one purpose cannot be unwrapped as another.
 */
public final class RootKey {
  public static final String ENV = "MORAINE_ROOT_KEY";
  public static final int KEY_BYTES = 32;

  private final SecretKeySpec key;
  private final String id;
  private final SecureRandom random;

  private RootKey(byte[] material, SecureRandom random) {
    if (material.length != KEY_BYTES) {
      throw new IllegalArgumentException("root key must be " + KEY_BYTES + " bytes, got " + material.length);
    }
    this.key = new SecretKeySpec(material, "AES");
    this.id = fingerprint(material);
    this.random = random;
  }

  /** A root key from its 32 bytes (tests; production reads it with {@link #load}). */
  public static RootKey of(byte[] material, SecureRandom random) {
    return new RootKey(material.clone(), random);
  }

  /** The root key from {@value #ENV} in {@code env}, else from {@code file}; empty if neither is set. */
  public static Optional<RootKey> load(Map<String, String> env, Optional<Path> file, SecureRandom random)
      throws IOException {
    String text = env.get(ENV);
    if (text == null || text.isBlank()) {
      if (file.isEmpty()) {
        return Optional.empty();
      }
      text = Files.readString(file.get(), StandardCharsets.US_ASCII);
    }
    byte[] material;
    try {
      material = Base64.getDecoder().decode(text.strip());
    } catch (IllegalArgumentException e) {
      throw new IOException("root key (" + (file.isPresent() && env.get(ENV) == null ? file.get() : ENV)
          + ") is not base64: " + e.getMessage());
    }
    if (material.length != KEY_BYTES) {
      throw new IOException("root key must be " + KEY_BYTES + " bytes (base64 of 32 random bytes), got "
          + material.length);
    }
    return Optional.of(new RootKey(material, random));
  }

  /** Writes a fresh root key to {@code file} (mode 0600) unless the file exists; returns its path. */
  public static Path generateIfAbsent(Path file, SecureRandom random) throws IOException {
    if (Files.exists(file)) {
      return file;
    }
    byte[] material = new byte[KEY_BYTES];
    random.nextBytes(material);
    Files.createDirectories(file.toAbsolutePath().getParent());
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(tmp, Base64.getEncoder().encodeToString(material) + "\n", StandardCharsets.US_ASCII,
        StandardOpenOption.TRUNCATE_EXISTING);
    Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    Arrays.fill(material, (byte) 0);
    return file;
  }

  /** A short public fingerprint (first 8 bytes of SHA-256, hex): tells which root key wrapped a blob. */
  public String id() {
    return id;
  }

  /** {@code plaintext} sealed for {@code purpose} ({@link KeyWrap}'s version-1 form). */
  public byte[] wrap(byte[] plaintext, String purpose) {
    return KeyWrap.wrap(key, plaintext, purpose, random);
  }

  /** The plaintext of a {@link #wrap} for the same {@code purpose}; fails if it was altered or wrapped otherwise. */
  public byte[] unwrap(byte[] wrapped, String purpose) throws GeneralSecurityException {
    return KeyWrap.unwrap(key, wrapped, purpose);
  }

  private static String fingerprint(byte[] material) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(material);
      return HexFormat.of().formatHex(d, 0, 8);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
