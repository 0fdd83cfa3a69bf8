package io.moraine.gateway.publicaccess;

import io.moraine.gateway.access.Access;
import io.moraine.gateway.access.AccessConfigs;
import io.moraine.gateway.access.BucketView;
import io.moraine.gateway.access.S3Action;
import io.moraine.gateway.error.S3Error;
import io.moraine.gateway.error.S3Exception;
import io.moraine.gateway.http.Bodies;
import io.moraine.gateway.http.S3Request;
import io.moraine.gateway.http.S3Response;
import io.moraine.gateway.http.Subresource;
import io.moraine.gateway.http.SubresourceHandler;
import io.moraine.metadata.api.MetadataClient;
import java.io.IOException;

/** {@code ?publicAccessBlock} of a bucket: Put/Get/DeletePublicAccessBlock. */
public final class PublicAccessBlockHandler implements SubresourceHandler {
  private static final int MAX_BODY_BYTES = 16 * 1024;

  private final MetadataClient metadata;
  private final Access access;

  public PublicAccessBlockHandler(MetadataClient metadata, Access access) {
    this.metadata = metadata;
    this.access = access;
  }

  @Override
  public Subresource subresource() {
    return Subresource.PUBLIC_ACCESS_BLOCK;
  }

  @Override
  public void onBucket(String method, S3Request r, S3Response out, String bucket) throws IOException {
    switch (method) {
      case "GET" -> {
        BucketView b = access.bucket(r, S3Action.GetBucketPublicAccessBlock, bucket);
        if (!b.configs().has(AccessConfigs.PUBLIC_ACCESS_BLOCK)) {
          throw new S3Exception(new S3Error.NoSuchPublicAccessBlockConfiguration(null));
        }
        out.xml(200, PublicAccessBlockXml.render(b.publicAccessBlock()));
      }
      case "PUT" -> {
        BucketView b = access.bucket(r, S3Action.PutBucketPublicAccessBlock, bucket);
        var pab = PublicAccessBlockXml.parse(Bodies.readSmall(r, MAX_BODY_BYTES));
        metadata.putBucketConfig(bucket, AccessConfigs.PUBLIC_ACCESS_BLOCK, AccessConfigs.encodePublicAccessBlock(pab),
            b.generation());
        out.empty(200);
      }
      case "DELETE" -> {
        BucketView b = access.bucket(r, S3Action.PutBucketPublicAccessBlock, bucket);
        metadata.deleteBucketConfig(bucket, AccessConfigs.PUBLIC_ACCESS_BLOCK, b.generation());
        out.empty(204);
      }
      default -> throw new S3Exception(new S3Error.MethodNotAllowed(null));
    }
  }
}
