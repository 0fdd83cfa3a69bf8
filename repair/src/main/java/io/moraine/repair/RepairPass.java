package io.moraine.repair;

import io.moraine.metadata.api.Bucket;
import io.moraine.metadata.api.DataLayout;
import io.moraine.metadata.api.ListPage;
import io.moraine.metadata.api.ListRequest;
import io.moraine.metadata.api.MetadataClient;
import io.moraine.metadata.api.MetadataError;
import io.moraine.metadata.api.MetadataException;
import io.moraine.metadata.api.ObjectSummary;
import io.moraine.metadata.api.ObjectVersion;
import io.moraine.metadata.api.MultipartUpload;
import io.moraine.metadata.api.PartRecord;
import io.moraine.metadata.api.Segment;
import io.moraine.metadata.api.UploadListPage;
import io.moraine.metadata.api.VersionEntry;
import io.moraine.metadata.api.VersionListPage;
import io.moraine.metadata.api.VersionListRequest;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;

/**
 * One walk over every manifest: per bucket (in name order) the current version of every key (in
 * key order), then the noncurrent versions (ListObjectVersions; delete markers hold no data), then
 * the parts of every upload in progress (ListMultipartUploads + ListParts), handing each segment
 * to the {@link SegmentRepairer}. The walk starts after a cursor (bucket, key) and reports its
 * position as it goes, so a new leader resumes where the old one stopped; the cursor follows the
 * current-version walk only (a takeover mid-bucket repeats that bucket's noncurrent versions and
 * parts, which are few next to the current ones, rather than skipping them).
 */
final class RepairPass {
  private static final int PAGE = 1000;

  private final MetadataClient meta;
  private final SegmentRepairer repairer;
  private final int parallelism;

