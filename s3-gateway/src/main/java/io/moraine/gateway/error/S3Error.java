package io.moraine.gateway.error;

/**
 * Every error a client can see, as one sealed family. {@link S3Errors#describe} maps each to its
 * S3 code and HTTP status with one exhaustive switch, so adding an error without a mapping does
 * not compile. {@code detail} is an optional message replacing the default one.
 */
public sealed interface S3Error {

  String detail();

  // ---- authentication and authorization -----------------------------------------------------
  record AccessDenied(String detail) implements S3Error {}
  record SignatureDoesNotMatch(String detail) implements S3Error {}
  record InvalidAccessKeyId(String detail) implements S3Error {}
  record RequestTimeTooSkewed(String detail) implements S3Error {}
  record AuthorizationHeaderMalformed(String detail) implements S3Error {}
  record AuthorizationQueryParametersError(String detail) implements S3Error {}
  record InvalidToken(String detail) implements S3Error {}
  record ExpiredToken(String detail) implements S3Error {}
  record MalformedPolicy(String detail) implements S3Error {}
  record PolicyTooLarge(String detail) implements S3Error {}
  record NoSuchBucketPolicy(String detail) implements S3Error {}
  record MalformedACLError(String detail) implements S3Error {}
  record UnresolvableGrantByEmailAddress(String detail) implements S3Error {}
  record AccessControlListNotSupported(String detail) implements S3Error {}
  record InvalidBucketAclWithObjectOwnership(String detail) implements S3Error {}
  record NoSuchPublicAccessBlockConfiguration(String detail) implements S3Error {}
  record OwnershipControlsNotFoundError(String detail) implements S3Error {}
  record UnexpectedContent(String detail) implements S3Error {}
  record InvalidTag(String detail) implements S3Error {}
  record MalformedPOSTRequest(String detail) implements S3Error {}
  record InvalidPolicyDocument(String detail) implements S3Error {}
  record MaxPostPreDataLengthExceeded(String detail) implements S3Error {}
  record NoSuchWebsiteConfiguration(String detail) implements S3Error {}
  record NoSuchCORSConfiguration(String detail) implements S3Error {}
  record NoSuchLifecycleConfiguration(String detail) implements S3Error {}
  record NoSuchConfiguration(String detail) implements S3Error {}
  record TooManyConfigurations(String detail) implements S3Error {}
  record ServerSideEncryptionConfigurationNotFoundError(String detail) implements S3Error {}
  record InvalidEncryptionAlgorithmError(String detail) implements S3Error {}
  record CORSResponse(String detail) implements S3Error {}
  record BadRequest(String detail) implements S3Error {}
  record NoSuchTagSet(String detail) implements S3Error {}
  record MissingSecurityHeader(String detail) implements S3Error {}
  record XAmzContentSHA256Mismatch(String detail) implements S3Error {}

  // ---- integrity ---------------------------------------------------------------------------
  record BadDigest(String detail) implements S3Error {}
  record InvalidDigest(String detail) implements S3Error {}
  record IncompleteBody(String detail) implements S3Error {}
  record InvalidChunkSize(String detail) implements S3Error {}

  // ---- buckets -----------------------------------------------------------------------------
  record InvalidBucketName(String detail) implements S3Error {}
  record BucketAlreadyExists(String detail) implements S3Error {}
  record BucketAlreadyOwnedByYou(String detail) implements S3Error {}
  record TooManyBuckets(String detail) implements S3Error {}
  record BucketNotEmpty(String detail) implements S3Error {}
  record NoSuchBucket(String detail) implements S3Error {}
  record IllegalLocationConstraint(String detail) implements S3Error {}

  // ---- objects and uploads -----------------------------------------------------------------
  record NoSuchKey(String detail) implements S3Error {}
  record NoSuchVersion(String detail) implements S3Error {}
  record NoSuchUpload(String detail) implements S3Error {}
  record InvalidPart(String detail) implements S3Error {}
  record InvalidPartOrder(String detail) implements S3Error {}
  record EntityTooSmall(String detail) implements S3Error {}
  record EntityTooLarge(String detail) implements S3Error {}
  record KeyTooLong(String detail) implements S3Error {}
  record MetadataTooLarge(String detail) implements S3Error {}
  record InvalidStorageClass(String detail) implements S3Error {}
  record InvalidRange(String detail) implements S3Error {}
  record PreconditionFailed(String detail) implements S3Error {}
  /** An archived object (GLACIER, DEEP_ARCHIVE) read or copied without a restored copy; a restore of another class. */
  record InvalidObjectState(String detail) implements S3Error {}
  record RestoreAlreadyInProgress(String detail) implements S3Error {}

  // ---- request shape -----------------------------------------------------------------------
  record MissingContentLength(String detail) implements S3Error {}
  record MalformedXML(String detail) implements S3Error {}
  record InvalidArgument(String detail) implements S3Error {}
  record InvalidRequest(String detail) implements S3Error {}
  record InvalidURI(String detail) implements S3Error {}
  record MethodNotAllowed(String detail) implements S3Error {}
  record NotImplemented(String detail) implements S3Error {}

  // ---- server side -------------------------------------------------------------------------
  record ServiceUnavailable(String detail) implements S3Error {}
  record SlowDown(String detail) implements S3Error {}
  record OperationAborted(String detail) implements S3Error {}
  record InternalError(String detail) implements S3Error {}
  /** An SSE-KMS request the KMS refused, as S3 reports it ({@code KMS.DisabledException}, 400, ...). */
  record KmsFailure(String code, int status, String detail) implements S3Error {}
}
