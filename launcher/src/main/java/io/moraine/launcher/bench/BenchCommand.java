package io.moraine.launcher.bench;

import io.moraine.launcher.config.Credentials;
import io.moraine.metadata.api.Bucket;
import io.moraine.metadata.api.Credential;
import io.moraine.metadata.api.MetadataClient;
import io.moraine.metadata.api.MetadataError;
import io.moraine.metadata.api.MetadataException;
import java.io.PrintStream;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * {@code bin/moraine bench load|list|commits|snapshot}: benchmarks through the real system (issue 4, item
 * 7). They talk to a running cluster ({@code bin/moraine cluster start}) the way gateways and S3
 * clients do; they print figures and assert nothing about time. This class is where the
 * benchmarks' clock (System.nanoTime) and randomness (SecureRandom) are provided.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Benchmarks against a running cluster: load a bucket, list it, commit throughput, snapshot.",
    subcommands = {BenchCommand.Load.class, BenchCommand.ListPages.class, BenchCommand.Commits.class,
      BenchCommand.Snapshot.class, BenchCommand.Authz.class, BenchCommand.S3.class, BenchCommand.Lifecycle.class})
public final class BenchCommand implements Runnable {

  static final LongSupplier TICKER = System::nanoTime;

  @Override
  public void run() {
    new picocli.CommandLine(this).usage(System.out);
  }

  @Command(name = "load", mixinStandardHelpOptions = true,
      description = "Fill a bucket with N small GET-able objects (dirNNN/objNNNNNNN) through the metadata client.")
  static final class Load implements Callable<Integer> {
    @Option(names = "--zk", required = true, description = "ZooKeeper HOST:PORT (where the metadata peers are published)")
    String zk;

    @Option(names = "--bucket", required = true)
    String bucket;

    @Option(names = "--objects", required = true, description = "number of objects (up to 10,000,000)")
    long objects;

    @Option(names = "--threads", defaultValue = "64", description = "concurrent committers (default ${DEFAULT-VALUE})")
    int threads;

    @Option(names = "--owner-access-key", description = "owner of a new bucket: this access key's account (default: root)")
    String ownerAccessKey;

    @Option(names = "--region", defaultValue = "us-east-1")
    String region;

    @Override
    public Integer call() throws Exception {
      PrintStream out = System.out;
      try (BenchClients.Metadata m = BenchClients.metadata(zk)) {
        ensureBucket(m.client(), bucket, ownerAccessKey, region, out);
        Loader.Result r = new Loader(m.client(), bucket, objects, threads, TICKER, out).run();
        out.printf(Locale.ROOT, "load: done: %,d objects in %s (%,d committed now, %,d were there) in %.1f s: %,.0f commits/s "
            + "with %d threads%n", r.objects(), bucket, r.written(), r.skipped(), r.elapsedNanos() / 1e9,
            r.commitsPerSecond(), threads);
      }
      return 0;
    }
  }

  @Command(name = "lifecycle", mixinStandardHelpOptions = true,
      description = "Lifecycle engine throughput on a bucket filled by `bench load`, and 4 KiB GET ops/s before and "
          + "during (cluster started with --day-seconds 1). Last line: bench lifecycle objects=N action=A evaluated=N "
          + "actions=N evaluated_per_s=X actions_per_s=X get_ops_per_s_before=X get_ops_per_s_during=X get_ratio=X ...")
  static final class Lifecycle implements Callable<Integer> {
    @Option(names = "--endpoint", required = true, description = "S3 endpoint, e.g. http://127.0.0.1:9000")
    String endpoint;

    @Option(names = "--zk", required = true, description = "ZooKeeper HOST:PORT (the lifecycle service's counters)")
    String zk;

    @Option(names = "--bucket", required = true, description = "the bucket `bench load` filled")
    String bucket;

    @Option(names = "--objects", required = true, description = "objects in it")
    long objects;

    @Option(names = "--transition-to", description = "transition to this class after a day (default: expire after a day)")
    String transitionTo;

    @Option(names = "--get-concurrency", defaultValue = "16", description = "4 KiB GET loops (default ${DEFAULT-VALUE})")
    int getConcurrency;

    @Option(names = "--baseline", defaultValue = "20s", description = "GETs measured before the rule (default ${DEFAULT-VALUE})")
    String baseline;

    @Option(names = "--timeout", defaultValue = "2h", description = "give up after (default ${DEFAULT-VALUE})")
    String timeout;

    @Option(names = "--region", defaultValue = "us-east-1")
    String region;

