package io.moraine.gateway.kms;

import io.moraine.metadata.api.MetadataClient;
import io.moraine.proto.meta.v1.AppendKmsAudit;
import io.moraine.proto.meta.v1.KmsAuditEntry;
import io.moraine.proto.meta.v1.KmsCommand;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key-use audit log's gateway side: uses are queued in memory and written to metadata in
 * batches ({@code AppendKmsAudit}, one Raft entry per flush, not one per use) by {@link #flush},
 * which the gateway runs every {@code GatewayConfig.keyUseFlushMillis} (10 s) and at close. A gateway that
 * crashes loses at most the uses of its last interval; a failed flush keeps them for the next one.
 */
public final class KmsAudit {
  private static final Logger log = LoggerFactory.getLogger(KmsAudit.class);
  /** A flush writes at most this many entries per command (the core's limit is 10 000). */
  static final int BATCH = 5000;
  /** Beyond this many queued entries new ones are dropped (and counted) rather than exhausting memory. */
  static final int MAX_QUEUED = 200_000;

  private final MetadataClient metadata;
  private final ConcurrentLinkedQueue<KmsAuditEntry> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queued = new AtomicInteger();
  private final AtomicInteger dropped = new AtomicInteger();

  public KmsAudit(MetadataClient metadata) {
    this.metadata = metadata;
  }

  void add(KmsAuditEntry e) {
    if (queued.incrementAndGet() > MAX_QUEUED) {
      queued.decrementAndGet();
      dropped.incrementAndGet();
      return;
    }
    queue.add(e);
  }

  /** Entries dropped because the queue was full (metadata unreachable for long). */
  public int dropped() {
    return dropped.get();
  }

  /** Writes every queued entry; safe to call from several threads. */
  public synchronized void flush() {
    while (!queue.isEmpty()) {
      List<KmsAuditEntry> batch = new ArrayList<>();
      for (KmsAuditEntry e; batch.size() < BATCH && (e = queue.peek()) != null; ) {
        batch.add(e);
        queue.poll();
      }
      try {
        metadata.kms(KmsCommand.newBuilder().setAppendAudit(AppendKmsAudit.newBuilder().addAllEntries(batch)).build());
        queued.addAndGet(-batch.size());
      } catch (RuntimeException e) {
        // Put them back in front is not possible on this queue: re-queue at the end (order is by commit).
        queue.addAll(batch);
        log.warn("kms audit: {} entries not written yet: {}", batch.size(), e.toString());
        return;
      }
    }
  }
}
