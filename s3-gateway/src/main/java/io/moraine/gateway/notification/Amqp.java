package io.moraine.gateway.notification;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.moraine.proto.meta.v1.NotifyTargetRecord;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * An AMQP 0-9-1 target (RabbitMQ): a persistent {@code application/json} message to the target's
 * exchange and routing key, delivered once the broker confirms it (publisher confirms). The
 * exchange must exist (a missing one closes the channel: not delivered).
 */
final class Amqp {
  private Amqp() {}

  static void send(NotifyTargetRecord target, byte[] json, Duration timeout) throws IOException {
    ConnectionFactory f = new ConnectionFactory();
    try {
      f.setUri(target.getAmqp().getUrl());
    } catch (Exception e) {
      throw new IOException("bad AMQP URL of " + target.getName(), e);
    }
    int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
    f.setConnectionTimeout(millis);
    f.setHandshakeTimeout(millis);
    f.setAutomaticRecoveryEnabled(false);
    try (Connection c = f.newConnection("moraine-notify"); Channel ch = c.createChannel()) {
      ch.confirmSelect();
      AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().contentType("application/json")
          .deliveryMode(2).build();
      ch.basicPublish(target.getAmqp().getExchange(), target.getAmqp().getRoutingKey(), props, json);
      ch.waitForConfirmsOrDie(timeout.toMillis());
    } catch (TimeoutException e) {
      throw new IOException("AMQP target " + target.getName() + " did not confirm in " + timeout, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted sending to " + target.getName(), e);
    } catch (RuntimeException e) {
      throw new IOException("AMQP target " + target.getName() + ": " + e, e);
    }
  }
}
