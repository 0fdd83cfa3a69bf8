package io.moraine.gateway.kms;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Map;
import java.util.TreeMap;
import java.util.random.RandomGenerator;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The built-in KMS's ciphertext blob, version 1 (what Encrypt and GenerateDataKey return and
 * Decrypt takes):
 *
 * <pre>
 *   0x01 | key id (36 ASCII bytes, a UUID) | material version (uint32, big-endian) | nonce (12)
 *        | AES-256-GCM(plaintext) || tag (16)
 *   AAD = the 41 header bytes || UTF-8 of the encryption context as canonical JSON (keys sorted)
 * </pre>
 *
 * So a blob names its key and material version (Decrypt needs no KeyId), and it opens only with
 * the same encryption context: another context, or any altered byte, fails the tag.
 */
public final class CiphertextBlob {
  public static final byte FORMAT_V1 = 1;
  static final int KEY_ID_BYTES = 36;
  private static final int HEADER_BYTES = 1 + KEY_ID_BYTES + 4;
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The key id and material version a blob names (before it is opened). */
  public record Header(String keyId, int materialVersion) {}

  private CiphertextBlob() {}

  /** The canonical JSON of a context (sorted keys; {@code {}} when empty): AAD and stored form. */
  public static String canonical(Map<String, String> context) {
    try {
      return JSON.writeValueAsString(new TreeMap<>(context == null ? Map.of() : context));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  public static byte[] seal(String keyId, int materialVersion, byte[] material, byte[] plaintext,
      Map<String, String> context, RandomGenerator random) {
    byte[] id = keyId.getBytes(StandardCharsets.US_ASCII);
    if (id.length != KEY_ID_BYTES) {
      throw new IllegalArgumentException("a kms key id is a 36-character UUID: " + keyId);
    }
    ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).put(FORMAT_V1).put(id).putInt(materialVersion);
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(material, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
      c.updateAAD(header.array());
      c.updateAAD(canonical(context).getBytes(StandardCharsets.UTF_8));
      byte[] sealed = c.doFinal(plaintext);
      return ByteBuffer.allocate(HEADER_BYTES + NONCE_BYTES + sealed.length).put(header.array()).put(nonce).put(sealed)
          .array();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM unavailable", e);
    }
  }

  /** The header of a version-1 blob; InvalidCiphertextException for anything else. */
  public static Header header(byte[] blob) throws KmsException {
    if (blob == null || blob.length < HEADER_BYTES + NONCE_BYTES + TAG_BITS / 8 || blob[0] != FORMAT_V1) {
      throw invalid();
    }
    String keyId = new String(blob, 1, KEY_ID_BYTES, StandardCharsets.US_ASCII);
    return new Header(keyId, ByteBuffer.wrap(blob, 1 + KEY_ID_BYTES, 4).getInt());
  }

  public static byte[] open(byte[] blob, byte[] material, Map<String, String> context) throws KmsException {
    header(blob);
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(material, "AES"),
          new GCMParameterSpec(TAG_BITS, blob, HEADER_BYTES, NONCE_BYTES));
      c.updateAAD(blob, 0, HEADER_BYTES);
      c.updateAAD(canonical(context).getBytes(StandardCharsets.UTF_8));
      return c.doFinal(blob, HEADER_BYTES + NONCE_BYTES, blob.length - HEADER_BYTES - NONCE_BYTES);
    } catch (GeneralSecurityException e) {
      throw invalid();
    }
  }

  private static KmsException invalid() {
    return new KmsException(KmsException.Code.INVALID_CIPHERTEXT, null);
  }
}
