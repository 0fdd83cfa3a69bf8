package io.moraine.launcher.ops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * The admin port every process serves (DESIGN.md, Contracts): Prometheus metrics at /metrics and
 * health at /health (200 "ok" when every component of the process is up, 503 otherwise), and
 * log levels at /log-level ({@code GET ?logger=NAME} reads one, {@code POST ?logger=NAME&level=LEVEL}
 * sets it; answers {@code LOGGER LEVEL}; docs/monitoring.md).
 * Metric labels carry the same node ids as logs and `cluster status`.
 */
public final class AdminHttpServer implements AutoCloseable {

  /** One component of the process whose health /health reports. */
  public record Component(String nodeId, String role, BooleanSupplier healthy) {}

  private final HttpServer server;
  private final PrometheusRegistry registry;
  private final List<Component> components;
  private final Gauge up;

  public AdminHttpServer(String host, int port, PrometheusRegistry registry, List<Component> components)
      throws IOException {
    this.registry = registry;
    this.components = List.copyOf(components);
    up = Gauge.builder().name("moraine_node_up").help("1 when the component reports healthy")
        .labelNames("node_id", "role").register(registry);
    for (Component c : this.components) {
      up.labelValues(c.nodeId(), c.role());
    }
    server = HttpServer.create(new InetSocketAddress(host, port), 64);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/metrics", this::metrics);
    server.createContext("/health", this::health);
    server.createContext("/log-level", this::logLevel);
    server.start();
  }

  /** Serves {@code path} and everything under it with {@code handler} (the gateway process's web console). */
  public void mount(String path, com.sun.net.httpserver.HttpHandler handler) {
    server.createContext(path, handler);
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private void metrics(HttpExchange exchange) throws IOException {
    for (Component c : components) {
      up.labelValues(c.nodeId(), c.role()).set(c.healthy().getAsBoolean() ? 1 : 0);
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    PrometheusTextFormatWriter.create().write(body, registry.scrape());
    exchange.getResponseHeaders().set("Content-Type", PrometheusTextFormatWriter.CONTENT_TYPE);
    send(exchange, 200, body.toByteArray());
  }

  private void health(HttpExchange exchange) throws IOException {
    StringBuilder text = new StringBuilder();
    boolean all = true;
    for (Component c : components) {
      boolean ok = c.healthy().getAsBoolean();
      all &= ok;
      text.append(c.nodeId()).append(' ').append(c.role()).append(' ').append(ok ? "ok" : "unhealthy").append('\n');
    }
    send(exchange, all ? 200 : 503, text.toString().getBytes(StandardCharsets.UTF_8));
  }

  private void logLevel(HttpExchange exchange) throws IOException {
    java.util.Map<String, String> q = new java.util.HashMap<>();
    String raw = exchange.getRequestURI().getRawQuery();
    if (raw != null) {
      for (String pair : raw.split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          q.put(java.net.URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
              java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
      }
    }
    String logger = q.getOrDefault("logger", org.slf4j.Logger.ROOT_LOGGER_NAME);
    try {
      String effective = switch (exchange.getRequestMethod()) {
        case "GET" -> Logs.level(logger);
        case "POST", "PUT" -> {
          String level = q.get("level");
          if (level == null) {
            throw new IllegalArgumentException("level= is required");
          }
          String now = Logs.setLevel(logger, level);
          org.slf4j.LoggerFactory.getLogger(AdminHttpServer.class).info("log level of {} set to {} (in effect {})",
              logger, level, now);
          yield now;
        }
        default -> null;
      };
      if (effective == null) {
        send(exchange, 405, "GET or POST\n".getBytes(StandardCharsets.UTF_8));
        return;
      }
      send(exchange, 200, (logger + " " + effective + "\n").getBytes(StandardCharsets.UTF_8));
    } catch (IllegalArgumentException | IllegalStateException e) {
      send(exchange, 400, (e.getMessage() + "\n").getBytes(StandardCharsets.UTF_8));
    }
  }

  private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
