package io.moraine.metadata.api;

/** A bucket. {@code createdMillis} is assigned by the Raft leader. */
public record Bucket(String name, String ownerAccountId, String region, long createdMillis) {}
