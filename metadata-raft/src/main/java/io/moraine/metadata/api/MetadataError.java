package io.moraine.metadata.api;

/** Expected failures of metadata operations; the gateway maps each to one S3 error. */
public enum MetadataError {
  NO_SUCH_BUCKET,
  BUCKET_ALREADY_EXISTS,
  BUCKET_ALREADY_OWNED_BY_YOU,
  BUCKET_NOT_EMPTY,
  TOO_MANY_BUCKETS,
  NO_SUCH_KEY,
  NO_SUCH_VERSION,
  /** The operation does not apply to this resource (e.g. a sub-resource of a delete marker). */
  METHOD_NOT_ALLOWED,
  NO_SUCH_UPLOAD,
  INVALID_PART,
  INVALID_PART_ORDER,
  ENTITY_TOO_SMALL,
  PRECONDITION_FAILED,
  USER_ALREADY_EXISTS,
  ACCESS_KEY_ALREADY_EXISTS,
  // ---- IAM ----
  NO_SUCH_ENTITY,
  ENTITY_ALREADY_EXISTS,
  /** The entity still has what must be removed first (keys, policies, members, attachments). */
  DELETE_CONFLICT,
  LIMIT_EXCEEDED,
  /** An MFA code that is wrong or was already used. */
  INVALID_AUTHENTICATION_CODE,
  /** An IAM request naming something impossible (a user of another account, a bad version id...). */
  INVALID_INPUT,
  /** A conflicting operation on the same resource won a race (the client undid its part); retry. */
  OPERATION_ABORTED,
  // ---- archive restore ----
  /** RestoreObject while a restore of the version is in progress (S3: 409 RestoreAlreadyInProgress). */
  RESTORE_ALREADY_IN_PROGRESS,
  /** The operation needs an archived object (RestoreObject of a STANDARD object): 403 InvalidObjectState. */
  INVALID_OBJECT_STATE
}
