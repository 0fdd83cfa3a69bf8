package io.moraine.gateway.auth;

/** How the request body is protected, as {@code x-amz-content-sha256} (or presigning) declares. */
public sealed interface PayloadMode {

  /** UNSIGNED-PAYLOAD, or a presigned URL: the body is taken as sent. */
  record Unsigned() implements PayloadMode {}

  /** The hex SHA-256 of the whole body was signed: verify it (XAmzContentSHA256Mismatch). */
  record Sha256(String expectedHex) implements PayloadMode {}

  /**
   * aws-chunked body. {@code signing} is null for STREAMING-UNSIGNED-PAYLOAD-TRAILER; otherwise
   * every chunk's signature chains from the seed signature of the request.
   */
  record Streaming(ChunkSigning signing, boolean trailer) implements PayloadMode {}

  /** What verifying chunk signatures needs. */
  record ChunkSigning(byte[] signingKey, String amzDate, String scope, String seedSignature) {}
}
