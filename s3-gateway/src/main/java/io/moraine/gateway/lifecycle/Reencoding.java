package io.moraine.gateway.lifecycle;

import io.moraine.gateway.auth.PayloadMode;
import io.moraine.gateway.auth.VerifiedBody;
import io.moraine.gateway.data.DataCollector;
import io.moraine.gateway.data.ErasureProfile;
import io.moraine.gateway.data.ObjectData;
import io.moraine.gateway.data.ObjectPipe;
import io.moraine.metadata.api.DataLayout;
import io.moraine.metadata.api.MetadataClient;
import io.moraine.metadata.api.ObjectVersion;
import io.moraine.metadata.api.Segment;
import java.io.IOException;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;

/**
 * A lifecycle transition's data path: the version's bytes read (k shards, parity if needed) and
 * written again as one new blob in the target class's erasure profile
 * ({@link ErasureProfile#forStorageClass}), then committed with the metadata tier's conditional
 * {@code transitionObject}. Fault model: a failure before the commit leaves the old version
 * untouched and the new shards are collected; a lost race (overwrite, delete, another
 * transition) is a commit that does not apply, and the new shards are collected; after a commit
 * the old shards are collected. A crash between writing and committing leaves unreferenced shards
 * for repair's garbage collection, as an interrupted PUT does.
 *
 * <p>Not re-encoded here (left for the restore helper's {@code Reencoder}, and counted in the
 * backlog): SSE-S3 objects, whose packages are bound to their blob.
 */
public final class Reencoding implements LifecycleWorker.Transitioner {
  private final MetadataClient metadata;
  private final ObjectData data;
  private final DataCollector collector;
  private final ExecutorService threads;
  private final InstantSource clock;

  public Reencoding(MetadataClient metadata, ObjectData data, DataCollector collector, ExecutorService threads,
      InstantSource clock) {
    this.metadata = metadata;
    this.data = data;
    this.collector = collector;
    this.threads = threads;
    this.clock = clock;
  }

  @Override
  public boolean transition(String bucket, ObjectVersion v, String storageClass, String ruleId) throws IOException {
    if (v.encrypted()) {
      return false;
    }
    List<String> expected = dataIds(v.layout());
    ObjectData.Stored stored;
    try (ObjectPipe pipe = new ObjectPipe(data, bucket, v, threads)) {
      VerifiedBody body = new VerifiedBody(pipe, new PayloadMode.Unsigned(),
          new VerifiedBody.Declared(v.size(), Optional.empty(), Optional.empty(), Optional.empty()));
      stored = data.store(body, v.size(), ErasureProfile.forStorageClass(storageClass), true);
    }
    if (v.partCount() == 0 && !stored.digests().md5Hex().equals(v.etag())) {
      collector.collect(stored.layout());
      throw new IOException("re-encoded " + bucket + "/" + v.key() + " version " + v.versionId() + " has MD5 "
          + stored.digests().md5Hex() + ", its ETag is " + v.etag());
    }
    Optional<DataLayout> previous;
    try {
      previous = metadata.transitionObject(bucket, v.key(), v.versionId(), expected, storageClass, stored.layout(),
          clock.millis(), ruleId);
    } catch (io.moraine.metadata.api.MetadataException e) {
      collector.collect(stored.layout());
      throw e;
    }
    if (previous.isEmpty()) {
      collector.collect(stored.layout()); // the concurrent write won
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
