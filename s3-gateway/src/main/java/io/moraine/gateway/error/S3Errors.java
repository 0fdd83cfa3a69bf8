package io.moraine.gateway.error;

import io.moraine.metadata.api.MetadataError;

/** The one mapping from {@link S3Error} to S3's code, HTTP status and default message. */
public final class S3Errors {

  private S3Errors() {}

  /** What goes on the wire for one error. */
  public record Described(String code, int httpStatus, String message) {}

  public static Described describe(S3Error error) {
    Described base = switch (error) {
      case S3Error.AccessDenied e -> d("AccessDenied", 403, "Access Denied");
      case S3Error.SignatureDoesNotMatch e -> d("SignatureDoesNotMatch", 403,
          "The request signature we calculated does not match the signature you provided. Check your key and signing method.");
      case S3Error.InvalidAccessKeyId e -> d("InvalidAccessKeyId", 403,
          "The AWS Access Key Id you provided does not exist in our records.");
      case S3Error.RequestTimeTooSkewed e -> d("RequestTimeTooSkewed", 403,
          "The difference between the request time and the current time is too large.");
      case S3Error.AuthorizationHeaderMalformed e -> d("AuthorizationHeaderMalformed", 400,
          "The authorization header is malformed.");
      case S3Error.AuthorizationQueryParametersError e -> d("AuthorizationQueryParametersError", 400,
          "Error parsing the X-Amz-Credential parameter.");
      case S3Error.InvalidToken e -> d("InvalidToken", 400, "The provided token is malformed or otherwise invalid.");
      case S3Error.ExpiredToken e -> d("ExpiredToken", 400, "The provided token has expired.");
      case S3Error.MalformedPolicy e -> d("MalformedPolicy", 400, "Policies must be valid JSON and the first byte must be '{'");
      case S3Error.PolicyTooLarge e -> d("PolicyTooLarge", 400, "Policy exceeds the maximum allowed document size.");
      case S3Error.NoSuchBucketPolicy e -> d("NoSuchBucketPolicy", 404, "The bucket policy does not exist");
      case S3Error.MalformedACLError e -> d("MalformedACLError", 400,
          "The XML you provided was not well-formed or did not validate against our published schema");
      case S3Error.UnresolvableGrantByEmailAddress e -> d("UnresolvableGrantByEmailAddress", 400,
          "The e-mail address you provided does not match any account on record.");
      case S3Error.AccessControlListNotSupported e -> d("AccessControlListNotSupported", 400,
          "The bucket does not allow ACLs");
      case S3Error.InvalidBucketAclWithObjectOwnership e -> d("InvalidBucketAclWithObjectOwnership", 400,
          "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting");
      case S3Error.NoSuchPublicAccessBlockConfiguration e -> d("NoSuchPublicAccessBlockConfiguration", 404,
          "The public access block configuration was not found");
      case S3Error.OwnershipControlsNotFoundError e -> d("OwnershipControlsNotFoundError", 404,
          "The bucket ownership controls were not found");
      case S3Error.NoSuchCORSConfiguration e -> d("NoSuchCORSConfiguration", 404, "The CORS configuration does not exist");
      case S3Error.NoSuchLifecycleConfiguration e -> d("NoSuchLifecycleConfiguration", 404,
          "The lifecycle configuration does not exist");
      case S3Error.NoSuchConfiguration e -> d("NoSuchConfiguration", 404, "The specified configuration does not exist.");
      case S3Error.TooManyConfigurations e -> d("TooManyConfigurations", 400,
          "You are attempting to create a new configuration but have already reached the 1,000-configuration limit.");
      case S3Error.InvalidEncryptionAlgorithmError e -> d("InvalidEncryptionAlgorithmError", 400,
          "The Encryption request you specified is not valid. Supported value: AES256.");
      case S3Error.ServerSideEncryptionConfigurationNotFoundError e -> d("ServerSideEncryptionConfigurationNotFoundError",
          404, "The server side encryption configuration was not found");
      case S3Error.CORSResponse e -> d("AccessForbidden", 403, "CORSResponse: This CORS request is not allowed. This is "
          + "usually because the evalution of Origin, request method / Access-Control-Request-Method or "
          + "Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.");
      case S3Error.NoSuchWebsiteConfiguration e -> d("NoSuchWebsiteConfiguration", 404,
          "The specified bucket does not have a website configuration");
      case S3Error.InvalidPolicyDocument e -> d("InvalidPolicyDocument", 400,
          "The content of the form does not meet the conditions specified in the policy document.");
      case S3Error.MalformedPOSTRequest e -> d("MalformedPOSTRequest", 400,
          "The body of your POST request is not well-formed multipart/form-data.");
      case S3Error.MaxPostPreDataLengthExceeded e -> d("MaxPostPreDataLengthExceededError", 400,
          "Your POST request fields preceding the upload file were too large.");
      case S3Error.InvalidTag e -> d("InvalidTag", 400, "The tag provided was not a valid tag.");
      case S3Error.BadRequest e -> d("BadRequest", 400, "Bad Request");
      case S3Error.NoSuchTagSet e -> d("NoSuchTagSet", 404, "The TagSet does not exist");
      case S3Error.UnexpectedContent e -> d("UnexpectedContent", 400, "This request does not support content");
      case S3Error.MissingSecurityHeader e -> d("MissingSecurityHeader", 400, "Your request was missing a required header");
      case S3Error.XAmzContentSHA256Mismatch e -> d("XAmzContentSHA256Mismatch", 400,
          "The provided 'x-amz-content-sha256' header does not match what was computed.");
      case S3Error.BadDigest e -> d("BadDigest", 400, "The Content-MD5 you specified did not match what we received.");
      case S3Error.InvalidDigest e -> d("InvalidDigest", 400, "The Content-MD5 you specified is not valid.");
      case S3Error.IncompleteBody e -> d("IncompleteBody", 400,
          "You did not provide the number of bytes specified by the Content-Length HTTP header.");
      case S3Error.InvalidChunkSize e -> d("InvalidChunkSizeError", 403,
          "Only the last chunk is allowed to have a size less than 8192 bytes");
      case S3Error.InvalidBucketName e -> d("InvalidBucketName", 400, "The specified bucket is not valid.");
      case S3Error.BucketAlreadyExists e -> d("BucketAlreadyExists", 409,
          "The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.");
      case S3Error.BucketAlreadyOwnedByYou e -> d("BucketAlreadyOwnedByYou", 409,
          "Your previous request to create the named bucket succeeded and you already own it.");
      case S3Error.TooManyBuckets e -> d("TooManyBuckets", 400, "You have attempted to create more buckets than allowed.");
      case S3Error.BucketNotEmpty e -> d("BucketNotEmpty", 409, "The bucket you tried to delete is not empty");
      case S3Error.NoSuchBucket e -> d("NoSuchBucket", 404, "The specified bucket does not exist");
      case S3Error.IllegalLocationConstraint e -> d("IllegalLocationConstraintException", 400,
          "The specified location-constraint is not valid for this endpoint.");
      case S3Error.NoSuchKey e -> d("NoSuchKey", 404, "The specified key does not exist.");
      case S3Error.NoSuchVersion e -> d("NoSuchVersion", 404,
          "The specified version does not exist.");
      case S3Error.NoSuchUpload e -> d("NoSuchUpload", 404,
          "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.");
      case S3Error.InvalidPart e -> d("InvalidPart", 400,
          "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.");
      case S3Error.InvalidPartOrder e -> d("InvalidPartOrder", 400,
          "The list of parts was not in ascending order. The parts list must be specified in order by part number.");
      case S3Error.EntityTooSmall e -> d("EntityTooSmall", 400, "Your proposed upload is smaller than the minimum allowed object size.");
      case S3Error.EntityTooLarge e -> d("EntityTooLarge", 400, "Your proposed upload exceeds the maximum allowed object size.");
      case S3Error.KeyTooLong e -> d("KeyTooLongError", 400, "Your key is too long");
      case S3Error.MetadataTooLarge e -> d("MetadataTooLarge", 400,
          "Your metadata headers exceed the maximum allowed metadata size.");
      case S3Error.InvalidStorageClass e -> d("InvalidStorageClass", 400, "The storage class you specified is not valid");
      case S3Error.InvalidRange e -> d("InvalidRange", 416, "The requested range is not satisfiable");
      case S3Error.PreconditionFailed e -> d("PreconditionFailed", 412,
          "At least one of the pre-conditions you specified did not hold");
      case S3Error.MissingContentLength e -> d("MissingContentLength", 411, "You must provide the Content-Length HTTP header.");
      case S3Error.MalformedXML e -> d("MalformedXML", 400,
          "The XML you provided was not well-formed or did not validate against our published schema");
      case S3Error.InvalidArgument e -> d("InvalidArgument", 400, "Invalid Argument");
      case S3Error.InvalidRequest e -> d("InvalidRequest", 400, "Invalid Request");
      case S3Error.InvalidURI e -> d("InvalidURI", 400, "Couldn't parse the specified URI.");
      case S3Error.MethodNotAllowed e -> d("MethodNotAllowed", 405, "The specified method is not allowed against this resource.");
      case S3Error.InvalidObjectState e -> d("InvalidObjectState", 403,
          "The operation is not valid for the object's storage class");
      case S3Error.RestoreAlreadyInProgress e -> d("RestoreAlreadyInProgress", 409, "Object restore is already in progress");
      case S3Error.NotImplemented e -> d("NotImplemented", 501,
          "A header you provided implies functionality that is not implemented");
      case S3Error.ServiceUnavailable e -> d("ServiceUnavailable", 503, "Please reduce your request rate.");
      case S3Error.SlowDown e -> d("SlowDown", 503, "Please reduce your request rate.");
      case S3Error.OperationAborted e -> d("OperationAborted", 409,
          "A conflicting conditional operation is currently in progress against this resource. Please try again.");
      case S3Error.InternalError e -> d("InternalError", 500, "We encountered an internal error. Please try again.");
      case S3Error.KmsFailure e -> d(e.code(), e.status(), e.code());
    };
    String detail = error.detail();
    return detail == null || detail.isEmpty() ? base : new Described(base.code(), base.httpStatus(), detail);
  }

