package io.moraine.metadata.store;

import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * Uncommitted writes layered over a base store: reads see the base as modified by every batch
 * {@link #commit}ted here, but nothing reaches the base until {@link #pending()} is committed to
 * it. Lets several commands of one log entry see each other's effects while the entry still
 * commits atomically. Single-threaded; the applied position passed to {@link #commit} is ignored.
 */
public final class OverlayStore implements StateStore {
  private static final byte[] TOMBSTONE = new byte[0];

  private final StateStore base;
  private final TreeMap<byte[], byte[]> writes = new TreeMap<>(Arrays::compareUnsigned);

  public OverlayStore(StateStore base) {
    this.base = base;
  }

  @Override
  public byte[] get(byte[] key) {
    byte[] v = writes.get(key);
    if (v == TOMBSTONE) {
      return null;
    }
    return v != null ? v.clone() : base.get(key);
  }

  @Override
  public void commit(StoreBatch batch, AppliedPosition ignored) {
    for (StoreBatch.Op op : batch.ops()) {
      writes.put(op.key().clone(), op.value() == null ? TOMBSTONE : op.value().clone());
    }
  }

  /** Every write layered here, in key order, as one batch for the base store. */
  public StoreBatch pending() {
    StoreBatch b = new StoreBatch();
    for (Map.Entry<byte[], byte[]> e : writes.entrySet()) {
      if (e.getValue() == TOMBSTONE) {
        b.delete(e.getKey());
      } else {
        b.put(e.getKey(), e.getValue());
      }
    }
    return b;
  }

  @Override
  public AppliedPosition applied() {
    return base.applied();
  }

  @Override
  public Cursor cursor() {
    Cursor under = base.cursor();
    return new Cursor() {
      private Iterator<Map.Entry<byte[], byte[]>> over = writes.entrySet().iterator();
      private Map.Entry<byte[], byte[]> overEntry;
      private byte[] underKey;
      private boolean atOver;
      private boolean valid;

      @Override
      public void seek(byte[] key) {
        under.seek(key);
        underKey = under.valid() ? under.key() : null;
        over = writes.tailMap(key, true).entrySet().iterator();
        overEntry = over.hasNext() ? over.next() : null;
        settle();
      }

      /** Positions on the smallest visible key: overlay entries shadow equal base keys. */
      private void settle() {
        while (true) {
          if (overEntry != null && underKey != null) {
            int cmp = Arrays.compareUnsigned(underKey, overEntry.getKey());
            if (cmp < 0) {
              atOver = false;
              valid = true;
              return;
            }
            if (cmp == 0) {
              advanceUnder();
              continue;
            }
          } else if (underKey != null) {
            atOver = false;
            valid = true;
            return;
          } else if (overEntry == null) {
            valid = false;
            return;
          }
          if (overEntry.getValue() == TOMBSTONE) {
            overEntry = over.hasNext() ? over.next() : null;
            continue;
          }
          atOver = true;
          valid = true;
          return;
        }
      }

      private void advanceUnder() {
        under.next();
        underKey = under.valid() ? under.key() : null;
      }

      @Override
      public boolean valid() {
        return valid;
      }

      @Override
      public byte[] key() {
        return atOver ? overEntry.getKey().clone() : underKey.clone();
      }

      @Override
      public byte[] value() {
        return atOver ? overEntry.getValue().clone() : under.value();
      }

      @Override
      public void next() {
        if (!valid) {
          throw new IllegalStateException("next() on an exhausted cursor");
        }
        if (atOver) {
          overEntry = over.hasNext() ? over.next() : null;
        } else {
          advanceUnder();
        }
        settle();
      }

      @Override
      public void close() {
        under.close();
      }
    };
  }

  @Override
  public void close() {}
}
