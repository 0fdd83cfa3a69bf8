package io.moraine.gateway.torrent;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/** Bencoding (BEP 3): integers, byte strings, lists and dictionaries with sorted raw-byte keys. */
final class Bencode {
  private Bencode() {}

  static byte[] encode(Object value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    write(out, value);
    return out.toByteArray();
  }

  private static void write(ByteArrayOutputStream out, Object v) {
    switch (v) {
      case Long n -> out.writeBytes(("i" + n + "e").getBytes(StandardCharsets.US_ASCII));
      case Integer n -> out.writeBytes(("i" + n + "e").getBytes(StandardCharsets.US_ASCII));
      case String s -> bytes(out, s.getBytes(StandardCharsets.UTF_8));
      case byte[] b -> bytes(out, b);
      case List<?> l -> {
        out.write('l');
        l.forEach(x -> write(out, x));
        out.write('e');
      }
      case SortedMap<?, ?> m -> {
        out.write('d');
        for (Map.Entry<?, ?> e : m.entrySet()) {
          bytes(out, ((String) e.getKey()).getBytes(StandardCharsets.UTF_8));
          write(out, e.getValue());
        }
        out.write('e');
      }
      default -> throw new IllegalArgumentException("cannot bencode " + v.getClass());
    }
  }

  private static void bytes(ByteArrayOutputStream out, byte[] b) {
    out.writeBytes((b.length + ":").getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(b);
  }
}
