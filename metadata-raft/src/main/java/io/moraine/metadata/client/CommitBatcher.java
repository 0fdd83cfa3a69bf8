package io.moraine.metadata.client;

import io.moraine.proto.meta.v1.MetaBatch;
import io.moraine.proto.meta.v1.MetaReply;
import io.moraine.proto.meta.v1.MetaRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit on the client side: callers enqueue commands; each sender thread takes what has
 * queued up (bounded in count and bytes) and commits it as one log entry ({@code MetaBatch}),
 * so the Raft round trip and the fsync are shared. While one batch is in flight the next one
 * fills, so batching costs no latency when load is light (a lone command goes out alone).
 *
 * <p>Fault model: a batch is one Ratis call, retried with one call id, applied once or not at
 * all; when it fails every caller in it gets the failure (outcome unknown for all of them).
 */
final class CommitBatcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CommitBatcher.class);

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

  private void run() {
    List<Pending> batch = new ArrayList<>();
    while (!closed) {
      try {
        Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.clear();
        batch.add(first);
        int bytes = first.bytes;
        Pending next;
        while (batch.size() < maxCommands && (next = queue.peek()) != null && bytes + next.bytes <= maxBytes) {
          next = queue.poll();
          if (next == null) {
            break;
          }
          batch.add(next);
          bytes += next.bytes;
        }
        send(batch);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    failAll(new IllegalStateException("metadata client closed"));
  }

  private void send(List<Pending> batch) {
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
  }
}
