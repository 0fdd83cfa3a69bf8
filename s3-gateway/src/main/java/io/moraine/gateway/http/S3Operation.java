package io.moraine.gateway.http;

/**
 * Every request, parsed once into exactly one operation ({@link Router}) and dispatched by one
 * exhaustive switch ({@link S3Handler}). Query-string details each feature reads itself from the
 * request; the record carries what identifies the operation.
 */
public sealed interface S3Operation {

  // ---- service ------------------------------------------------------------------------------
  record ListBuckets() implements S3Operation {}

  // ---- buckets ------------------------------------------------------------------------------
  record CreateBucket(String bucket) implements S3Operation {}
  record HeadBucket(String bucket) implements S3Operation {}
  record DeleteBucket(String bucket) implements S3Operation {}
  record GetBucketLocation(String bucket) implements S3Operation {}
  record ListObjectsV1(String bucket) implements S3Operation {}
  record ListObjectsV2(String bucket) implements S3Operation {}
  record ListMultipartUploads(String bucket) implements S3Operation {}
  record DeleteObjects(String bucket) implements S3Operation {}
  record GetBucketVersioning(String bucket) implements S3Operation {}
  record PutBucketVersioning(String bucket) implements S3Operation {}
  record ListObjectVersions(String bucket) implements S3Operation {}

  // ---- objects ------------------------------------------------------------------------------
  record PutObject(String bucket, String key) implements S3Operation {}
  record GetObject(String bucket, String key) implements S3Operation {}
  record HeadObject(String bucket, String key) implements S3Operation {}
  record DeleteObject(String bucket, String key) implements S3Operation {}
  record CopyObject(String bucket, String key) implements S3Operation {}
  record GetObjectAttributes(String bucket, String key) implements S3Operation {}

  // ---- multipart ----------------------------------------------------------------------------
  record CreateMultipartUpload(String bucket, String key) implements S3Operation {}
  record UploadPart(String bucket, String key, String uploadId, int partNumber) implements S3Operation {}
  record UploadPartCopy(String bucket, String key, String uploadId, int partNumber) implements S3Operation {}
  record CompleteMultipartUpload(String bucket, String key, String uploadId) implements S3Operation {}
  record AbortMultipartUpload(String bucket, String key, String uploadId) implements S3Operation {}
  record ListParts(String bucket, String key, String uploadId) implements S3Operation {}

  // ---- sub-resources (?acl, ?policy, ?cors, ...): one handler each -------------------------
  record BucketSubresource(String bucket, Subresource subresource, String method) implements S3Operation {}
  record ObjectSubresource(String bucket, String key, Subresource subresource, String method) implements S3Operation {}

  /** A valid S3 request this gateway does not implement yet (501 NotImplemented). */
  /** S3 Control's account-level PublicAccessBlock ({@code x-amz-account-id} names the account). */
  record AccountPublicAccessBlock(String accountId, String method) implements S3Operation {}

  /** POST Object: a browser's form upload to a bucket. */
  record PostObject(String bucket) implements S3Operation {}

  /** A CORS preflight ({@code OPTIONS} on a bucket or object). */
  record Preflight(String bucket) implements S3Operation {}

  record Unsupported(String what) implements S3Operation {}
}