  /** {@code parallelism}: objects repaired at once (each reads k shards and writes some). */
  RepairPass(MetadataClient meta, SegmentRepairer repairer, int parallelism) {
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be >= 1, got " + parallelism);
    }
    this.meta = meta;
    this.repairer = repairer;
    this.parallelism = parallelism;
  }

  /**
   * A manifest being repaired; reported done (cursor) only after every one before it is.
   * {@code advancesCursor} is false for noncurrent versions and parts, which the cursor does not track.
   */
  private record Pending(String bucket, String key, boolean advancesCursor, Future<PassStats> stats) {}

  /** What one walk shares between its phases. */
  private final class Walk {
    final ArrayDeque<Pending> window = new ArrayDeque<>();
    final ExecutorService pool;
    final ScrubPacer scrub;
    final PassStats stats;
    final BooleanSupplier keepGoing;
    final BiConsumer<String, String> position;

    Walk(ExecutorService pool, ScrubPacer scrub, PassStats stats, BooleanSupplier keepGoing,
        BiConsumer<String, String> position) {
      this.pool = pool;
      this.scrub = scrub;
      this.stats = stats;
      this.keepGoing = keepGoing;
      this.position = position;
    }

    /** Queues one manifest's repair; false when the walk must stop (window drained first). */
    boolean submit(String bucket, String key, boolean advancesCursor, Callable<PassStats> work)
        throws InterruptedException {
      if (!keepGoing.getAsBoolean()) {
        drain(window, 0, stats, position);
        return false;
      }
      window.add(new Pending(bucket, key, advancesCursor, pool.submit(work)));
      drain(window, parallelism - 1, stats, position);
      return true;
    }
  }

  /**
   * Walks from after (startBucket, startKey) to the end; returns false when {@code keepGoing}
   * turned false first (leadership lost, service closing). {@code position} receives each
   * object's (bucket, key) once it and every object before it are done, so a saved cursor never
   * skips an object still in progress.
   */
  boolean run(String startBucket, String startKey, ScrubPacer scrub, PassStats stats, BooleanSupplier keepGoing,
      BiConsumer<String, String> position) throws InterruptedException {
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      Walk walk = new Walk(pool, scrub, stats, keepGoing, position);
      try {
        for (Bucket bucket : meta.listAllBuckets()) {
          if (!startBucket.isEmpty() && bucket.name().compareTo(startBucket) < 0) {
            continue;
          }
          String after = bucket.name().equals(startBucket) ? startKey : "";
          try {
            if (!walkCurrent(walk, bucket.name(), after) || !walkNoncurrent(walk, bucket.name())
                || !walkUploads(walk, bucket.name())) {
              return false;
            }
          } catch (MetadataException e) {
            // A bucket deleted since listAllBuckets has nothing left to repair (it was empty). Any
            // other failure leaves manifests unseen: GC must not trust this walk.
            if (e.error() != MetadataError.NO_SUCH_BUCKET || bucketExists(bucket.name())) {
              repairer.walkIncomplete("bucket " + bucket.name() + ": " + e.getMessage());
            }
          }
        }
        drain(walk.window, 0, stats, position);
        return true;
      } finally {
        walk.window.forEach(p -> p.stats().cancel(true));
      }
    }
  }

  private boolean walkCurrent(Walk walk, String bucket, String after) throws InterruptedException {
    while (true) {
      ListPage page = meta.listObjects(bucket, new ListRequest("", "", after, PAGE));
      for (ObjectSummary summary : page.contents()) {
        if (!walk.submit(bucket, summary.key(), true, () -> repairVersion(bucket, summary.key(), null, walk.scrub))) {
          return false;
        }
      }
      if (!page.truncated()) {
        return true;
      }
      after = page.nextMarker();
    }
  }

  /** Versions that are not the latest and not delete markers (the latest ones walkCurrent did). */
  private boolean walkNoncurrent(Walk walk, String bucket) throws InterruptedException {
    String keyMarker = "";
    String versionMarker = "";
    while (true) {
      VersionListPage page = meta.listObjectVersions(bucket, new VersionListRequest("", "", keyMarker, versionMarker, PAGE));
      for (VersionEntry v : page.versions()) {
        if (v.latest() || v.deleteMarker()) {
          continue;
        }
        if (!walk.submit(bucket, v.key(), false, () -> repairVersion(bucket, v.key(), v.versionId(), walk.scrub))) {
          return false;
        }
      }
      if (!page.truncated()) {
        return true;
      }
      keyMarker = page.nextKeyMarker();
      versionMarker = page.nextVersionIdMarker() == null ? "" : page.nextVersionIdMarker();
    }
  }

  private boolean walkUploads(Walk walk, String bucket) throws InterruptedException {
    String keyMarker = "";
    String uploadMarker = "";
    while (true) {
      UploadListPage page = meta.listMultipartUploads(bucket, "", "", keyMarker, uploadMarker, PAGE);
      for (MultipartUpload u : page.uploads()) {
        if (!walk.submit(bucket, u.key(), false, () -> repairParts(bucket, u, walk.scrub))) {
          return false;
        }
      }
      if (!page.truncated()) {
        return true;
      }
      keyMarker = page.nextKeyMarker();
      uploadMarker = page.nextUploadIdMarker() == null ? "" : page.nextUploadIdMarker();
    }
  }

  /** {@code versionId} null: the current version. */
  private PassStats repairVersion(String bucket, String key, String versionId, ScrubPacer scrub)
      throws InterruptedException {
    PassStats local = new PassStats();
    Optional<ObjectVersion> version;
    try {
      version = versionId == null ? meta.getObject(bucket, key) : meta.getObjectVersion(bucket, key, versionId);
    } catch (MetadataException e) {
      if (e.error() != MetadataError.NO_SUCH_KEY && e.error() != MetadataError.NO_SUCH_BUCKET) {
        repairer.walkIncomplete(bucket + "/" + key + ": " + e.getMessage());
      }
      version = Optional.empty();
    }
    if (version.isPresent()) {
      SegmentRepairer.Manifest owner = SegmentRepairer.Manifest.version(bucket, version.get());
      for (Segment segment : SegmentRepairer.segmentsOf(version.get())) {
        repairer.repair(owner, segment, scrub, local);
      }
    }
    return local;
  }

  private PassStats repairParts(String bucket, MultipartUpload upload, ScrubPacer scrub) throws InterruptedException {
    PassStats local = new PassStats();
    List<PartRecord> parts;
    try {
      parts = meta.listParts(bucket, upload.key(), upload.uploadId());
    } catch (MetadataException e) {
      // Completed or aborted since the listing: the parts are the object's now, or garbage.
      if (e.error() != MetadataError.NO_SUCH_UPLOAD && e.error() != MetadataError.NO_SUCH_BUCKET) {
        repairer.walkIncomplete(bucket + "/" + upload.key() + " upload " + upload.uploadId() + ": " + e.getMessage());
      }
      return local;
    }
    for (PartRecord part : parts) {
      if (part.layout() instanceof DataLayout.Segments segments) {
        SegmentRepairer.Manifest owner = SegmentRepairer.Manifest.part(bucket, upload.key(), upload.uploadId(),
            part.partNumber());
        for (Segment segment : segments.segments()) {
          repairer.repair(owner, segment, scrub, local);
        }
      }
    }
    return local;
  }

  private boolean bucketExists(String name) {
    return meta.listAllBuckets().stream().anyMatch(b -> b.name().equals(name));
  }

  /** Completes the oldest pending manifests until at most {@code keep} remain. */
  private static void drain(ArrayDeque<Pending> window, int keep, PassStats stats, BiConsumer<String, String> position)
      throws InterruptedException {
    while (window.size() > keep) {
      Pending head = window.poll();
      try {
        stats.add(head.stats().get());
      } catch (ExecutionException e) {
        if (e.getCause() instanceof RuntimeException r) {
          throw r;
        }
        if (e.getCause() instanceof Error err) {
          throw err;
        }
        throw new IllegalStateException("repair of " + head.bucket() + "/" + head.key() + " failed", e.getCause());
      }
      if (head.advancesCursor()) {
        position.accept(head.bucket(), head.key());
      }
    }
  }
}
