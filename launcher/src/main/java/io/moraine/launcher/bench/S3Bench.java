package io.moraine.launcher.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * {@code bin/moraine bench s3}: S3 request throughput and latency against any endpoint, the load
 * tool the performance targets are measured with (DESIGN.md, "Contracts for the feature wave").
 * {@code concurrency} workers each run one request at a time for {@code duration}; the last line
 * is {@code bench op=OP size=BYTES concurrency=N ops_per_s=X mib_per_s=X p50_ms=X p99_ms=X errors=N}.
 *
 * <p>Operations: {@code put} (new keys), {@code get} (keys written before the clock starts),
 * {@code mixed} (each worker alternates a PUT of a new key and a GET of a pre-written one),
 * {@code list} (ListObjectsV2 pages of 1,000 keys of {@code size} bytes written first) and
 * {@code multipart} (an upload of {@code size} bytes in 8 MiB parts, the last one smaller, as
 * one op). With {@code presigned}, PUTs and GETs go as plain HTTP to presigned URLs (UNSIGNED-PAYLOAD,
 * as curl with a presigned URL sends them), so the client spends no CPU hashing the body; without
 * it, through the AWS SDK with SigV4. Bodies are a random 1 MiB block repeated; GETs are read to
 * the end and count as errors when the length differs. What the run wrote is deleted afterwards
 * unless {@code keep}.
 */
public final class S3Bench {

  public enum Op { PUT, GET, MIXED, LIST, MULTIPART }

  static final int BLOCK = 1 << 20;
  static final long PART_SIZE = 8L << 20;
  static final int LIST_KEYS = 1000;

  public record Options(Op op, long size, int concurrency, long durationNanos, long warmupNanos, boolean presigned,
      boolean keep) {
    public Options {
      if (size < 0 || (size == 0 && op != Op.LIST)) {
        throw new IllegalArgumentException("--size must be positive");
      }
      if (concurrency < 1) {
        throw new IllegalArgumentException("--concurrency must be at least 1");
      }
      if (durationNanos <= 0) {
        throw new IllegalArgumentException("--duration must be positive");
      }
      if (presigned && (op == Op.LIST || op == Op.MULTIPART)) {
        throw new IllegalArgumentException("--presigned applies to put, get and mixed");
      }
    }
  }

  public record Result(Op op, long size, int concurrency, long ops, long bytes, long errors, long elapsedNanos,
      LatencySummary latency) {
    public double opsPerSecond() {
      return ops / (elapsedNanos / 1e9);
    }

    public double mibPerSecond() {
      return bytes / (1024.0 * 1024.0) / (elapsedNanos / 1e9);
    }

    /** The contract line (DESIGN.md); p50/p99 are 0 when no request succeeded. */
    public String line() {
      return String.format(Locale.ROOT,
          "bench op=%s size=%d concurrency=%d ops_per_s=%.1f mib_per_s=%.2f p50_ms=%.2f p99_ms=%.2f errors=%d",
          op.name().toLowerCase(Locale.ROOT), size, concurrency, opsPerSecond(), mibPerSecond(),
          latency == null ? 0.0 : latency.p50Millis(), latency == null ? 0.0 : latency.p99Millis(), errors);
    }
  }

  private final S3Client s3;
  private final S3Presigner presigner;
  private final HttpClient http;
  private final String bucket;
  private final Options options;
  private final LongSupplier ticker;
  private final PrintStream out;
  private final byte[] block = new byte[BLOCK];
  private final String runId;
  private final Queue<String> written = new ConcurrentLinkedQueue<>();
  private final AtomicLong sequence = new AtomicLong();

  /**
   * @param presigner and {@code http} are used only with {@code options.presigned()}
   * @param random fills the body block and names the run's key prefix
   */
  public S3Bench(S3Client s3, S3Presigner presigner, HttpClient http, String bucket, Options options, LongSupplier ticker,
      RandomGenerator random, PrintStream out) {
    this.s3 = s3;
    this.presigner = presigner;
    this.http = http;
    this.bucket = bucket;
    this.options = options;
    this.ticker = ticker;
    this.out = out;
    random.nextBytes(block);
    this.runId = Long.toString(random.nextLong() >>> 1, 36);
  }

  public Result run() throws Exception {
    List<String> prefilled = prefill();
    ExecutorService pool = Executors.newFixedThreadPool(options.concurrency(), r -> {
      Thread t = new Thread(r, "bench-s3");
      t.setDaemon(true);
      return t;
    });
    try {
      if (options.warmupNanos() > 0) {
        out.printf(Locale.ROOT, "bench: warm-up %.1f s%n", options.warmupNanos() / 1e9);
        runPhase(pool, prefilled, options.warmupNanos());
      }
      Phase p = runPhase(pool, prefilled, options.durationNanos());
      LatencySummary latency = p.latencies.length == 0 ? null : LatencySummary.of(p.latencies);
      return new Result(options.op(), options.size(), options.concurrency(), p.latencies.length, p.bytes, p.errors,
          p.elapsedNanos, latency);
    } finally {
      pool.shutdownNow();
    }
  }

