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

  /** A multipart upload id (URL-safe). */
  public String uploadId() {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes(24));
  }

  private byte[] bytes(int n) {
    byte[] out = new byte[n];
    synchronized (this) {
      random.nextBytes(out);
    }
    return out;
  }
}
