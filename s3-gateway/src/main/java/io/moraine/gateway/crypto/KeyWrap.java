package io.moraine.gateway.crypto;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.random.RandomGenerator;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A key wrapped by another 256-bit key, version 1 — the same form as {@link RootKey}'s:
 * {@code 0x01 | nonce (12) | AES-256-GCM(key || tag 16)} with the purpose string as additional
 * data. Data keys are wrapped by master keys with the purpose {@code "sse-s3-data:INSTANCE_ID"},
 * so a wrapped data key moved to another object's record does not unwrap.
 */
public final class KeyWrap {
  public static final byte FORMAT_V1 = 1;
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;

  private KeyWrap() {}

  /** The purpose (AAD) of a data key wrapped for the write {@code instanceId}. */
  public static String dataKeyPurpose(String instanceId) {
    return "sse-s3-data:" + instanceId;
  }

  /** The purpose (AAD) of master key {@code id} wrapped by the root key. */
  public static String masterKeyPurpose(String id) {
    return "sse-s3-master:" + id;
  }

  public static byte[] wrap(byte[] kek, byte[] plaintext, String purpose, RandomGenerator random) {
    return wrap(new SecretKeySpec(kek, "AES"), plaintext, purpose, random);
  }

  /** {@link #wrap(byte[], byte[], String, RandomGenerator)} under a key already made a JCE key ({@link RootKey}). */
  static byte[] wrap(SecretKey kek, byte[] plaintext, String purpose, RandomGenerator random) {
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, kek, new GCMParameterSpec(TAG_BITS, nonce));
      c.updateAAD(purpose.getBytes(StandardCharsets.UTF_8));
      byte[] sealed = c.doFinal(plaintext);
      byte[] out = new byte[1 + NONCE_BYTES + sealed.length];
      out[0] = FORMAT_V1;
      System.arraycopy(nonce, 0, out, 1, NONCE_BYTES);
      System.arraycopy(sealed, 0, out, 1 + NONCE_BYTES, sealed.length);
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM unavailable", e);
    }
  }

  /** The key of a {@link #wrap} for the same purpose; fails if it was altered, or wrapped by another key or purpose. */
  public static byte[] unwrap(byte[] kek, byte[] wrapped, String purpose) throws GeneralSecurityException {
    return unwrap(new SecretKeySpec(kek, "AES"), wrapped, purpose);
  }

  static byte[] unwrap(SecretKey kek, byte[] wrapped, String purpose) throws GeneralSecurityException {
    if (wrapped.length < 1 + NONCE_BYTES + TAG_BITS / 8 || wrapped[0] != FORMAT_V1) {
      throw new GeneralSecurityException("not a version-1 wrapped key");
    }
    Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
    c.init(Cipher.DECRYPT_MODE, kek, new GCMParameterSpec(TAG_BITS, wrapped, 1, NONCE_BYTES));
    c.updateAAD(purpose.getBytes(StandardCharsets.UTF_8));
    return c.doFinal(wrapped, 1 + NONCE_BYTES, wrapped.length - 1 - NONCE_BYTES);
  }
}
