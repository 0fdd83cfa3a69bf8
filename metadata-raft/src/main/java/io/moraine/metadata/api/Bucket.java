package io.moraine.metadata.api;

/**
 * A bucket. {@code createdMillis} is assigned by the Raft leader.
 *
 * @param generation moves on every change to the bucket row or any of its sub-resources; a
 *     cache of sub-resources is current while the generation it was read at is unchanged, and a
 *     conditional sub-resource change names the generation it validated against
 * @param mfaDelete MFA delete is enabled on the bucket's versioning configuration
 */
public record Bucket(String name, String ownerAccountId, String region, long createdMillis, VersioningStatus versioning,
    long generation, boolean mfaDelete) {

  /** A bucket that was never versioned. */
  public Bucket(String name, String ownerAccountId, String region, long createdMillis) {
    this(name, ownerAccountId, region, createdMillis, VersioningStatus.UNVERSIONED, 0, false);
  }

  public Bucket(String name, String ownerAccountId, String region, long createdMillis, VersioningStatus versioning) {
    this(name, ownerAccountId, region, createdMillis, versioning, 0, false);
  }
}
