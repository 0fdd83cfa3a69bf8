package io.moraine.storage.api;

import java.io.IOException;

/** The node holds no published shard under this id (never written, deleted, or lost with its disk). */
public final class ShardNotFoundException extends IOException {
  public ShardNotFoundException(String message) {
    super(message);
  }
}
