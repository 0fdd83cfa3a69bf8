package io.moraine.gateway.data;

import io.moraine.metadata.api.DataLayout;
import io.moraine.metadata.api.Segment;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;

/**
 * Copies an object's stored bytes into new blobs of another erasure profile: the restore of an
 * archived object (a temporary STANDARD copy) and lifecycle transitions both use it.
 *
 * <p>The bytes copied are the stored ones, segment by segment (one segment per part of a
 * multipart object, so part boundaries — and the sealed packages of encrypted objects, whose AAD
 * does not name the layout — stay as they were). Nothing is committed here: the caller commits
 * the returned layout conditionally and collects it itself when that commit is refused.
 *
 * <p>Fault model: a failed read (fewer than k shards of a stripe) or write aborts the copy; the
 * blobs already written for earlier segments are handed to the collector and the failure is
 * thrown, so a failed re-encode leaves no garbage it knows of and commits nothing. Inline
 * layouts stay inline (their bytes are copied, they never reach storage nodes).
 */
public final class Reencoder {
  private static final int PIPE_BYTES = 1024 * 1024;
  /** How long a failed write waits for its source read to end, to report the read's failure. */
  private static final int READ_SETTLE_SECONDS = 10;

  private final BlobReader reader;
  private final BlobWriter writer;
  private final DataCollector collector;
  private final ExecutorService threads;

  public Reencoder(BlobReader reader, BlobWriter writer, DataCollector collector, ExecutorService threads) {
    this.reader = reader;
    this.writer = writer;
    this.collector = collector;
    this.threads = threads;
  }

  /** A new layout holding the same stored bytes as {@code from}, in blobs of profile {@code to}. */
  public DataLayout reencode(DataLayout from, ErasureProfile to) throws IOException {
    return switch (from) {
      case DataLayout.Inline inline -> new DataLayout.Inline(inline.bytes().clone());
      case DataLayout.Segments segments -> reencodeSegments(segments.segments(), to);
    };
  }

  private DataLayout reencodeSegments(List<Segment> from, ErasureProfile to) throws IOException {
    List<Segment> copies = new ArrayList<>(from.size());
    try {
      for (Segment s : from) {
        copies.add(copy(s, to));
      }
      return new DataLayout.Segments(copies);
    } catch (IOException | RuntimeException | Error e) {
      for (Segment written : copies) {
        collector.collect(written);
      }
      throw e;
    }
  }

  /** One blob: its reader streams into the writer through a bounded pipe. */
  private Segment copy(Segment s, ErasureProfile to) throws IOException {
    PipedInputStream in = new PipedInputStream(PIPE_BYTES);
    PipedOutputStream out = new PipedOutputStream(in);
    CompletableFuture<Void> read = new CompletableFuture<>();
    threads.execute(() -> {
      try (out) {
        reader.read(s, 0, s.size(), out);
        read.complete(null);
      } catch (Throwable t) {
        read.completeExceptionally(t);
      }
    });
    try (in) {
      // The source read must have ended cleanly before the copy is made durable: a short or
      // failed read fails the write instead of committing a truncated blob.
      return writer.write(in, s.size(), to, () -> awaitRead(read, s));
    } catch (IOException | RuntimeException e) {
      // The writer sees a failed read as a short body (IncompleteBody), possibly before the reader
      // has recorded its failure: then wait for the read and report its own failure.
      boolean shortBody = e instanceof io.moraine.gateway.error.S3Exception x
          && x.error() instanceof io.moraine.gateway.error.S3Error.IncompleteBody;
      if (shortBody || read.isCompletedExceptionally()) {
        try {
          read.get(READ_SETTLE_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
        } catch (ExecutionException failed) {
          in.close();
          throw new IOException("reading blob " + s.dataId() + " (" + s.size() + " bytes) failed: " + failed.getCause(),
              failed.getCause());
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
        } catch (java.util.concurrent.TimeoutException stillReading) {
          // fall through: the write's failure is reported
        }
      }
      in.close();
      throw e;
    } finally {
      if (!read.isDone()) {
        in.close(); // unblocks a reader still writing into the pipe
      }
    }
  }

  private static void awaitRead(CompletableFuture<Void> read, Segment s) throws IOException {
    try {
      read.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted reading blob " + s.dataId(), e);
    } catch (ExecutionException e) {
      throw new IOException("reading blob " + s.dataId() + " (" + s.size() + " bytes) failed: " + e.getCause(),
          e.getCause());
    }
  }
}
