package io.moraine.launcher.bench;

import io.moraine.gateway.lifecycle.LifecycleProgress;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketLifecycleConfiguration;
import software.amazon.awssdk.services.s3.model.ExpirationStatus;
import software.amazon.awssdk.services.s3.model.LifecycleRule;
import software.amazon.awssdk.services.s3.model.TransitionStorageClass;

/**
 * {@code bench lifecycle} (issue 14): how fast the lifecycle engine works through a big bucket and
 * what it costs the foreground. The bucket is filled first by {@code bench load}; the cluster runs
 * with short days ({@code --day-seconds 1}) so a rule of one day applies at once. The run measures
 * 4 KiB GETs (signed, {@code getConcurrency} loops over {@value #GET_KEYS} objects of a bucket of
 * its own) for {@code baselineNanos} before any rule, then puts one rule on the loaded bucket
 * (expire, or transition to {@code toClass}, after one day) and keeps the same GET load running
 * while it samples the lifecycle service's counters in ZooKeeper once a second, until the engine
 * has evaluated and acted on every loaded object or {@code timeoutNanos} passes.
 *
 * <p>Figures: versions evaluated per second and actions per second, from the rule's put to the
 * last sample that moved each counter; GET ops/s before and during, and their ratio (same run).
 */
public final class LifecycleBench {
  static final int GET_KEYS = 1000;
  static final int GET_SIZE = 4096;

  /** What the lifecycle service has counted so far (cumulative over every bucket and pass). */
  public interface Counters {
    LifecycleProgress read() throws Exception;
  }

  public record Options(String bucket, long objects, boolean transition, String toClass, int getConcurrency,
      long baselineNanos, long timeoutNanos) {
    public Options {
      if (objects < 1) {
        throw new IllegalArgumentException("--objects must be at least 1");
      }
      if (getConcurrency < 1) {
        throw new IllegalArgumentException("--get-concurrency must be at least 1");
      }
    }
  }

  public record Result(long objects, String action, long evaluated, long actions, double evaluatedPerSecond,
      double actionsPerSecond, double getBefore, double getDuring, long getErrors, double elapsedSeconds,
      boolean complete) {
    public String line() {
      return String.format(Locale.ROOT,
          "bench lifecycle objects=%d action=%s evaluated=%d actions=%d evaluated_per_s=%.1f actions_per_s=%.1f "
              + "get_ops_per_s_before=%.1f get_ops_per_s_during=%.1f get_ratio=%.3f get_errors=%d elapsed_s=%.1f "
              + "complete=%s",
          objects, action, evaluated, actions, evaluatedPerSecond, actionsPerSecond, getBefore, getDuring,
          getBefore == 0 ? 0.0 : getDuring / getBefore, getErrors, elapsedSeconds, complete);
    }
  }

  private final S3Client s3;
  private final Counters counters;
  private final Options options;
  private final LongSupplier ticker;
  private final RandomGenerator random;
  private final PrintStream out;

  public LifecycleBench(S3Client s3, Counters counters, Options options, LongSupplier ticker, RandomGenerator random,
      PrintStream out) {
    this.s3 = s3;
    this.counters = counters;
    this.options = options;
    this.ticker = ticker;
    this.random = random;
    this.out = out;
  }

