package io.moraine.gateway.object;

import io.moraine.gateway.error.S3Error;
import io.moraine.gateway.error.S3Exception;
import java.util.Optional;

/**
 * A satisfiable single byte range of an object (RFC 9110 §14, as S3 applies it): {@code bytes=a-b},
 * {@code bytes=a-}, {@code bytes=-n}. Syntactically invalid or multi-range headers are ignored
 * (the whole object is returned); unsatisfiable ones are 416 InvalidRange.
 */
public record ByteRange(long first, long last) {

  public long length() {
    return last - first + 1;
  }

  public static Optional<ByteRange> parse(Optional<String> header, long size) {
    if (header.isEmpty()) {
      return Optional.empty();
    }
    String h = header.get().strip();
    if (!h.startsWith("bytes=") || h.indexOf(',') >= 0) {
      return Optional.empty();
    }
    String spec = h.substring("bytes=".length()).strip();
    int dash = spec.indexOf('-');
    if (dash < 0) {
      return Optional.empty();
    }
    String a = spec.substring(0, dash).strip();
    String b = spec.substring(dash + 1).strip();
    try {
      if (a.isEmpty()) {
        if (b.isEmpty()) {
          return Optional.empty();
        }
        long n = Long.parseLong(b);
        if (n <= 0 || size == 0) {
          throw unsatisfiable();
        }
        return Optional.of(new ByteRange(Math.max(0, size - n), size - 1));
      }
      long first = Long.parseLong(a);
      long last = b.isEmpty() ? Long.MAX_VALUE : Long.parseLong(b);
      if (first < 0 || last < first) {
        return Optional.empty();
      }
      if (first >= size) {
        throw unsatisfiable();
      }
      return Optional.of(new ByteRange(first, Math.min(last, size - 1)));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static S3Exception unsatisfiable() {
    return new S3Exception(new S3Error.InvalidRange(null));
  }
}
