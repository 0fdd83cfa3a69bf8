package io.moraine.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import io.moraine.proto.meta.v1.AmqpDestination;
import io.moraine.proto.meta.v1.NotifyTargetCommand;
import io.moraine.proto.meta.v1.NotifyTargetRecord;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NotificationConfiguration;
import software.amazon.awssdk.services.s3.model.QueueConfiguration;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The test event of PutBucketNotificationConfiguration through a real RabbitMQ broker (Debian's
 * {@code rabbitmq-server}, started by the test on free ports under a temp dir, stopped after):
 * the message arrives in a queue bound to the target's exchange, read back with the standard
 * AMQP client; a target whose exchange does not exist is not validated. Skipped, saying so, when
 * the broker is not installed ({@code .ci/run} installs it).
 */
class NotificationAmqpTest {
  static final Path SERVER = Path.of("/usr/lib/rabbitmq/bin/rabbitmq-server");
  static Process broker;
  static Path dir;
  static int amqpPort;
  static int epmdPort;
  static GatewayFixture fx;
  static S3Client s3;

  @BeforeAll
  static void start() throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(SERVER),
        "RabbitMQ is not installed (" + SERVER + "): apt-get install rabbitmq-server; skipping the AMQP test");
    dir = Files.createTempDirectory("notify-rabbitmq");
    amqpPort = freePort();
    epmdPort = freePort();
    Files.writeString(dir.resolve("enabled_plugins"), "[].\n");
    ProcessBuilder pb = new ProcessBuilder(SERVER.toString()).directory(dir.toFile())
        .redirectErrorStream(true).redirectOutput(dir.resolve("broker.log").toFile());
    Map<String, String> env = pb.environment();
    env.put("HOME", dir.toString());
    env.put("RABBITMQ_NODENAME", "moraine" + amqpPort + "@localhost");
    env.put("RABBITMQ_NODE_IP_ADDRESS", "127.0.0.1");
    env.put("RABBITMQ_NODE_PORT", String.valueOf(amqpPort));
    env.put("RABBITMQ_DIST_PORT", String.valueOf(freePort()));
    env.put("ERL_EPMD_PORT", String.valueOf(epmdPort));
    env.put("RABBITMQ_MNESIA_BASE", dir.resolve("mnesia").toString());
    env.put("RABBITMQ_LOG_BASE", dir.resolve("log").toString());
    env.put("RABBITMQ_ENABLED_PLUGINS_FILE", dir.resolve("enabled_plugins").toString());
    env.put("RABBITMQ_CONFIG_FILE", dir.resolve("rabbitmq").toString());
    env.put("RABBITMQ_PID_FILE", dir.resolve("pid").toString());
    broker = pb.start();
    Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
    while (!accepting(amqpPort)) {
      if (!broker.isAlive() || Instant.now().isAfter(deadline)) {
        throw new IllegalStateException("RabbitMQ did not start: " + Files.readString(dir.resolve("broker.log")));
      }
      Thread.sleep(250);
    }
    // The port opens before the default vhost exists: retry until a connection is accepted.
    Connection first = null;
    while (first == null) {
      try {
        first = connect();
      } catch (IOException e) {
        if (Instant.now().isAfter(deadline)) {
          throw e;
        }
        Thread.sleep(250);
      }
    }
    try (Connection c = first; Channel ch = c.createChannel()) {
      ch.exchangeDeclare("s3-events", "direct", true);
      ch.queueDeclare("bucket-events", true, false, false, null);
      ch.queueBind("bucket-events", "s3-events", "rk");
    }
    fx = GatewayFixture.start(100, 23);
    s3 = fx.client(GatewayFixture.AK, GatewayFixture.SK);
  }

  @AfterAll
  static void stop() throws Exception {
    if (s3 != null) {
      s3.close();
      fx.close();
    }
    if (broker != null) {
      broker.descendants().forEach(ProcessHandle::destroyForcibly);
      broker.destroyForcibly().waitFor();
      // epmd daemonizes out of the broker's tree; it serves only this test's port.
      ProcessBuilder kill = new ProcessBuilder("epmd", "-kill").redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD);
      kill.environment().put("ERL_EPMD_PORT", String.valueOf(epmdPort));
      try {
        kill.start().waitFor();
      } catch (IOException e) {
        // no epmd binary on PATH: nothing was left by this name
      }
    }
  }

  static Connection connect() throws Exception {
    ConnectionFactory f = new ConnectionFactory();
    f.setUri("amqp://guest:guest@127.0.0.1:" + amqpPort);
    return f.newConnection();
  }

  static boolean accepting(int port) {
    try (Socket s = new Socket("127.0.0.1", port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  static String register(String name, String exchange) {
    String arn = "arn:moraine:sqs:us-east-1:123456789012:" + name;
    fx.metadata.notifyTarget(NotifyTargetCommand.newBuilder().setAdd(NotifyTargetRecord.newBuilder().setFormatVersion(1)
        .setName(name).setAwsAccountId("123456789012").setRegion("us-east-1").setArn(arn)
        .setAmqp(AmqpDestination.newBuilder().setUrl("amqp://guest:guest@127.0.0.1:" + amqpPort)
            .setExchange(exchange).setRoutingKey("rk"))).build());
    return arn;
  }

  static void put(String bucket, String arn) {
    s3.putBucketNotificationConfiguration(b -> b.bucket(bucket).notificationConfiguration(NotificationConfiguration
        .builder().queueConfigurations(QueueConfiguration.builder().queueArn(arn).eventsWithStrings("s3:ObjectCreated:*")
            .build()).build()));
  }

  @Test
  void testEventReachesTheQueueAndAMissingExchangeIsRefused() throws Exception {
    s3.createBucket(b -> b.bucket("amqp-events"));
    put("amqp-events", register("rabbit", "s3-events"));
    try (Connection c = connect(); Channel ch = c.createChannel()) {
      GetResponse got = ch.basicGet("bucket-events", true);
      assertThat(got).isNotNull();
      assertThat(got.getProps().getContentType()).isEqualTo("application/json");
      assertThat(got.getProps().getDeliveryMode()).isEqualTo(2);
      JsonNode event = new ObjectMapper().readTree(got.getBody());
      assertThat(event.get("Event").asText()).isEqualTo("s3:TestEvent");
      assertThat(event.get("Bucket").asText()).isEqualTo("amqp-events");
    }
    String missing = register("nowhere", "no-such-exchange");
    assertThatThrownBy(() -> put("amqp-events", missing)).isInstanceOfSatisfying(S3Exception.class, e -> {
      assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidArgument");
      assertThat(e.awsErrorDetails().errorMessage())
          .isEqualTo("Unable to validate the following destination configurations: " + missing);
    });
  }
}
