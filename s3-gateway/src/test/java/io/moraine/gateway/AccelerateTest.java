package io.moraine.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAccelerateStatus;
import software.amazon.awssdk.services.s3.model.ObjectCannedACL;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Transfer Acceleration (S3 User Guide, "Configuring fast, secure file transfers using Amazon S3 Transfer Acceleration"). */
class AccelerateTest {
  static GatewayFixture fx;
  static S3Client s3;

  @BeforeAll
  static void start() throws Exception {
    fx = GatewayFixture.start(100, 31);
    s3 = fx.client(GatewayFixture.AK, GatewayFixture.SK);
    s3.createBucket(b -> b.bucket("fast"));
    s3.putObject(b -> b.bucket("fast").key("f.txt").acl(ObjectCannedACL.PUBLIC_READ), RequestBody.fromString("fast"));
  }

  @AfterAll
  static void stop() throws Exception {
    s3.close();
    fx.close();
  }

  static RawHttp.Reply viaAccelerate(String hostForm) throws Exception {
    return RawHttp.send(fx.gateway.port(), "GET", "fast." + hostForm + ".localhost:" + fx.gateway.port(), "/f.txt");
  }

  @Test
  void theEndpointServesABucketOnlyWhileAccelerationIsEnabled() throws Exception {
    assertThat(s3.getBucketAccelerateConfiguration(b -> b.bucket("fast")).status()).isNull();
    RawHttp.Reply off = viaAccelerate("s3-accelerate");
    assertThat(off.status()).isEqualTo(400);
    assertThat(off.body()).contains("<Code>InvalidRequest</Code>").contains("not configured on this bucket");

    s3.putBucketAccelerateConfiguration(b -> b.bucket("fast").accelerateConfiguration(c -> c.status(BucketAccelerateStatus.ENABLED)));
    assertThat(s3.getBucketAccelerateConfiguration(b -> b.bucket("fast")).status()).isEqualTo(BucketAccelerateStatus.ENABLED);
    assertThat(viaAccelerate("s3-accelerate").body()).isEqualTo("fast");
    assertThat(viaAccelerate("s3-accelerate.dualstack").body()).isEqualTo("fast");

    s3.putBucketAccelerateConfiguration(b -> b.bucket("fast").accelerateConfiguration(c -> c.status(BucketAccelerateStatus.SUSPENDED)));
    assertThat(s3.getBucketAccelerateConfiguration(b -> b.bucket("fast")).status()).isEqualTo(BucketAccelerateStatus.SUSPENDED);
    assertThat(viaAccelerate("s3-accelerate").status()).isEqualTo(400);
  }

  @Test
  void bucketsWithPeriodsCannotBeAccelerated() {
    s3.createBucket(b -> b.bucket("my.dotted.bucket"));
    assertThatThrownBy(() -> s3.putBucketAccelerateConfiguration(b -> b.bucket("my.dotted.bucket")
        .accelerateConfiguration(c -> c.status(BucketAccelerateStatus.ENABLED))))
        .isInstanceOfSatisfying(S3Exception.class, e -> {
          assertThat(e.statusCode()).isEqualTo(400);
          assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidRequest");
        });
  }
}
