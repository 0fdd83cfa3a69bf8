package io.moraine.gateway.post;

import io.moraine.gateway.error.S3Error;
import io.moraine.gateway.error.S3Exception;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PushbackInputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A streaming reader of a {@code multipart/form-data} body (RFC 7578) as S3's POST Object takes
 * it: text fields up to the {@code file} field (at most {@link #MAX_FIELD_BYTES} in all, as S3
 * limits what precedes the file), then the file's bytes copied to a sink without buffering them;
 * anything after the file is ignored, as S3 ignores it.
 */
final class FormParts {
  /** S3 refuses more than 20 KB of form fields before the file. */
  static final int MAX_FIELD_BYTES = 20 * 1024;

  /** The form fields (names lower-cased, as S3 matches them), and the file's name and type. */
  record Form(Map<String, String> fields, String fileName, String fileContentType, long fileBytes) {}

  private final PushbackInputStream in;
  private final byte[] delimiter;

  FormParts(InputStream body, String boundary) {
    this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
    this.in = new PushbackInputStream(new java.io.BufferedInputStream(body, 64 * 1024), delimiter.length + 4);
  }

  static String boundary(String contentType) {
    for (String p : contentType.split(";")) {
      String t = p.strip();
      if (t.regionMatches(true, 0, "boundary=", 0, 9)) {
        String b = t.substring(9);
        return b.startsWith("\"") && b.endsWith("\"") && b.length() >= 2 ? b.substring(1, b.length() - 1) : b;
      }
    }
    throw malformed();
  }

  Form read(OutputStream fileSink) throws IOException {
    // The body starts with "--boundary" (no CRLF before the first one).
    in.unread(new byte[] {'\r', '\n'});
    skipPastDelimiter(null);
    Map<String, String> fields = new LinkedHashMap<>();
    int fieldBytes = 0;
    while (true) {
      if (afterDelimiterIsEnd()) {
        throw new S3Exception(new S3Error.InvalidArgument("POST requires exactly one file upload per request."));
      }
      Map<String, String> headers = partHeaders();
      String disposition = headers.getOrDefault("content-disposition", "");
      String name = param(disposition, "name");
      if (name == null) {
        throw malformed();
      }
      String fileName = param(disposition, "filename");
      if (name.equalsIgnoreCase("file")) {
        long n = skipPastDelimiter(fileSink);
        return new Form(fields, fileName == null ? "" : fileName, headers.get("content-type"), n);
      }
      java.io.ByteArrayOutputStream value = new java.io.ByteArrayOutputStream();
      fieldBytes += (int) skipPastDelimiter(new LimitedSink(value, MAX_FIELD_BYTES - fieldBytes));
      fields.put(name.toLowerCase(Locale.ROOT), value.toString(StandardCharsets.UTF_8));
    }
  }

  /** After a delimiter: "--" ends the body, CRLF starts a part. */
  private boolean afterDelimiterIsEnd() throws IOException {
    int a = in.read();
    int b = in.read();
    if (a == '-' && b == '-') {
      return true;
    }
    if (a != '\r' || b != '\n') {
      throw malformed();
    }
    return false;
  }

  private Map<String, String> partHeaders() throws IOException {
    Map<String, String> h = new LinkedHashMap<>();
    StringBuilder line = new StringBuilder();
    int total = 0;
    while (true) {
      int c = in.read();
      if (c < 0 || ++total > 8192) {
        throw malformed();
      }
      if (c == '\n') {
        String l = line.toString();
        if (l.endsWith("\r")) {
          l = l.substring(0, l.length() - 1);
        }
        if (l.isEmpty()) {
          return h;
        }
        int colon = l.indexOf(':');
        if (colon > 0) {
          h.put(l.substring(0, colon).strip().toLowerCase(Locale.ROOT), l.substring(colon + 1).strip());
        }
        line.setLength(0);
      } else {
        line.append((char) c);
      }
    }
  }

  /** Copies bytes up to the next delimiter into {@code sink} (null: discards), consuming the delimiter. */
  private long skipPastDelimiter(OutputStream sink) throws IOException {
    byte[] window = new byte[delimiter.length];
    long copied = 0;
    int matched = 0;
    byte[] buf = new byte[64 * 1024];
    int bufLen = 0;
    while (true) {
      int c = in.read();
      if (c < 0) {
        throw new S3Exception(new S3Error.IncompleteBody("The form ended before its closing boundary"));
      }
      if (c == (delimiter[matched] & 0xff)) {
        window[matched++] = (byte) c;
        if (matched == delimiter.length) {
          if (sink != null && bufLen > 0) {
            sink.write(buf, 0, bufLen);
          }
          return copied;
        }
        continue;
      }
      if (matched > 0) {
        // Not the delimiter after all: the matched bytes (but the first) may start it again.
        byte[] back = new byte[matched];
        System.arraycopy(window, 1, back, 0, matched - 1);
        back[matched - 1] = (byte) c;
        in.unread(back);
        c = window[0] & 0xff;
        matched = 0;
      }
      if (sink != null) {
        buf[bufLen++] = (byte) c;
        if (bufLen == buf.length) {
          sink.write(buf, 0, bufLen);
          bufLen = 0;
        }
      }
      copied++;
    }
  }

  private static String param(String disposition, String name) {
    for (String p : disposition.split(";")) {
      String t = p.strip();
      int eq = t.indexOf('=');
      if (eq > 0 && t.substring(0, eq).strip().equalsIgnoreCase(name)) {
        String v = t.substring(eq + 1).strip();
        return v.startsWith("\"") && v.endsWith("\"") && v.length() >= 2 ? v.substring(1, v.length() - 1) : v;
      }
    }
    return null;
  }

  private static S3Exception malformed() {
    return new S3Exception(new S3Error.MalformedPOSTRequest(null));
  }

  /** A sink refusing more than {@code limit} bytes (the form fields' budget). */
  private static final class LimitedSink extends OutputStream {
    private final OutputStream out;
    private long left;

    LimitedSink(OutputStream out, long limit) {
      this.out = out;
      this.left = limit;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (len > left) {
        throw new S3Exception(new S3Error.MaxPostPreDataLengthExceeded(null));
      }
      left -= len;
      out.write(b, off, len);
    }
  }
}
