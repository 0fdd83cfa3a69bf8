package io.moraine.gateway;

import java.util.Base64;
import java.util.HexFormat;
import java.util.random.RandomGenerator;

/**
 * Every id the gateway mints (request ids, data ids, upload ids), drawn from the one injected
 * RandomGenerator so tests replay from a seed. RandomGenerator implementations are not
 * thread-safe, hence the lock; ids are cheap next to a request.
 */
public final class Ids {
  private final RandomGenerator random;

  public Ids(RandomGenerator random) {
    this.random = random;
  }

  /** 16 upper-case hex characters, like S3's x-amz-request-id. */
  public String requestId() {
    return HexFormat.of().withUpperCase().formatHex(bytes(8));
  }

  /** An opaque base64 host id for x-amz-id-2. */
  public String hostId() {
    return Base64.getEncoder().encodeToString(bytes(24));
  }

  /** 128 random bits, hex: a blob's data id. */
  public String dataId() {
    return HexFormat.of().formatHex(bytes(16));
  }

  /** An ID for a lifecycle rule given without one: 48 base64 characters, the form S3 assigns. */
  public String lifecycleRuleId() {
    return Base64.getEncoder().encodeToString(bytes(36));
  }

  /** A multipart upload id (URL-safe). */
  public String uploadId() {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes(24));
  }

  private static final String UPPER_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  private static final String SECRET_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

  /** An IAM unique id: {@code prefix} (AIDA, AGPA, AROA, ANPA) and 17 more characters, 21 in all, as IAM's. */
  public String iamId(String prefix) {
    return prefix + chars(UPPER_ALNUM, 17);
  }

  /** An access key id: {@code prefix} (AKIA long-term, ASIA temporary) and 16 more characters. */
  public String accessKeyId(String prefix) {
    return prefix + chars(UPPER_ALNUM, 16);
  }

  /** A 40-character secret access key. */
  public String secretKey() {
    return chars(SECRET_CHARS, 40);
  }

  /** A session token for STS temporary credentials. */
  public String sessionToken() {
    return Base64.getEncoder().encodeToString(bytes(48));
  }

  /** A 20-byte (160-bit) TOTP seed, as RFC 4226 recommends for HMAC-SHA1. */
  public byte[] mfaSeed() {
    return bytes(20);
  }

  private String chars(String alphabet, int n) {
    byte[] b = bytes(n);
    StringBuilder out = new StringBuilder(n);
    for (byte x : b) {
      out.append(alphabet.charAt((x & 0xff) % alphabet.length()));
    }
    return out.toString();
  }

  private byte[] bytes(int n) {
    byte[] out = new byte[n];
    synchronized (this) {
      random.nextBytes(out);
    }
    return out;
  }
}
