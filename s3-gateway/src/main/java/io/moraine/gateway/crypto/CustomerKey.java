package io.moraine.gateway.crypto;

import io.moraine.gateway.error.S3Error;
import io.moraine.gateway.error.S3Exception;
import io.moraine.gateway.http.S3Request;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Optional;

/**
 * An SSE-C key as a request carries it: {@code x-amz-server-side-encryption-customer-algorithm}
 * (AES256), {@code -customer-key} (base64 of 32 bytes) and {@code -customer-key-MD5} (base64 of
 * the key's MD5), or the same three with the {@code x-amz-copy-source-} prefix for a copy's source.
 * The key is used only to wrap and unwrap the object's own random data key (KeyWrap v1, purpose
 * {@code "sse-c-data:INSTANCE_ID"}) and is never stored, nor is its MD5: the record keeps a salted
 * HMAC-SHA256 of it ({@link #hmac}) to tell a wrong key (403) from a tampered record.
 *
 * <p>Errors as S3 answers them (S3 user guide, "Using server-side encryption with customer-provided
 * keys"; the messages as S3 returns them).
 */
public record CustomerKey(byte[] key, String md5Base64) {
  static final String PREFIX = "x-amz-server-side-encryption-customer-";
  static final String COPY_SOURCE_PREFIX = "x-amz-copy-source-server-side-encryption-customer-";
  public static final String ALGORITHM_HEADER = PREFIX + "algorithm";
  public static final String MD5_HEADER = PREFIX + "key-md5";

  /** The key of the request's own object (PUT, GET, HEAD, UploadPart, a copy's destination). */
  public static Optional<CustomerKey> of(S3Request r) {
    return parse(r, PREFIX);
  }

  /** The key of a copy's source object. */
  public static Optional<CustomerKey> ofCopySource(S3Request r) {
    return parse(r, COPY_SOURCE_PREFIX);
  }

  private static Optional<CustomerKey> parse(S3Request r, String prefix) {
    Optional<String> algorithm = r.header(prefix + "algorithm").map(String::strip);
    Optional<String> key = r.header(prefix + "key").map(String::strip);
    Optional<String> md5 = r.header(prefix + "key-md5").map(String::strip);
    if (algorithm.isEmpty() && key.isEmpty() && md5.isEmpty()) {
      return Optional.empty();
    }
    if (algorithm.isEmpty()) {
      throw invalidArgument("Requests specifying Server Side Encryption with Customer provided keys must provide a "
          + "valid encryption algorithm.");
    }
    if (!algorithm.get().equals(Sse.AES256)) {
      throw new S3Exception(new S3Error.InvalidEncryptionAlgorithmError(null));
    }
    if (key.isEmpty()) {
      throw invalidArgument("Requests specifying Server Side Encryption with Customer provided keys must provide an "
          + "appropriate secret key.");
    }
    if (md5.isEmpty()) {
      throw invalidArgument("Requests specifying Server Side Encryption with Customer provided keys must provide the "
          + "client calculated MD5 of the secret key.");
    }
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(key.get());
    } catch (IllegalArgumentException e) {
      throw invalidArgument("The secret key was invalid for the specified algorithm.");
    }
    if (bytes.length != PackageFormat.KEY_BYTES) {
      throw invalidArgument("The secret key was invalid for the specified algorithm.");
    }
    String computed = Base64.getEncoder().encodeToString(md5(bytes));
    if (!computed.equals(md5.get())) {
      throw invalidArgument("The calculated MD5 hash of the key did not match the hash that was provided.");
    }
    return Optional.of(new CustomerKey(bytes, computed));
  }

  static final int SALT_BYTES = 16;

  /** HMAC-SHA256 of the key under {@code salt} (a random salt per object). */
  byte[] hmac(byte[] salt) {
    try {
      javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
      mac.init(new javax.crypto.spec.SecretKeySpec(salt, "HmacSHA256"));
      return mac.doFinal(key);
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The purpose (AAD) of a data key wrapped by a customer key for the write {@code instanceId}. */
  static String purpose(String instanceId) {
    return "sse-c-data:" + instanceId;
  }

  private static byte[] md5(byte[] b) {
    try {
      return MessageDigest.getInstance("MD5").digest(b);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static S3Exception invalidArgument(String message) {
    return new S3Exception(new S3Error.InvalidArgument(message));
  }

  @Override
  public String toString() {
    return "CustomerKey[md5=" + md5Base64 + "]"; // never the key
  }
}
