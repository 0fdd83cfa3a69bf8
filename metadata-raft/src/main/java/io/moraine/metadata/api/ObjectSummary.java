package io.moraine.metadata.api;

/** A listing entry. */
public record ObjectSummary(
    String key, long size, String etag, long lastModifiedMillis, String storageClass, String ownerAccountId) {}
