package io.moraine.metadata.store;

/**
 * The sorted key-value state the metadata core runs on: RocksDB in production, an in-memory map
 * in pure tests. Keys and values are compared as unsigned bytes.
 *
 * <p>Fault model: a commit is atomic (all ops and the applied position, or none) — after a crash
 * the store is at some earlier applied position and the Raft log replays from there. Reads may run
 * concurrently with a commit; each cursor sees a consistent point-in-time view.
 */
public interface StateStore extends AutoCloseable {

  /** The value under {@code key}, or null. */
  byte[] get(byte[] key);

  /** A cursor over all keys in ascending order, positioned by {@link Cursor#seek}. */
  Cursor cursor();

  /** Applies every op of the batch and records the applied position, atomically. */
  void commit(StoreBatch batch, AppliedPosition applied);

  /** The position recorded by the last commit, or {@link AppliedPosition#NONE}. */
  AppliedPosition applied();

  @Override
  void close();

  /** A forward iterator over a consistent view. Not thread-safe; close it. */
  interface Cursor extends AutoCloseable {
    /** Positions at the first key >= {@code key}. */
    void seek(byte[] key);

    boolean valid();

    byte[] key();

    byte[] value();

    void next();

    @Override
    void close();
  }
}
