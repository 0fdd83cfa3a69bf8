package io.moraine.launcher.bench;

import io.moraine.metadata.api.ListPage;
import io.moraine.metadata.api.ListRequest;
import io.moraine.metadata.api.MetadataClient;
import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * List-page latency of a bucket filled by {@link Loader}: the same 1000-entry page requests
 * through the S3 endpoint (ListObjectsV2 over HTTP, SigV4) and at the metadata client (the
 * baseline: what the gateway itself waits for), alternating request by request so both see the
 * same cache state. Three shapes:
 *
 * <ul>
 *   <li>{@code plain}: no delimiter, start-after a random loader key: 1000 keys;
 *   <li>{@code delimiter}: delimiter at the root: 1000 common prefixes, each standing for N/1000
 *       keys that the listing must skip over, not scan;
 *   <li>{@code delimiter+prefix}: a random {@code dirNNN/} prefix with the delimiter, start-after a
 *       random key in it: up to 1000 keys, each checked for the delimiter.
 * </ul>
 *
 * <p>And {@link #walk}: the whole bucket page by page with continuation tokens, checking the
 * count and that keys strictly increase (what "listed page by page" means for 1M objects).
 */
final class ListBench {

  enum Shape { PLAIN, DELIMITER, DELIMITER_PREFIX }

  record Request(String prefix, String delimiter, String startAfter) {}

  record Result(Shape shape, LatencySummary s3, LatencySummary metadata, double meanEntries) {}

  private final S3Client s3;
  private final MetadataClient meta; // null: no baseline
  private final String bucket;
  private final long objects;
  private final String delimiter;
  private final LongSupplier ticker;
  private final RandomGenerator random;
  private final PrintStream out;

  ListBench(S3Client s3, MetadataClient meta, String bucket, long objects, String delimiter, LongSupplier ticker,
      RandomGenerator random, PrintStream out) {
    this.s3 = s3;
    this.meta = meta;
    this.bucket = bucket;
    this.objects = objects;
    this.delimiter = delimiter;
    this.ticker = ticker;
    this.random = random;
    this.out = out;
  }

  Request request(Shape shape) {
    return switch (shape) {
      case PLAIN -> new Request("", "", BenchKeys.key(random.nextLong(objects)));
      case DELIMITER -> new Request("", delimiter, "");
      case DELIMITER_PREFIX -> {
        long i = random.nextLong(objects);
        String key = BenchKeys.key(i);
        // Start before the first key of the directory half the time: a full directory page.
        yield new Request(BenchKeys.directory((int) (i % BenchKeys.DIRECTORIES)), delimiter,
            random.nextBoolean() ? "" : key);
      }
    };
  }

  Result measure(Shape shape, int pages, int warmup) {
    long[] s3Nanos = new long[pages];
    long[] metaNanos = new long[pages];
    long entries = 0;
    for (int p = -warmup; p < pages; p++) {
      Request q = request(shape);
      if (meta != null) {
        long s = ticker.getAsLong();
        ListPage page = meta.listObjects(bucket, new ListRequest(q.prefix(), q.delimiter(), q.startAfter(), 1000));
        long t = ticker.getAsLong() - s;
        if (p >= 0) {
          metaNanos[p] = t;
        }
        if (page.contents().size() + page.commonPrefixes().size() == 0) {
          throw new IllegalStateException("empty metadata page for " + q + ": is the bucket loaded?");
        }
      }
      long s = ticker.getAsLong();
      ListObjectsV2Response r = s3.listObjectsV2(ListObjectsV2Request.builder().bucket(bucket).maxKeys(1000)
          .prefix(q.prefix().isEmpty() ? null : q.prefix())
          .delimiter(q.delimiter().isEmpty() ? null : q.delimiter())
          .startAfter(q.startAfter().isEmpty() ? null : q.startAfter()).build());
      long t = ticker.getAsLong() - s;
      int n = r.contents().size() + r.commonPrefixes().size();
      if (n == 0) {
        throw new IllegalStateException("empty S3 page for " + q + ": is the bucket loaded?");
      }
      if (p >= 0) {
        s3Nanos[p] = t;
        entries += n;
      }
    }
    return new Result(shape, LatencySummary.of(s3Nanos), meta == null ? null : LatencySummary.of(metaNanos),
        entries / (double) pages);
  }

  void print(Result r) {
    out.printf(Locale.ROOT, "list %-16s (%.0f entries/page)%n", r.shape().name().toLowerCase(Locale.ROOT).replace('_', '+'),
        r.meanEntries());
    out.printf(Locale.ROOT, "  s3 endpoint      %s%n", r.s3().format());
    if (r.metadata() != null) {
      out.printf(Locale.ROOT, "  metadata client  %s%n", r.metadata().format());
      out.printf(Locale.ROOT, "  s3/metadata      p50 x%.2f  p99 x%.2f%n",
          r.s3().p50Nanos() / (double) r.metadata().p50Nanos(), r.s3().p99Nanos() / (double) r.metadata().p99Nanos());
    }
  }

  record Walk(long keys, int pages, long elapsedNanos, LatencySummary page) {}

  /**
   * Lists the whole bucket through S3 with continuation tokens; throws unless keys strictly
   * increase and (when {@code expected >= 0}) their count is {@code expected}.
   */
  Walk walk(long expected) {
    long start = ticker.getAsLong();
    String token = null;
    String last = null;
    long keys = 0;
    Samples pages = new Samples();
    while (true) {
      long s = ticker.getAsLong();
      ListObjectsV2Response r = s3.listObjectsV2(ListObjectsV2Request.builder().bucket(bucket).maxKeys(1000)
          .continuationToken(token).build());
      pages.add(ticker.getAsLong() - s);
      for (S3Object o : r.contents()) {
        if (last != null && o.key().compareTo(last) <= 0) {
          throw new IllegalStateException("walk: key " + o.key() + " after " + last + " on page " + pages.size());
        }
        last = o.key();
        keys++;
      }
      if (pages.size() % 100 == 0) {
        out.printf(Locale.ROOT, "walk: %,d pages, %,d keys, at %s%n", pages.size(), keys, last);
      }
      if (!Boolean.TRUE.equals(r.isTruncated())) {
        break;
      }
      token = r.nextContinuationToken();
      if (token == null || token.isEmpty()) {
        throw new IllegalStateException("walk: truncated page " + pages.size() + " without a continuation token");
      }
    }
    Walk w = new Walk(keys, pages.size(), ticker.getAsLong() - start, LatencySummary.of(Samples.merge(java.util.List.of(pages))));
    if (expected >= 0 && keys != expected) {
      throw new IllegalStateException("walk: listed " + keys + " keys, expected " + expected);
    }
    return w;
  }
}
