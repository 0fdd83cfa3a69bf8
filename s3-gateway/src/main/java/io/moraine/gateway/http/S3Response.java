package io.moraine.gateway.http;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Response;

/**
 * The response side as features see it: status, headers, an XML or empty body, or a stream.
 * Hides Jetty. A response is sent once; {@link #isCommitted()} tells whether an error can still
 * be answered as XML or only by aborting the connection.
 */
public final class S3Response {
  private static final DateTimeFormatter RFC_1123 =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", java.util.Locale.US).withZone(ZoneOffset.UTC);

  private final Response response;
  private final boolean head;
  private OutputStream stream;
  private boolean sent;
  private final java.util.Map<String, String> errorHeaders = new java.util.LinkedHashMap<>();
  private int forcedStatus = -1;

  S3Response(Response response, boolean head) {
    this.response = response;
    this.head = head;
  }

  /** S3's HTTP date format (Last-Modified), e.g. {@code Wed, 12 Oct 2009 17:50:00 GMT}. */
  public static String httpDate(long epochMillis) {
    return RFC_1123.format(Instant.ofEpochMilli(epochMillis));
  }

  public S3Response header(String name, String value) {
    response.getHeaders().put(name, value);
    return this;
  }

  public void xml(int status, byte[] body) throws IOException {
    response.setStatus(forcedStatus > 0 && status < 300 ? forcedStatus : status);
    response.getHeaders().put("Content-Type", "application/xml");
    fixed(body);
  }

  /** A whole body of another type (a bucket policy is JSON). */
  public void body(int status, String contentType, byte[] body) throws IOException {
    response.setStatus(forcedStatus > 0 && status < 300 ? forcedStatus : status);
    response.getHeaders().put("Content-Type", contentType);
    fixed(body);
  }

  public void empty(int status) throws IOException {
    response.setStatus(forcedStatus > 0 && status < 300 ? forcedStatus : status);
    fixed(new byte[0]);
  }

  /** Starts a streamed body of exactly {@code contentLength} bytes (nothing is sent for HEAD). */
  public OutputStream stream(int status, long contentLength) {
    response.setStatus(forcedStatus > 0 && status < 300 ? forcedStatus : status);
    response.getHeaders().put("Content-Length", Long.toString(contentLength));
    sent = true;
    if (head) {
      stream = OutputStream.nullOutputStream();
    } else {
      stream = Content.Sink.asOutputStream(response);
    }
    return stream;
  }

  public boolean isCommitted() {
    return response.isCommitted();
  }

  Response jetty() {
    return response;
  }

  /** Ends a streamed body. */
  void finish() throws IOException {
    if (stream != null) {
      stream.close();
    }
  }

  /**
   * Answers {@code status} instead of any success status that follows (a website's error
   * document is an object served with the error's status). Error statuses are left alone.
   */
  public S3Response forceStatus(int status) {
    this.forcedStatus = status;
    return this;
  }

  /** A header that an error response must carry too (Content-Range of a 416). */
  public S3Response headerOnError(String name, String value) {
    errorHeaders.put(name, value);
    return this;
  }

  /** Drops everything set so far except the error headers; false when already committed. */
  boolean reset() {
    if (response.isCommitted()) {
      return false;
    }
    response.reset();
    stream = null;
    sent = false;
    errorHeaders.forEach((n, v) -> response.getHeaders().put(n, v));
    return true;
  }

  private void fixed(byte[] body) throws IOException {
    response.getHeaders().put("Content-Length", Integer.toString(body.length));
    sent = true;
    try (OutputStream out = Content.Sink.asOutputStream(response)) {
      if (!head && body.length > 0) {
        out.write(body);
      }
    }
  }
}
