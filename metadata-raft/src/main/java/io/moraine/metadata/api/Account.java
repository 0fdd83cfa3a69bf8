package io.moraine.metadata.api;

/**
 * An account (S3 owner). {@code accountId} is the canonical id shown as Owner/ID;
 * {@code awsAccountId} the 12-digit id of ARNs and policies.
 */
public record Account(String accountId, String userName, long createdMillis, String awsAccountId, String email) {
  public Account(String accountId, String userName, long createdMillis) {
    this(accountId, userName, createdMillis, "", "");
  }
}
