/*
 * CorruptFrameException: a framed shard file failed a check (magic, version, header CRC, block CRC,
 * length). Callers treat the shard as lost and rebuild it from the other shards of its stripes.
 */
package io.moraine.erasure.frame;

import java.io.IOException;

public final class CorruptFrameException extends IOException {
  private static final long serialVersionUID = 1L;

  public CorruptFrameException(String message) {
    super(message);
  }
}
