package io.moraine.storage.store;

import io.moraine.erasure.frame.BlockFrame;
import io.moraine.erasure.frame.CorruptFrameException;
import io.moraine.storage.api.CorruptShardException;
import io.moraine.storage.api.ShardId;
import io.moraine.storage.api.ShardNotFoundException;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A storage node's shards on its local disks (layout: {@link ShardLayout}).
 *
 * <p>Fault model: the process may die at any instant, a disk may return flipped bits, and writers
 * may vanish mid-stream. A shard is written to a temporary file, checked against the length and
 * CRC32C the client promised, fsynced, renamed atomically into place, and its directory fsynced
 * — only then is it acknowledged. Start-up deletes temporary leftovers, so a crash never publishes
 * half a shard. Every read verifies the CRC32C of every block it touches (BlockFrame.Reader) and
 * fails with {@link CorruptShardException} instead of returning bad bytes. Disk failure (I/O
 * errors) surfaces as IOException; the node keeps serving its other disks.
 *
 * <p>Thread-safe. Writers of different shards proceed in parallel; publishing and deleting one id
 * are serialized by a striped lock so the in-memory index always names the file on disk.
 */
public final class ShardStore implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(ShardStore.class);
  private static final int LOCK_STRIPES = 64;

  private final ShardStoreConfig config;
  private final List<Disk> disks;
  private final ConcurrentHashMap<ShardId, StoredShard> index = new ConcurrentHashMap<>();
  private final Object[] locks = new Object[LOCK_STRIPES];
  private final Object capacityLock = new Object();
  // Unique temp names within this process; start-up clears tmp, so no earlier process can collide.
  private final AtomicLong tmpSequence = new AtomicLong();

  /** What the store reports to metrics (StorageMetrics); the no-op one by default. */
  public interface Observer {
    Observer NONE = new Observer() {};

    default void written(long payloadBytes) {}

    default void opened() {}

    default void deleted() {}

    /**
     * Runs one fsync (file or directory). An observer that times it wraps the call with its own
     * ticker, so the store itself never reads a clock.
     */
    default void fsync(Fsync fsync) throws IOException {
      fsync.run();
    }
  }

  /** One fsync of a shard file or its directory. */
  @FunctionalInterface
  public interface Fsync {
    void run() throws IOException;
  }

  private final Observer observer;

  private ShardStore(ShardStoreConfig config, List<Disk> disks, Observer observer) {
    this.observer = observer;
    this.config = config;
    this.disks = disks;
    for (int i = 0; i < LOCK_STRIPES; i++) {
      locks[i] = new Object();
    }
  }

  /** Opens (creating if needed) the store on its disks: deletes temp leftovers and indexes every shard. */
  public static ShardStore open(ShardStoreConfig config) throws IOException {
    return open(config, Observer.NONE);
  }

  public static ShardStore open(ShardStoreConfig config, Observer observer) throws IOException {
    config.validate();
    List<Disk> disks = new ArrayList<>();
    long perDiskOverride = config.capacityBytesOverride() / config.diskPaths().size();
    for (int i = 0; i < config.diskPaths().size(); i++) {
      Path path = config.diskPaths().get(i).toAbsolutePath().normalize();
      Files.createDirectories(ShardLayout.tmpDir(path));
      for (int g = 0; g < ShardLayout.GROUP_DIRS; g++) {
        Files.createDirectories(ShardLayout.layoutDir(path).resolve(ShardLayout.groupDirName(g)));
      }
      FileStore fileStore = Files.getFileStore(path);
      long total = config.capacityBytesOverride() > 0 ? perDiskOverride : fileStore.getTotalSpace();
      disks.add(new Disk(i, path, fileStore, total));
    }
    ShardStore store = new ShardStore(config, List.copyOf(disks), observer);
    for (Disk disk : store.disks) {
      store.recover(disk);
    }
    log.info("shard store open: {} shards on {} disks {}", store.index.size(), disks.size(), store.disks());
    return store;
  }

  private void recover(Disk disk) throws IOException {
    int leftovers = 0;
    try (DirectoryStream<Path> tmp = Files.newDirectoryStream(ShardLayout.tmpDir(disk.path))) {
      for (Path file : tmp) {
        // Unacknowledged by construction: a shard is acknowledged only after its rename out of tmp.
        Files.delete(file);
        leftovers++;
      }
    }
    if (leftovers > 0) {
      log.info("disk {}: deleted {} unpublished temporary shard files", disk.path, leftovers);
    }
    for (int g = 0; g < ShardLayout.GROUP_DIRS; g++) {
      Path dir = ShardLayout.layoutDir(disk.path).resolve(ShardLayout.groupDirName(g));
      try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
        for (Path file : files) {
          long size = Files.size(file);
          disk.usedBytes.addAndGet(size);
          Optional<ShardId> id = ShardLayout.parseFileName(file.getFileName().toString());
          if (id.isEmpty()) {
            log.warn("disk {}: ignoring foreign file {} ({} bytes)", disk.path, file, size);
            continue;
          }
          StoredShard found = new StoredShard(id.get(), g, disk.index, readPayloadLength(file), size);
          StoredShard previous = index.putIfAbsent(id.get(), found);
          if (previous != null) {
            resolveDuplicate(previous, found);
          }
        }
      }
    }
  }

  /** Payload length from the frame header; -1 when unreadable (reads then fail as corrupt, scrub repairs). */
  private static long readPayloadLength(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer header = ByteBuffer.allocate(BlockFrame.HEADER_BYTES);
      while (header.hasRemaining() && ch.read(header, header.position()) > 0) {
        // read until full or EOF
      }
      if (header.hasRemaining()) {
        log.warn("shard file {} is shorter than a frame header; treating it as corrupt", file);
        return -1;
      }
      return BlockFrame.decodeHeader(header.array()).payloadLengthBytes();
    } catch (CorruptFrameException e) {
      log.warn("shard file {} has a corrupt frame header; treating it as corrupt: {}", file, e.getMessage());
      return -1;
    }
  }

  /**
   * The same id on two disks: a crash after publishing a rewrite on a new disk and before deleting
   * the old copy. Both copies are complete; keep the newer and delete the other.
   */
  private void resolveDuplicate(StoredShard kept, StoredShard other) throws IOException {
    Path keptPath = pathOf(kept);
    Path otherPath = pathOf(other);
    boolean otherNewer = Files.getLastModifiedTime(otherPath).compareTo(Files.getLastModifiedTime(keptPath)) > 0;
    StoredShard loser = otherNewer ? kept : other;
    if (otherNewer) {
      index.put(other.shard(), other);
    }
    log.warn("shard {} found on two disks ({} and {}); deleting the older copy {}", kept.shard(), keptPath, otherPath,
        pathOf(loser));
    Files.delete(pathOf(loser));
    disks.get(loser.diskIndex()).usedBytes.addAndGet(-loser.fileLengthBytes());
  }

  private Path pathOf(StoredShard s) {
    return ShardLayout.shardPath(disks.get(s.diskIndex()).path, s.placementGroupDir(), s.shard());
  }

  private Object lockFor(ShardId id) {
    return locks[Math.floorMod(id.hashCode(), LOCK_STRIPES)];
  }

  /**
   * Starts writing a shard of exactly {@code payloadLengthBytes} bytes into a temporary file on the
   * disk the id hashes to among those with room. Nothing is visible until {@link PendingShard#commit}.
   */
  public PendingShard beginWrite(ShardId id, int placementGroup, long payloadLengthBytes) throws IOException {
    ShardLayout.checkShardId(id);
    int groupDir = ShardLayout.groupDir(placementGroup);
    if (payloadLengthBytes < 0) {
      throw new IllegalArgumentException("shard length must be >= 0, got " + payloadLengthBytes);
    }
    long framedBytes = BlockFrame.framedLengthBytes(config.blockSizeBytes(), payloadLengthBytes);
    Disk disk = reserve(id, framedBytes);
    Path tmp = ShardLayout.tmpDir(disk.path)
        .resolve(id.dataId() + "." + id.index() + "." + tmpSequence.incrementAndGet() + ShardLayout.TMP_SUFFIX);
    FileChannel channel = null;
    try {
      channel = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      // No extra buffering: the frame writer already emits whole blocks (block + CRC) per write.
      BlockFrame.Writer writer = new BlockFrame.Writer(new ChannelOutputStream(channel), config.blockSizeBytes(),
          payloadLengthBytes);
      return new PendingShard(id, groupDir, disk, tmp, channel, writer, payloadLengthBytes, framedBytes);
    } catch (IOException | RuntimeException e) {
      disk.reservedBytes.addAndGet(-framedBytes);
      if (channel != null) {
        channel.close();
      }
      Files.deleteIfExists(tmp);
      throw e;
    }
  }

  /** Deterministic disk choice: highest rendezvous score of (shard id, disk) among disks with room. */
  private Disk reserve(ShardId id, long framedBytes) throws IOException {
    synchronized (capacityLock) {
      Disk best = null;
      long bestScore = 0;
      for (Disk disk : disks) {
        if (!disk.hasRoomFor(framedBytes)) {
          continue;
        }
        long score = score(id, disk.index);
        if (best == null || Long.compareUnsigned(score, bestScore) > 0) {
          best = disk;
          bestScore = score;
        }
      }
      if (best == null) {
        throw new InsufficientCapacityException("no disk has room for shard " + id + " (" + framedBytes
            + " framed bytes); disks " + disks());
      }
      best.reservedBytes.addAndGet(framedBytes);
      return best;
    }
  }

  static long score(ShardId id, int diskIndex) {
    long h = 0xcbf29ce484222325L; // FNV-1a, then a splitmix64 finalizer for avalanche
    for (byte b : id.dataId().getBytes(StandardCharsets.UTF_8)) {
      h = (h ^ (b & 0xff)) * 0x100000001b3L;
    }
    h = (h ^ id.index()) * 0x100000001b3L;
    h = (h ^ diskIndex) * 0x100000001b3L;
    h = (h ^ (h >>> 30)) * 0xbf58476d1ce4e5b9L;
    h = (h ^ (h >>> 27)) * 0x94d049bb133111ebL;
    return h ^ (h >>> 31);
  }

  /** Opens a published shard for reading; every block read is verified. */
  public ShardReader openRead(ShardId id) throws IOException {
    ShardLayout.checkShardId(id);
    StoredShard stored = index.get(id);
    if (stored == null) {
      throw new ShardNotFoundException("no shard " + id);
    }
    Path path = pathOf(stored);
    FileChannel channel;
    try {
      channel = FileChannel.open(path, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      // Deleted (or rewritten elsewhere) between the index lookup and the open.
      throw new ShardNotFoundException("no shard " + id);
    }
    observer.opened();
    try {
      return new ShardReader(id, path, channel, new BlockFrame.Reader(channel));
    } catch (CorruptFrameException e) {
      channel.close();
      throw new CorruptShardException("shard " + id + " at " + path + ": corrupt frame header: " + e.getMessage(), e);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  /** Deletes a shard; true when it existed. */
  public boolean delete(ShardId id) throws IOException {
    ShardLayout.checkShardId(id);
    synchronized (lockFor(id)) {
      StoredShard stored = index.get(id);
      if (stored == null) {
        return false;
      }
      // No directory fsync: a delete that a crash undoes leaves garbage that GC deletes again,
      // never a wrong read (ids are never reused for different bytes).
      Files.deleteIfExists(pathOf(stored));
      observer.deleted();
      index.remove(id);
      disks.get(stored.diskIndex()).usedBytes.addAndGet(-stored.fileLengthBytes());
      return true;
    }
  }

  public Optional<StoredShard> find(ShardId id) {
    return Optional.ofNullable(index.get(id));
  }

  /**
   * Published shards, all or those whose placement group is congruent to {@code placementGroup}
   * modulo 256 (the directory fan-out; callers with more groups filter by data id). Sorted by id.
   */
  public List<StoredShard> list(OptionalInt placementGroup) {
    OptionalInt dir = placementGroup.isPresent()
        ? OptionalInt.of(ShardLayout.groupDir(placementGroup.getAsInt())) : OptionalInt.empty();
    return index.values().stream()
        .filter(s -> dir.isEmpty() || s.placementGroupDir() == dir.getAsInt())
        .sorted(Comparator.comparing((StoredShard s) -> s.shard().dataId()).thenComparingInt(s -> s.shard().index()))
        .toList();
  }

  /**
   * When the shard was published (its file's modification time; the file is never written after
   * the atomic rename), or 0 when the file is gone (deleted concurrently). GC's age check.
   */
  public long publishedMillis(StoredShard s) {
    try {
      return Files.getLastModifiedTime(pathOf(s)).toMillis();
    } catch (IOException gone) {
      return 0;
    }
  }

  public int shardCount() {
    return index.size();
  }

  public List<DiskUsage> disks() {
    return disks.stream().map(d -> new DiskUsage(d.path, d.usedBytes.get(), d.totalBytes)).toList();
  }

  public long totalCapacityBytes() {
    return disks.stream().mapToLong(d -> d.totalBytes).sum();
  }

  @Override
  public void close() {
    // Nothing buffered: every acknowledged shard is already fsynced; open writers abort on their own.
  }

  private StoredShard publish(PendingShard pending) throws IOException {
    Path target = ShardLayout.shardPath(pending.disk.path, pending.groupDir, pending.id);
    long fileBytes = Files.size(pending.tmp);
    synchronized (lockFor(pending.id)) {
      Files.move(pending.tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      observer.fsync(() -> fsyncDirectory(target.getParent()));
      StoredShard fresh = new StoredShard(pending.id, pending.groupDir, pending.disk.index, pending.payloadLengthBytes,
          fileBytes);
      StoredShard old = index.put(pending.id, fresh);
      pending.disk.usedBytes.addAndGet(fileBytes);
      if (old != null) {
        Path oldPath = pathOf(old);
        // A rewrite (retry, repair) replaced the old file if it was the same path; else delete the old copy.
        if (!oldPath.equals(target)) {
          Files.deleteIfExists(oldPath);
        }
        disks.get(old.diskIndex()).usedBytes.addAndGet(-old.fileLengthBytes());
      }
      return fresh;
    }
  }

  static void fsyncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  /** One disk of the node and its capacity accounting. */
  private static final class Disk {
    final int index;
    final Path path;
    final FileStore fileStore;
    final long totalBytes;
    final AtomicLong usedBytes = new AtomicLong();
    final AtomicLong reservedBytes = new AtomicLong(); // framed bytes of writes in flight

    Disk(int index, Path path, FileStore fileStore, long totalBytes) {
      this.index = index;
      this.path = path;
      this.fileStore = fileStore;
      this.totalBytes = totalBytes;
    }

    boolean hasRoomFor(long framedBytes) throws IOException {
      if (usedBytes.get() + reservedBytes.get() + framedBytes > totalBytes) {
        return false;
      }
      // The filesystem may be shared (or smaller than the override): never start a write it cannot hold.
      return fileStore.getUsableSpace() >= framedBytes;
    }

    @Override
    public String toString() {
      return path + "(used=" + usedBytes.get() + ",reserved=" + reservedBytes.get() + ",total=" + totalBytes + ")";
    }
  }

  /** A shard being written; not thread-safe (one stream feeds it). */
  public final class PendingShard implements AutoCloseable {
    private final ShardId id;
    private final int groupDir;
    private final Disk disk;
    private final Path tmp;
    private final FileChannel channel;
    private final BlockFrame.Writer writer;
    private final long payloadLengthBytes;
    private final long reservedBytes;
    private long writtenBytes;
    private boolean done;

    private PendingShard(ShardId id, int groupDir, Disk disk, Path tmp, FileChannel channel, BlockFrame.Writer writer,
        long payloadLengthBytes, long reservedBytes) {
      this.id = id;
      this.groupDir = groupDir;
      this.disk = disk;
      this.tmp = tmp;
      this.channel = channel;
      this.writer = writer;
      this.payloadLengthBytes = payloadLengthBytes;
      this.reservedBytes = reservedBytes;
    }

    public ShardId id() {
      return id;
    }

    public long writtenBytes() {
      return writtenBytes;
    }

    public void write(byte[] buffer, int offset, int length) throws IOException {
      if (done) {
        throw new IllegalStateException("write to finished shard " + id);
      }
      if (writtenBytes + length > payloadLengthBytes) {
        throw new RejectedWriteException("shard " + id + ": stream is longer than the announced "
            + payloadLengthBytes + " bytes (" + (writtenBytes + length) + ")");
      }
      writer.write(buffer, offset, length);
      writtenBytes += length;
    }

    /**
     * Checks length and CRC32C, fsyncs, publishes atomically. On any failure nothing is published
     * and the temporary file is gone.
     */
    public StoredShard commit(int expectedCrc32c) throws IOException {
      if (done) {
        throw new IllegalStateException("commit of finished shard " + id);
      }
      try {
        if (writtenBytes != payloadLengthBytes) {
          throw new RejectedWriteException("shard " + id + ": stream ended after " + writtenBytes
              + " of the announced " + payloadLengthBytes + " bytes");
        }
        writer.finish();
        if (writer.payloadCrc32c() != expectedCrc32c) {
          throw new RejectedWriteException(String.format("shard %s: CRC32C mismatch, client says %08x, received %08x",
              id, expectedCrc32c, writer.payloadCrc32c()));
        }
        observer.fsync(() -> channel.force(true));
        channel.close();
        StoredShard published = publish(this);
        observer.written(payloadLengthBytes);
        done = true;
        disk.reservedBytes.addAndGet(-reservedBytes);
        return published;
      } catch (IOException | RuntimeException e) {
        abort();
        throw e;
      }
    }

    /** Discards the temporary file. Idempotent; a no-op after a successful commit. */
    public void abort() throws IOException {
      if (done) {
        return;
      }
      done = true;
      disk.reservedBytes.addAndGet(-reservedBytes);
      try {
        channel.close();
      } finally {
        Files.deleteIfExists(tmp);
      }
    }

    @Override
    public void close() throws IOException {
      abort();
    }
  }

  /** A verified reader of one published shard. Not thread-safe. */
  public static final class ShardReader implements Closeable {
    private final ShardId id;
    private final Path path;
    private final FileChannel channel;
    private final BlockFrame.Reader reader;

    private ShardReader(ShardId id, Path path, FileChannel channel, BlockFrame.Reader reader) {
      this.id = id;
      this.path = path;
      this.channel = channel;
      this.reader = reader;
    }

    public long payloadLengthBytes() {
      return reader.header().payloadLengthBytes();
    }

    /** Reads exactly {@code length} payload bytes at {@code offset}; fails on any corrupt block touched. */
    public void read(long offset, byte[] dst, int dstOffset, int length) throws IOException {
      if (offset < 0 || length < 0 || offset + length > payloadLengthBytes()) {
        throw new IllegalArgumentException("shard " + id + ": range [" + offset + ", " + (offset + length)
            + ") outside its " + payloadLengthBytes() + " bytes");
      }
      try {
        reader.readPayload(offset, dst, dstOffset, length);
      } catch (CorruptFrameException e) {
        throw new CorruptShardException("shard " + id + " at " + path + ": corrupt block in range [" + offset + ", "
            + (offset + length) + "): " + e.getMessage(), e);
      }
    }

    /** Verifies every block (scrub). */
    public void verifyAll() throws IOException {
      try {
        reader.verifyAll();
      } catch (CorruptFrameException e) {
        throw new CorruptShardException("shard " + id + " at " + path + ": " + e.getMessage(), e);
      }
    }

    @Override
    public void close() throws IOException {
      try {
        reader.close();
      } finally {
        channel.close();
      }
    }
  }
}
