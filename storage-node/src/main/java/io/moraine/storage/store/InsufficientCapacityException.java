package io.moraine.storage.store;

import java.io.IOException;

/** No disk of the node has room for the shard; the writer should pick a fallback node. */
public final class InsufficientCapacityException extends IOException {
  public InsufficientCapacityException(String message) {
    super(message);
  }
}
