package io.moraine.gateway.access.policy;

/** A policy document that is not valid JSON or not a valid policy; the message is S3's/IAM's. */
public final class MalformedPolicyException extends Exception {
  public MalformedPolicyException(String message) {
    super(message, null, false, false);
  }
}
