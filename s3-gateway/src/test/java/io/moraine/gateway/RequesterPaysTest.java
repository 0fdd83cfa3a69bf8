package io.moraine.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moraine.metadata.api.Account;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ObjectCannedACL;
import software.amazon.awssdk.services.s3.model.Payer;
import software.amazon.awssdk.services.s3.model.RequestCharged;
import software.amazon.awssdk.services.s3.model.RequestPayer;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Requester Pays buckets (S3 User Guide, "Using Requester Pays buckets for storage transfers and usage"). */
class RequesterPaysTest {
  static GatewayFixture fx;
  static S3Client owner;
  static S3Client reader;

  @BeforeAll
  static void start() throws Exception {
    fx = GatewayFixture.start(100, 13);
    Account o = fx.metadata.createAccount("payowner", "AKPAYOWNER", "owner-secret");
    Account r = fx.metadata.createAccount("payreader", "AKPAYREADER", "reader-secret");
    owner = fx.client("AKPAYOWNER", "owner-secret");
    reader = fx.client("AKPAYREADER", "reader-secret");
    owner.createBucket(b -> b.bucket("paid"));
    owner.putObject(b -> b.bucket("paid").key("data").acl(ObjectCannedACL.PUBLIC_READ), RequestBody.fromString("d"));
    owner.putBucketPolicy(b -> b.bucket("paid").policy("""
        {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::%s:root"},
         "Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::paid","arn:aws:s3:::paid/*"]}]}"""
        .formatted(r.awsAccountId())));
  }

  @AfterAll
  static void stop() throws Exception {
    owner.close();
    reader.close();
    fx.close();
  }

  @Test
  void requestersMustAcceptTheChargeAndAnonymousCannot() throws Exception {
    assertThat(owner.getBucketRequestPayment(b -> b.bucket("paid")).payer()).isEqualTo(Payer.BUCKET_OWNER);
    assertThat(reader.getObjectAsBytes(b -> b.bucket("paid").key("data")).asUtf8String()).isEqualTo("d");
    HttpClient http = HttpClient.newHttpClient();
    URI url = URI.create(fx.endpoint + "/paid/data");
    assertThat(http.send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);

    owner.putBucketRequestPayment(b -> b.bucket("paid").requestPaymentConfiguration(c -> c.payer(Payer.REQUESTER)));
    assertThat(owner.getBucketRequestPayment(b -> b.bucket("paid")).payer()).isEqualTo(Payer.REQUESTER);
    assertThatThrownBy(() -> reader.getObjectAsBytes(b -> b.bucket("paid").key("data")))
        .isInstanceOfSatisfying(S3Exception.class, e -> {
          assertThat(e.statusCode()).isEqualTo(403);
          assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
        });
    assertThatThrownBy(() -> reader.listObjectsV2(b -> b.bucket("paid"))).isInstanceOf(S3Exception.class);
    var paid = reader.getObject(b -> b.bucket("paid").key("data").requestPayer(RequestPayer.REQUESTER));
    assertThat(paid.response().requestCharged()).isEqualTo(RequestCharged.REQUESTER);
    assertThat(new String(paid.readAllBytes())).isEqualTo("d");
    assertThat(reader.listObjectsV2(b -> b.bucket("paid").requestPayer(RequestPayer.REQUESTER)).keyCount()).isEqualTo(1);
    assertThat(http.send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(403);
    var own = owner.getObject(b -> b.bucket("paid").key("data"));
    assertThat(own.response().requestCharged()).isNull();
    own.close();
    // Attributed to the payer (counted when each exchange completes, just after the client read it):
    // the charged GET and LIST, not the refused ones nor the owner's own.
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(charged("moraine_s3_requester_paid_requests", "payreader", null)).isEqualTo(2);
      assertThat(charged("moraine_s3_requester_paid_bytes", "payreader", "out")).isGreaterThan(1);
    });
    assertThat(charged("moraine_s3_requester_paid_requests", "payowner", null)).isZero();

    owner.putBucketRequestPayment(b -> b.bucket("paid").requestPaymentConfiguration(c -> c.payer(Payer.BUCKET_OWNER)));
    assertThat(reader.getObjectAsBytes(b -> b.bucket("paid").key("data")).asUtf8String()).isEqualTo("d");
    assertThatThrownBy(() -> reader.putBucketRequestPayment(b -> b.bucket("paid")
        .requestPaymentConfiguration(c -> c.payer(Payer.REQUESTER)))).isInstanceOf(S3Exception.class);
  }

  /** The sum of a Requester Pays counter's data points for {@code payer} on bucket "paid". */
  static double charged(String family, String payer, String direction) {
    double sum = 0;
    for (var snapshot : fx.registry.scrape()) {
      if (snapshot.getMetadata().getName().equals(family)) {
        for (var p : ((io.prometheus.metrics.model.snapshots.CounterSnapshot) snapshot).getDataPoints()) {
          var labels = p.getLabels();
          if (payer.equals(labels.get("payer")) && "paid".equals(labels.get("bucket"))
              && (direction == null || direction.equals(labels.get("direction")))) {
            sum += p.getValue();
          }
        }
      }
    }
    return sum;
  }
}
