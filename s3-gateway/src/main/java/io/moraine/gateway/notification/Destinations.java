package io.moraine.gateway.notification;

import io.moraine.proto.meta.v1.NotifyTargetRecord;
import java.io.IOException;
import java.time.Duration;

/**
 * Delivers one event message (JSON) to an operator-registered target. Fault model: a destination
 * that is down, slow or refuses the message makes {@link #send} throw within the timeout; nothing
 * is retried here (the caller decides: the test event of a PUT turns into S3's "Unable to
 * validate" error; a sender would back off and retry).
 */
public interface Destinations {
  void send(NotifyTargetRecord target, String key, byte[] json) throws IOException;

  /**
   * The three target kinds: webhooks by a JDK HttpClient POST (2xx = delivered), AMQP 0-9-1 with
   * publisher confirms (persistent message; a nack or no confirm within the timeout = not
   * delivered), Kafka with acks=all and the idempotent producer (record key = {@code key}).
   * Each send opens and closes its own connection: test events are rare.
   */
  static Destinations standard(Duration timeout) {
    Webhook webhook = new Webhook(timeout);
    return (target, key, json) -> {
      switch (target.getDestinationCase()) {
        case WEBHOOK -> webhook.send(target, json);
        case AMQP -> Amqp.send(target, json, timeout);
        case KAFKA -> Kafka.send(target, key, json, timeout);
        case DESTINATION_NOT_SET -> throw new IOException("target " + target.getName() + " has no destination");
      }
    };
  }
}
