package io.moraine.gateway.notification;

import io.moraine.proto.meta.v1.NotifyTargetRecord;
import java.io.IOException;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A Kafka target: one record (key = the object key, or the bucket for a test event) to the
 * target's topic with acks=all and the idempotent producer, delivered once the broker acknowledges
 * it within the timeout.
 */
final class Kafka {
  private Kafka() {}

  static Properties producerConfig(String bootstrap, Duration timeout) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "moraine-notify");
    int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, millis);
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, millis);
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, millis);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    return p;
  }

  static void send(NotifyTargetRecord target, String key, byte[] json, Duration timeout) throws IOException {
    Properties config = producerConfig(target.getKafka().getBootstrapServers(), timeout);
    KafkaProducer<String, byte[]> producer;
    try {
      producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
    } catch (org.apache.kafka.common.KafkaException e) {
      throw new IOException("Kafka target " + target.getName() + ": " + e, e);
    }
    try {
      producer.send(new ProducerRecord<>(target.getKafka().getTopic(), key, json)).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new IOException("Kafka target " + target.getName() + ": " + e.getCause(), e.getCause());
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IOException("Kafka target " + target.getName() + " did not acknowledge in " + timeout, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted sending to " + target.getName(), e);
    } catch (org.apache.kafka.common.KafkaException e) {
      throw new IOException("Kafka target " + target.getName() + ": " + e, e);
    } finally {
      producer.close(timeout); // bounded: the default close waits for ever on a dead broker
    }
  }
}
