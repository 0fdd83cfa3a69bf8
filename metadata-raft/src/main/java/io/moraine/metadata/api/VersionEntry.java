package io.moraine.metadata.api;

/** One row of ListObjectVersions: a version or a delete marker. */
public record VersionEntry(
    String key, String versionId, boolean latest, boolean deleteMarker, long size, String etag,
    long lastModifiedMillis, String storageClass, String ownerAccountId) {}
