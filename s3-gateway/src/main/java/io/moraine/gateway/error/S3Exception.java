package io.moraine.gateway.error;

/**
 * Carries an {@link S3Error} up to the request handler, which writes it as S3 XML. Unchecked so
 * it can cross {@link java.io.InputStream#read} (body verification fails inside a read). No stack
 * trace: it is an expected outcome, not a bug.
 */
public final class S3Exception extends RuntimeException {
  private final S3Error error;

  public S3Exception(S3Error error) {
    super(error.toString(), null, false, false);
    this.error = error;
  }

  public S3Error error() {
    return error;
  }
}
