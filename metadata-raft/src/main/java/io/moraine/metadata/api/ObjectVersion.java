package io.moraine.metadata.api;

import java.util.SortedMap;

/**
 * One version of an object: what a PUT, COPY or Complete commits.
 *
 * @param versionId "null" for objects written while versioning is off or suspended; otherwise
 *     assigned by the metadata tier on commit (callers pass "null")
 * @param etag the quoted-free hex ETag: md5 for single PUTs, "md5-N" for multipart
 * @param lastModifiedMillis assigned by the Raft leader on commit; callers pass 0
 * @param headers stored response headers, sorted: Content-Type, Content-Encoding,
 *     Content-Disposition, Content-Language, Cache-Control, Expires and every x-amz-meta-*
 *     (names lower-cased)
 * @param partCount 0 for single PUTs, N for multipart objects
 * @param deleteMarker a delete marker (no data): only returned by version-aware reads
 * @param partSizes multipart objects: each part's size in order (empty for single PUTs, and for
 *     objects completed before sizes were recorded)
 * @param ownerAccountId the account that owns this version (S3: the writer, unless the bucket's
 *     object ownership says otherwise); empty on a put means the bucket owner
 * @param subresources the version's sub-resources (ACL, tags, ...), stored with it
 * @param encryption how the version's data is encrypted (docs/encryption.md), null for plaintext;
 *     a wire type, as IAM's records are: the gateway's crypto package owns its meaning
 * @param restore archive classes: the restore in progress or the restored copy, null for none
 *     (read-only: a put never carries it, the restore commands set it)
 * @param lastAccessMillis INTELLIGENT_TIERING: the latest recorded read (0: none since written)
 * @param accessTier INTELLIGENT_TIERING: its access tier (FREQUENT, INFREQUENT, ARCHIVE_INSTANT,
 *     ARCHIVE_ACCESS, DEEP_ARCHIVE_ACCESS); "" for other classes (read-only, as restore is)
 */
public record ObjectVersion(
    String key,
    String versionId,
    long size,
    String etag,
    long lastModifiedMillis,
    String storageClass,
    SortedMap<String, String> headers,
    int partCount,
    DataLayout layout,
    boolean deleteMarker,
    java.util.List<Long> partSizes,
    String ownerAccountId,
    Subresources subresources,
    io.moraine.proto.meta.v1.EncryptionRecord encryption,
    Restore restore,
    long lastAccessMillis,
    String accessTier) {

  public ObjectVersion(String key, String versionId, long size, String etag, long lastModifiedMillis,
      String storageClass, SortedMap<String, String> headers, int partCount, DataLayout layout, boolean deleteMarker,
      java.util.List<Long> partSizes, String ownerAccountId, Subresources subresources,
      io.moraine.proto.meta.v1.EncryptionRecord encryption, Restore restore) {
    this(key, versionId, size, etag, lastModifiedMillis, storageClass, headers, partCount, layout, deleteMarker,
        partSizes, ownerAccountId, subresources, encryption, restore, 0, "");
  }

  public ObjectVersion(String key, String versionId, long size, String etag, long lastModifiedMillis,
      String storageClass, SortedMap<String, String> headers, int partCount, DataLayout layout, boolean deleteMarker,
      java.util.List<Long> partSizes, String ownerAccountId, Subresources subresources,
      io.moraine.proto.meta.v1.EncryptionRecord encryption) {
    this(key, versionId, size, etag, lastModifiedMillis, storageClass, headers, partCount, layout, deleteMarker,
        partSizes, ownerAccountId, subresources, encryption, null);
  }

  public ObjectVersion(String key, String versionId, long size, String etag, long lastModifiedMillis,
      String storageClass, SortedMap<String, String> headers, int partCount, DataLayout layout, boolean deleteMarker,
      java.util.List<Long> partSizes, String ownerAccountId, Subresources subresources) {
    this(key, versionId, size, etag, lastModifiedMillis, storageClass, headers, partCount, layout, deleteMarker,
        partSizes, ownerAccountId, subresources, null);
  }

  public ObjectVersion {
    partSizes = java.util.List.copyOf(partSizes);
    ownerAccountId = ownerAccountId == null ? "" : ownerAccountId;
    subresources = subresources == null ? Subresources.NONE : subresources;
    accessTier = accessTier == null ? "" : accessTier;
  }

  public ObjectVersion(String key, String versionId, long size, String etag, long lastModifiedMillis,
      String storageClass, SortedMap<String, String> headers, int partCount, DataLayout layout, boolean deleteMarker,
      java.util.List<Long> partSizes) {
    this(key, versionId, size, etag, lastModifiedMillis, storageClass, headers, partCount, layout, deleteMarker,
        partSizes, "", Subresources.NONE);
  }

  public ObjectVersion withOwner(String owner) {
    return new ObjectVersion(key, versionId, size, etag, lastModifiedMillis, storageClass, headers, partCount, layout,
        deleteMarker, partSizes, owner, subresources, encryption, restore, lastAccessMillis, accessTier);
  }

  public ObjectVersion withSubresources(Subresources s) {
    return new ObjectVersion(key, versionId, size, etag, lastModifiedMillis, storageClass, headers, partCount, layout,
        deleteMarker, partSizes, ownerAccountId, s, encryption, restore, lastAccessMillis, accessTier);
  }

  public ObjectVersion withEncryption(io.moraine.proto.meta.v1.EncryptionRecord e) {
    return new ObjectVersion(key, versionId, size, etag, lastModifiedMillis, storageClass, headers, partCount, layout,
        deleteMarker, partSizes, ownerAccountId, subresources, e, restore, lastAccessMillis, accessTier);
  }

  public boolean encrypted() {
    return encryption != null;
  }

  public static final String NULL_VERSION = "null";

  /** An object version that is not a delete marker. */
  public ObjectVersion(String key, String versionId, long size, String etag, long lastModifiedMillis,
      String storageClass, SortedMap<String, String> headers, int partCount, DataLayout layout) {
    this(key, versionId, size, etag, lastModifiedMillis, storageClass, headers, partCount, layout, false,
        java.util.List.of(), "", Subresources.NONE);
  }
}
