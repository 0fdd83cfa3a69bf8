package io.moraine.gateway.http;

/**
 * Adds the headers a bucket feature puts on every response to a request (CORS headers for an
 * allowed Origin, {@code x-amz-request-charged}), run after authentication and before the
 * operation, so error responses can carry them too ({@link S3Response#headerOnError}).
 */
public interface ResponseDecorator {
  void decorate(S3Request r, S3Response out);
}
