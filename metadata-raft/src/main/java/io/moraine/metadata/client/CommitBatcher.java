package io.moraine.metadata.client;

import io.moraine.proto.meta.v1.MetaBatch;
import io.moraine.proto.meta.v1.MetaReply;
import io.moraine.proto.meta.v1.MetaRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit on the client side: callers enqueue commands; a sender thread takes what has
 * queued up (bounded in count and bytes) and commits it as one log entry ({@code MetaBatch}),
 * so the Raft round trip, the fsync and the per-entry work of every peer (append RPC, log
 * record, retry-cache entry, apply) are shared.
 *
 * <p>Batch shaping, measured with MetadataCommitBench (3 peers and 64 callers on 2 cores; figures
 * in metadata-raft/README.md): a commit's cost is dominated by per-log-entry work, so what
 * matters is few, full entries. Two ways to lose that: (1) several senders each send part of the
 * same callers (with 2 senders and 64 callers every entry carried ~28 commands); (2) a sender
 * that finds the first re-enqueued caller sends it nearly alone while the others the same reply
 * woke are still on their way back. So: only one sender collects (takes from the queue) at a
 * time; while another batch is in flight it keeps collecting unless its batch is full (a full
 * batch goes at once, so more callers than one batch holds still pipeline over the senders);
 * then it lingers while commands keep arriving less than {@link #LINGER_MICROS} apart. A lone
 * caller (last batch of one, nothing in flight) is sent at once, so batching adds no latency
 * when load is light. With 64 callers this turns ~28 commands per entry into ~60.
 *
 * <p>Fault model: a batch is one Ratis call, retried with one call id, applied once or not at
 * all; when it fails every caller in it gets the failure (outcome unknown for all of them).
 */
final class CommitBatcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CommitBatcher.class);

  /**
   * Longest gap between two arriving commands that still keeps a lingering batch open. Callers
   * woken by one reply re-enqueue within tens of microseconds of each other; a Raft round trip
   * here is milliseconds, so this bounds the added latency to a small fraction of it. Also the
   * collector's re-check period while it waits for the batch in flight.
   */
  static final long LINGER_MICROS = 300;

  /** Sends one request (a single command or a batch) and returns the reply; throws if unknown. */
  interface Sender {
    MetaReply send(MetaRequest request) throws Exception;
  }

  private record Pending(MetaRequest request, int bytes, CompletableFuture<MetaReply> reply) {}

  private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  private final Sender sender;
  private final int maxCommands;
  private final int maxBytes;
  private final List<Thread> threads = new ArrayList<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final Semaphore collector = new Semaphore(1);
  private final ReentrantLock idleLock = new ReentrantLock();
  private final Condition idle = idleLock.newCondition();
  private volatile int lastBatchSize;
  private final LongAdder batches = new LongAdder();
  private final LongAdder commands = new LongAdder();
  private volatile boolean closed;

  CommitBatcher(Sender sender, int senders, int maxCommands, int maxBytes, String name) {
    this.sender = sender;
    this.maxCommands = maxCommands;
    this.maxBytes = maxBytes;
    for (int i = 0; i < senders; i++) {
      Thread t = Thread.ofPlatform().daemon().name(name + "-commit-" + i).unstarted(this::run);
      threads.add(t);
      t.start();
    }
  }

  /** Commits one command, blocking until its reply (or failure) is known. */
  MetaReply commit(MetaRequest request) throws Exception {
    if (closed) {
      throw new IllegalStateException("metadata client closed");
    }
    Pending p = new Pending(request, request.getSerializedSize(), new CompletableFuture<>());
    queue.add(p);
    try {
      return p.reply.get();
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }

  /** Log entries sent and commands in them so far (mean batch size = commands / batches). */
  long[] stats() {
    return new long[] {batches.sum(), commands.sum()};
  }

  private void run() {
    List<Pending> batch = new ArrayList<>();
    while (!closed) {
      try {
        // One collector at a time: two senders collecting at once would split the same callers
        // into two half-full entries. The collector counts itself in flight before it lets the
        // next one collect, so the next one waits for its batch unless it fills one.
        collector.acquire();
        try {
          Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
          if (first == null) {
            continue;
          }
          batch.clear();
          batch.add(first);
          collect(batch, first.bytes);
          inFlight.incrementAndGet();
        } finally {
          collector.release();
        }
        try {
          send(batch);
        } finally {
          inFlight.decrementAndGet();
          lastBatchSize = batch.size();
          batch.clear();
          signalIdle();
        }
      } catch (InterruptedException e) {
        // Interrupted while collecting: these callers were taken from the queue but never sent.
        for (Pending p : batch) {
          p.reply.completeExceptionally(new IllegalStateException("metadata client closed"));
        }
        Thread.currentThread().interrupt();
        break;
      }
    }
    failAll(new IllegalStateException("metadata client closed"));
  }

  /**
   * Fills {@code batch} (holding the first command) until it may go: at once when nothing is in
   * flight and the last batch was a lone command (light load: no added latency); otherwise it
   * waits while another batch is in flight unless this one is full (a full batch goes at once,
   * so more callers than one batch holds still pipeline over the senders), then lingers while
   * commands keep arriving less than {@link #LINGER_MICROS} apart (the callers the last reply
   * woke are on their way back).
   */
  private void collect(List<Pending> batch, int firstBytes) throws InterruptedException {
    int bytes = drain(batch, firstBytes);
    if (lastBatchSize <= 1 && inFlight.get() == 0) {
      return;
    }
    idleLock.lock();
    try {
      while (!full(batch, bytes) && inFlight.get() > 0) {
        idle.await(LINGER_MICROS, TimeUnit.MICROSECONDS);
        bytes = drain(batch, bytes);
      }
    } finally {
      idleLock.unlock();
    }
    Pending next;
    while (!full(batch, bytes) && (next = queue.poll(LINGER_MICROS, TimeUnit.MICROSECONDS)) != null) {
      if (bytes + next.bytes > maxBytes) {
        queue.add(next); // too big for this entry: the next batch takes it (no order across callers)
        break;
      }
      batch.add(next);
      bytes = drain(batch, bytes + next.bytes);
    }
  }

  private boolean full(List<Pending> batch, int bytes) {
    return batch.size() >= maxCommands || bytes >= maxBytes / 2;
  }

  private void signalIdle() {
    idleLock.lock();
    try {
      idle.signalAll();
    } finally {
      idleLock.unlock();
    }
  }

  /** Adds what is queued now to {@code batch} within the bounds; returns the batch's bytes. */
  private int drain(List<Pending> batch, int bytes) {
    Pending next;
    while (batch.size() < maxCommands && (next = queue.peek()) != null && bytes + next.bytes <= maxBytes) {
      next = queue.poll();
      if (next == null) {
        break;
      }
      batch.add(next);
      bytes += next.bytes;
    }
    return bytes;
  }

  private void send(List<Pending> batch) {
    batches.increment();
    commands.add(batch.size());
    try {
      if (batch.size() == 1) {
        batch.get(0).reply.complete(sender.send(batch.get(0).request));
        return;
      }
      MetaBatch.Builder b = MetaBatch.newBuilder();
      for (Pending p : batch) {
        b.addRequests(p.request);
      }
      MetaReply reply = sender.send(MetaRequest.newBuilder().setFormatVersion(batch.get(0).request.getFormatVersion()).setBatch(b).build());
      if (reply.hasError()) {
        for (Pending p : batch) {
          p.reply.complete(reply); // e.g. ALREADY_APPLIED: the same unknown outcome for all
        }
        return;
      }
      if (!reply.hasBatch() || reply.getBatch().getRepliesCount() != batch.size()) {
        throw new IllegalStateException("batch of " + batch.size() + " answered with " + reply.getBodyCase()
            + (reply.hasBatch() ? " of " + reply.getBatch().getRepliesCount() : ""));
      }
      for (int i = 0; i < batch.size(); i++) {
        batch.get(i).reply.complete(reply.getBatch().getReplies(i));
      }
    } catch (Exception e) {
      LOG.debug("metadata batch of {} failed", batch.size(), e);
      for (Pending p : batch) {
        p.reply.completeExceptionally(e);
      }
    }
  }

  private void failAll(Exception e) {
    Pending p;
    while ((p = queue.poll()) != null) {
      p.reply.completeExceptionally(e);
    }
  }

  @Override
  public void close() {
    closed = true;
    for (Thread t : threads) {
      try {
        t.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    failAll(new IllegalStateException("metadata client closed"));
    long[] s = stats();
    LOG.debug("commit batcher closed: {} commands in {} log entries", s[1], s[0]);
  }
}
