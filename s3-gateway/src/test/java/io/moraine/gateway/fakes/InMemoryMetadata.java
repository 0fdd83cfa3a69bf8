package io.moraine.gateway.fakes;

import io.moraine.metadata.api.MetadataClient;
import io.moraine.metadata.client.RaftMetadataClient;
import io.moraine.metadata.core.MetadataCore;
import io.moraine.metadata.store.MemoryStateStore;
import java.time.InstantSource;

/**
 * A single-process MetadataClient: the real metadata core over a memory store, without Raft, so
 * the gateway's tests run against the same S3 semantics (versioning, listing, multipart checks,
 * IAM) as the cluster. Every call is serialized, as the Raft log would.
 */
public final class InMemoryMetadata {
  /** The per-account bucket limit the cluster defaults to. */
  public static final int DEFAULT_MAX_BUCKETS = 100;

  private InMemoryMetadata() {}

  public static MetadataClient create(InstantSource clock) {
    return create(clock, DEFAULT_MAX_BUCKETS);
  }

  public static MetadataClient create(InstantSource clock, int maxBucketsPerAccount) {
    return RaftMetadataClient.inProcess(new MetadataCore(new MemoryStateStore()), clock, maxBucketsPerAccount);
  }
}
