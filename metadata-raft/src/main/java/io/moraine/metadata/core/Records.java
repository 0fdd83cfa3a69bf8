package io.moraine.metadata.core;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;

/**
 * Stored values: one record format version byte, then the protobuf message. A value with any
 * other version byte was written by a newer Moraine (or is corrupt): reading it fails loudly
 * rather than guessing.
 */
public final class Records {
  public static final byte FORMAT_VERSION = 1;

  private Records() {}

  public static byte[] encode(MessageLite message) {
    byte[] body = message.toByteArray();
    byte[] out = new byte[body.length + 1];
    out[0] = FORMAT_VERSION;
    System.arraycopy(body, 0, out, 1, body.length);
    return out;
  }

  public static <T> T decode(byte[] stored, Parser<T> parser) {
    if (stored.length == 0 || stored[0] != FORMAT_VERSION) {
      throw new IllegalStateException("unknown metadata record format version "
          + (stored.length == 0 ? "(empty value)" : Byte.toString(stored[0])));
    }
    try {
      return parser.parseFrom(stored, 1, stored.length - 1);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("corrupt metadata record of " + stored.length + " bytes", e);
    }
  }
}
