package io.moraine.gateway.kms;

/**
 * A KMS refusal, with the KMS error type it is reported as ({@code __type} in the KMS JSON API).
 * S3 maps these onto its own errors when an SSE-KMS request fails (see {@link Code}).
 */
public final class KmsException extends Exception {

  /** KMS's error types, each with the HTTP status KMS answers it with. */
  public enum Code {
    NOT_FOUND("NotFoundException", 400),
    DISABLED("DisabledException", 400),
    INVALID_STATE("KMSInvalidStateException", 400),
    ACCESS_DENIED("AccessDeniedException", 400),
    INVALID_CIPHERTEXT("InvalidCiphertextException", 400),
    INVALID_KEY_USAGE("InvalidKeyUsageException", 400),
    VALIDATION("ValidationException", 400),
    ALREADY_EXISTS("AlreadyExistsException", 400),
    INCORRECT_KEY("IncorrectKeyException", 400),
    INVALID_ALIAS_NAME("InvalidAliasNameException", 400),
    MALFORMED_POLICY("MalformedPolicyDocumentException", 400),
    UNSUPPORTED("UnsupportedOperationException", 400),
    UNKNOWN_OPERATION("UnknownOperationException", 400),
    UNRECOGNIZED_CLIENT("UnrecognizedClientException", 400),
    INVALID_SIGNATURE("InvalidSignatureException", 400),
    LIMIT_EXCEEDED("LimitExceededException", 400),
    INTERNAL("KMSInternalException", 500);

    private final String type;
    private final int status;

    Code(String type, int status) {
      this.type = type;
      this.status = status;
    }

    public String type() {
      return type;
    }

    public int status() {
      return status;
    }
  }

  private final Code code;

  public KmsException(Code code, String message) {
    super(message);
    this.code = code;
  }

  public Code code() {
    return code;
  }
}
