package io.moraine.storage.api;

import java.io.IOException;

/**
 * A block of the shard failed its CRC32C check (bitrot, torn sector, tampering). The reader should
 * fetch another shard of the stripe and reconstruct; repair rewrites this one.
 */
public final class CorruptShardException extends IOException {
  public CorruptShardException(String message, Throwable cause) {
    super(message, cause);
  }
}
