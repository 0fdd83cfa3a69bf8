package io.moraine.launcher.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The JSON log schema (docs/monitoring.md) and log levels changed at run time through the admin port. */
class LogsTest {

  @Test
  void aLineHasTheDocumentedFields() throws Exception {
    LoggerContext context = new LoggerContext();
    context.putProperty(JsonLogEncoder.NODE_PROPERTY, "gateway-1");
    JsonLogEncoder encoder = new JsonLogEncoder();
    encoder.setContext(context);
    LoggingEvent event = new LoggingEvent("x", context.getLogger("io.moraine.X"), Level.WARN, "a \"quoted\" {}",
        new IllegalStateException("boom"), new Object[] {"arg"});
    event.setTimeStamp(0);
    event.setMDCPropertyMap(Map.of("request_id", "ABC"));
    String line = new String(encoder.encode(event), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(line).endsWith("}\n").doesNotContain("\n{");
    JsonNode json = new ObjectMapper().readTree(line);
    assertThat(json.path("ts").asText()).isEqualTo("1970-01-01T00:00:00Z");
    assertThat(json.path("level").asText()).isEqualTo("WARN");
    assertThat(json.path("logger").asText()).isEqualTo("io.moraine.X");
    assertThat(json.path("node").asText()).isEqualTo("gateway-1");
    assertThat(json.path("msg").asText()).isEqualTo("a \"quoted\" arg");
    assertThat(json.path("request_id").asText()).isEqualTo("ABC");
    assertThat(json.path("exception").asText()).contains("IllegalStateException: boom");
  }

  @Test
  void levelsChangeThroughTheAdminPort() throws Exception {
    try (AdminHttpServer admin = new AdminHttpServer("127.0.0.1", 0, new PrometheusRegistry(),
        List.of(new AdminHttpServer.Component("n-1", "gateway", () -> true)))) {
      HttpClient http = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + admin.port() + "/log-level?logger=io.moraine.logs.test";
      HttpResponse<String> set = http.send(HttpRequest.newBuilder(URI.create(base + "&level=debug"))
          .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(set.statusCode()).isEqualTo(200);
      assertThat(set.body()).isEqualTo("io.moraine.logs.test DEBUG\n");
      assertThat(org.slf4j.LoggerFactory.getLogger("io.moraine.logs.test").isDebugEnabled()).isTrue();
      HttpResponse<String> get = http.send(HttpRequest.newBuilder(URI.create(base)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(get.body()).isEqualTo("io.moraine.logs.test DEBUG\n");
      HttpResponse<String> bad = http.send(HttpRequest.newBuilder(URI.create(base + "&level=LOUD"))
          .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(bad.statusCode()).isEqualTo(400);
      assertThat(Logs.setLevel("io.moraine.logs.test", "INHERIT")).isEqualTo(Logs.level("ROOT"));
    }
    assertThatThrownBy(() -> Logs.setLevel("ROOT", "INHERIT")).isInstanceOf(IllegalArgumentException.class);
  }
}
