package io.moraine.metadata.api;

/** An account (S3 owner). {@code accountId} is the canonical id shown as Owner/ID. */
public record Account(String accountId, String userName, long createdMillis) {}