  public Result run() throws Exception {
    String getBucket = "bench-lc-get-" + Long.toString(random.nextLong() >>> 1, 36).substring(0, 8);
    s3.createBucket(r -> r.bucket(getBucket));
    byte[] body = new byte[GET_SIZE];
    random.nextBytes(body);
    for (int i = 0; i < GET_KEYS; i++) {
      String key = key(i);
      s3.putObject(r -> r.bucket(getBucket).key(key), RequestBody.fromBytes(body));
    }
    LongAdder gets = new LongAdder();
    LongAdder errors = new LongAdder();
    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService pool = Executors.newFixedThreadPool(options.getConcurrency(), r -> {
      Thread t = new Thread(r, "bench-lc-get");
      t.setDaemon(true);
      return t;
    });
    try {
      for (int t = 0; t < options.getConcurrency(); t++) {
        long seed = random.nextLong();
        pool.execute(() -> getLoop(getBucket, new java.util.SplittableRandom(seed), gets, errors, stop));
      }
      Thread.sleep(2000); // connections open, JIT warm: not measured
      long b0 = gets.sum();
      long t0 = ticker.getAsLong();
      sleepNanos(options.baselineNanos());
      double before = (gets.sum() - b0) / ((ticker.getAsLong() - t0) / 1e9);
      out.printf(Locale.ROOT, "bench lifecycle: baseline %.1f GET/s (4 KiB, %d loops)%n", before, options.getConcurrency());

      LifecycleProgress p0 = counters.read();
      long ruleAt = ticker.getAsLong();
      s3.putBucketLifecycleConfiguration(r -> r.bucket(options.bucket()).lifecycleConfiguration(
          BucketLifecycleConfiguration.builder().rules(rule()).build()));
      long during0 = gets.sum();
      long lastEvalAt = ruleAt;
      long lastActAt = ruleAt;
      long evaluated = 0;
      long actions = 0;
      long lastLine = ruleAt;
      while (ticker.getAsLong() - ruleAt < options.timeoutNanos()) {
        Thread.sleep(1000);
        LifecycleProgress p = counters.read();
        long now = ticker.getAsLong();
        long e = p.evaluated() - p0.evaluated();
        long a = actions(p) - actions(p0);
        if (e > evaluated) {
          evaluated = e;
          lastEvalAt = now;
        }
        if (a > actions) {
          actions = a;
          lastActAt = now;
        }
        if (now - lastLine >= 10_000_000_000L) {
          out.printf(Locale.ROOT, "bench lifecycle: %.0f s: evaluated %,d, %s %,d%n", (now - ruleAt) / 1e9, evaluated,
              action(), actions);
          lastLine = now;
        }
        if (evaluated >= options.objects() && actions >= options.objects()) {
          break;
        }
      }
      long end = Math.max(lastEvalAt, lastActAt);
      double during = (gets.sum() - during0) / ((ticker.getAsLong() - ruleAt) / 1e9);
      stop.set(true);
      return new Result(options.objects(), action(), evaluated, actions,
          evaluated / Math.max(1e-9, (lastEvalAt - ruleAt) / 1e9), actions / Math.max(1e-9, (lastActAt - ruleAt) / 1e9),
          before, during, errors.sum(), (end - ruleAt) / 1e9, actions >= options.objects());
    } finally {
      stop.set(true);
      pool.shutdownNow();
      cleanUp(getBucket);
    }
  }

  private String action() {
    return options.transition() ? "transition-" + options.toClass() : "expire";
  }

  private long actions(LifecycleProgress p) {
    return options.transition() ? p.transitioned() : p.expired();
  }

  private LifecycleRule rule() {
    LifecycleRule.Builder r = LifecycleRule.builder().id("bench-lifecycle").status(ExpirationStatus.ENABLED)
        .filter(f -> f.prefix(""));
    if (options.transition()) {
      r.transitions(t -> t.days(1).storageClass(TransitionStorageClass.fromValue(options.toClass())));
    } else {
      r.expiration(e -> e.days(1));
    }
    return r.build();
  }

  private void getLoop(String bucket, java.util.SplittableRandom rnd, LongAdder gets, LongAdder errors,
      AtomicBoolean stop) {
    while (!stop.get() && !Thread.currentThread().isInterrupted()) {
      String key = key(rnd.nextInt(GET_KEYS));
      try {
        s3.getObjectAsBytes(r -> r.bucket(bucket).key(key));
        gets.increment();
      } catch (RuntimeException e) {
        if (stop.get()) {
          return;
        }
        errors.increment();
      }
    }
  }

  private void cleanUp(String bucket) {
    try {
      List<String> keys = new ArrayList<>();
      for (int i = 0; i < GET_KEYS; i++) {
        keys.add(key(i));
      }
      S3Bench.deleteKeys(s3, bucket, keys);
      s3.deleteBucket(r -> r.bucket(bucket));
    } catch (RuntimeException e) {
      out.println("bench lifecycle: clean-up of " + bucket + " failed: " + e);
    }
  }

  private static String key(int i) {
    return String.format(Locale.ROOT, "get-%04d", i);
  }

  private static void sleepNanos(long nanos) throws InterruptedException {
    Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
  }
}