  /** How many objects the run wrote. */
  public int written() {
    return written.size();
  }

  /** Deletes what the run wrote (unless keep); returns how many objects. */
  public int cleanUp() {
    if (options.keep()) {
      return 0;
    }
    List<String> keys = new ArrayList<>(written);
    deleteKeys(s3, bucket, keys);
    return keys.size();
  }

  private record Phase(long[] latencies, long bytes, long errors, long elapsedNanos) {}

  private Phase runPhase(ExecutorService pool, List<String> prefilled, long nanos) throws Exception {
    long start = ticker.getAsLong();
    long deadline = start + nanos;
    List<Future<Worker>> futures = new ArrayList<>();
    for (int w = 0; w < options.concurrency(); w++) {
      Worker worker = new Worker(w, prefilled, deadline);
      futures.add(pool.submit(() -> {
        worker.loop();
        return worker;
      }));
    }
    List<Worker> workers = new ArrayList<>();
    for (Future<Worker> f : futures) {
      workers.add(f.get());
    }
    long[] all = new long[workers.stream().mapToInt(w -> w.count).sum()];
    int at = 0;
    long bytes = 0;
    long errors = 0;
    long end = start;
    for (Worker w : workers) {
      System.arraycopy(w.latencies, 0, all, at, w.count);
      at += w.count;
      bytes += w.bytes;
      errors += w.errors;
      end = Math.max(end, w.finished);
    }
    return new Phase(all, bytes, errors, Math.max(1, end - start));
  }

  /** One load loop: one request at a time until the deadline. */
  private final class Worker {
    final int index;
    final List<String> prefilled;
    final long deadline;
    long[] latencies = new long[1024];
    int count;
    long bytes;
    long errors;
    long finished;
    long n;

    Worker(int index, List<String> prefilled, long deadline) {
      this.index = index;
      this.prefilled = prefilled;
      this.deadline = deadline;
    }

    void loop() {
      while (ticker.getAsLong() < deadline) {
        long t0 = ticker.getAsLong();
        try {
          long moved = once();
          long t1 = ticker.getAsLong();
          if (count == latencies.length) {
            latencies = Arrays.copyOf(latencies, count * 2);
          }
          latencies[count++] = t1 - t0;
          bytes += moved;
        } catch (Exception e) {
          if (errors++ == 0 && index == 0) {
            out.println("bench: first error: " + e);
          }
        }
        n++;
      }
      finished = ticker.getAsLong();
    }

    private long once() throws Exception {
      return switch (options.op()) {
        case PUT -> put(newKey());
        case GET -> get(prefilled.get((int) ((index + n * options.concurrency()) % prefilled.size())));
        case MIXED -> n % 2 == 0 ? put(newKey())
            : get(prefilled.get((int) ((index + n / 2 * options.concurrency()) % prefilled.size())));
        case LIST -> list();
        case MULTIPART -> multipart(newKey());
      };
    }
  }

  private String newKey() {
    return "bench-" + runId + "/o" + sequence.incrementAndGet();
  }

