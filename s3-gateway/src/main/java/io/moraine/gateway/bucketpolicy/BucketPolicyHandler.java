package io.moraine.gateway.bucketpolicy;

import io.moraine.gateway.access.Access;
import io.moraine.gateway.access.AccessConfigs;
import io.moraine.gateway.access.BucketView;
import io.moraine.gateway.access.S3Action;
import io.moraine.gateway.access.policy.MalformedPolicyException;
import io.moraine.gateway.access.policy.PolicyDocument;
import io.moraine.gateway.access.policy.PolicyParser;
import io.moraine.gateway.access.policy.PublicPolicy;
import io.moraine.gateway.error.S3Error;
import io.moraine.gateway.error.S3Exception;
import io.moraine.gateway.http.Bodies;
import io.moraine.gateway.http.S3Request;
import io.moraine.gateway.http.S3Response;
import io.moraine.gateway.http.Subresource;
import io.moraine.gateway.http.SubresourceHandler;
import io.moraine.metadata.api.MetadataClient;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * {@code ?policy}: Put/Get/DeleteBucketPolicy. A policy is at most 20 KB (PolicyTooLarge),
 * validated in full before it is stored (MalformedPolicy with S3's message), refused with
 * AccessDenied when it is public and Block Public Access blocks public policies, and returned
 * byte for byte as sent.
 */
public final class BucketPolicyHandler implements SubresourceHandler {
  /** S3's bucket policy size limit (S3 User Guide, "Bucket policies"). */
  static final int MAX_POLICY_BYTES = 20 * 1024;
  /** Bodies up to this are read to answer PolicyTooLarge; beyond it the body is not read at all. */
  private static final int READ_LIMIT_BYTES = 1024 * 1024;

  private final MetadataClient metadata;
  private final Access access;

  public BucketPolicyHandler(MetadataClient metadata, Access access) {
    this.metadata = metadata;
    this.access = access;
  }

  @Override
  public Subresource subresource() {
    return Subresource.POLICY;
  }

  @Override
  public void onBucket(String method, S3Request r, S3Response out, String bucket) throws IOException {
    switch (method) {
      case "GET" -> {
        BucketView b = access.bucket(r, S3Action.GetBucketPolicy, bucket);
        var policy = b.policy().orElseThrow(() -> new S3Exception(new S3Error.NoSuchBucketPolicy(null)));
        out.body(200, "application/json", policy.json().getBytes(StandardCharsets.UTF_8));
      }
      case "PUT" -> put(r, out, bucket);
      case "DELETE" -> {
        BucketView b = access.bucket(r, S3Action.DeleteBucketPolicy, bucket);
        metadata.deleteBucketConfig(bucket, AccessConfigs.POLICY, b.generation());
        out.empty(204);
      }
      default -> throw new S3Exception(new S3Error.MethodNotAllowed(null));
    }
  }

  private void put(S3Request r, S3Response out, String bucket) throws IOException {
    BucketView b = access.bucket(r, S3Action.PutBucketPolicy, bucket);
    byte[] body = Bodies.readSmall(r, READ_LIMIT_BYTES);
    if (body.length > MAX_POLICY_BYTES) {
      throw new S3Exception(new S3Error.PolicyTooLarge(null));
    }
    String json;
    try {
      json = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(body)).toString();
    } catch (CharacterCodingException e) {
      throw new S3Exception(new S3Error.MalformedPolicy(null));
    }
    PolicyDocument doc;
    try {
      doc = PolicyParser.parse(json, PolicyParser.Kind.BUCKET, bucket);
    } catch (MalformedPolicyException e) {
      throw new S3Exception(new S3Error.MalformedPolicy(e.getMessage()));
    }
    if (PublicPolicy.isPublic(doc) && access.pab(r, b).blockPublicPolicy()) {
      throw new S3Exception(new S3Error.AccessDenied(null));
    }
    metadata.putBucketConfig(bucket, AccessConfigs.POLICY, AccessConfigs.encodePolicy(json), b.generation());
    out.empty(204);
  }
}
