package io.moraine.gateway.tagging;

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
import io.moraine.gateway.version.VersionIds;
import io.moraine.metadata.api.MetadataClient;
import io.moraine.metadata.api.ObjectVersion;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;

/**
 * {@code ?tagging}: Put/Get/DeleteObjectTagging (by {@code versionId}, which the response
 * names) and Put/Get/DeleteBucketTagging. Object tags live in the version record, so they are
 * read, versioned and deleted with it; policies see them as {@code s3:ExistingObjectTag/KEY}.
 */
public final class TaggingHandler implements SubresourceHandler {
  private static final int MAX_BODY_BYTES = 64 * 1024;

  private final MetadataClient metadata;
  private final Access access;

  public TaggingHandler(MetadataClient metadata, Access access) {
    this.metadata = metadata;
    this.access = access;
  }

  @Override
  public Subresource subresource() {
    return Subresource.TAGGING;
  }

  @Override
  public void onBucket(String method, S3Request r, S3Response out, String bucket) throws IOException {
    switch (method) {
      case "GET" -> {
        BucketView b = access.bucket(r, S3Action.GetBucketTagging, bucket);
        byte[] stored = b.configs().get(Tags.KIND).orElseThrow(() -> new S3Exception(new S3Error.NoSuchTagSet(null)));
        out.xml(200, Tags.renderXml(Tags.decode(stored)));
      }
      case "PUT" -> {
        BucketView b = access.bucket(r, S3Action.PutBucketTagging, bucket);
        Map<String, String> tags = Tags.parseXml(Bodies.readSmall(r, MAX_BODY_BYTES), true);
        metadata.putBucketConfig(bucket, Tags.KIND, Tags.encode(tags), b.generation());
        out.empty(204);
      }
      case "DELETE" -> {
        BucketView b = access.bucket(r, S3Action.PutBucketTagging, bucket);
        metadata.deleteBucketConfig(bucket, Tags.KIND, b.generation());
        out.empty(204);
      }
      default -> throw new S3Exception(new S3Error.MethodNotAllowed(null));
    }
  }

  @Override
  public void onObject(String method, S3Request r, S3Response out, String bucket, String key) throws IOException {
    boolean byVersion = VersionIds.fromQuery(r).isPresent();
    S3Action action = switch (method) {
      case "GET" -> byVersion ? S3Action.GetObjectVersionTagging : S3Action.GetObjectTagging;
      case "PUT" -> byVersion ? S3Action.PutObjectVersionTagging : S3Action.PutObjectTagging;
      case "DELETE" -> byVersion ? S3Action.DeleteObjectVersionTagging : S3Action.DeleteObjectTagging;
      default -> throw new S3Exception(new S3Error.MethodNotAllowed(null));
    };
    BucketView b = access.resolve(bucket);
    Optional<String> versionId = VersionIds.fromQuery(r);
    ObjectVersion v = metadata.getObjectVersion(bucket, key, versionId.orElse(null))
        .orElseThrow(() -> access.missing(r, b, key,
            versionId.isPresent() ? new S3Error.NoSuchVersion(null) : new S3Error.NoSuchKey(null)));
    access.object(r, action, b, key, v);
    if (v.deleteMarker()) {
      throw new S3Exception(versionId.isPresent() ? new S3Error.MethodNotAllowed(null) : new S3Error.NoSuchKey(null));
    }
    switch (method) {
      case "GET" -> {
        VersionIds.header(out, b.bucket(), v.versionId());
        out.xml(200, Tags.renderXml(v.subresources().get(Tags.KIND).map(Tags::decode).orElse(Map.of())));
      }
      case "PUT" -> {
        Map<String, String> tags = Tags.parseXml(Bodies.readSmall(r, MAX_BODY_BYTES), false);
        ObjectVersion u = metadata.setObjectSubresource(bucket, key, versionId.orElse(null), Tags.KIND, Tags.encode(tags));
        VersionIds.header(out, b.bucket(), u.versionId());
        out.empty(200);
      }
      default -> {
        ObjectVersion u = metadata.setObjectSubresource(bucket, key, versionId.orElse(null), Tags.KIND, null);
        VersionIds.header(out, b.bucket(), u.versionId());
        out.empty(204);
      }
    }
  }
}
