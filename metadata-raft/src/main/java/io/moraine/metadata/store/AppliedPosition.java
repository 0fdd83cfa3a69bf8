package io.moraine.metadata.store;

import java.nio.ByteBuffer;

/** The Raft (term, index) of the last log entry whose effects are in the store. */
public record AppliedPosition(long term, long index) {
  public static final AppliedPosition NONE = new AppliedPosition(0, 0);

  /** Reserved store key; the schema keeps every other key away from prefix 0x00. */
  public static final byte[] KEY = {0x00, 'a', 'p', 'p', 'l', 'i', 'e', 'd'};

  private static final byte FORMAT_VERSION = 1;

  public byte[] encode() {
    return ByteBuffer.allocate(17).put(FORMAT_VERSION).putLong(term).putLong(index).array();
  }

  public static AppliedPosition decode(byte[] bytes) {
    if (bytes == null) {
      return NONE;
    }
    if (bytes.length != 17 || bytes[0] != FORMAT_VERSION) {
      throw new IllegalStateException("corrupt applied position: length " + bytes.length
          + (bytes.length > 0 ? " version " + bytes[0] : ""));
    }
    ByteBuffer b = ByteBuffer.wrap(bytes, 1, 16);
    return new AppliedPosition(b.getLong(), b.getLong());
  }
}
