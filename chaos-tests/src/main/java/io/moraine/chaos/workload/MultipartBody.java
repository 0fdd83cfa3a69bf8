package io.moraine.chaos.workload;

import io.moraine.chaos.check.MultipartChecker;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Self-describing multipart bodies: part {@code i} of {@code n} of upload {@code id} is the line
 * {@code MP|id|i|n|len\n} followed by filler derived from (id, i), {@code len} bytes in all. A
 * reader can then tell a whole object ({@code mp:id}) from anything torn, mixed or truncated
 * ({@code torn:why}) without keeping the bodies.
 */
public final class MultipartBody {

  private MultipartBody() {}

  public static byte[] part(String id, int index, int count, int length) {
    byte[] header = ("MP|" + id + "|" + index + "|" + count + "|" + length + "\n").getBytes(StandardCharsets.US_ASCII);
    if (length < header.length) {
      throw new IllegalArgumentException("part length " + length + " shorter than its header " + header.length);
    }
    byte[] b = new byte[length];
    System.arraycopy(header, 0, b, 0, header.length);
    fill(id, index, b, header.length);
    return b;
  }

  private static void fill(String id, int index, byte[] b, int from) {
    SplittableRandom r = new SplittableRandom(id.hashCode() * 31L + index);
    for (int i = from; i < b.length; i++) {
      b[i] = (byte) ('a' + r.nextInt(26));
    }
  }

  /** The value a reader records for a multipart object's body. */
  public static String decode(byte[] body) {
    int pos = 0;
    String id = null;
    int expectedCount = -1;
    int index = 0;
    while (pos < body.length) {
      int nl = -1;
      for (int i = pos; i < Math.min(body.length, pos + 200); i++) {
        if (body[i] == '\n') {
          nl = i;
          break;
        }
      }
      if (nl < 0) {
        return torn("no part header at byte " + pos);
      }
      String[] h = new String(body, pos, nl - pos, StandardCharsets.US_ASCII).split("\\|");
      if (h.length != 5 || !h[0].equals("MP")) {
        return torn("bad part header at byte " + pos);
      }
      int i = Integer.parseInt(h[2]);
      int n = Integer.parseInt(h[3]);
      int len = Integer.parseInt(h[4]);
      index++;
      if (id == null) {
        id = h[1];
        expectedCount = n;
      } else if (!id.equals(h[1])) {
        return torn("parts of uploads " + id + " and " + h[1] + " mixed");
      }
      if (i != index || n != expectedCount) {
        return torn("part " + i + "/" + n + " where " + index + "/" + expectedCount + " was expected");
      }
      if (pos + len > body.length) {
        return torn("part " + i + " of " + id + " truncated: " + (body.length - pos) + " of " + len + " bytes");
      }
      byte[] want = part(id, i, n, len);
      if (!java.util.Arrays.equals(body, pos, pos + len, want, 0, len)) {
        return torn("part " + i + " of " + id + " has wrong bytes");
      }
      pos += len;
    }
    if (id == null) {
      return torn("empty body");
    }
    if (index != expectedCount) {
      return torn(index + " of " + expectedCount + " parts of " + id);
    }
    return "mp:" + id;
  }

  private static String torn(String why) {
    return MultipartChecker.TORN_PREFIX + why;
  }
}
