package io.moraine.metadata.api;

import java.util.SortedMap;

/**
 * An in-progress multipart upload. {@code initiatedMillis} is assigned by the Raft leader; the
 * headers, storage class, owner, sub-resources and encryption (null: plaintext) become the object's on Complete.
 */
public record MultipartUpload(
    String key,
    String uploadId,
    long initiatedMillis,
    String storageClass,
    SortedMap<String, String> headers,
    String ownerAccountId,
    Subresources subresources,
    io.moraine.proto.meta.v1.EncryptionRecord encryption) {

  /** Without encryption. */
  public MultipartUpload(String key, String uploadId, long initiatedMillis, String storageClass,
      SortedMap<String, String> headers, String ownerAccountId, Subresources subresources) {
    this(key, uploadId, initiatedMillis, storageClass, headers, ownerAccountId, subresources, null);
  }

  public MultipartUpload {
    subresources = subresources == null ? Subresources.NONE : subresources;
  }

  public MultipartUpload(String key, String uploadId, long initiatedMillis, String storageClass,
      SortedMap<String, String> headers, String ownerAccountId) {
    this(key, uploadId, initiatedMillis, storageClass, headers, ownerAccountId, Subresources.NONE);
  }
}
