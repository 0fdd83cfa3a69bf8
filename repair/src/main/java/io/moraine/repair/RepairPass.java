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
import java.util.Optional;
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

  RepairPass(MetadataClient meta, SegmentRepairer repairer) {
    this.meta = meta;
    this.repairer = repairer;
  }

  /**
   * Walks from after (startBucket, startKey) to the end; returns false when {@code keepGoing}
   * turned false first (leadership lost, service closing). {@code position} receives each
   * object's (bucket, key) once it is done.
   */
  boolean run(String startBucket, String startKey, ScrubPacer scrub, PassStats stats, BooleanSupplier keepGoing,
      BiConsumer<String, String> position) throws InterruptedException {
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
            return false;
          }
          Optional<ObjectVersion> version;
          try {
            version = meta.getObject(bucket.name(), summary.key());
          } catch (MetadataException gone) {
            version = Optional.empty();
          }
          if (version.isPresent() && version.get().layout() instanceof DataLayout.Segments segments) {
            for (Segment segment : segments.segments()) {
              repairer.repair(bucket.name(), version.get(), segment, scrub, stats);
            }
          }
          position.accept(bucket.name(), summary.key());
        }
        if (!page.truncated()) {
          break;
        }
        after = page.nextMarker();
      }
    }
    return true;
  }
}
