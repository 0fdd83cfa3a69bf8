package io.moraine.metadata.api;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The text form of a background service's progress record (repair, lifecycle, ...) kept in
 * ZooKeeper: UTF-8 lines {@code key=value}, the first {@code format=N}. Keys and values are
 * %-escaped (every byte that is '%', '=', a control character or not ASCII), so a bucket name or a
 * key holding '=' or a newline cannot break a line. Each record type owns its keys and format number.
 */
public final class ProgressText {
  private ProgressText() {}

  public static byte[] encode(Map<String, String> fields) {
    StringBuilder s = new StringBuilder();
    fields.forEach((k, v) -> s.append(escape(k)).append('=').append(escape(v)).append('\n'));
    return s.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** The fields of a record of {@code what} (for messages); refuses a format other than {@code formatVersion}. */
  public static Map<String, String> decode(byte[] bytes, String what, int formatVersion) {
    Map<String, String> m = new LinkedHashMap<>();
    for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
      if (line.isEmpty()) {
        continue;
      }
      int eq = line.indexOf('=');
      if (eq < 0) {
        throw new IllegalStateException("corrupt " + what + " record: line '" + line + "'");
      }
      m.put(unescape(line.substring(0, eq)), unescape(line.substring(eq + 1)));
    }
    if (!Integer.toString(formatVersion).equals(m.get("format"))) {
      throw new IllegalStateException("unknown " + what + " format " + m.get("format"));
    }
    return m;
  }

  /** A numeric field, 0 when absent (a record written before the field existed). */
  public static long num(Map<String, String> m, String key) {
    return Long.parseLong(m.getOrDefault(key, "0"));
  }

  static String escape(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
      int c = x & 0xff;
      if (c == '%' || c == '=' || c < 0x20 || c >= 0x7f) {
        b.append('%').append(String.format("%02X", c));
      } else {
        b.append((char) c);
      }
    }
    return b.toString();
  }

  static String unescape(String s) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%') {
        out.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
        i += 2;
      } else {
        out.write(c);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
