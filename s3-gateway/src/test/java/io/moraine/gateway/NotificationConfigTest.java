package io.moraine.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.moraine.proto.meta.v1.NotifyTargetCommand;
import io.moraine.proto.meta.v1.NotifyTargetRecord;
import io.moraine.proto.meta.v1.WebhookDestination;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Event;
import software.amazon.awssdk.services.s3.model.FilterRuleName;
import software.amazon.awssdk.services.s3.model.GetBucketNotificationConfigurationResponse;
import software.amazon.awssdk.services.s3.model.NotificationConfiguration;
import software.amazon.awssdk.services.s3.model.QueueConfiguration;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Put/GetBucketNotificationConfiguration through the SDK against the real metadata core, with a
 * webhook target (a JDK HttpServer) registered the way {@code admin notify target add} does: S3's
 * validation errors (S3 API Reference, PutBucketNotificationConfiguration; User Guide, "Configuring
 * event notifications using object key name filtering") and the s3:TestEvent a PUT sends.
 */
class NotificationConfigTest {
  static GatewayFixture fx;
  static S3Client s3;
  static HttpServer receiver;
  static final List<byte[]> received = new CopyOnWriteArrayList<>();
  static volatile int status = 200;
  static String arn;

  @BeforeAll
  static void start() throws Exception {
    fx = GatewayFixture.start(100, 16);
    s3 = fx.client(GatewayFixture.AK, GatewayFixture.SK);
    receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext("/events", ex -> {
      received.add(ex.getRequestBody().readAllBytes());
      ex.sendResponseHeaders(status, -1);
      ex.close();
    });
    receiver.start();
    arn = register("hook", "http://127.0.0.1:" + receiver.getAddress().getPort() + "/events");
    register("down", "http://127.0.0.1:1/nothing-listens-here");
  }

  static String register(String name, String url) {
    String targetArn = "arn:moraine:sqs:us-east-1:123456789012:" + name;
    var reply = fx.metadata.notifyTarget(NotifyTargetCommand.newBuilder().setAdd(NotifyTargetRecord.newBuilder()
        .setFormatVersion(1).setName(name).setAwsAccountId("123456789012").setRegion("us-east-1").setArn(targetArn)
        .setWebhook(WebhookDestination.newBuilder().setUrl(url))).build());
    assertThat(reply.getCreated()).isTrue();
    return targetArn;
  }

  @AfterAll
  static void stop() throws Exception {
    receiver.stop(0);
    s3.close();
    fx.close();
  }

  static QueueConfiguration queue(String id, String targetArn, String prefix, String suffix, String... events) {
    QueueConfiguration.Builder q = QueueConfiguration.builder().queueArn(targetArn).eventsWithStrings(events);
    if (id != null) {
      q.id(id);
    }
    if (prefix != null || suffix != null) {
      q.filter(f -> f.key(k -> {
        List<software.amazon.awssdk.services.s3.model.FilterRule> rules = new java.util.ArrayList<>();
        if (prefix != null) {
          rules.add(software.amazon.awssdk.services.s3.model.FilterRule.builder().name(FilterRuleName.PREFIX).value(prefix).build());
        }
        if (suffix != null) {
          rules.add(software.amazon.awssdk.services.s3.model.FilterRule.builder().name(FilterRuleName.SUFFIX).value(suffix).build());
        }
        k.filterRules(rules);
      }));
    }
    return q.build();
  }

  static void put(String bucket, QueueConfiguration... queues) {
    s3.putBucketNotificationConfiguration(b -> b.bucket(bucket)
        .notificationConfiguration(NotificationConfiguration.builder().queueConfigurations(queues).build()));
  }

  static void assertInvalidArgument(Runnable call, Consumer<String> message) {
    assertThatThrownBy(call::run).isInstanceOfSatisfying(S3Exception.class, e -> {
      assertThat(e.statusCode()).isEqualTo(400);
      assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidArgument");
      message.accept(e.awsErrorDetails().errorMessage());
    });
  }

  @Test
  void configurationRoundTripsAndSendsTheTestEvent() throws Exception {
    s3.createBucket(b -> b.bucket("notify-rt"));
    assertThat(s3.getBucketNotificationConfiguration(b -> b.bucket("notify-rt")).queueConfigurations()).isEmpty();
    received.clear();
    put("notify-rt", queue("images", arn, "images/", ".jpg", "s3:ObjectCreated:*"),
        queue(null, arn, null, null, "s3:ObjectRemoved:Delete", "s3:ObjectRestore:*"));

    GetBucketNotificationConfigurationResponse got = s3.getBucketNotificationConfiguration(b -> b.bucket("notify-rt"));
    assertThat(got.queueConfigurations()).hasSize(2);
    QueueConfiguration first = got.queueConfigurations().get(0);
    assertThat(first.id()).isEqualTo("images");
    assertThat(first.queueArn()).isEqualTo(arn);
    assertThat(first.events()).containsExactly(Event.S3_OBJECT_CREATED);
    assertThat(first.filter().key().filterRules()).extracting(r -> r.nameAsString() + "=" + r.value())
        .containsExactly("Prefix=images/", "Suffix=.jpg");
    QueueConfiguration second = got.queueConfigurations().get(1);
    assertThat(second.id()).hasSize(48); // generated, S3's form
    assertThat(second.eventsAsStrings()).containsExactly("s3:ObjectRemoved:Delete", "s3:ObjectRestore:*");

    // One test event per distinct destination, in S3's shape.
    assertThat(received).hasSize(1);
    JsonNode test = new ObjectMapper().readTree(received.get(0));
    assertThat(test.get("Service").asText()).isEqualTo("Amazon S3");
    assertThat(test.get("Event").asText()).isEqualTo("s3:TestEvent");
    assertThat(test.get("Bucket").asText()).isEqualTo("notify-rt");
    assertThat(test.get("Time").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
    assertThat(test.get("RequestId").asText()).isNotEmpty();
    assertThat(test.get("HostId").asText()).isNotEmpty();
    assertThat(test.size()).isEqualTo(6);

    // An empty configuration removes it.
    s3.putBucketNotificationConfiguration(b -> b.bucket("notify-rt")
        .notificationConfiguration(NotificationConfiguration.builder().build()));
    assertThat(s3.getBucketNotificationConfiguration(b -> b.bucket("notify-rt")).queueConfigurations()).isEmpty();
  }

  @Test
  void refusesWhatS3Refuses() {
    s3.createBucket(b -> b.bucket("notify-bad"));
    assertInvalidArgument(() -> put("notify-bad", queue("x", arn, null, null, "s3:ObjectCreated:Get")),
        m -> assertThat(m).isEqualTo("The event is not supported for notifications"));
    String overlap = "Configurations overlap. Configurations on the same bucket cannot share a common event type.";
    // Same event family, prefixes nested, no suffixes: overlap.
    assertInvalidArgument(() -> put("notify-bad", queue("a", arn, "logs/", null, "s3:ObjectCreated:*"),
        queue("b", arn, "logs/app/", null, "s3:ObjectCreated:Put")), m -> assertThat(m).isEqualTo(overlap));
    // Same prefix, suffixes overlapping (".jpg" ends "x.jpg").
    assertInvalidArgument(() -> put("notify-bad", queue("a", arn, "i/", ".jpg", "s3:ObjectCreated:Put"),
        queue("b", arn, "i/", "x.jpg", "s3:ObjectCreated:*")), m -> assertThat(m).isEqualTo(overlap));
    assertInvalidArgument(() -> put("notify-bad", queue("x", "arn:moraine:sqs:us-east-1:123456789012:nosuch", null, null,
        "s3:ObjectCreated:*")), m -> assertThat(m).startsWith("Unable to validate the following destination configurations"));
    assertInvalidArgument(() -> put("notify-bad", queue("x", "arn:moraine:sqs:eu-west-1:123456789012:hook", null, null,
        "s3:ObjectCreated:*")), m -> assertThat(m).startsWith("Unable to validate the following destination configurations"));
    // A destination that does not take the test event is not validated either.
    assertInvalidArgument(() -> put("notify-bad", queue("x", "arn:moraine:sqs:us-east-1:123456789012:down", null, null,
        "s3:ObjectCreated:*")), m -> assertThat(m).contains("arn:moraine:sqs:us-east-1:123456789012:down"));
    assertThat(s3.getBucketNotificationConfiguration(b -> b.bucket("notify-bad")).queueConfigurations()).isEmpty();

    // Disjoint filters, or disjoint event types, are fine.
    put("notify-bad", queue("a", arn, "i/", ".jpg", "s3:ObjectCreated:*"), queue("b", arn, "i/", ".png", "s3:ObjectCreated:*"),
        queue("c", arn, "i/", ".jpg", "s3:ObjectRemoved:*"));
    assertThat(s3.getBucketNotificationConfiguration(b -> b.bucket("notify-bad")).queueConfigurations()).hasSize(3);
  }
}
