package io.moraine.metadata.api;

/** A bucket. {@code createdMillis} is assigned by the Raft leader. */
public record Bucket(String name, String ownerAccountId, String region, long createdMillis, VersioningStatus versioning) {

  /** A bucket that was never versioned. */
  public Bucket(String name, String ownerAccountId, String region, long createdMillis) {
    this(name, ownerAccountId, region, createdMillis, VersioningStatus.UNVERSIONED);
  }
}
