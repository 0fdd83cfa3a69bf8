package io.moraine.gateway.iam;

import io.moraine.metadata.api.MetadataError;

/** An IAM or STS error as those query APIs send it (ErrorResponse with Type, Code, Message). */
public final class IamException extends RuntimeException {
  private final String code;
  private final int status;

  public IamException(String code, int status, String message) {
    super(message, null, false, false);
    this.code = code;
    this.status = status;
  }

  public String code() {
    return code;
  }

  public int status() {
    return status;
  }

  public boolean sender() {
    return status < 500;
  }

  public static IamException validation(String message) {
    return new IamException("ValidationError", 400, message);
  }

  public static IamException malformedPolicy(String message) {
    return new IamException("MalformedPolicyDocument", 400, message);
  }

  public static IamException accessDenied(String message) {
    return new IamException("AccessDenied", 403, message);
  }

  public static IamException noSuchEntity(String message) {
    return new IamException("NoSuchEntity", 404, message);
  }

  /** The IAM error for a failure of the metadata tier's IAM commands. */
  public static IamException fromMetadata(MetadataError e, String message) {
    return switch (e) {
      case NO_SUCH_ENTITY -> new IamException("NoSuchEntity", 404, message);
      case ENTITY_ALREADY_EXISTS, USER_ALREADY_EXISTS, ACCESS_KEY_ALREADY_EXISTS ->
          new IamException("EntityAlreadyExists", 409, message);
      case DELETE_CONFLICT -> new IamException("DeleteConflict", 409, message);
      case LIMIT_EXCEEDED -> new IamException("LimitExceeded", 409, message);
      case INVALID_INPUT -> new IamException("InvalidInput", 400, message);
      case INVALID_AUTHENTICATION_CODE -> new IamException("InvalidAuthenticationCode", 403, message);
      default -> new IamException("ServiceFailure", 500, message);
    };
  }
}
