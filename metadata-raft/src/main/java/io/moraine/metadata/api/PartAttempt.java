package io.moraine.metadata.api;

/**
 * One UploadPart attempt as begun by {@link MetadataClient#beginPart}: the upload it belongs to
 * and its {@code sequence}, unique within the upload's group and increasing in the order attempts
 * began (the Raft log order), so it is the same answer on every gateway.
 */
public record PartAttempt(MultipartUpload upload, long sequence) {}
