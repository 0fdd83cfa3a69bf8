package io.moraine.gateway.http;

import io.moraine.gateway.auth.ChecksumAlgorithm;
import io.moraine.gateway.auth.PayloadMode;
import io.moraine.gateway.auth.VerifiedBody;
import io.moraine.gateway.error.S3Error;
import io.moraine.gateway.error.S3Exception;
import java.io.IOException;
import java.util.Optional;

/**
 * Turns a request's body headers (Content-Length, x-amz-decoded-content-length, Content-MD5,
 * x-amz-checksum-*, x-amz-trailer) into a {@link VerifiedBody}, the same way for object data and
 * for small XML documents.
 */
public final class Bodies {

  private Bodies() {}

  /** The decoded body length: x-amz-decoded-content-length for aws-chunked, else Content-Length. */
  public static long length(S3Request r) {
    boolean streaming = r.principal().payload() instanceof PayloadMode.Streaming;
    String name = streaming ? "x-amz-decoded-content-length" : "content-length";
    Optional<String> value = r.header(name);
    if (value.isEmpty()) {
      if (!streaming && r.header("transfer-encoding").isEmpty()) {
        return 0; // no body at all: HTTP/1.1 without Content-Length or chunking has none
      }
      throw new S3Exception(new S3Error.MissingContentLength(null));
    }
    try {
      long n = Long.parseLong(value.get().strip());
      if (n < 0) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new S3Exception(new S3Error.InvalidArgument("Invalid " + name + ": " + value.get()));
    }
  }

  /** Like {@link #length} but a body length must be declared (PUT object, UploadPart). */
  public static long requiredLength(S3Request r) {
    boolean streaming = r.principal().payload() instanceof PayloadMode.Streaming;
    if (r.header(streaming ? "x-amz-decoded-content-length" : "content-length").isEmpty()) {
      throw new S3Exception(new S3Error.MissingContentLength(null));
    }
    return length(r);
  }

  public static VerifiedBody open(S3Request r, long length) {
    Optional<ChecksumAlgorithm> algorithm = Optional.empty();
    Optional<String> headerValue = Optional.empty();
    for (ChecksumAlgorithm a : ChecksumAlgorithm.values()) {
      Optional<String> v = r.header(a.headerName());
      if (v.isPresent()) {
        if (algorithm.isPresent()) {
          throw new S3Exception(new S3Error.InvalidRequest("Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed."));
        }
        algorithm = Optional.of(a);
        headerValue = v.map(String::strip);
      }
    }
    Optional<String> trailer = r.header("x-amz-trailer");
    if (trailer.isPresent() && algorithm.isEmpty()) {
      if (!(r.principal().payload() instanceof PayloadMode.Streaming s) || !s.trailer()) {
        throw new S3Exception(new S3Error.InvalidRequest("x-amz-trailer needs a STREAMING-*-TRAILER x-amz-content-sha256"));
      }
      String name = trailer.get().strip().toLowerCase(java.util.Locale.ROOT);
      algorithm = Optional.of(ChecksumAlgorithm.byHeader(name).orElseThrow(
          () -> new S3Exception(new S3Error.InvalidRequest("The value specified in the x-amz-trailer header is not supported"))));
    }
    return new VerifiedBody(r.body(), r.principal().payload(),
        new VerifiedBody.Declared(length, r.header("content-md5"), algorithm, headerValue));
  }

  /** Reads and verifies a small body (an XML document) of at most {@code maxBytes}. */
  public static byte[] readSmall(S3Request r, int maxBytes) throws IOException {
    long length = length(r);
    if (length > maxBytes) {
      throw new S3Exception(new S3Error.MalformedXML("The XML you provided was larger than the maximum allowed"));
    }
    VerifiedBody body = open(r, length);
    byte[] data = body.readAllBytes();
    body.finish();
    return data;
  }
}
