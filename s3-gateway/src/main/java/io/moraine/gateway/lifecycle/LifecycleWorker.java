package io.moraine.gateway.lifecycle;

import io.moraine.gateway.data.DataCollector;
import io.moraine.gateway.tagging.Tags;
import io.moraine.metadata.api.Bucket;
import io.moraine.metadata.api.DayScale;
import io.moraine.metadata.api.DeleteResult;
import io.moraine.metadata.api.MetadataClient;
import io.moraine.metadata.api.MetadataException;
import io.moraine.metadata.api.MultipartUpload;
import io.moraine.metadata.api.ObjectVersion;
import io.moraine.metadata.api.UploadListPage;
import io.moraine.metadata.api.VersionEntry;
import io.moraine.metadata.api.VersionListPage;
import io.moraine.metadata.api.VersionListRequest;
import io.moraine.proto.config.v1.LifecycleConfiguration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One lifecycle pass: walks every bucket that has a lifecycle configuration (in name order), every
 * key's versions (in key order) and every upload in progress, asks {@link LifecycleEvaluator} what
 * is due at the injected clock's now and applies it through the metadata tier. Run by the launcher's
 * {@code role.LifecycleService} in the one gateway that holds the lifecycle leadership.
 *
 * <p>Fault model: every action is one metadata commit, so a crash leaves each action done or not;
 * the walk checkpoints its cursor (bucket, last finished key) every {@value #CHECKPOINT_KEYS} keys
 * through {@code checkpoint}, and a successor resumes after it (a key redone is harmless: what was
 * applied is no longer due). Deletions go through the metadata tier's {@code lifecycleDelete}
 * (marked as lifecycle actions in the log) and transitions through {@code transitionObject}, both
 * applied only while the version evaluated is still as it was, so a concurrent client write
 * always wins. Data of removed versions is handed to the
 * {@link DataCollector}, as a client delete's is.
 */
public final class LifecycleWorker {
  private static final Logger log = LoggerFactory.getLogger(LifecycleWorker.class);
  static final int CHECKPOINT_KEYS = 200;
  private static final int PAGE = 1000;

  /** Re-encodes a version into another class, conditionally; false when it lost a race. */
  public interface Transitioner {
    boolean transition(String bucket, ObjectVersion version, String storageClass, String ruleId)
        throws java.io.IOException;
  }

  private final MetadataClient metadata;
  private final DataCollector collector;
  private final DayScale scale;
  private final InstantSource clock;
  private final Optional<Transitioner> transitioner;

  public LifecycleWorker(MetadataClient metadata, DataCollector collector, DayScale scale, InstantSource clock,
      Optional<Transitioner> transitioner) {
    this.metadata = metadata;
    this.collector = collector;
    this.scale = scale;
    this.clock = clock;
    this.transitioner = transitioner;
  }

  public DayScale dayScale() {
    return scale;
  }

  /**
   * Runs (the rest of) a pass from {@code start}'s cursor; returns the progress after it. Stops
   * early, with the cursor where it stood, when {@code keepGoing} turns false (leadership lost).
   */
  public LifecycleProgress pass(LifecycleProgress start, String leader, Consumer<LifecycleProgress> checkpoint,
      BooleanSupplier keepGoing) {
    LifecycleProgress p = start.withCursor(leader, start.cursorBucket(), start.cursorKey());
    long notApplied = 0;
    List<Bucket> buckets = new ArrayList<>(metadata.listAllBuckets());
    buckets.sort(Comparator.comparing(Bucket::name));
    for (Bucket b : buckets) {
      if (b.name().compareTo(p.cursorBucket()) < 0) {
        continue;
      }
      if (!keepGoing.getAsBoolean()) {
        return p;
      }
      String resumeAfter = b.name().equals(p.cursorBucket()) ? p.cursorKey() : "";
      Optional<LifecycleConfiguration> config;
      try {
        config = metadata.getBucketConfigs(b.name()).configs().get(LifecycleRules.KIND).map(LifecycleRules::decode);
      } catch (MetadataException e) {
        continue; // deleted meanwhile
      }
      if (config.isPresent()) {
        BucketWalk walk = new BucketWalk(b.name(), config.get(), leader, p, checkpoint, keepGoing);
        try {
          if (resumeAfter.isEmpty()) {
            walk.uploads();
          }
          walk.versions(resumeAfter);
        } catch (MetadataException e) {
          log.info("lifecycle: bucket {} changed during the walk ({}); the next pass retries", b.name(), e.toString());
        }
        p = walk.progress();
        notApplied += walk.notApplied;
        if (!keepGoing.getAsBoolean()) {
          return p;
        }
      }
      // Bucket done: "name\0" sorts after the name and before every longer name (no bucket name has a NUL).
      p = p.withCursor(leader, b.name() + "\0", "");
      checkpoint.accept(p);
    }
    p = p.passDone(notApplied, clock.millis());
    checkpoint.accept(p);
    return p;
  }

  /** One bucket's part of a pass. */
  private final class BucketWalk {
    final String bucket;
    final LifecycleConfiguration config;
    final String leader;
    final Consumer<LifecycleProgress> checkpoint;
    final BooleanSupplier keepGoing;
    final boolean needTags;
    LifecycleProgress progress;
    LifecycleProgress.Counts counts = new LifecycleProgress.Counts();
    long notApplied;
    int sinceCheckpoint;

    BucketWalk(String bucket, LifecycleConfiguration config, String leader, LifecycleProgress progress,
        Consumer<LifecycleProgress> checkpoint, BooleanSupplier keepGoing) {
      this.bucket = bucket;
      this.config = config;
      this.leader = leader;
      this.progress = progress;
      this.checkpoint = checkpoint;
      this.keepGoing = keepGoing;
      this.needTags = config.getRulesList().stream().anyMatch(r -> r.getFilter().getTagsCount() > 0);
    }

    LifecycleProgress progress() {
      flush(progress.cursorBucket(), progress.cursorKey());
      return progress;
    }

    void flush(String cursorBucket, String cursorKey) {
      notApplied += counts.notApplied;
      progress = progress.plus(counts).withCursor(leader, cursorBucket, cursorKey);
      counts = new LifecycleProgress.Counts();
    }

    void uploads() {
      boolean anyAbort = config.getRulesList().stream().anyMatch(r -> r.getEnabled() && r.getAbortDaysAfterInitiation() > 0);
      if (!anyAbort) {
        return;
      }
      String keyMarker = "";
      String uploadMarker = "";
      while (keepGoing.getAsBoolean()) {
        UploadListPage page = metadata.listMultipartUploads(bucket, "", "", keyMarker, uploadMarker, PAGE);
        long now = clock.millis();
        for (MultipartUpload u : page.uploads()) {
          counts.evaluated++;
          if (LifecycleEvaluator.abortRule(config, u.key(), u.initiatedMillis(), now, scale).isPresent()) {
            try {
              metadata.abortMultipartUpload(bucket, u.key(), u.uploadId()).forEach(part -> collector.collect(part.layout()));
              counts.aborted++;
            } catch (MetadataException e) {
              // completed or aborted meanwhile: nothing left to do
            }
          }
        }
        if (!page.truncated()) {
          return;
        }
        keyMarker = page.nextKeyMarker();
        uploadMarker = page.nextUploadIdMarker();
      }
    }

    void versions(String resumeAfter) {
      String keyMarker = resumeAfter;
      String versionMarker = "";
      String pendingKey = null;
      List<VersionEntry> pending = new ArrayList<>();
      while (keepGoing.getAsBoolean()) {
        VersionListPage page = metadata.listObjectVersions(bucket,
            new VersionListRequest("", "", keyMarker, versionMarker, PAGE));
        for (VersionEntry v : page.versions()) {
          if (!v.key().equals(pendingKey)) {
            if (pendingKey != null) {
              key(pendingKey, pending);
            }
            pendingKey = v.key();
            pending = new ArrayList<>();
          }
          pending.add(v);
        }
        if (!page.truncated()) {
          break;
        }
        keyMarker = page.nextKeyMarker();
        versionMarker = page.nextVersionIdMarker() == null ? "" : page.nextVersionIdMarker();
      }
      if (pendingKey != null && keepGoing.getAsBoolean()) {
        key(pendingKey, pending);
      }
    }

    /** Evaluates and applies one key's versions (newest first, as ListObjectVersions gives them). */
    void key(String key, List<VersionEntry> entries) {
      List<LifecycleEvaluator.Version> versions = new ArrayList<>(entries.size());
      for (VersionEntry e : entries) {
        Map<String, String> tags = Map.of();
        if (needTags && !e.deleteMarker()) {
          tags = metadata.getObjectVersion(bucket, key, e.versionId())
              .flatMap(v -> v.subresources().get(Tags.KIND)).map(Tags::decode).orElse(Map.of());
        }
        versions.add(new LifecycleEvaluator.Version(e.versionId(), e.deleteMarker(), e.size(), e.lastModifiedMillis(),
            e.storageClass(), tags));
      }
      counts.evaluated += versions.size();
      for (LifecycleEvaluator.Action a : LifecycleEvaluator.evaluate(config, key, versions, clock.millis(), scale)) {
        try {
          if (!apply(key, entries, a)) {
            counts.notApplied++;
          }
        } catch (RuntimeException | java.io.IOException e) {
          counts.failed++;
          counts.notApplied++;
          log.warn("lifecycle: {} of {}/{} failed; a later pass retries: {}", a, bucket, key, e.toString());
        }
      }
      if (++sinceCheckpoint >= CHECKPOINT_KEYS) {
        sinceCheckpoint = 0;
        flush(bucket, key);
        checkpoint.accept(progress);
      }
    }

    boolean apply(String key, List<VersionEntry> entries, LifecycleEvaluator.Action a) throws java.io.IOException {
      switch (a) {
        case LifecycleEvaluator.Action.ExpireCurrent e -> {
          VersionEntry evaluated = entries.get(0);
          Optional<DeleteResult> d = metadata.lifecycleDelete(bucket, key, null, evaluated.versionId(),
              evaluated.lastModifiedMillis(), evaluated.etag(), e.ruleId(), 1);
          if (d.isEmpty()) {
            return false; // overwritten or deleted since the listing: the newer write wins
          }
          d.get().removed().ifPresent(v -> collector.collect(v.layout()));
          counts.expired++;
          return true;
        }
        case LifecycleEvaluator.Action.ExpireNoncurrent e -> {
          VersionEntry evaluated = entry(entries, e.versionId());
          Optional<DeleteResult> d = metadata.lifecycleDelete(bucket, key, e.versionId(), e.versionId(),
              evaluated.lastModifiedMillis(), evaluated.etag(), e.ruleId(), 2);
          if (d.isEmpty()) {
            return false;
          }
          d.get().removed().ifPresent(v -> collector.collect(v.layout()));
          counts.noncurrentExpired++;
          return true;
        }
        case LifecycleEvaluator.Action.RemoveExpiredDeleteMarker e -> {
          VersionEntry evaluated = entries.get(0);
          if (metadata.lifecycleDelete(bucket, key, e.versionId(), e.versionId(), evaluated.lastModifiedMillis(),
              evaluated.etag(), e.ruleId(), 3).isEmpty()) {
            return false;
          }
          counts.markersRemoved++;
          return true;
        }
        case LifecycleEvaluator.Action.Transition t -> {
          if (transitioner.isEmpty()) {
            return false;
          }
          Optional<ObjectVersion> v = metadata.getObjectVersion(bucket, key, t.versionId());
          if (v.isEmpty() || v.get().deleteMarker()) {
            return false;
          }
          if (!v.get().storageClass().equals(entries.stream().filter(e -> e.versionId().equals(t.versionId()))
              .findFirst().map(VersionEntry::storageClass).orElse(""))) {
            return false; // moved meanwhile
          }
          if (!transitioner.get().transition(bucket, v.get(), t.storageClass(), t.ruleId())) {
            return false;
          }
          counts.transitioned++;
          return true;
        }
      }
    }
  }

  private static VersionEntry entry(List<VersionEntry> entries, String versionId) {
    return entries.stream().filter(e -> e.versionId().equals(versionId)).findFirst()
        .orElseThrow(() -> new IllegalStateException("evaluated version " + versionId + " not among the listed ones"));
  }
}
