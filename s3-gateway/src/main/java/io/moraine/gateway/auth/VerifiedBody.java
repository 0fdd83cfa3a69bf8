package io.moraine.gateway.auth;

import io.moraine.gateway.error.S3Error;
import io.moraine.gateway.error.S3Exception;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/**
 * A request body as the object data path consumes it: aws-chunked decoded when needed, exactly
 * {@code length} bytes, with the MD5 (the ETag), the signed SHA-256 and any additional checksum
 * computed on the way. {@link #finish()} is called after the last byte and checks everything the
 * client declared; only then may the caller commit. Nothing is buffered beyond the decoder's
 * read buffer.
 */
public final class VerifiedBody extends InputStream {

  /** What the client declared about the body, besides the SigV4 payload mode. */
  public record Declared(
      long length,
      Optional<String> contentMd5Base64,
      Optional<ChecksumAlgorithm> checksumAlgorithm,
      Optional<String> checksumHeaderValue) {}

  /** The verified digests of a fully read body. */
  public record Digests(String md5Hex, Optional<ChecksumAlgorithm> checksumAlgorithm, Optional<String> checksumBase64) {}

  private final InputStream source;
  private final AwsChunkedInputStream chunked;
  private final PayloadMode mode;
  private final Declared declared;
  private final MessageDigest md5 = md5();
  private final MessageDigest sha256;
  private final ChecksumAlgorithm.Hasher checksum;
  private long consumed;

  public VerifiedBody(InputStream raw, PayloadMode mode, Declared declared) {
    this.mode = mode;
    this.declared = declared;
    if (mode instanceof PayloadMode.Streaming s) {
      this.chunked = new AwsChunkedInputStream(raw, s.signing(), s.trailer());
      this.source = chunked;
    } else {
      this.chunked = null;
      this.source = raw;
    }
    this.sha256 = mode instanceof PayloadMode.Sha256 ? SigV4.sha256() : null;
    this.checksum = declared.checksumAlgorithm().map(ChecksumAlgorithm::newHasher).orElse(null);
    declared.contentMd5Base64().ifPresent(VerifiedBody::decodeMd5);
  }

  public long length() {
    return declared.length();
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    long left = declared.length() - consumed;
    if (left == 0) {
      return -1;
    }
    int n;
    try {
      n = source.read(b, off, (int) Math.min(len, left));
    } catch (java.io.EOFException e) {
      // The connection ended before Content-Length bytes (Jetty's early EOF is an EOFException):
      // S3 answers 400 IncompleteBody and stores nothing, never an internal error.
      throw new S3Exception(new S3Error.IncompleteBody(null));
    }
    if (n < 0) {
      throw new S3Exception(new S3Error.IncompleteBody(null));
    }
    md5.update(b, off, n);
    if (sha256 != null) {
      sha256.update(b, off, n);
    }
    if (checksum != null) {
      checksum.update(b, off, n);
    }
    consumed += n;
    return n;
  }

  /** Reads what remains (must be nothing but aws-chunked framing) and checks every digest. */
  public Digests finish() throws IOException {
    if (consumed != declared.length()) {
      throw new S3Exception(new S3Error.IncompleteBody(null));
    }
    if (chunked != null) {
      byte[] probe = new byte[1];
      if (chunked.read(probe, 0, 1) >= 0) {
        throw new S3Exception(new S3Error.IncompleteBody(
            "The aws-chunked body is longer than x-amz-decoded-content-length"));
      }
    }
    if (sha256 != null) {
      String actual = HexFormat.of().formatHex(sha256.digest());
      if (!actual.equals(((PayloadMode.Sha256) mode).expectedHex())) {
        throw new S3Exception(new S3Error.XAmzContentSHA256Mismatch(null));
      }
    }
    byte[] md5Bytes = md5.digest();
    if (declared.contentMd5Base64().isPresent()
        && !MessageDigest.isEqual(md5Bytes, decodeMd5(declared.contentMd5Base64().get()))) {
      throw new S3Exception(new S3Error.BadDigest(null));
    }
    Optional<String> checksumValue = Optional.empty();
    if (checksum != null) {
      ChecksumAlgorithm algorithm = declared.checksumAlgorithm().get();
      String actual = checksum.base64();
      Optional<String> expected = declared.checksumHeaderValue();
      if (expected.isEmpty() && chunked != null) {
        expected = Optional.ofNullable(chunked.trailers().get(algorithm.headerName()));
      }
      if (expected.isEmpty()) {
        throw new S3Exception(new S3Error.InvalidRequest(
            "The " + algorithm.headerName() + " trailer announced in x-amz-trailer was not sent"));
      }
      if (!actual.equals(expected.get())) {
        throw new S3Exception(new S3Error.BadDigest(
            "The " + algorithm.name() + " you specified did not match the calculated checksum."));
      }
      checksumValue = Optional.of(actual);
    }
    return new Digests(HexFormat.of().formatHex(md5Bytes), declared.checksumAlgorithm(), checksumValue);
  }

  private static byte[] decodeMd5(String base64) {
    try {
      byte[] bytes = Base64.getDecoder().decode(base64.strip());
      if (bytes.length != 16) {
        throw new S3Exception(new S3Error.InvalidDigest(null));
      }
      return bytes;
    } catch (IllegalArgumentException e) {
      throw new S3Exception(new S3Error.InvalidDigest(null));
    }
  }

  private static MessageDigest md5() {
    try {
      return MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 unavailable", e);
    }
  }
}
