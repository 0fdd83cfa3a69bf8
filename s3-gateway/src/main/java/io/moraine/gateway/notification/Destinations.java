package io.moraine.gateway.notification;

import io.moraine.proto.meta.v1.NotifyTargetRecord;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Delivers one event message (JSON) to an operator-registered target. Fault model: a destination
 * that is down, slow or refuses the message makes {@link #send} throw; nothing is retried here
 * (the caller decides: the test event of a PUT turns into S3's "Unable to validate" error).
 */
public interface Destinations {
  void send(NotifyTargetRecord target, byte[] json) throws IOException;

  /** Webhooks by a JDK HttpClient POST (2xx = delivered); Kafka and AMQP targets are not delivered by this version. */
  static Destinations webhooks(Duration timeout) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(timeout).build();
    return (target, json) -> {
      switch (target.getDestinationCase()) {
        case WEBHOOK -> {
          HttpRequest request = HttpRequest.newBuilder(URI.create(target.getWebhook().getUrl())).timeout(timeout)
              .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(json)).build();
          HttpResponse<Void> response;
          try {
            response = http.send(request, HttpResponse.BodyHandlers.discarding());
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted sending to " + target.getName(), e);
          } catch (IllegalArgumentException e) {
            throw new IOException("bad webhook URL of " + target.getName(), e);
          }
          if (response.statusCode() / 100 != 2) {
            throw new IOException("webhook " + target.getName() + " answered " + response.statusCode());
          }
        }
        case KAFKA, AMQP -> {
          // Not delivered yet (docs/notifications.md, "Status"): the configuration is accepted.
        }
        case DESTINATION_NOT_SET -> throw new IOException("target " + target.getName() + " has no destination");
      }
    };
  }
}
