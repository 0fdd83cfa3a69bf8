package io.moraine.metadata.store;

import java.nio.file.Files;
import java.nio.file.Path;
import org.rocksdb.Checkpoint;
import org.rocksdb.FlushOptions;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Snapshot;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The metadata state in one RocksDB instance (default column family, bytewise comparator).
 *
 * <p>Fault model: each commit is one WriteBatch that also carries the applied position, so after
 * a crash the store holds exactly the effects of log entries up to its recorded position. Writes
 * go through the RocksDB WAL without fsync: the Raft log is the durable record and replays
 * whatever the store lost. Snapshots ({@link #checkpoint}) flush first, so a published checkpoint
 * never depends on the Raft log. A RocksDB error on write is thrown, never swallowed: the state
 * machine must stop rather than diverge.
 */
public final class RocksStateStore implements StateStore {

  static {
    RocksDB.loadLibrary();
  }

  private final Path dir;
  private final Options options;
  private final RocksDB db;
  private final WriteOptions writeOptions;

  private RocksStateStore(Path dir, Options options, RocksDB db) {
    this.dir = dir;
    this.options = options;
    this.db = db;
    this.writeOptions = new WriteOptions();
  }

  /** Opens (creating if missing) the store in {@code dir}. */
  public static RocksStateStore open(Path dir) {
    Options options = new Options().setCreateIfMissing(true);
    try {
      Files.createDirectories(dir);
      return new RocksStateStore(dir, options, RocksDB.open(options, dir.toString()));
    } catch (RocksDBException | java.io.IOException e) {
      options.close();
      throw new IllegalStateException("cannot open metadata store at " + dir, e);
    }
  }

  public Path dir() {
    return dir;
  }

  @Override
  public byte[] get(byte[] key) {
    try {
      return db.get(key);
    } catch (RocksDBException e) {
      throw new IllegalStateException("metadata store read failed", e);
    }
  }

  @Override
  public Cursor cursor() {
    Snapshot snapshot = db.getSnapshot();
    ReadOptions readOptions = new ReadOptions().setSnapshot(snapshot);
    RocksIterator it = db.newIterator(readOptions);
    return new Cursor() {
      @Override
      public void seek(byte[] key) {
        it.seek(key);
      }

      @Override
      public boolean valid() {
        return it.isValid();
      }

      @Override
      public byte[] key() {
        return it.key();
      }

      @Override
      public byte[] value() {
        return it.value();
      }

      @Override
      public void next() {
        it.next();
      }

      @Override
      public void close() {
        it.close();
        readOptions.close();
        db.releaseSnapshot(snapshot);
      }
    };
  }

  @Override
  public void commit(StoreBatch batch, AppliedPosition applied) {
    try (WriteBatch wb = new WriteBatch()) {
      for (StoreBatch.Op op : batch.ops()) {
        if (op.value() == null) {
          wb.delete(op.key());
        } else {
          wb.put(op.key(), op.value());
        }
      }
      wb.put(AppliedPosition.KEY, applied.encode());
      db.write(writeOptions, wb);
    } catch (RocksDBException e) {
      throw new IllegalStateException("metadata store commit failed at " + applied, e);
    }
  }

  @Override
  public AppliedPosition applied() {
    return AppliedPosition.decode(get(AppliedPosition.KEY));
  }

  /**
   * Writes a consistent, self-contained copy of the store into {@code target} (which must not
   * exist): memtables are flushed first, then SST files are hard-linked.
   */
  public void checkpoint(Path target) {
    try (FlushOptions flush = new FlushOptions().setWaitForFlush(true);
        Checkpoint checkpoint = Checkpoint.create(db)) {
      db.flush(flush);
      checkpoint.createCheckpoint(target.toString());
    } catch (RocksDBException e) {
      throw new IllegalStateException("checkpoint into " + target + " failed", e);
    }
  }

  @Override
  public void close() {
    writeOptions.close();
    db.close();
    options.close();
  }
}
