package io.moraine.repair;

import io.moraine.metadata.api.Bucket;
import io.moraine.metadata.api.DataLayout;
import io.moraine.metadata.api.ListPage;
import io.moraine.metadata.api.ListRequest;
import io.moraine.metadata.api.MetadataClient;
import io.moraine.metadata.api.MetadataException;
import io.moraine.metadata.api.ObjectSummary;
import io.moraine.metadata.api.ObjectVersion;
import io.moraine.metadata.api.Segment;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;

/**
 * One walk over every object's current version (every bucket in name order, keys in order),
 * handing each segment to the {@link SegmentRepairer}. The walk starts after a cursor (bucket,
 * key) and reports its position as it goes, so a new leader resumes where the old one stopped.
 *
 * <p>Not yet walked (issue 5 follow-ups): noncurrent versions and parts of uploads in progress.
 */
final class RepairPass {
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

  /** An object being repaired; reported done (cursor) only after every object before it is. */
  private record Pending(String bucket, String key, Future<PassStats> stats) {}

  /**
   * Walks from after (startBucket, startKey) to the end; returns false when {@code keepGoing}
   * turned false first (leadership lost, service closing). {@code position} receives each
   * object's (bucket, key) once it and every object before it are done, so a saved cursor never
   * skips an object still in progress.
   */
  boolean run(String startBucket, String startKey, ScrubPacer scrub, PassStats stats, BooleanSupplier keepGoing,
      BiConsumer<String, String> position) throws InterruptedException {
    ArrayDeque<Pending> window = new ArrayDeque<>();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      try {
        for (Bucket bucket : meta.listAllBuckets()) {
          if (!startBucket.isEmpty() && bucket.name().compareTo(startBucket) < 0) {
            continue;
          }
          String after = bucket.name().equals(startBucket) ? startKey : "";
          while (true) {
            ListPage page;
            try {
              page = meta.listObjects(bucket.name(), new ListRequest("", "", after, 1000));
            } catch (MetadataException gone) {
              break; // bucket deleted since listAllBuckets
            }
            for (ObjectSummary summary : page.contents()) {
              if (!keepGoing.getAsBoolean()) {
                drain(window, 0, stats, position);
                return false;
              }
              String name = bucket.name();
              window.add(new Pending(name, summary.key(), pool.submit(() -> repairObject(name, summary.key(), scrub))));
              drain(window, parallelism - 1, stats, position);
            }
            if (!page.truncated()) {
              break;
            }
            after = page.nextMarker();
          }
        }
        drain(window, 0, stats, position);
        return true;
      } finally {
        window.forEach(p -> p.stats().cancel(true));
      }
    }
  }

  private PassStats repairObject(String bucket, String key, ScrubPacer scrub) throws InterruptedException {
    PassStats local = new PassStats();
    Optional<ObjectVersion> version;
    try {
      version = meta.getObject(bucket, key);
    } catch (MetadataException gone) {
      version = Optional.empty();
    }
    if (version.isPresent() && version.get().layout() instanceof DataLayout.Segments segments) {
      for (Segment segment : segments.segments()) {
        repairer.repair(bucket, version.get(), segment, scrub, local);
      }
    }
    return local;
  }

  /** Completes the oldest pending objects until at most {@code keep} remain. */
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
      position.accept(head.bucket(), head.key());
    }
  }
}
