package io.moraine.gateway.cors;

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

/** {@code ?cors}: Put/Get/DeleteBucketCors. */
public final class CorsHandler implements SubresourceHandler {
  private static final int MAX_BODY_BYTES = 64 * 1024;

  private final MetadataClient metadata;
  private final Access access;

  public CorsHandler(MetadataClient metadata, Access access) {
    this.metadata = metadata;
    this.access = access;
  }

  @Override
  public Subresource subresource() {
    return Subresource.CORS;
  }

  @Override
  public void onBucket(String method, S3Request r, S3Response out, String bucket) throws IOException {
    switch (method) {
      case "GET" -> {
        BucketView b = access.bucket(r, S3Action.GetBucketCORS, bucket);
        var config = b.config(CorsRules.KIND, CorsRules::decode)
            .orElseThrow(() -> new S3Exception(new S3Error.NoSuchCORSConfiguration(null)));
        out.xml(200, CorsRules.renderXml(config));
      }
      case "PUT" -> {
        BucketView b = access.bucket(r, S3Action.PutBucketCORS, bucket);
        var config = CorsRules.parseXml(Bodies.readSmall(r, MAX_BODY_BYTES));
        metadata.putBucketConfig(bucket, CorsRules.KIND, config.toByteArray(), b.generation());
        out.empty(200);
      }
      case "DELETE" -> {
        BucketView b = access.bucket(r, S3Action.PutBucketCORS, bucket);
        metadata.deleteBucketConfig(bucket, CorsRules.KIND, b.generation());
        out.empty(204);
      }
      default -> throw new S3Exception(new S3Error.MethodNotAllowed(null));
    }
  }
}