    @Override
    public Integer call() throws Exception {
      LifecycleBench.Options options;
      try {
        options = new LifecycleBench.Options(bucket, objects, transitionTo != null,
            transitionTo == null ? "" : transitionTo.toUpperCase(Locale.ROOT), getConcurrency,
            S3Bench.parseDurationNanos(baseline), S3Bench.parseDurationNanos(timeout));
      } catch (IllegalArgumentException e) {
        throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), e.getMessage());
      }
      Credentials creds = Credentials.fromEnvironment(System.getenv());
      try (S3Client s3 = BenchClients.s3(endpoint, region, creds.accessKey(), creds.secretKey(), getConcurrency + 16);
          org.apache.curator.framework.CuratorFramework curator = io.moraine.launcher.role.Zk.connectBlocking(zk,
              io.moraine.launcher.role.Zk.SESSION_TIMEOUT_MILLIS)) {
        LifecycleBench.Result r = new LifecycleBench(s3, () -> io.moraine.launcher.role.LifecycleService
            .readProgress(curator).orElse(io.moraine.gateway.lifecycle.LifecycleProgress.empty()), options, TICKER,
            new SecureRandom(), System.out).run();
        System.out.println(r.line());
        return r.complete() && r.getErrors() == 0 ? 0 : 1;
      }
    }
  }

  @Command(name = "s3", mixinStandardHelpOptions = true,
      description = "S3 throughput and latency: PUT, GET, mixed, list or multipart for a duration "
          + "(credentials from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, else the root defaults). Last line: "
          + "bench op=OP size=BYTES concurrency=N ops_per_s=X mib_per_s=X p50_ms=X p99_ms=X errors=N")
  static final class S3 implements Callable<Integer> {
    @Option(names = "--endpoint", required = true, description = "S3 endpoint, e.g. http://127.0.0.1:9000")
    String endpoint;

    @Option(names = "--op", required = true, description = "put, get, mixed, list or multipart")
    String op;

    @Option(names = "--size", required = true, description = "object size: bytes, or 4KiB, 1MiB, 1GiB")
    String size;

    @Option(names = "--concurrency", defaultValue = "1", description = "concurrent requests (default ${DEFAULT-VALUE})")
    int concurrency;

    @Option(names = "--duration", defaultValue = "30s", description = "measured time: 30s, 2m, 500ms (default ${DEFAULT-VALUE})")
    String duration;

    @Option(names = "--warmup", defaultValue = "0s", description = "unmeasured load first (default ${DEFAULT-VALUE})")
    String warmup;

    @Option(names = "--presigned", description = "PUT/GET to presigned URLs with plain HTTP (no SigV4 body hashing in the client)")
    boolean presigned;

    @Option(names = "--bucket", description = "an existing bucket to use (default: a new bucket, deleted afterwards)")
    String bucket;

    @Option(names = "--keep", description = "keep the objects (and the bucket) the run wrote")
    boolean keep;

    @Option(names = "--region", defaultValue = "us-east-1")
    String region;

    @Override
    public Integer call() throws Exception {
      S3Bench.Options options;
      try {
        options = new S3Bench.Options(S3Bench.Op.valueOf(op.toUpperCase(Locale.ROOT)), S3Bench.parseSize(size),
            concurrency, S3Bench.parseDurationNanos(duration), S3Bench.parseDurationNanos(warmup), presigned, keep);
      } catch (IllegalArgumentException e) {
        throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), e.getMessage());
      }
      Credentials creds = Credentials.fromEnvironment(System.getenv());
      SecureRandom random = new SecureRandom();
      try (S3Client s3 = BenchClients.s3(endpoint, region, creds.accessKey(), creds.secretKey(), concurrency + 16);
          S3Presigner presigner = BenchClients.presigner(endpoint, region, creds.accessKey(), creds.secretKey());
          java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
              .version(java.net.http.HttpClient.Version.HTTP_1_1).connectTimeout(java.time.Duration.ofSeconds(5)).build()) {
        boolean ownBucket = bucket == null;
        String name = ownBucket ? "bench-s3-" + Long.toString(System.currentTimeMillis(), 36) : bucket;
        if (ownBucket) {
          s3.createBucket(r -> r.bucket(name));
        }
        S3Bench bench = new S3Bench(s3, presigner, http, name, options, TICKER, random, System.out);
        S3Bench.Result result = bench.run();
        int deleted = bench.cleanUp();
        if (ownBucket && !keep) {
          s3.deleteBucket(r -> r.bucket(name));
        }
        System.out.printf(Locale.ROOT, "bench: bucket %s, %,d requests, %,d objects %s%n", name,
            result.ops() + result.errors(), deleted == 0 && keep ? bench.written() : deleted, keep ? "kept" : "deleted");
        System.out.println(result.line());
        return result.errors() == 0 ? 0 : 1;
      }
    }
  }

  @Command(name = "authz", mixinStandardHelpOptions = true,
      description = "4 KiB GETs with a ~20 KB bucket policy and object ACLs vs none, same run (credentials from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY).")
  static final class Authz implements Callable<Integer> {
    @Option(names = "--endpoint", required = true, description = "S3 endpoint, e.g. http://127.0.0.1:9000")
    String endpoint;

    @Option(names = "--objects", defaultValue = "200", description = "4 KiB objects per bucket (default ${DEFAULT-VALUE})")
    int objects;

    @Option(names = "--threads", defaultValue = "16", description = "concurrent GET loops (default ${DEFAULT-VALUE})")
    int threads;

    @Option(names = "--rounds", defaultValue = "3", description = "alternating plain/guarded rounds (default ${DEFAULT-VALUE})")
    int rounds;

    @Option(names = "--phase-seconds", defaultValue = "10", description = "length of each phase (default ${DEFAULT-VALUE})")
    int phaseSeconds;

    @Option(names = "--region", defaultValue = "us-east-1")
    String region;

    @Override
    public Integer call() throws Exception {
      Credentials creds = Credentials.fromEnvironment(System.getenv());
      String suffix = Long.toString(System.currentTimeMillis(), 36);
      try (S3Client s3 = BenchClients.s3(endpoint, region, creds.accessKey(), creds.secretKey(), threads)) {
        AuthzBench.Result r = new AuthzBench(s3, objects, threads, TICKER, System.out)
            .run("authz-plain-" + suffix, "authz-guarded-" + suffix, rounds, phaseSeconds * 1000L);
        System.out.printf(Locale.ROOT, "authz: plain %,.0f ops/s, policy+ACL %,.0f ops/s: %.1f %% (target >= 90 %%)%n",
            r.plainOpsPerSecond(), r.guardedOpsPerSecond(), 100 * r.ratio());
      }
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "ListObjectsV2 page latency through S3 (and at the metadata client with --zk), or --walk the bucket.")
  static final class ListPages implements Callable<Integer> {
    @Option(names = "--endpoint", required = true, description = "S3 endpoint, e.g. http://127.0.0.1:9000")
    String endpoint;

    @Option(names = "--bucket", required = true)
    String bucket;

    @Option(names = "--zk", description = "ZooKeeper HOST:PORT: also time the same pages at the metadata client")
    String zk;

    @Option(names = "--objects", description = "objects the loader put (random start-after points; with --walk: the expected count)")
    Long objects;

    @Option(names = "--pages", defaultValue = "200", description = "measured pages per shape (default ${DEFAULT-VALUE})")
    int pages;

    @Option(names = "--warmup", defaultValue = "20", description = "unmeasured pages first (default ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--delimiter", description = "only the delimiter shapes, with this delimiter (default: all shapes, '/')")
    String delimiter;

    @Option(names = "--no-delimiter", description = "only the plain shape (no delimiter)")
    boolean noDelimiter;

    @Option(names = "--walk", description = "list the whole bucket with continuation tokens and check it")
    boolean walk;

    @Option(names = "--region", defaultValue = "us-east-1")
    String region;

    @Override
    public Integer call() throws Exception {
      PrintStream out = System.out;
      Credentials creds = Credentials.fromEnvironment(System.getenv());
      try (S3Client s3 = BenchClients.s3(endpoint, region, creds.accessKey(), creds.secretKey());
          BenchClients.Metadata m = zk == null ? null : BenchClients.metadata(zk)) {
        MetadataClient meta = m == null ? null : m.client();
        if (walk) {
          ListBench.Walk w = new ListBench(s3, meta, bucket, 1, "/", TICKER, new SecureRandom(), out)
              .walk(objects == null ? -1 : objects);
          out.printf(Locale.ROOT, "walk: %,d keys in %,d pages, strictly increasing%s, in %.1f s; page %s%n",
              w.keys(), w.pages(), objects == null ? "" : ", count as expected", w.elapsedNanos() / 1e9, w.page().format());
          return 0;
        }
        if (objects == null) {
          throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
              "--objects N (what the loader put) is needed for random start-after points");
        }
        long n = objects;
        ListBench bench = new ListBench(s3, meta, bucket, n, delimiter == null ? "/" : delimiter, TICKER,
            new SecureRandom(), out);
        List<ListBench.Shape> shapes = noDelimiter ? List.of(ListBench.Shape.PLAIN)
            : delimiter != null ? List.of(ListBench.Shape.DELIMITER, ListBench.Shape.DELIMITER_PREFIX)
            : List.of(ListBench.Shape.values());
        out.printf(Locale.ROOT, "list: bucket %s (%,d loader objects), %d pages per shape after %d warm-up, via %s%s%n",
            bucket, n, pages, warmup, endpoint, meta == null ? "" : " and the metadata client");
        for (ListBench.Shape shape : shapes) {
          bench.print(bench.measure(shape, pages, warmup));
        }
      }
      return 0;
    }
  }

  @Command(name = "commits", mixinStandardHelpOptions = true,
      description = "Object-commit throughput with 1 and 64 threads through one metadata client.")
  static final class Commits implements Callable<Integer> {
    @Option(names = "--zk", required = true, description = "ZooKeeper HOST:PORT")
    String zk;

    @Option(names = "--seconds", defaultValue = "10", description = "measured seconds per thread count (default ${DEFAULT-VALUE})")
    int seconds;

    @Option(names = "--warmup-seconds", defaultValue = "2")
    int warmupSeconds;

    @Option(names = "--threads", split = ",", defaultValue = "1,64", description = "thread counts (default ${DEFAULT-VALUE})")
    List<Integer> threads;

    @Option(names = "--bucket", defaultValue = "bench-commits", description = "bucket for the committed objects (default ${DEFAULT-VALUE})")
    String bucket;

    @Option(names = "--region", defaultValue = "us-east-1")
    String region;

    @Override
    public Integer call() throws Exception {
      PrintStream out = System.out;
      RandomGenerator random = new SecureRandom();
      byte[] id = new byte[4];
      random.nextBytes(id);
      try (BenchClients.Metadata m = BenchClients.metadata(zk)) {
        ensureBucket(m.client(), bucket, null, region, out);
        CommitBench bench = new CommitBench(m.client(), bucket, HexFormat.of().formatHex(id), TICKER, out);
        double first = -1;
        double last = -1;
        for (int t : threads) {
          CommitBench.Run r = bench.run(t, warmupSeconds * 1_000_000_000L, seconds * 1_000_000_000L);
          last = r.perSecond();
          first = first < 0 ? last : first;
        }
        if (threads.size() > 1) {
          out.printf(Locale.ROOT, "commits: threads=%d / threads=%d = x%.1f%n", threads.get(threads.size() - 1),
              threads.get(0), last / first);
        }
      }
      return 0;
    }
  }

  @Command(name = "snapshot", mixinStandardHelpOptions = true,
      description = "Snapshot the metadata group holding a bucket now; time it and (with --cluster-dir) size it.")
  static final class Snapshot implements Callable<Integer> {
    @Option(names = "--zk", required = true, description = "ZooKeeper HOST:PORT")
    String zk;

    @Option(names = "--bucket", required = true)
    String bucket;

    @Option(names = "--cluster-dir", description = "the cluster's directory (moraine cluster --dir): size the newest snapshot")
    java.nio.file.Path clusterDir;

    @Override
    public Integer call() throws Exception {
      try (BenchClients.Metadata m = BenchClients.metadata(zk)) {
        SnapshotBench.run(m.client(), bucket, clusterDir, TICKER, System.out);
      }
      return 0;
    }
  }

  /** Creates {@code bucket} unless it exists, owned by the root account or {@code ownerAccessKey}'s. */
  static Bucket ensureBucket(MetadataClient meta, String bucket, String ownerAccessKey, String region, PrintStream out) {
    Optional<Bucket> existing = meta.getBucket(bucket);
    if (existing.isPresent()) {
      out.printf("bucket %s exists (owner %s)%n", bucket, existing.get().ownerAccountId());
      return existing.get();
    }
    String owner;
    if (ownerAccessKey == null) {
      Credentials root = Credentials.fromEnvironment(System.getenv());
      owner = meta.ensureRootAccount(root.accessKey(), root.secretKey()).accountId(); // idempotent, as gateways do
    } else {
      owner = meta.findCredential(ownerAccessKey).map(Credential::accountId)
          .orElseThrow(() -> new IllegalArgumentException("no such access key: " + ownerAccessKey));
    }
    try {
      Bucket b = meta.createBucket(owner, bucket, region);
      out.printf("bucket %s created (owner %s)%n", bucket, owner);
      return b;
    } catch (MetadataException e) {
      if (e.error() == MetadataError.BUCKET_ALREADY_OWNED_BY_YOU) {
        return meta.getBucket(bucket).orElseThrow();
      }
      throw e;
    }
  }
}
