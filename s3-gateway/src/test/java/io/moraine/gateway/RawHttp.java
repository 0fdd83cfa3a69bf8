package io.moraine.gateway;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP/1.1 exchange with any Host header (the website and accelerate host forms need no name
 * resolution this way), as a browser or curl sends it: unsigned, {@code Connection: close}.
 */
final class RawHttp {
  private RawHttp() {}

  record Reply(int status, Map<String, String> headers, String body) {}

  static Reply send(int port, String method, String host, String path) throws Exception {
    return exchange(port, method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
  }

  /** Sends {@code request} exactly as given (start line, headers and any body) and reads the reply. */
  static Reply exchange(int port, String request) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.UTF_8));
      out.flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      in.transferTo(all);
      String text = all.toString(StandardCharsets.UTF_8);
      int split = text.indexOf("\r\n\r\n");
      String[] lines = text.substring(0, split).split("\r\n");
      Map<String, String> headers = new LinkedHashMap<>();
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        headers.put(lines[i].substring(0, colon).toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).strip());
      }
      return new Reply(Integer.parseInt(lines[0].split(" ")[1]), headers, text.substring(split + 4));
    }
  }
}