  /** The objects get, mixed and list read, written before the clock starts. */
  private List<String> prefill() throws Exception {
    int count = switch (options.op()) {
      case GET, MIXED -> options.size() <= (16L << 20) ? Math.max(16, 2 * options.concurrency()) : options.concurrency();
      case LIST -> LIST_KEYS;
      default -> 0;
    };
    if (count == 0) {
      return List.of();
    }
    out.printf(Locale.ROOT, "bench: writing %,d objects of %,d bytes first%n", count, options.size());
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      keys.add(options.op() == Op.LIST ? "bench-" + runId + "/list/k" + String.format(Locale.ROOT, "%05d", i) : newKey());
    }
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(16, options.concurrency()));
    try {
      List<Future<?>> fs = new ArrayList<>();
      for (String k : keys) {
        fs.add(pool.submit(() -> {
          sdkPut(k);
          return null;
        }));
      }
      for (Future<?> f : fs) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    return List.copyOf(keys);
  }

  private long put(String key) throws Exception {
    if (!options.presigned()) {
      return sdkPut(key);
    }
    URI url = presigner.presignPutObject(p -> p.signatureDuration(Duration.ofHours(1))
        .putObjectRequest(r -> r.bucket(bucket).key(key))).url().toURI();
    HttpRequest request = HttpRequest.newBuilder(url)
        .PUT(HttpRequest.BodyPublishers.fromPublisher(
            HttpRequest.BodyPublishers.ofInputStream(() -> body(options.size())), options.size()))
        .build();
    written.add(key);
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException("PUT " + key + ": HTTP " + response.statusCode() + " " + response.body());
    }
    return options.size();
  }

  private long sdkPut(String key) {
    written.add(key);
    s3.putObject(r -> r.bucket(bucket).key(key), requestBody(options.size()));
    return options.size();
  }

  private RequestBody requestBody(long size) {
    return size <= BLOCK ? RequestBody.fromBytes(Arrays.copyOf(block, (int) size))
        : RequestBody.fromContentProvider(() -> body(size), size, "application/octet-stream");
  }

  private long get(String key) throws Exception {
    long got;
    if (options.presigned()) {
      URI url = presigner.presignGetObject(p -> p.signatureDuration(Duration.ofHours(1))
          .getObjectRequest(r -> r.bucket(bucket).key(key))).url().toURI();
      HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(url).GET().build(),
          HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream in = response.body()) {
        got = drain(in);
      }
      if (response.statusCode() != 200) {
        throw new IOException("GET " + key + ": HTTP " + response.statusCode());
      }
    } else {
      try (InputStream in = s3.getObject(r -> r.bucket(bucket).key(key), ResponseTransformer.toInputStream())) {
        got = drain(in);
      }
    }
    if (got != options.size()) {
      throw new IOException("GET " + key + ": " + got + " bytes, expected " + options.size());
    }
    return got;
  }

  private long list() {
    ListObjectsV2Response page = s3.listObjectsV2(r -> r.bucket(bucket).prefix("bench-" + runId + "/list/").maxKeys(LIST_KEYS));
    if (page.keyCount() != LIST_KEYS) {
      throw new IllegalStateException("listed " + page.keyCount() + " keys, expected " + LIST_KEYS);
    }
    return 0;
  }

  private long multipart(String key) {
    String uploadId = s3.createMultipartUpload(r -> r.bucket(bucket).key(key)).uploadId();
    written.add(key);
    List<CompletedPart> parts = new ArrayList<>();
    long left = options.size();
    for (int number = 1; left > 0; number++) {
      long partSize = Math.min(PART_SIZE, left);
      int n = number;
      String etag = s3.uploadPart(r -> r.bucket(bucket).key(key).uploadId(uploadId).partNumber(n),
          requestBody(partSize)).eTag();
      parts.add(CompletedPart.builder().partNumber(n).eTag(etag).build());
      left -= partSize;
    }
    s3.completeMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(uploadId)
        .multipartUpload(m -> m.parts(parts)));
    return options.size();
  }

  /** Deletes {@code keys} from {@code bucket} in DeleteObjects batches of 1,000 (quiet). */
  static void deleteKeys(S3Client s3, String bucket, List<String> keys) {
    for (int from = 0; from < keys.size(); from += 1000) {
      List<ObjectIdentifier> batch = keys.subList(from, Math.min(keys.size(), from + 1000)).stream()
          .map(k -> ObjectIdentifier.builder().key(k).build()).toList();
      s3.deleteObjects(r -> r.bucket(bucket).delete(d -> d.objects(batch).quiet(true)));
    }
  }

  private static long drain(InputStream in) throws IOException {
    byte[] buf = new byte[64 * 1024];
    long total = 0;
    for (int r; (r = in.read(buf)) >= 0; ) {
      total += r;
    }
    return total;
  }

  /** {@code size} bytes of the random block, repeated. */
  private InputStream body(long size) {
    return new InputStream() {
      long pos;

      @Override
      public int read() {
        if (pos >= size) {
          return -1;
        }
        return block[(int) (pos++ % BLOCK)] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (pos >= size) {
          return -1;
        }
        int at = (int) (pos % BLOCK);
        int n = (int) Math.min(Math.min(len, BLOCK - at), size - pos);
        System.arraycopy(block, at, b, off, n);
        pos += n;
        return n;
      }
    };
  }

  private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)?");
  private static final Pattern SIZE = Pattern.compile("(\\d+)([KMG]i?B?|[KMG])?", Pattern.CASE_INSENSITIVE);

  /** "30s", "2m", "500ms", "1h", or a plain number of seconds. */
  public static long parseDurationNanos(String text) {
    Matcher m = DURATION.matcher(text.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException("not a duration: '" + text + "' (e.g. 30s, 2m, 500ms)");
    }
    double v = Double.parseDouble(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    double seconds = switch (unit) {
      case "ms" -> v / 1000;
      case "m" -> v * 60;
      case "h" -> v * 3600;
      default -> v;
    };
    return (long) (seconds * 1e9);
  }

  /** Bytes, or with a binary suffix: 4096, 4KiB, 4K, 1MiB, 1G. */
  public static long parseSize(String text) {
    Matcher m = SIZE.matcher(text.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException("not a size: '" + text + "' (e.g. 4096, 4KiB, 1GiB)");
    }
    long v = Long.parseLong(m.group(1));
    if (m.group(2) == null) {
      return v;
    }
    int shift = switch (Character.toUpperCase(m.group(2).charAt(0))) {
      case 'K' -> 10;
      case 'M' -> 20;
      default -> 30;
    };
    return Math.multiplyExact(v, 1L << shift);
  }
}
