package io.moraine.gateway.http;

import io.moraine.gateway.error.S3Error;
import java.io.IOException;

/**
 * Another AWS API answered on the gateway's listener (IAM and STS query APIs, the KMS JSON API),
 * chosen by the service its SigV4 credential scope names. The handler authenticates the request
 * for that service and region, serves it, and renders errors in that API's own wire format
 * (IAM/STS: XML {@code ErrorResponse}; KMS: JSON {@code __type}), not S3's.
 */
public interface ServiceApi {

  /** The credential scope's service name: {@code iam}, {@code sts}, {@code kms}. */
  String service();

  /** The region requests must be signed for ({@code us-east-1} for IAM, the gateway's otherwise). */
  String signingRegion();

  /** Serves an authenticated request ({@link S3Request#principal()} is set). */
  void handle(S3Request r, S3Response out) throws IOException;

  /** Writes {@code error} (an authentication failure or a mapped failure of this API) in this API's format. */
  void error(S3Response out, S3Error error, String requestId) throws IOException;
}
