package io.moraine.metadata.api;

/** One entry of a CompleteMultipartUpload request (etag unquoted hex). */
public record CompletedPart(int partNumber, String etag) {}
