package io.moraine.launcher.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * What authorization costs on the read path (issue 11, "Cost"): 4 KiB GETs from a bucket with
 * no policy and private objects, against the same GETs from a bucket with a bucket policy of
 * nearly 20 KB (every statement evaluated: conditions, other principals, other keys) and an
 * object ACL on every object. The two buckets are measured in alternating phases of the same
 * run, so drift on a shared machine falls on both; the figure is the ratio.
 */
final class AuthzBench {
  /** S3's policy limit is 20 KB; the policy is filled up to just below it. */
  static final int POLICY_BYTES = 20 * 1024 - 200;
  static final int OBJECT_BYTES = 4096;

  record Result(double plainOpsPerSecond, double guardedOpsPerSecond, int policyBytes) {
    double ratio() {
      return guardedOpsPerSecond / plainOpsPerSecond;
    }
  }

  private final S3Client s3;
  private final int objects;
  private final int threads;
  private final LongSupplier ticker;
  private final PrintStream out;

  AuthzBench(S3Client s3, int objects, int threads, LongSupplier ticker, PrintStream out) {
    this.s3 = s3;
    this.objects = objects;
    this.threads = threads;
    this.ticker = ticker;
    this.out = out;
  }

  /** The bucket policy: deny and allow statements that all apply to the bucket, none to this caller's requests. */
  static String policy(String bucket) {
    StringBuilder b = new StringBuilder("{\"Version\":\"2012-10-17\",\"Statement\":[");
    int i = 0;
    while (b.length() < POLICY_BYTES - 400) {
      if (i > 0) {
        b.append(',');
      }
      b.append(switch (i % 3) {
        case 0 -> "{\"Sid\":\"d%d\",\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::%s/private-%d/*\",\"Condition\":{\"StringNotEquals\":{\"aws:UserAgent\":\"agent-%d\"}}}"
            .formatted(i, bucket, i, i);
        case 1 -> "{\"Sid\":\"a%d\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::%012d:root\"},\"Action\":[\"s3:GetObject\",\"s3:ListBucket\"],\"Resource\":[\"arn:aws:s3:::%s\",\"arn:aws:s3:::%s/*\"]}"
            .formatted(i, 100000000000L + i, bucket, bucket);
        default -> "{\"Sid\":\"c%d\",\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:*\",\"Resource\":\"arn:aws:s3:::%s/*\",\"Condition\":{\"IpAddress\":{\"aws:SourceIp\":\"198.51.%d.0/24\"}}}"
            .formatted(i, bucket, i % 250);
      });
      i++;
    }
    return b.append("]}").toString();
  }

  Result run(String plain, String guarded, int rounds, long phaseMillis) throws Exception {
    byte[] body = new byte[OBJECT_BYTES];
    for (String bucket : List.of(plain, guarded)) {
      s3.createBucket(r -> r.bucket(bucket));
    }
    String policy = policy(guarded);
    s3.putBucketPolicy(r -> r.bucket(guarded).policy(policy));
    for (int i = 0; i < objects; i++) {
      String key = key(i);
      s3.putObject(r -> r.bucket(plain).key(key), RequestBody.fromBytes(body));
      s3.putObject(r -> r.bucket(guarded).key(key).grantRead("id=" + "0".repeat(64))
          .grantFullControl("id=" + ownerId()), RequestBody.fromBytes(body));
    }
    out.printf(Locale.ROOT, "authz: %d objects of %d B per bucket, policy %,d B, %d threads, %d rounds of %d ms%n",
        objects, OBJECT_BYTES, policy.length(), threads, rounds, phaseMillis);
    phase(plain, Math.max(1000, phaseMillis / 2)); // warm-up, not counted
    phase(guarded, Math.max(1000, phaseMillis / 2));
    long plainOps = 0;
    long guardedOps = 0;
    long plainNanos = 0;
    long guardedNanos = 0;
    for (int round = 0; round < rounds; round++) {
      long[] p = phase(plain, phaseMillis);
      long[] g = phase(guarded, phaseMillis);
      plainOps += p[0];
      plainNanos += p[1];
      guardedOps += g[0];
      guardedNanos += g[1];
      out.printf(Locale.ROOT, "  round %d: plain %,.0f ops/s, guarded %,.0f ops/s%n", round + 1,
          p[0] * 1e9 / p[1], g[0] * 1e9 / g[1]);
    }
    return new Result(plainOps * 1e9 / plainNanos, guardedOps * 1e9 / guardedNanos, policy.length());
  }

  private String ownerId() {
    return s3.listBuckets().owner().id();
  }

  private static String key(int i) {
    return "obj-" + i;
  }

  /** GETs from {@code bucket} by every thread for {@code millis}: {ops, elapsed nanos}. */
  private long[] phase(String bucket, long millis) throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Long>> done = new ArrayList<>();
      long start = ticker.getAsLong();
      for (int t = 0; t < threads; t++) {
        int offset = t;
        done.add(pool.submit(() -> {
          long n = 0;
          for (int i = offset; !stop.get(); i += threads) {
            String key = key(i % objects);
            byte[] got = s3.getObjectAsBytes(r -> r.bucket(bucket).key(key)).asByteArray();
            if (got.length != OBJECT_BYTES) {
              throw new IllegalStateException("GET " + bucket + "/" + key + " returned " + got.length + " bytes");
            }
            n++;
          }
          return n;
        }));
      }
      Thread.sleep(millis);
      stop.set(true);
      long ops = 0;
      for (Future<Long> f : done) {
        ops += f.get();
      }
      return new long[] {ops, ticker.getAsLong() - start};
    } finally {
      pool.shutdownNow();
    }
  }
}
