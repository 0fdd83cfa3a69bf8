package io.moraine.gateway.lifecycle;

import io.moraine.gateway.data.DataCollector;
import io.moraine.gateway.data.ErasureProfile;
import io.moraine.gateway.data.Reencoder;
import io.moraine.metadata.api.DataLayout;
import io.moraine.metadata.api.MetadataClient;
import io.moraine.metadata.api.ObjectVersion;
import io.moraine.metadata.api.Segment;
import java.io.IOException;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * A lifecycle transition's data path: the version's stored bytes copied by the gateway's
 * {@link Reencoder} (segment by segment, sealed SSE-S3 packages as they are) into blobs of the
 * target class's erasure profile (the gateway's topology-checked {@code profile(class)}), then
 * committed with the metadata tier's conditional {@code transitionObject}. Fault model: a failed
 * re-encode commits nothing and leaves no garbage it knows of (Reencoder's contract); a lost race
 * (overwrite, delete, another transition) is a commit that does not apply, and the new blobs are
 * collected; after a commit the old ones are. A crash between copying and committing leaves
 * unreferenced shards for repair's garbage collection, as an interrupted PUT does.
 */
public final class Reencoding implements LifecycleWorker.Transitioner {
  private final MetadataClient metadata;
  private final Reencoder reencoder;
  private final Function<String, ErasureProfile> profiles;
  private final DataCollector collector;
  private final InstantSource clock;

  public Reencoding(MetadataClient metadata, Reencoder reencoder, Function<String, ErasureProfile> profiles,
      DataCollector collector, InstantSource clock) {
    this.metadata = metadata;
    this.reencoder = reencoder;
    this.profiles = profiles;
    this.collector = collector;
    this.clock = clock;
  }

  @Override
  public boolean transition(String bucket, ObjectVersion v, String storageClass, String ruleId) throws IOException {
    List<String> expected = dataIds(v.layout());
    DataLayout copy = reencoder.reencode(v.layout(), profiles.apply(storageClass));
    Optional<DataLayout> previous;
    try {
      previous = metadata.transitionObject(bucket, v.key(), v.versionId(), expected, storageClass, copy, clock.millis(),
          ruleId);
    } catch (RuntimeException e) {
      collector.collect(copy); // refused (no such bucket) or outcome unknown: see the class comment
      throw e;
    }
    if (previous.isEmpty()) {
      collector.collect(copy); // the concurrent write won
      return false;
    }
    collector.collect(previous.get());
    return true;
  }

  static List<String> dataIds(DataLayout layout) {
    return switch (layout) {
      case DataLayout.Inline in -> List.of();
      case DataLayout.Segments s -> s.segments().stream().map(Segment::dataId).toList();
    };
  }
}
