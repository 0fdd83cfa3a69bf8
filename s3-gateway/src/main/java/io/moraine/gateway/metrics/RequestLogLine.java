package io.moraine.gateway.metrics;

import java.time.Instant;

/**
 * One line of the S3 request log (docs/monitoring.md, "Request log"): a JSON object with the
 * fields time, request_id, remote, caller, operation, bucket, key, status, error_code,
 * bytes_in, bytes_out, total_ms, first_byte_ms, payer (and failure when the response broke off).
 * Absent values are JSON null; first_byte_ms is null when no byte was sent; payer is the
 * requester's account when a Requester Pays bucket charged it, else null (the bucket owner pays).
 */
public final class RequestLogLine {
  private RequestLogLine() {}

  public static String json(long timeMillis, String requestId, String remote, String caller, String operation,
      String bucket, String key, int status, String errorCode, long bytesIn, long bytesOut, double totalMs,
      double firstByteMs, String payer, String failure) {
    StringBuilder b = new StringBuilder(256);
    b.append("{\"time\":");
    string(b, Instant.ofEpochMilli(timeMillis).toString());
    b.append(",\"request_id\":");
    string(b, requestId);
    b.append(",\"remote\":");
    string(b, remote);
    b.append(",\"caller\":");
    string(b, caller);
    b.append(",\"operation\":");
    string(b, operation);
    b.append(",\"bucket\":");
    string(b, bucket);
    b.append(",\"key\":");
    string(b, key);
    b.append(",\"status\":").append(status);
    b.append(",\"error_code\":");
    string(b, errorCode);
    b.append(",\"bytes_in\":").append(bytesIn);
    b.append(",\"bytes_out\":").append(bytesOut);
    b.append(",\"total_ms\":").append(Math.round(totalMs * 1000) / 1000.0);
    b.append(",\"first_byte_ms\":");
    if (firstByteMs < 0) {
      b.append("null");
    } else {
      b.append(Math.round(firstByteMs * 1000) / 1000.0);
    }
    b.append(",\"payer\":");
    string(b, payer);
    if (failure != null) {
      b.append(",\"failure\":");
      string(b, failure);
    }
    return b.append('}').toString();
  }

  /** A JSON string (RFC 8259 escapes), or null. */
  public static void string(StringBuilder b, String s) {
    if (s == null) {
      b.append("null");
      return;
    }
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    b.append('"');
  }
}
