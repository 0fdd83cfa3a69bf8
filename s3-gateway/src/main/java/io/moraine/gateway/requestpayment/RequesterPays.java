package io.moraine.gateway.requestpayment;

import io.moraine.gateway.access.Access;
import io.moraine.gateway.access.BucketView;
import io.moraine.gateway.error.S3Exception;
import io.moraine.gateway.http.ResponseDecorator;
import io.moraine.gateway.http.S3Request;
import io.moraine.gateway.http.S3Response;

/**
 * The {@code x-amz-request-charged: requester} header S3 sends when a requester accepted the
 * charges of a Requester Pays bucket (and, for the owner's own requests, nothing).
 */
public final class RequesterPays implements ResponseDecorator {
  private final Access access;

  public RequesterPays(Access access) {
    this.access = access;
  }

  @Override
  public void decorate(S3Request r, S3Response out) {
    if (r.bucket() == null || !Access.acceptsCharge(r)) {
      return;
    }
    BucketView b;
    try {
      b = access.resolve(r, r.bucket());
    } catch (S3Exception noSuchBucket) {
      return;
    }
    if (b.requesterPays() && r.accountId() != null && !r.accountId().equals(b.ownerAccountId())) {
      out.header("x-amz-request-charged", "requester");
    }
  }
}
