package io.moraine.gateway.lifecycle;

import io.moraine.gateway.Ids;
import io.moraine.gateway.access.Access;
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

/**
 * {@code ?lifecycle}: Put/Get/DeleteBucketLifecycleConfiguration. The document is validated by
 * {@link LifecycleRules} and stored as bucket config kind {@value LifecycleRules#KIND}; the engine
 * (launcher {@code role.LifecycleService}) reads it from there.
 */
public final class LifecycleHandler implements SubresourceHandler {
  /** 1,000 rules of a few hundred bytes each. */
  private static final int MAX_BODY_BYTES = 1024 * 1024;

  private final MetadataClient metadata;
  private final Access access;
  private final Ids ids;

  public LifecycleHandler(MetadataClient metadata, Access access, Ids ids) {
    this.metadata = metadata;
    this.access = access;
    this.ids = ids;
  }

  @Override
  public Subresource subresource() {
    return Subresource.LIFECYCLE;
  }

  @Override
  public void onBucket(String method, S3Request r, S3Response out, String bucket) throws IOException {
    switch (method) {
      case "GET" -> {
        BucketView b = access.bucket(r, S3Action.GetLifecycleConfiguration, bucket);
        var config = b.config(LifecycleRules.KIND, LifecycleRules::decode)
            .orElseThrow(() -> new S3Exception(new S3Error.NoSuchLifecycleConfiguration(null)));
        out.header(LifecycleRules.MIN_SIZE_HEADER, config.getTransitionDefaultMinimumObjectSize());
        out.xml(200, LifecycleRules.renderXml(config));
      }
      case "PUT" -> {
        BucketView b = access.bucket(r, S3Action.PutLifecycleConfiguration, bucket);
        // PutBucketLifecycleConfiguration requires an integrity check (API Reference: "Content-MD5 ...
        // is required for all requests"; the SDKs send an x-amz-checksum-* instead).
        boolean hasChecksum = r.header("content-md5").isPresent()
            || r.signed().headers().keySet().stream().anyMatch(h -> h.startsWith("x-amz-checksum-"))
            || r.header("x-amz-trailer").isPresent();
        if (!hasChecksum) {
          throw new S3Exception(new S3Error.InvalidRequest("Missing required header for this request: Content-MD5"));
        }
        String minimumSize = LifecycleRules.minimumSizeMode(r.header(LifecycleRules.MIN_SIZE_HEADER));
        var config = LifecycleRules.parseXml(Bodies.readSmall(r, MAX_BODY_BYTES), minimumSize, ids::lifecycleRuleId);
        metadata.putBucketConfig(bucket, LifecycleRules.KIND, config.toByteArray(), b.generation());
        out.header(LifecycleRules.MIN_SIZE_HEADER, minimumSize);
        out.empty(200);
      }
      case "DELETE" -> {
        BucketView b = access.bucket(r, S3Action.PutLifecycleConfiguration, bucket);
        metadata.deleteBucketConfig(bucket, LifecycleRules.KIND, b.generation());
        out.empty(204);
      }
      default -> throw new S3Exception(new S3Error.MethodNotAllowed(null));
    }
  }
}
