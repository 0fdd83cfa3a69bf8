package io.moraine.launcher.ops;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.encoder.EncoderBase;
import io.moraine.gateway.metrics.RequestLogLine;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

/**
 * The one log line schema of every process (docs/monitoring.md, "Logs"): a JSON object per
 * line with {@code ts} (ISO-8601 UTC, milliseconds), {@code level}, {@code logger},
 * {@code node} (the process's node id; {@code dev} for the one-JVM cluster), {@code thread},
 * {@code msg}, and when present {@code request_id} (every line logged on a thread serving an S3
 * request) and {@code exception} (the stack trace as text).
 */
public final class JsonLogEncoder extends EncoderBase<ILoggingEvent> {
  /** The logger-context property naming the process's node. */
  public static final String NODE_PROPERTY = "moraine.node";

  @Override
  public byte[] headerBytes() {
    return null;
  }

  @Override
  public byte[] footerBytes() {
    return null;
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    return line(event).getBytes(StandardCharsets.UTF_8);
  }

  String line(ILoggingEvent event) {
    StringBuilder b = new StringBuilder(192);
    b.append("{\"ts\":");
    RequestLogLine.string(b, Instant.ofEpochMilli(event.getTimeStamp()).toString());
    b.append(",\"level\":");
    RequestLogLine.string(b, event.getLevel().toString());
    b.append(",\"logger\":");
    RequestLogLine.string(b, event.getLoggerName());
    b.append(",\"node\":");
    String node = getContext() == null ? null : getContext().getProperty(NODE_PROPERTY);
    RequestLogLine.string(b, node);
    b.append(",\"thread\":");
    RequestLogLine.string(b, event.getThreadName());
    b.append(",\"msg\":");
    RequestLogLine.string(b, event.getFormattedMessage());
    Map<String, String> mdc = event.getMDCPropertyMap();
    String requestId = mdc == null ? null : mdc.get("request_id");
    if (requestId != null) {
      b.append(",\"request_id\":");
      RequestLogLine.string(b, requestId);
    }
    IThrowableProxy thrown = event.getThrowableProxy();
    if (thrown != null) {
      b.append(",\"exception\":");
      RequestLogLine.string(b, ThrowableProxyUtil.asString(thrown));
    }
    return b.append("}\n").toString();
  }
}
