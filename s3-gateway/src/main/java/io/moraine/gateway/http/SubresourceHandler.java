package io.moraine.gateway.http;

import io.moraine.gateway.error.S3Error;
import io.moraine.gateway.error.S3Exception;
import java.io.IOException;

/**
 * The handler of one {@link Subresource}: the methods S3 defines on it for a bucket and for an
 * object. Whatever a handler does not override answers 405 MethodNotAllowed. Implementations live
 * in their feature's package ({@code gateway.acl}, {@code gateway.cors}, ...) and are registered
 * once in the gateway's composition root.
 */
public interface SubresourceHandler {

  Subresource subresource();

  /** {@code method} is GET, PUT, DELETE, POST or HEAD. */
  default void onBucket(String method, S3Request r, S3Response out, String bucket) throws IOException {
    throw new S3Exception(new S3Error.MethodNotAllowed(null));
  }

  default void onObject(String method, S3Request r, S3Response out, String bucket, String key) throws IOException {
    throw new S3Exception(new S3Error.MethodNotAllowed(null));
  }
}
