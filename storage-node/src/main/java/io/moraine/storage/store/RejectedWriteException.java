package io.moraine.storage.store;

import java.io.IOException;

/**
 * The client's stream does not match what it promised (length, CRC32C, protocol order); nothing
 * was published.
 */
public final class RejectedWriteException extends IOException {
  public RejectedWriteException(String message) {
    super(message);
  }
}
