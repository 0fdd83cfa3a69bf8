package io.moraine.metadata.api;

/** A listing entry; {@code restore} is the archived object's restore (null for none). */
public record ObjectSummary(
    String key, long size, String etag, long lastModifiedMillis, String storageClass, String ownerAccountId,
    Restore restore) {

  public ObjectSummary(String key, long size, String etag, long lastModifiedMillis, String storageClass,
      String ownerAccountId) {
    this(key, size, etag, lastModifiedMillis, storageClass, ownerAccountId, null);
  }
}
