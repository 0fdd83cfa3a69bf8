package io.moraine.gateway.bucketencryption;

import io.moraine.gateway.access.Access;
import io.moraine.gateway.access.BucketView;
import io.moraine.gateway.access.S3Action;
import io.moraine.gateway.crypto.Sse;
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
 * {@code ?encryption}: Put/Get/DeleteBucketEncryption, the bucket's default encryption
 * ({@link DefaultEncryption}). DeleteBucketEncryption is authorized by s3:PutEncryptionConfiguration,
 * as in IAM. A gateway without a root key refuses to configure SSE-S3 (501), since every later
 * write would fail.
 */
public final class BucketEncryptionHandler implements SubresourceHandler {
  private static final int MAX_BODY_BYTES = 16 * 1024;

  private final MetadataClient metadata;
  private final Access access;
  private final Sse sse;

  public BucketEncryptionHandler(MetadataClient metadata, Access access, Sse sse) {
    this.metadata = metadata;
    this.access = access;
    this.sse = sse;
  }

  @Override
  public Subresource subresource() {
    return Subresource.ENCRYPTION;
  }

  @Override
  public void onBucket(String method, S3Request r, S3Response out, String bucket) throws IOException {
    switch (method) {
      case "GET" -> {
        BucketView b = access.bucket(r, S3Action.GetEncryptionConfiguration, bucket);
        var config = b.config(DefaultEncryption.KIND, DefaultEncryption::decode)
            .orElseThrow(() -> new S3Exception(new S3Error.ServerSideEncryptionConfigurationNotFoundError(null)));
        out.xml(200, DefaultEncryption.render(config));
      }
      case "PUT" -> {
        BucketView b = access.bucket(r, S3Action.PutEncryptionConfiguration, bucket);
        var config = DefaultEncryption.parse(Bodies.readSmall(r, MAX_BODY_BYTES));
        sse.requireRootKey();
        metadata.putBucketConfig(bucket, DefaultEncryption.KIND, config.toByteArray(), b.generation());
        out.empty(200);
      }
      case "DELETE" -> {
        BucketView b = access.bucket(r, S3Action.PutEncryptionConfiguration, bucket);
        metadata.deleteBucketConfig(bucket, DefaultEncryption.KIND, b.generation());
        out.empty(204);
      }
      default -> throw new S3Exception(new S3Error.MethodNotAllowed(null));
    }
  }
}
