package io.moraine.gateway.tiering;

import io.moraine.metadata.api.MetadataClient;
import io.moraine.proto.meta.v1.AccessEntry;
import io.moraine.proto.meta.v1.RecordAccess;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reads of INTELLIGENT_TIERING objects that count as access (docs/storage-classes.md), kept in
 * memory and committed in batches instead of one Raft commit per GET: one entry per object version
 * (a repeated read only moves its time), at most {@code maxEntries} entries (a new version when full
 * drops the oldest one and counts it in {@link #dropped()}), flushed every
 * {@code tiering.access.flush.millis} as one {@code RecordAccess} command per metadata group.
 *
 * <p>Fault model: access tracking is advisory. A gateway that crashes loses its unflushed reads
 * (at most one flush interval: those objects may tier down up to that much early, and the next read
 * brings them back); a flush that fails puts its entries back (still bounded) for the next one.
 * Thread-safe: reads record from request threads, the flush runs on its own thread.
 */
public final class AccessTracker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AccessTracker.class);
  public static final int DEFAULT_MAX_ENTRIES = 100_000;
  public static final long DEFAULT_FLUSH_MILLIS = 5_000;
  /** Entries per command: the metadata tier refuses more (core.tiering.Tiering.MAX_ENTRIES). */
  static final int CHUNK = 10_000;

  private record Id(String bucket, String key, String versionId) {}

  private final MetadataClient metadata;
  private final InstantSource clock;
  private volatile int maxEntries;
  private final Object lock = new Object();
  private LinkedHashMap<Id, Long> pending = new LinkedHashMap<>();
  private final AtomicLong recorded = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong flushedEntries = new AtomicLong();
  private final AtomicLong commands = new AtomicLong();
  private final AtomicLong failedFlushes = new AtomicLong();
  private ScheduledExecutorService timer;

  public AccessTracker(MetadataClient metadata, InstantSource clock, int maxEntries) {
    if (maxEntries < 1) {
      throw new IllegalArgumentException("tiering.access.max.entries must be >= 1, got " + maxEntries);
    }
    this.metadata = metadata;
    this.clock = clock;
    this.maxEntries = maxEntries;
  }

  /**
   * Records a read of the data of {@code v} — a GET, or the source of CopyObject or
   * UploadPartCopy — when it is an INTELLIGENT_TIERING version (the only class whose tier reads
   * move; HEAD and other metadata reads do not count).
   */
  public void read(String bucket, io.moraine.metadata.api.ObjectVersion v) {
    if ("INTELLIGENT_TIERING".equals(v.storageClass())) {
      record(bucket, v.key(), v.versionId());
    }
  }

  /** Records a read of {@code versionId} ("null" for unversioned) at the clock's now. */
  public void record(String bucket, String key, String versionId) {
    long now = clock.millis();
    Id id = new Id(bucket, key, versionId);
    synchronized (lock) {
      Long before = pending.get(id);
      if (before != null) {
        pending.put(id, Math.max(before, now)); // same place in the order: dedup, no growth
      } else {
        while (pending.size() >= maxEntries) {
          var oldest = pending.keySet().iterator();
          oldest.next();
          oldest.remove();
          dropped.incrementAndGet();
        }
        pending.put(id, now);
      }
    }
    recorded.incrementAndGet();
  }

  /** Commits what is pending; returns the number of entries sent. */
  public int flush() {
    LinkedHashMap<Id, Long> batch;
    synchronized (lock) {
      if (pending.isEmpty()) {
        return 0;
      }
      batch = pending;
      pending = new LinkedHashMap<>();
    }
    List<Map.Entry<Id, Long>> entries = new ArrayList<>(batch.entrySet());
    int sent = 0;
    for (int from = 0; from < entries.size(); from += CHUNK) {
      List<Map.Entry<Id, Long>> chunk = entries.subList(from, Math.min(entries.size(), from + CHUNK));
      RecordAccess.Builder cmd = RecordAccess.newBuilder();
      for (Map.Entry<Id, Long> e : chunk) {
        cmd.addEntries(AccessEntry.newBuilder().setBucket(e.getKey().bucket()).setKey(e.getKey().key())
            .setVersionId(e.getKey().versionId()).setAccessMillis(e.getValue()));
      }
      try {
        commands.addAndGet(metadata.recordAccess(cmd.build()));
        sent += chunk.size();
      } catch (RuntimeException ex) {
        failedFlushes.incrementAndGet();
        log.warn("tiering: {} access records not committed, kept for the next flush: {}", entries.size() - from,
            ex.toString());
        putBack(entries.subList(from, entries.size()));
        break;
      }
    }
    flushedEntries.addAndGet(sent);
    return sent;
  }

  private void putBack(List<Map.Entry<Id, Long>> entries) {
    synchronized (lock) {
      LinkedHashMap<Id, Long> merged = new LinkedHashMap<>();
      for (Map.Entry<Id, Long> e : entries) {
        merged.put(e.getKey(), e.getValue());
      }
      for (Map.Entry<Id, Long> e : pending.entrySet()) {
        merged.merge(e.getKey(), e.getValue(), Math::max);
      }
      while (merged.size() > maxEntries) {
        var oldest = merged.keySet().iterator();
        oldest.next();
        oldest.remove();
        dropped.incrementAndGet();
      }
      pending = merged;
    }
  }

  /** The table's bound from now on ({@code tiering.access.max.entries}); a smaller one drops at the next insert. */
  public void maxEntries(int max) {
    if (max < 1) {
      throw new IllegalArgumentException("tiering.access.max.entries must be >= 1, got " + max);
    }
    this.maxEntries = max;
  }

  /** Flushes every {@code intervalMillis} on a thread of its own (the launcher starts it). */
  public synchronized void start(String nodeId, long intervalMillis) {
    if (intervalMillis < 1) {
      throw new IllegalArgumentException("tiering.access.flush.millis must be >= 1, got " + intervalMillis);
    }
    if (timer != null) {
      return;
    }
    timer = Executors.newSingleThreadScheduledExecutor(
        Thread.ofPlatform().daemon(true).name(nodeId + "-access-flush").factory());
    timer.scheduleWithFixedDelay(() -> {
      try {
        flush();
      } catch (RuntimeException e) {
        log.warn("tiering: access flush failed: {}", e.toString());
      }
    }, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
  }

  public int pendingCount() {
    synchronized (lock) {
      return pending.size();
    }
  }

  public long recorded() {
    return recorded.get();
  }

  /** Versions dropped (oldest first) because the table was full: their reads were not counted. */
  public long dropped() {
    return dropped.get();
  }

  public long flushedEntries() {
    return flushedEntries.get();
  }

  /** RecordAccess commands committed (one per metadata group per flush). */
  public long commands() {
    return commands.get();
  }

  public long failedFlushes() {
    return failedFlushes.get();
  }

  /** Stops the timer and flushes what is left (a clean shutdown loses nothing). */
  @Override
  public void close() {
    synchronized (this) {
      if (timer != null) {
        timer.shutdownNow();
        timer = null;
      }
    }
    try {
      flush();
    } catch (RuntimeException e) {
      log.warn("tiering: last access flush failed: {}", e.toString());
    }
  }
}
