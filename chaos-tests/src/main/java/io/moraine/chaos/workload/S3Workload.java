package io.moraine.chaos.workload;

import io.moraine.chaos.history.History;
import io.moraine.chaos.history.Op;
import io.moraine.chaos.history.OpType;
import io.moraine.chaos.history.Outcome;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.DefaultRetryStrategy;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The client side of a run: processes issuing S3 operations through the gateways with the AWS
 * SDK v2 (no retries, bounded timeouts), every one recorded in the {@link History} with its
 * invocation and completion times and outcome. Four workloads share the processes:
 * registers ({@code P/reg/N}: reads, unique writes, deletes), create/delete with listings
 * ({@code P/set/N}, listed by prefix {@code P/set/}), and multipart uploads ({@code P/mp/N}, 2 parts),
 * P being the run's key prefix, so that several runs against one cluster never share a key.
 *
 * <p>A process whose operation ended unknown is retired and replaced by a fresh process id, as
 * Jepsen does, so that the timeline shows each process's operations sequentially.
 */
public final class S3Workload implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(S3Workload.class);
  public static final String BUCKET = "chaos";

  private final WorkloadConfig config;
  private final History history;
  private final List<String> endpoints;
  private final List<S3Client> fast = new ArrayList<>();
  private final List<S3Client> slow = new ArrayList<>();
  private final long seed;
  private final String prefix;
  private final boolean earlyAck;
  private final AtomicBoolean stop = new AtomicBoolean();
  private final AtomicInteger nextProcess;
  private final List<Thread> threads = new ArrayList<>();

  /**
   * @param keyPrefix prefix of every key ({@code kill} → {@code kill/reg/0}); distinct per history
   * @param earlyAck the {@code client-early-ack} self-test: PUTs are recorded as acknowledged when sent
   */
  public S3Workload(WorkloadConfig config, History history, List<String> endpoints, String accessKey, String secretKey,
      long seed, String keyPrefix, boolean earlyAck) {
    this.config = config.validate();
    this.earlyAck = earlyAck;
    this.prefix = keyPrefix + "/";
    this.history = history;
    this.endpoints = List.copyOf(endpoints);
    this.seed = seed;
    this.nextProcess = new AtomicInteger(config.processes());
    for (String e : endpoints) {
      fast.add(client(e, accessKey, secretKey, config.opTimeoutMillis()));
      slow.add(client(e, accessKey, secretKey, config.multipartTimeoutMillis()));
    }
  }

  public String setPrefix() {
    return prefix + "set/";
  }

  static S3Client client(String endpoint, String accessKey, String secretKey, long timeoutMillis) {
    return S3Client.builder()
        .endpointOverride(URI.create(endpoint))
        .region(Region.US_EAST_1)
        .forcePathStyle(true)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
        .httpClientBuilder(ApacheHttpClient.builder()
            .connectionTimeout(Duration.ofMillis(Math.min(2_000, timeoutMillis)))
            .socketTimeout(Duration.ofMillis(timeoutMillis))
            .maxConnections(32))
        .overrideConfiguration(ClientOverrideConfiguration.builder()
            .apiCallTimeout(Duration.ofMillis(timeoutMillis))
            .apiCallAttemptTimeout(Duration.ofMillis(timeoutMillis))
            .retryStrategy(DefaultRetryStrategy.doNotRetry())
            .build())
        .build();
  }

  /** Creates the bucket, retrying until {@code deadlineNanos} (history clock); not recorded. */
  public void setUp(long deadlineNanos) throws InterruptedException {
    RuntimeException last = null;
    while (history.now() < deadlineNanos) {
      try {
        fast.get(0).createBucket(b -> b.bucket(BUCKET));
        return;
      } catch (AwsServiceException e) {
        if (e.awsErrorDetails() != null && "BucketAlreadyOwnedByYou".equals(e.awsErrorDetails().errorCode())) {
          return;
        }
        last = e;
      } catch (RuntimeException e) {
        last = e;
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException("could not create bucket " + BUCKET + " through " + endpoints.get(0), last);
  }

  /** Starts the processes; they run until {@link #stopAndJoin}. */
  public void start() {
    for (int t = 0; t < config.processes(); t++) {
      final int thread = t;
      threads.add(Thread.ofPlatform().name("chaos-client-" + t).start(() -> runProcess(thread)));
    }
  }

  public void stopAndJoin() throws InterruptedException {
    stop.set(true);
    for (Thread t : threads) {
      t.join(config.multipartTimeoutMillis() * 4);
    }
  }

  private void runProcess(int thread) {
    RandomGenerator rnd = RandomGeneratorFactory.of("L64X128MixRandom").create(seed * 1_000_003L + thread);
    int process = thread;
    long seq = 0;
    int total = config.weightRegister() + config.weightSet() + config.weightMultipart();
    int gw = Math.floorMod(thread, endpoints.size());
    while (!stop.get()) {
      int pick = rnd.nextInt(total);
      Outcome o;
      String value = "p" + process + "-" + (seq++);
      try {
        if (pick < config.weightRegister()) {
          String key = prefix + "reg/" + rnd.nextInt(config.registerKeys());
          int r = rnd.nextInt(10);
          o = r < 5 ? read(process, gw, key) : r < 9 ? write(process, gw, key, value) : delete(process, gw, key);
        } else if (pick < config.weightRegister() + config.weightSet()) {
          String key = setPrefix() + rnd.nextInt(config.setKeys());
          int r = rnd.nextInt(10);
          o = r < 4 ? write(process, gw, key, value) : r < 7 ? delete(process, gw, key) : list(process, gw, setPrefix());
        } else {
          String key = prefix + "mp/" + rnd.nextInt(config.multipartKeys());
          o = rnd.nextInt(10) < 4 ? multipart(process, gw, key, value, rnd) : readMultipart(process, gw, key);
        }
      } catch (RuntimeException e) {
        log.error("client process {} failed outside an operation", process, e);
        o = Outcome.INFO;
      }
      if (o == Outcome.INFO) {
        process = nextProcess.getAndIncrement();
      }
      long pause = config.thinkMillis();
      if (o != Outcome.OK) {
        // As a client behind a load balancer would: try another gateway, and back off a little so
        // that a dead gateway's instant refusals do not dominate the history.
        gw = (gw + 1) % endpoints.size();
        pause += 100;
      }
      try {
        Thread.sleep(pause);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private Outcome record(int process, OpType type, String key, String value, List<String> listed, long inv,
      Outcome outcome, String error) {
    history.add(new Op(0, process, type, key, value, listed, inv, history.now(), outcome, error));
    return outcome;
  }

  private Outcome fail(int process, OpType type, String key, String value, long inv, RuntimeException e) {
    return record(process, type, key, value, List.of(), inv, Outcomes.classify(e), Outcomes.describe(e));
  }

  public Outcome read(int process, int gw, String key) {
    long inv = history.now();
    try {
      ResponseBytes<GetObjectResponse> b = fast.get(gw).getObjectAsBytes(r -> r.bucket(BUCKET).key(key));
      return record(process, OpType.READ, key, b.asString(StandardCharsets.UTF_8), List.of(), inv, Outcome.OK, "");
    } catch (AwsServiceException e) {
      if (e.statusCode() == 404) {
        return record(process, OpType.READ, key, null, List.of(), inv, Outcome.OK, "");
      }
      return fail(process, OpType.READ, key, null, inv, e);
    } catch (RuntimeException e) {
      return fail(process, OpType.READ, key, null, inv, e);
    }
  }

  public Outcome write(int process, int gw, String key, String value) {
    long inv = history.now();
    if (earlyAck) {
      // The deliberate lie of the self-test: acknowledged before the store has even seen it.
      record(process, OpType.WRITE, key, value, List.of(), inv, Outcome.OK, "");
      try {
        fast.get(gw).putObject(r -> r.bucket(BUCKET).key(key), RequestBody.fromString(value, StandardCharsets.UTF_8));
      } catch (RuntimeException e) {
        log.debug("early-acknowledged PUT of {} failed: {}", key, Outcomes.describe(e));
      }
      return Outcome.OK;
    }
    try {
      fast.get(gw).putObject(r -> r.bucket(BUCKET).key(key), RequestBody.fromString(value, StandardCharsets.UTF_8));
      return record(process, OpType.WRITE, key, value, List.of(), inv, Outcome.OK, "");
    } catch (RuntimeException e) {
      return fail(process, OpType.WRITE, key, value, inv, e);
    }
  }

  public Outcome delete(int process, int gw, String key) {
    long inv = history.now();
    try {
      fast.get(gw).deleteObject(r -> r.bucket(BUCKET).key(key));
      return record(process, OpType.DELETE, key, null, List.of(), inv, Outcome.OK, "");
    } catch (RuntimeException e) {
      return fail(process, OpType.DELETE, key, null, inv, e);
    }
  }

  public Outcome list(int process, int gw, String prefix) {
    long inv = history.now();
    try {
      ListObjectsV2Response r = fast.get(gw).listObjectsV2(b -> b.bucket(BUCKET).prefix(prefix).maxKeys(1000));
      if (Boolean.TRUE.equals(r.isTruncated())) {
        return record(process, OpType.LIST, prefix, null, List.of(), inv, Outcome.INFO, "truncated listing");
      }
      Set<String> keys = new TreeSet<>();
      for (S3Object o : r.contents()) {
        keys.add(o.key());
      }
      return record(process, OpType.LIST, prefix, null, new ArrayList<>(keys), inv, Outcome.OK, "");
    } catch (RuntimeException e) {
      return fail(process, OpType.LIST, prefix, null, inv, e);
    }
  }

  /** Create, upload 2 parts, complete: one MULTIPART_COMPLETE op (it can only take effect at Complete). */
  public Outcome multipart(int process, int gw, String key, String value, RandomGenerator rnd) {
    long inv = history.now();
    String id = value;
    String mpValue = "mp:" + id;
    S3Client c = slow.get(gw);
    String uploadId;
    List<CompletedPart> parts = new ArrayList<>();
    try {
      uploadId = c.createMultipartUpload(r -> r.bucket(BUCKET).key(key)).uploadId();
      int[] sizes = {config.multipartPartBytes(), 200 + rnd.nextInt(2000)};
      for (int i = 1; i <= sizes.length; i++) {
        byte[] body = MultipartBody.part(id, i, sizes.length, sizes[i - 1]);
        final int partNumber = i;
        String etag = c.uploadPart(r -> r.bucket(BUCKET).key(key).uploadId(uploadId).partNumber(partNumber),
            RequestBody.fromBytes(body)).eTag();
        parts.add(CompletedPart.builder().partNumber(i).eTag(etag).build());
      }
    } catch (RuntimeException e) {
      // Nothing can be visible before Complete is sent: certainly not applied.
      return record(process, OpType.MULTIPART_COMPLETE, key, mpValue, List.of(), inv, Outcome.FAIL,
          "before complete: " + Outcomes.describe(e));
    }
    try {
      c.completeMultipartUpload(r -> r.bucket(BUCKET).key(key).uploadId(uploadId)
          .multipartUpload(m -> m.parts(parts)));
      return record(process, OpType.MULTIPART_COMPLETE, key, mpValue, List.of(), inv, Outcome.OK, "");
    } catch (RuntimeException e) {
      return fail(process, OpType.MULTIPART_COMPLETE, key, mpValue, inv, e);
    }
  }

  public Outcome readMultipart(int process, int gw, String key) {
    long inv = history.now();
    try {
      byte[] body = slow.get(gw).getObjectAsBytes(r -> r.bucket(BUCKET).key(key)).asByteArray();
      return record(process, OpType.READ, key, MultipartBody.decode(body), List.of(), inv, Outcome.OK, "");
    } catch (AwsServiceException e) {
      if (e.statusCode() == 404) {
        return record(process, OpType.READ, key, null, List.of(), inv, Outcome.OK, "");
      }
      return fail(process, OpType.READ, key, null, inv, e);
    } catch (RuntimeException e) {
      return fail(process, OpType.READ, key, null, inv, e);
    }
  }

  /**
   * The final phase: every key ever written is read until one read succeeds (alternating gateways),
   * then the set prefix is listed once. Returns the keys that could not be read before the deadline.
   */
  public List<String> finalReads(long deadlineNanos) throws InterruptedException {
    history.markFinalPhase();
    Set<String> keys = new TreeSet<>();
    for (Op op : history.ops()) {
      if (op.isMutation()) {
        keys.add(op.key());
      }
    }
    int process = nextProcess.getAndIncrement();
    // Passes over the keys not read yet, one attempt per key per pass, so that one unreadable key
    // cannot use up the deadline of all the others.
    List<String> unread = new ArrayList<>(keys);
    int attempt = 0;
    while (!unread.isEmpty() && history.now() < deadlineNanos) {
      List<String> still = new ArrayList<>();
      for (String key : unread) {
        int gw = attempt++ % endpoints.size();
        Outcome o = key.startsWith(prefix + "mp/") ? readMultipart(process, gw, key) : read(process, gw, key);
        if (o != Outcome.OK) {
          still.add(key);
        }
      }
      unread = still;
      if (!unread.isEmpty()) {
        Thread.sleep(500);
      }
    }
    for (int i = 0; i < 10 && history.now() < deadlineNanos; i++) {
      if (list(process, i % endpoints.size(), setPrefix()) == Outcome.OK) {
        break;
      }
      Thread.sleep(500);
    }
    return unread;
  }

  @Override
  public void close() {
    stop.set(true);
    fast.forEach(S3Client::close);
    slow.forEach(S3Client::close);
  }
}