  /** The S3 error for each business failure of the metadata tier. */
  public static S3Error fromMetadata(MetadataError error, String detail) {
    return switch (error) {
      case NO_SUCH_BUCKET -> new S3Error.NoSuchBucket(null);
      case BUCKET_ALREADY_EXISTS -> new S3Error.BucketAlreadyExists(null);
      case BUCKET_ALREADY_OWNED_BY_YOU -> new S3Error.BucketAlreadyOwnedByYou(null);
      case BUCKET_NOT_EMPTY -> new S3Error.BucketNotEmpty(null);
      case TOO_MANY_BUCKETS -> new S3Error.TooManyBuckets(null);
      case NO_SUCH_KEY -> new S3Error.NoSuchKey(null);
      case NO_SUCH_VERSION -> new S3Error.NoSuchVersion(null);
      case METHOD_NOT_ALLOWED -> new S3Error.MethodNotAllowed(null);
      case NO_SUCH_UPLOAD -> new S3Error.NoSuchUpload(null);
      case INVALID_PART -> new S3Error.InvalidPart(null);
      case INVALID_PART_ORDER -> new S3Error.InvalidPartOrder(null);
      case ENTITY_TOO_SMALL -> new S3Error.EntityTooSmall(null);
      case PRECONDITION_FAILED -> new S3Error.PreconditionFailed(null);
      case OPERATION_ABORTED -> new S3Error.OperationAborted(detail);
      case RESTORE_ALREADY_IN_PROGRESS -> new S3Error.RestoreAlreadyInProgress(null);
      case INVALID_OBJECT_STATE -> new S3Error.InvalidObjectState("Restore is not allowed for the object's current storage class");
      // A reused or wrong MFA code (x-amz-mfa): S3 answers AccessDenied.
      case INVALID_AUTHENTICATION_CODE -> new S3Error.AccessDenied(null);
      // Account and IAM management are not S3 operations (the IAM API maps these itself);
      // reaching them through S3 is a bug.
      case USER_ALREADY_EXISTS, ACCESS_KEY_ALREADY_EXISTS, NO_SUCH_ENTITY, ENTITY_ALREADY_EXISTS, DELETE_CONFLICT,
          LIMIT_EXCEEDED, INVALID_INPUT -> new S3Error.InternalError(null);
    };
  }

  private static Described d(String code, int status, String message) {
    return new Described(code, status, message);
  }
}
