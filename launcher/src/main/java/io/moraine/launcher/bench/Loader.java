package io.moraine.launcher.bench;

import io.moraine.metadata.api.DataLayout;
import io.moraine.metadata.api.ListPage;
import io.moraine.metadata.api.ListRequest;
import io.moraine.metadata.api.MetadataClient;
import io.moraine.metadata.api.MetadataException;
import io.moraine.metadata.api.ObjectSummary;
import io.moraine.metadata.api.ObjectVersion;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * Fills a bucket with {@link BenchKeys} objects through the metadata client: every object is a
 * real Raft commit of an inline {@link ObjectVersion} built as the gateway builds one for a small
 * PUT (ETag = MD5 of the bytes, content-type binary/octet-stream, STANDARD), so GetObject returns
 * the bytes. Many threads commit at once so the client's group commit batches them.
 *
 * <p>Resumable: the work unit is one directory ({@code dirNNN/}); a thread first lists what the
 * directory already holds and commits only the missing keys. Re-committing a key that was written
 * by an interrupted run is harmless (same bytes, same ETag). Fault model: a commit whose outcome
 * is unknown (leader change, timeout) is retried a few times, then the load stops with the error;
 * running it again resumes.
 */
final class Loader {

  private static final int ATTEMPTS = 3;

  record Result(long objects, long written, long skipped, long elapsedNanos) {
    double commitsPerSecond() {
      return written * 1e9 / Math.max(1, elapsedNanos);
    }
  }

  private final MetadataClient meta;
  private final String bucket;
  private final long objects;
  private final int threads;
  private final LongSupplier ticker;
  private final PrintStream out;
  private final AtomicLong written = new AtomicLong();
  private final AtomicLong skipped = new AtomicLong();

  Loader(MetadataClient meta, String bucket, long objects, int threads, LongSupplier ticker, PrintStream out) {
    if (objects < 1 || objects > BenchKeys.MAX_OBJECTS || threads < 1) {
      throw new IllegalArgumentException("objects " + objects + " (1.." + BenchKeys.MAX_OBJECTS + "), threads " + threads);
    }
    this.meta = meta;
    this.bucket = bucket;
    this.objects = objects;
    this.threads = threads;
    this.ticker = ticker;
    this.out = out;
  }

  /** The version the gateway would commit for a PUT of {@code body(i)} without extra headers. */
  static ObjectVersion version(long i) {
    byte[] body = BenchKeys.body(i);
    TreeMap<String, String> headers = new TreeMap<>();
    headers.put("content-type", "binary/octet-stream");
    return new ObjectVersion(BenchKeys.key(i), ObjectVersion.NULL_VERSION, body.length, BenchKeys.etag(body), 0,
        "STANDARD", headers, 0, new DataLayout.Inline(body));
  }

  Result run() throws Exception {
    int directories = (int) Math.min(BenchKeys.DIRECTORIES, objects);
    AtomicInteger nextDirectory = new AtomicInteger();
    AtomicReference<Exception> failure = new AtomicReference<>();
    long start = ticker.getAsLong();
    ScheduledExecutorService progress = Executors.newSingleThreadScheduledExecutor(
        r -> Thread.ofPlatform().daemon().name("bench-progress").unstarted(r));
    AtomicLong lastWritten = new AtomicLong();
    AtomicLong lastTick = new AtomicLong(start);
    progress.scheduleAtFixedRate(() -> {
      long now = ticker.getAsLong();
      long w = written.get();
      double recent = (w - lastWritten.getAndSet(w)) * 1e9 / Math.max(1, now - lastTick.getAndSet(now));
      out.printf(Locale.ROOT, "load: %,d written + %,d already there of %,d  %,.0f commits/s (last interval)  %.0f s%n",
          w, skipped.get(), objects, recent, (now - start) / 1e9);
    }, 5, 5, TimeUnit.SECONDS);
    ExecutorService pool = Executors.newFixedThreadPool(threads,
        r -> Thread.ofPlatform().daemon().name("bench-load").unstarted(r));
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        futures.add(pool.submit(() -> {
          int d;
          while (failure.get() == null && (d = nextDirectory.getAndIncrement()) < directories) {
            try {
              loadDirectory(d);
            } catch (Exception e) {
              failure.compareAndSet(null, e);
            }
          }
          return null;
        }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
      progress.shutdownNow();
    }
    if (failure.get() != null) {
      throw new IllegalStateException("load stopped after " + written.get() + " commits (run it again to resume)",
          failure.get());
    }
    return new Result(objects, written.get(), skipped.get(), ticker.getAsLong() - start);
  }

  private void loadDirectory(int d) {
    // Object i lives in directory i mod 1000: slot (i - d) / 1000 inside it.
    long slots = (objects - d + BenchKeys.DIRECTORIES - 1) / BenchKeys.DIRECTORIES;
    BitSet present = existing(d);
    for (long slot = 0; slot < slots; slot++) {
      if (present.get((int) slot)) {
        skipped.incrementAndGet();
        continue;
      }
      commit(d + slot * BenchKeys.DIRECTORIES);
      written.incrementAndGet();
    }
  }

  /** Which slots of directory {@code d} already hold a loader key (listing pages of 1000). */
  private BitSet existing(int d) {
    BitSet present = new BitSet();
    String prefix = BenchKeys.directory(d);
    String after = "";
    while (true) {
      ListPage page = meta.listObjects(bucket, new ListRequest(prefix, "", after, 1000));
      for (ObjectSummary s : page.contents()) {
        long i = BenchKeys.index(s.key());
        if (i >= 0 && i < objects) {
          present.set((int) ((i - d) / BenchKeys.DIRECTORIES));
        }
      }
      if (!page.truncated()) {
        return present;
      }
      after = page.nextMarker();
    }
  }

  private void commit(long i) {
    ObjectVersion v = version(i);
    for (int attempt = 1; ; attempt++) {
      try {
        meta.putObject(bucket, v);
        return;
      } catch (MetadataException e) {
        throw e; // a definite answer (no such bucket...): retrying cannot help
      } catch (RuntimeException e) {
        // Outcome unknown (leader change, timeout): the same bytes again are idempotent.
        if (attempt >= ATTEMPTS) {
          throw e;
        }
        out.printf("load: commit of %s failed (%s), retrying%n", v.key(), e);
      }
    }
  }
}
