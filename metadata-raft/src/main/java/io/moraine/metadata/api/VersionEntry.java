package io.moraine.metadata.api;

/** One row of ListObjectVersions: a version or a delete marker; {@code restore} null for none. */
public record VersionEntry(
    String key, String versionId, boolean latest, boolean deleteMarker, long size, String etag,
    long lastModifiedMillis, String storageClass, String ownerAccountId, Restore restore) {

  public VersionEntry(String key, String versionId, boolean latest, boolean deleteMarker, long size, String etag,
      long lastModifiedMillis, String storageClass, String ownerAccountId) {
    this(key, versionId, latest, deleteMarker, size, etag, lastModifiedMillis, storageClass, ownerAccountId, null);
  }
}
