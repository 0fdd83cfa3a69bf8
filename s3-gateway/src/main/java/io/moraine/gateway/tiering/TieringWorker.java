package io.moraine.gateway.tiering;

import io.moraine.gateway.data.DataCollector;
import io.moraine.gateway.data.ErasureProfile;
import io.moraine.gateway.data.Reencoder;
import io.moraine.gateway.tagging.Tags;
import io.moraine.metadata.api.Bucket;
import io.moraine.metadata.api.DataLayout;
import io.moraine.metadata.api.DayScale;
import io.moraine.metadata.api.MetadataClient;
import io.moraine.metadata.api.MetadataException;
import io.moraine.metadata.api.ObjectVersion;
import io.moraine.metadata.api.Segment;
import io.moraine.metadata.api.VersionEntry;
import io.moraine.metadata.api.VersionListPage;
import io.moraine.metadata.api.VersionListRequest;
import io.moraine.proto.config.v1.IntelligentTieringConfiguration;
import java.io.IOException;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One tiering pass (docs/storage-classes.md): walks every bucket's versions, and for each
 * INTELLIGENT_TIERING one asks {@link TieringPolicy} which access tier it is due for at the
 * injected clock's now. Frequent / Infrequent / Archive Instant moves only change the record;
 * a move into Archive Access or Deep Archive Access first re-encodes the data into the GLACIER /
 * DEEP_ARCHIVE profile through {@link Reencoder} (as lifecycle transitions do). Every move is the
 * metadata tier's conditional {@code TierObject}: a read or an overwrite since the listing wins
 * (the re-encoded copy is then collected). Run by the launcher's {@code role.TieringService} in the
 * one gateway holding {@code /moraine/services/tiering/leader}. No cursor is kept: a new leader
 * starts a new pass, and what a pass redoes is no longer due.
 */
public final class TieringWorker {
  private static final Logger log = LoggerFactory.getLogger(TieringWorker.class);
  private static final int PAGE = 1000;

  /** What one pass did. */
  public record Pass(long evaluated, long toInfrequent, long toArchiveInstant, long toArchiveAccess,
      long toDeepArchiveAccess, long notApplied, long failed) {
    public long moved() {
      return toInfrequent + toArchiveInstant + toArchiveAccess + toDeepArchiveAccess;
    }
  }

  private final MetadataClient metadata;
  private final Reencoder reencoder;
  private final Function<String, ErasureProfile> profiles;
  private final DataCollector collector;
  private final InstantSource clock;
  private final DayScale scale;

  public TieringWorker(MetadataClient metadata, Reencoder reencoder, Function<String, ErasureProfile> profiles,
      DataCollector collector, InstantSource clock, DayScale scale) {
    this.metadata = metadata;
    this.reencoder = reencoder;
    this.profiles = profiles;
    this.collector = collector;
    this.clock = clock;
    this.scale = scale;
  }

  public DayScale dayScale() {
    return scale;
  }

  /** Runs one pass; stops early when {@code keepGoing} turns false (leadership lost). */
  public Pass pass(BooleanSupplier keepGoing) {
    long[] c = new long[7];
    List<Bucket> buckets = new ArrayList<>(metadata.listAllBuckets());
    buckets.sort(Comparator.comparing(Bucket::name));
    for (Bucket b : buckets) {
      if (!keepGoing.getAsBoolean()) {
        break;
      }
      try {
        bucket(b.name(), c, keepGoing);
      } catch (MetadataException e) {
        log.info("tiering: bucket {} changed during the walk ({}); the next pass retries", b.name(), e.toString());
      }
    }
    return new Pass(c[0], c[1], c[2], c[3], c[4], c[5], c[6]);
  }

  private void bucket(String bucket, long[] c, BooleanSupplier keepGoing) {
    List<IntelligentTieringConfiguration> configs = metadata.getBucketConfigs(bucket).configs()
        .get(TieringRules.KIND).map(TieringRules::decode).map(x -> x.getConfigurationsList())
        .orElse(List.of());
    boolean needTags = TieringPolicy.needsTags(configs);
    String keyMarker = "";
    String versionMarker = "";
    while (keepGoing.getAsBoolean()) {
      VersionListPage page = metadata.listObjectVersions(bucket, new VersionListRequest("", "", keyMarker, versionMarker,
          PAGE));
      for (VersionEntry e : page.versions()) {
        if (e.deleteMarker() || !"INTELLIGENT_TIERING".equals(e.storageClass())
            || e.size() < TieringPolicy.MIN_MONITORED_BYTES) {
          continue;
        }
        c[0]++;
        try {
          version(bucket, e, configs, needTags, c);
        } catch (RuntimeException | IOException ex) {
          c[6]++;
          log.warn("tiering: {}/{} version {} not moved; a later pass retries: {}", bucket, e.key(), e.versionId(),
              ex.toString());
        }
      }
      if (!page.truncated()) {
        return;
      }
      keyMarker = page.nextKeyMarker();
      versionMarker = page.nextVersionIdMarker() == null ? "" : page.nextVersionIdMarker();
    }
  }

  private void version(String bucket, VersionEntry e, List<IntelligentTieringConfiguration> configs, boolean needTags,
      long[] c) throws IOException {
    Optional<ObjectVersion> found = metadata.getObjectVersion(bucket, e.key(), e.versionId());
    if (found.isEmpty() || found.get().deleteMarker() || !"INTELLIGENT_TIERING".equals(found.get().storageClass())) {
      return;
    }
    ObjectVersion v = found.get();
    if (v.restore() != null && v.restore().ongoing()) {
      return; // being restored: the restore service owns it now
    }
    Map<String, String> tags = needTags
        ? v.subresources().get(Tags.KIND).map(Tags::decode).orElse(Map.of()) : Map.of();
    long lastAccess = v.lastAccessMillis() > 0 ? v.lastAccessMillis() : v.lastModifiedMillis();
    String current = v.accessTier().isEmpty() ? "FREQUENT" : v.accessTier();
    String target = TieringPolicy.due(current, v.size(), lastAccess, clock.millis(), scale,
        TieringPolicy.archiveDays(configs, v.key(), tags));
    if (target.equals(current)) {
      return;
    }
    boolean reencode = !TieringPolicy.layoutClass(target).equals(TieringPolicy.layoutClass(current));
    DataLayout copy = reencode ? reencoder.reencode(v.layout(), profiles.apply(TieringPolicy.layoutClass(target))) : null;
    MetadataClient.TierResult reply;
    try {
      reply = metadata.tierObject(bucket, v.key(), v.versionId(), dataIds(v.layout()), lastAccess, target, copy,
          clock.millis());
    } catch (RuntimeException ex) {
      if (copy != null) {
        collector.collect(copy); // refused or outcome unknown: as lifecycle's Reencoding does
      }
      throw ex;
    }
    if (!reply.applied()) {
      c[5]++;
      if (copy != null) {
        collector.collect(copy); // a read or an overwrite won
      }
      return;
    }
    if (reply.previousLayout() != null) {
      collector.collect(reply.previousLayout());
    }
    log.info("tiering: {}/{} version {} {} -> {}", bucket, v.key(), v.versionId(), current, target);
    switch (target) {
      case "INFREQUENT" -> c[1]++;
      case "ARCHIVE_INSTANT" -> c[2]++;
      case "ARCHIVE_ACCESS" -> c[3]++;
      default -> c[4]++;
    }
  }

  static List<String> dataIds(DataLayout layout) {
    return switch (layout) {
      case DataLayout.Inline in -> List.of();
      case DataLayout.Segments s -> s.segments().stream().map(Segment::dataId).toList();
    };
  }
}
