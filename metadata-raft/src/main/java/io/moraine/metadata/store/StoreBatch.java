package io.moraine.metadata.store;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** An ordered list of puts and deletes, applied atomically by {@link StateStore#commit}. */
public final class StoreBatch {

  /** One write: a put when {@code value} is non-null, else a delete. */
  public record Op(byte[] key, byte[] value) {}

  private final List<Op> ops = new ArrayList<>();

  public StoreBatch put(byte[] key, byte[] value) {
    if (key == null || value == null) {
      throw new IllegalArgumentException("null key or value in put");
    }
    ops.add(new Op(key, value));
    return this;
  }

  public StoreBatch delete(byte[] key) {
    if (key == null) {
      throw new IllegalArgumentException("null key in delete");
    }
    ops.add(new Op(key, null));
    return this;
  }

  public List<Op> ops() {
    return Collections.unmodifiableList(ops);
  }

  public boolean isEmpty() {
    return ops.isEmpty();
  }
}
