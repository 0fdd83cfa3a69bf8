package io.moraine.gateway.access.policy;

import java.util.Map;
import java.util.Optional;

/**
 * The AWS managed policies an account can attach by ARN ({@code arn:aws:iam::aws:policy/NAME})
 * without creating them, for the services this gateway answers: their effect as AWS documents
 * it (AWS Managed Policy Reference), restricted to the actions that exist here.
 */
public final class ManagedPolicies {
  private ManagedPolicies() {}

  public static final String PREFIX = "arn:aws:iam::aws:policy/";

  private static final Map<String, String> DOCUMENTS = Map.of(
      "AdministratorAccess", allow("\"*\""),
      "AmazonS3FullAccess", allow("\"s3:*\""),
      "AmazonS3ReadOnlyAccess", allow("\"s3:Get*\",\"s3:List*\""),
      "IAMFullAccess", allow("\"iam:*\""),
      "IAMReadOnlyAccess", allow("\"iam:Get*\",\"iam:List*\""),
      "ReadOnlyAccess", allow("\"s3:Get*\",\"s3:List*\",\"iam:Get*\",\"iam:List*\""));

  private static String allow(String actions) {
    return "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[" + actions
        + "],\"Resource\":\"*\"}]}";
  }

  /** The document of an AWS managed policy ARN, if it is one known here. */
  public static Optional<String> document(String arn) {
    return arn.startsWith(PREFIX) ? Optional.ofNullable(DOCUMENTS.get(arn.substring(PREFIX.length()))) : Optional.empty();
  }
}
