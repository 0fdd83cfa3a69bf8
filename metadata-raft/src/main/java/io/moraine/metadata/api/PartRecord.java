package io.moraine.metadata.api;

/** An uploaded part: its md5 ETag (hex, unquoted), size and where its bytes live. */
public record PartRecord(int partNumber, long size, String etag, long lastModifiedMillis, DataLayout layout) {}
