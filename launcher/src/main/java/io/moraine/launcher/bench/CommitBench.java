package io.moraine.launcher.bench;

import io.moraine.metadata.api.DataLayout;
import io.moraine.metadata.api.MetadataClient;
import io.moraine.metadata.api.ObjectVersion;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.LongSupplier;

/**
 * Object-commit throughput through one shared metadata client (as one gateway commits): N
 * threads each commit small inline objects back to back for a fixed time; prints commits/s and
 * per-commit latency. Keys are {@code commits/<run>/<threads>/<thread>/<n>}, unique per run, in
 * a bucket of their own so the loaded listing bucket stays exact.
 */
final class CommitBench {

  record Run(int threads, long commits, long elapsedNanos, LatencySummary latency) {
    double perSecond() {
      return commits * 1e9 / Math.max(1, elapsedNanos);
    }
  }

  private final MetadataClient meta;
  private final String bucket;
  private final String runId;
  private final LongSupplier ticker;
  private final PrintStream out;

  CommitBench(MetadataClient meta, String bucket, String runId, LongSupplier ticker, PrintStream out) {
    this.meta = meta;
    this.bucket = bucket;
    this.runId = runId;
    this.ticker = ticker;
    this.out = out;
  }

  /** A warm-up of {@code warmupNanos} (not counted), then {@code nanos} measured. */
  Run run(int threads, long warmupNanos, long nanos) throws Exception {
    phase(threads, "w", warmupNanos);
    Run r = phase(threads, "m", nanos);
    out.printf(Locale.ROOT, "commits: threads=%-3d %,9.0f commits/s  (%,d in %.1f s)  latency %s%n",
        threads, r.perSecond(), r.commits(), r.elapsedNanos() / 1e9, r.latency().format());
    return r;
  }

  private Run phase(int threads, String phase, long nanos) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads,
        r -> Thread.ofPlatform().daemon().name("bench-commit").unstarted(r));
    List<Samples> samples = new ArrayList<>();
    List<Future<?>> futures = new ArrayList<>();
    long start = ticker.getAsLong();
    long end = start + nanos;
    try {
      for (int t = 0; t < threads; t++) {
        Samples mine = new Samples();
        samples.add(mine);
        String prefix = "commits/" + runId + "/" + phase + threads + "/" + t + "/";
        futures.add(pool.submit(() -> {
          byte[] body = "v".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
          String etag = BenchKeys.etag(body);
          TreeMap<String, String> headers = new TreeMap<>();
          headers.put("content-type", "binary/octet-stream");
          for (long n = 0; ; n++) {
            long s = ticker.getAsLong();
            if (s - end >= 0) {
              return null;
            }
            meta.putObject(bucket, new ObjectVersion(prefix + n, ObjectVersion.NULL_VERSION, body.length, etag, 0,
                "STANDARD", headers, 0, new DataLayout.Inline(body)));
            mine.add(ticker.getAsLong() - s);
          }
        }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    long elapsed = ticker.getAsLong() - start;
    long[] all = Samples.merge(samples);
    return new Run(threads, all.length, elapsed, all.length == 0 ? null : LatencySummary.of(all));
  }
}
