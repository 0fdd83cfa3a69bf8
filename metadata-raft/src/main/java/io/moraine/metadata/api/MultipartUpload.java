package io.moraine.metadata.api;

import java.util.SortedMap;

/**
 * An in-progress multipart upload. {@code initiatedMillis} is assigned by the Raft leader; the
 * headers and storage class become the object's on Complete.
 */
public record MultipartUpload(
    String key,
    String uploadId,
    long initiatedMillis,
    String storageClass,
    SortedMap<String, String> headers,
    String ownerAccountId) {}
