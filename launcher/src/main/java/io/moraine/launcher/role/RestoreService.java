package io.moraine.launcher.role;

import io.moraine.gateway.data.DataCollector;
import io.moraine.gateway.data.ErasureProfile;
import io.moraine.gateway.data.Reencoder;
import io.moraine.metadata.api.DataLayout;
import io.moraine.metadata.api.MetadataClient;
import io.moraine.metadata.api.MetadataException;
import io.moraine.metadata.api.ObjectVersion;
import io.moraine.metadata.client.Codec;
import io.moraine.proto.meta.v1.CompleteRestore;
import io.moraine.proto.meta.v1.ExpireRestore;
import io.moraine.proto.meta.v1.ListRestoreJobs;
import io.moraine.proto.meta.v1.RestoreJob;
import io.moraine.proto.meta.v1.RestoreReply;
import java.io.IOException;
import java.time.InstantSource;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.curator.framework.CuratorFramework;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The archive restore service (docs/s3-compatibility.md, Archive storage and restore): runs in
 * every gateway (it needs the data path), active in one at a time (the election under
 * {@value #ROOT_PATH}). Every {@code pollMillis} the leader reads the restore index of every
 * metadata group for jobs due on the injected clock and
 * <ul>
 *   <li>for a restore whose tier delay has passed, makes the temporary copy — the version's
 *       stored bytes (sealed ones as they are) re-encoded into STANDARD's profile by the
 *       {@link Reencoder} — and commits it with the conditional CompleteRestore; refused (the
 *       version was overwritten or deleted meanwhile), the copy is collected;</li>
 *   <li>for a copy whose expiry passed, commits ExpireRestore (conditional: an extension wins)
 *       and then deletes the copy's shards.</li>
 * </ul>
 *
 * <p>Fault model: the jobs live in Raft metadata, so a crash of any process loses none; a leader
 * that dies after writing a copy and before committing it leaves shards no record names, which
 * garbage collection deletes; the next leader makes the copy again. A crash between ExpireRestore
 * and the deletes leaves the same kind of garbage. A job that fails (too few storage nodes) is
 * retried on the next poll.
 */
public final class RestoreService implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RestoreService.class);
  public static final String ROOT_PATH = "/moraine/services/restore";
  public static final String LEADER_PATH = ROOT_PATH + "/leader";
  /** The leader's running totals, so {@code admin status} and a successor see them (format=1 key=value). */
  public static final String PROGRESS_PATH = ROOT_PATH + "/progress";
  private static final int JOBS_PER_POLL = 100;

  /** What the service did, for {@code admin status} and Prometheus. */
  public record Counters(long pending, long restored, long completed, long expired, long bytesRestored) {}

  private final ElectedService service;
  private final String participantId;
  private final MetadataClient metadata;
  private final Reencoder reencoder;
  private final DataCollector collector;
  private final InstantSource clock;
  private final AtomicLong completed = new AtomicLong();
  private final AtomicLong expired = new AtomicLong();
  private final AtomicLong bytesRestored = new AtomicLong();
  private final AtomicLong pending = new AtomicLong();
  private final AtomicLong restored = new AtomicLong();
  private final CuratorFramework zk;
  private final java.util.function.Function<String, ErasureProfile> profiles;
  private volatile boolean resumed;
  private volatile String written = "";

  /** @param profiles the erasure profile of a new blob of a class (the gateway's, topology-checked) */
  public RestoreService(CuratorFramework zk, String participantId, MetadataClient metadata, Reencoder reencoder,
      java.util.function.Function<String, ErasureProfile> profiles, DataCollector collector, InstantSource clock,
      long pollMillis) throws Exception {
    this.profiles = profiles;
    this.metadata = metadata;
    this.reencoder = reencoder;
    this.collector = collector;
    this.clock = clock;
    this.participantId = participantId;
    this.zk = zk;
    this.service = new ElectedService(zk, ROOT_PATH, participantId, "restore", pollMillis, election -> {
      if (!resumed) {
        resume();
      }
      poll();
      saveProgress(election);
    }, () -> resumed = false, "the next one retries");
  }

  public boolean isLeader() {
    return service.isLeader();
  }

  public Counters counters() {
    return new Counters(pending.get(), restored.get(), completed.get(), expired.get(), bytesRestored.get());
  }

  /** A new leader continues the totals of the one before it. */
  private void resume() {
    Counters c = readProgress(zk);
    completed.set(Math.max(completed.get(), c.completed()));
    expired.set(Math.max(expired.get(), c.expired()));
    bytesRestored.set(Math.max(bytesRestored.get(), c.bytesRestored()));
    resumed = true;
  }

  private void saveProgress(io.moraine.placement.zk.ElectedCheckpoint election) {
    Counters c = counters();
    String text = "format=1 leader=" + participantId + " pending=" + c.pending() + " restored=" + c.restored()
        + " completed=" + c.completed() + " expired=" + c.expired() + " bytes=" + c.bytesRestored();
    if (text.equals(written)) {
      return;
    }
    try {
      if (election.save(text.getBytes(java.nio.charset.StandardCharsets.UTF_8))) {
        written = text;
      }
    } catch (Exception e) {
      log.warn("restore progress not saved; retried on the next poll: {}", e.toString());
    }
  }

  /** The last totals a leader saved (zeros and leader "none" when none has run). */
  public static Counters readProgress(CuratorFramework zk) {
    return progressFields(zk).counters();
  }

  /** The saved progress with the leader that saved it. */
  public record Progress(String leader, Counters counters) {}

  public static Progress progressFields(CuratorFramework zk) {
    java.util.Map<String, String> f = new java.util.TreeMap<>();
    try {
      Optional<byte[]> saved = io.moraine.placement.zk.ElectedCheckpoint.read(zk, PROGRESS_PATH);
      if (saved.isPresent()) {
        for (String kv : new String(saved.get(), java.nio.charset.StandardCharsets.UTF_8).split(" ")) {
          int eq = kv.indexOf('=');
          if (eq > 0) {
            f.put(kv.substring(0, eq), kv.substring(eq + 1));
          }
        }
      }
    } catch (Exception e) {
      throw new IllegalStateException("reading " + PROGRESS_PATH + ": " + e, e);
    }
    if (!f.isEmpty() && !"1".equals(f.get("format"))) {
      throw new IllegalStateException(PROGRESS_PATH + " has unknown format " + f.get("format"));
    }
    java.util.function.ToLongFunction<String> n = k -> Long.parseLong(f.getOrDefault(k, "0"));
    return new Progress(f.getOrDefault("leader", "none"), new Counters(n.applyAsLong("pending"),
        n.applyAsLong("restored"), n.applyAsLong("completed"), n.applyAsLong("expired"), n.applyAsLong("bytes")));
  }

  /** One round: every job due now, earliest first. */
  void poll() {
    long now = clock.millis();
    RestoreReply due = metadata.listRestoreJobs(ListRestoreJobs.newBuilder().setDueBeforeMillis(now)
        .setLimit(JOBS_PER_POLL).build());
    pending.set(due.getOngoingCount());
    restored.set(due.getRestoredCount());
    for (RestoreJob job : due.getJobsList()) {
      try {
        if (job.getOngoing()) {
          makeCopy(job);
        } else {
          expire(job);
        }
      } catch (IOException | RuntimeException e) {
        log.warn("restore job {}/{} version {} failed; retried on the next poll: {}", job.getBucket(), job.getKey(),
            job.getVersionId(), e.toString());
      }
    }
  }

  private void makeCopy(RestoreJob job) throws IOException {
    CompleteRestore.Builder commit = CompleteRestore.newBuilder().setBucket(job.getBucket()).setKey(job.getKey())
        .setVersionId(job.getVersionId()).setVersionSeq(job.getVersionSeq());
    Optional<ObjectVersion> v = version(job);
    if (v.isEmpty() || v.get().restore() == null || !v.get().restore().ongoing()) {
      metadata.completeRestore(commit.build()); // drops the stale index row
      return;
    }
    if (io.moraine.gateway.restore.Archive.tieredArchive(v.get())) {
      restoreTier(job, v.get());
      return;
    }
    log.info("restoring {}/{} version {}: copying {} bytes into STANDARD's layout", job.getBucket(), job.getKey(),
        job.getVersionId(), v.get().size());
    DataLayout copy = reencoder.reencode(v.get().layout(), profiles.apply("STANDARD"));
    boolean applied;
    try {
      applied = metadata.completeRestore(commit.setCopy(Codec.layout(copy)).build()).getApplied();
    } catch (MetadataException e) {
      collector.collect(copy); // refused for good: nothing names the copy
      throw e;
    }
    if (!applied) {
      collector.collect(copy);
      return;
    }
    completed.incrementAndGet();
    bytesRestored.addAndGet(v.get().size());
    log.info("restored {}/{} version {} ({} bytes, {} tier)", job.getBucket(), job.getKey(), job.getVersionId(),
        v.get().size(), v.get().restore().tier());
  }

  /**
   * An INTELLIGENT_TIERING version in Archive Access / Deep Archive Access: no temporary copy, the
   * data is re-encoded back into the INTELLIGENT_TIERING layout and the version returns to the
   * Frequent tier (its restore record and index row cleared in the same commit), conditional on
   * the version still holding the data read, as every tier move is.
   */
  private void restoreTier(RestoreJob job, ObjectVersion v) throws IOException {
    DataLayout back = reencoder.reencode(v.layout(), profiles.apply("INTELLIGENT_TIERING"));
    long lastAccess = v.lastAccessMillis() > 0 ? v.lastAccessMillis() : v.lastModifiedMillis();
    MetadataClient.TierResult r;
    try {
      r = metadata.tierObject(job.getBucket(), v.key(), v.versionId(), dataIds(v.layout()), lastAccess, "FREQUENT",
          back, clock.millis());
    } catch (RuntimeException e) {
      collector.collect(back);
      throw e;
    }
    if (!r.applied()) {
      collector.collect(back); // overwritten meanwhile: the next poll drops the stale row
      return;
    }
    if (r.previousLayout() != null) {
      collector.collect(r.previousLayout());
    }
    completed.incrementAndGet();
    bytesRestored.addAndGet(v.size());
    log.info("restored {}/{} version {} from {} to the Frequent tier ({} bytes, {} tier)", job.getBucket(), job.getKey(),
        job.getVersionId(), v.accessTier(), v.size(), v.restore().tier());
  }

  private static java.util.List<String> dataIds(DataLayout layout) {
    return switch (layout) {
      case DataLayout.Inline in -> java.util.List.of();
      case DataLayout.Segments s -> s.segments().stream().map(io.moraine.metadata.api.Segment::dataId).toList();
    };
  }

  private void expire(RestoreJob job) {
    RestoreReply r = metadata.expireRestore(ExpireRestore.newBuilder().setBucket(job.getBucket()).setKey(job.getKey())
        .setVersionId(job.getVersionId()).setVersionSeq(job.getVersionSeq()).build());
    if (r.getApplied() && r.getObject().getRestore().hasCopy()) {
      collector.collect(Codec.layout(r.getObject().getRestore().getCopy()));
      expired.incrementAndGet();
      log.info("restored copy of {}/{} version {} expired", job.getBucket(), job.getKey(), job.getVersionId());
    }
  }

  private Optional<ObjectVersion> version(RestoreJob job) {
    try {
      return metadata.getObjectVersion(job.getBucket(), job.getKey(), job.getVersionId());
    } catch (MetadataException e) {
      return Optional.empty(); // the bucket is gone
    }
  }

  @Override
  public void close() throws Exception {
    service.close();
  }

  /**
   * The restore families (docs/metrics.md), reported by the active instance only: the index's
   * ongoing restores and kept copies as it last read them, and what it did since it started.
   */
  public static final class Metrics {
    private final java.util.List<RestoreService> sources = new java.util.concurrent.CopyOnWriteArrayList<>();

    public Metrics(io.prometheus.metrics.model.registry.PrometheusRegistry registry) {
      gauge(registry, "moraine_restore_jobs_pending", "restores in progress (copy not made yet), all groups", Counters::pending);
      gauge(registry, "moraine_restore_copies", "restored temporary copies kept (not yet expired), all groups",
          Counters::restored);
      counter(registry, "moraine_restore_completed_total", "restored copies made and committed by this leader",
          Counters::completed);
      counter(registry, "moraine_restore_expired_total", "restored copies removed after their Days by this leader",
          Counters::expired);
      counter(registry, "moraine_restore_bytes_total", "object bytes copied into restored copies by this leader",
          Counters::bytesRestored);
    }

    public void watch(RestoreService s) {
      sources.add(s);
    }

    private void gauge(io.prometheus.metrics.model.registry.PrometheusRegistry registry, String name, String help,
        java.util.function.ToLongFunction<Counters> value) {
      io.prometheus.metrics.core.metrics.GaugeWithCallback.builder().name(name).help(help).labelNames("node_id")
          .callback(cb -> sources.stream().filter(RestoreService::isLeader)
              .forEach(s -> cb.call(value.applyAsLong(s.counters()), s.participantId)))
          .register(registry);
    }

    private void counter(io.prometheus.metrics.model.registry.PrometheusRegistry registry, String name, String help,
        java.util.function.ToLongFunction<Counters> value) {
      io.prometheus.metrics.core.metrics.CounterWithCallback.builder().name(name).help(help).labelNames("node_id")
          .callback(cb -> sources.forEach(s -> cb.call(value.applyAsLong(s.counters()), s.participantId)))
          .register(registry);
    }
  }
}
