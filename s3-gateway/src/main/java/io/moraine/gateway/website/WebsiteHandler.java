package io.moraine.gateway.website;

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

/** {@code ?website}: Put/Get/DeleteBucketWebsite. Serving is {@link WebsiteEndpoint}'s. */
public final class WebsiteHandler implements SubresourceHandler {
  private static final int MAX_BODY_BYTES = 128 * 1024;

  private final MetadataClient metadata;
  private final Access access;

  public WebsiteHandler(MetadataClient metadata, Access access) {
    this.metadata = metadata;
    this.access = access;
  }

  @Override
  public Subresource subresource() {
    return Subresource.WEBSITE;
  }

  @Override
  public void onBucket(String method, S3Request r, S3Response out, String bucket) throws IOException {
    switch (method) {
      case "GET" -> {
        BucketView b = access.bucket(r, S3Action.GetBucketWebsite, bucket);
        var config = b.config(WebsiteConfigs.KIND, WebsiteConfigs::decode)
            .orElseThrow(() -> new S3Exception(new S3Error.NoSuchWebsiteConfiguration(null)));
        out.xml(200, WebsiteConfigs.renderXml(config));
      }
      case "PUT" -> {
        BucketView b = access.bucket(r, S3Action.PutBucketWebsite, bucket);
        var config = WebsiteConfigs.parseXml(Bodies.readSmall(r, MAX_BODY_BYTES));
        metadata.putBucketConfig(bucket, WebsiteConfigs.KIND, config.toByteArray(), b.generation());
        out.empty(200);
      }
      case "DELETE" -> {
        BucketView b = access.bucket(r, S3Action.DeleteBucketWebsite, bucket);
        metadata.deleteBucketConfig(bucket, WebsiteConfigs.KIND, b.generation());
        out.empty(204);
      }
      default -> throw new S3Exception(new S3Error.MethodNotAllowed(null));
    }
  }
}
