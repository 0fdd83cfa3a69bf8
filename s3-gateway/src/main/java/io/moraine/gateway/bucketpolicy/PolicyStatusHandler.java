package io.moraine.gateway.bucketpolicy;

import io.moraine.gateway.access.Access;
import io.moraine.gateway.access.BucketView;
import io.moraine.gateway.access.S3Action;
import io.moraine.gateway.error.S3Error;
import io.moraine.gateway.error.S3Exception;
import io.moraine.gateway.http.S3Request;
import io.moraine.gateway.http.S3Response;
import io.moraine.gateway.http.Subresource;
import io.moraine.gateway.http.SubresourceHandler;
import io.moraine.gateway.xml.XmlWriter;
import java.io.IOException;

/** {@code ?policyStatus}: GetBucketPolicyStatus, whether the bucket policy is public by S3's definition. */
public final class PolicyStatusHandler implements SubresourceHandler {
  private final Access access;

  public PolicyStatusHandler(Access access) {
    this.access = access;
  }

  @Override
  public Subresource subresource() {
    return Subresource.POLICY_STATUS;
  }

  @Override
  public void onBucket(String method, S3Request r, S3Response out, String bucket) throws IOException {
    if (!method.equals("GET")) {
      throw new S3Exception(new S3Error.MethodNotAllowed(null));
    }
    BucketView b = access.bucket(r, S3Action.GetBucketPolicyStatus, bucket);
    var policy = b.policy().orElseThrow(() -> new S3Exception(new S3Error.NoSuchBucketPolicy(null)));
    out.xml(200, new XmlWriter().startRoot("PolicyStatus").element("IsPublic", policy.isPublic())
        .end("PolicyStatus").toBytes());
  }
}
