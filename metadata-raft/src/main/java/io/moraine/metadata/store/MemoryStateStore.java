package io.moraine.metadata.store;

import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * In-memory store for pure tests and simulations. Fault model: none (lost on exit). Commits are
 * serialized; a cursor is weakly consistent (enough for tests that do not race reads with writes).
 */
public final class MemoryStateStore implements StateStore {

  private final ConcurrentSkipListMap<byte[], byte[]> map = new ConcurrentSkipListMap<>(Arrays::compareUnsigned);

  @Override
  public byte[] get(byte[] key) {
    byte[] v = map.get(key);
    return v == null ? null : v.clone();
  }

  @Override
  public Cursor cursor() {
    return new Cursor() {
      private Iterator<Map.Entry<byte[], byte[]>> it = map.entrySet().iterator();
      private Map.Entry<byte[], byte[]> current = it.hasNext() ? it.next() : null;

      @Override
      public void seek(byte[] key) {
        it = map.tailMap(key, true).entrySet().iterator();
        current = it.hasNext() ? it.next() : null;
      }

      @Override
      public boolean valid() {
        return current != null;
      }

      @Override
      public byte[] key() {
        return current.getKey().clone();
      }

      @Override
      public byte[] value() {
        return current.getValue().clone();
      }

      @Override
      public void next() {
        current = it.hasNext() ? it.next() : null;
      }

      @Override
      public void close() {}
    };
  }

  @Override
  public synchronized void commit(StoreBatch batch, AppliedPosition applied) {
    for (StoreBatch.Op op : batch.ops()) {
      if (op.value() == null) {
        map.remove(op.key());
      } else {
        map.put(op.key().clone(), op.value().clone());
      }
    }
    map.put(AppliedPosition.KEY.clone(), applied.encode());
  }

  @Override
  public AppliedPosition applied() {
    return AppliedPosition.decode(map.get(AppliedPosition.KEY));
  }

  /** A sorted copy of every entry, for determinism checks. */
  public NavigableMap<byte[], byte[]> dump() {
    return new ConcurrentSkipListMap<>(map);
  }

  @Override
  public void close() {}
}
