package io.moraine.gateway.notification;

import io.moraine.proto.meta.v1.NotifyTargetRecord;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A webhook target: POST of the JSON; any 2xx answer is delivered, anything else is not. */
final class Webhook {
  private final HttpClient http;
  private final Duration timeout;

  Webhook(Duration timeout) {
    this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    this.timeout = timeout;
  }

  void send(NotifyTargetRecord target, byte[] json) throws IOException {
    HttpRequest request;
    try {
      request = HttpRequest.newBuilder(URI.create(target.getWebhook().getUrl())).timeout(timeout)
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(json)).build();
    } catch (IllegalArgumentException e) {
      throw new IOException("bad webhook URL of " + target.getName(), e);
    }
    HttpResponse<Void> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.discarding());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted sending to " + target.getName(), e);
    }
    if (response.statusCode() / 100 != 2) {
      throw new IOException("webhook " + target.getName() + " answered " + response.statusCode());
    }
  }
}
