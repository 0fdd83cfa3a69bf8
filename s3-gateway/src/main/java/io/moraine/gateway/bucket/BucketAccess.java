package io.moraine.gateway.bucket;

import io.moraine.gateway.error.S3Error;
import io.moraine.gateway.error.S3Exception;
import io.moraine.metadata.api.Bucket;
import io.moraine.metadata.api.MetadataClient;

/**
 * Authorization for now: an account may act only on the buckets it owns. Policies and ACLs
 * (issue 6 and later) replace this one check.
 */
public final class BucketAccess {
  private final MetadataClient metadata;

  public BucketAccess(MetadataClient metadata) {
    this.metadata = metadata;
  }

  /** The bucket, if it exists and {@code accountId} owns it (NoSuchBucket / AccessDenied otherwise). */
  public Bucket requireOwned(String bucketName, String accountId) {
    Bucket b = metadata.getBucket(bucketName).orElseThrow(() -> new S3Exception(new S3Error.NoSuchBucket(null)));
    if (!b.ownerAccountId().equals(accountId)) {
      throw new S3Exception(new S3Error.AccessDenied(null));
    }
    return b;
  }
}
