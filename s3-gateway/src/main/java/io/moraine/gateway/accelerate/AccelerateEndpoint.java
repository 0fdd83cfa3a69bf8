package io.moraine.gateway.accelerate;

import io.moraine.gateway.access.Access;
import io.moraine.gateway.access.BucketView;
import io.moraine.gateway.error.S3Error;
import io.moraine.gateway.error.S3Exception;
import io.moraine.gateway.http.S3Request;

/**
 * The accelerate endpoint ({@code BUCKET.s3-accelerate.DOMAIN} and its dual-stack form): the
 * ordinary S3 API, for a bucket only while its Transfer Acceleration is Enabled. In a
 * self-hosted cluster "acceleration" is a gateway tier placed near far-away clients (see
 * docs/s3-compatibility.md); the host form lets clients configured for it work unchanged.
 */
public final class AccelerateEndpoint {
  private final Access access;

  public AccelerateEndpoint(Access access) {
    this.access = access;
  }

  /** InvalidRequest unless the addressed bucket has acceleration Enabled. */
  public void check(S3Request r) {
    if (r.bucket() == null) {
      throw new S3Exception(new S3Error.InvalidRequest("S3 Transfer Acceleration endpoints serve buckets only"));
    }
    BucketView b = access.resolve(r, r.bucket());
    if (!AccelerateConfigs.decode(b.configs().get(AccelerateConfigs.KIND)).orElse(false)) {
      throw new S3Exception(new S3Error.InvalidRequest("S3 Transfer Acceleration is not configured on this bucket"));
    }
  }
}
