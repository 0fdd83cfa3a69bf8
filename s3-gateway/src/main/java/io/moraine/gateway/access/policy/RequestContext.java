package io.moraine.gateway.access.policy;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a policy is evaluated against: the action, the resource ARN, who asks, and the condition
 * keys of the request (IAM User Guide, "AWS global condition context keys"; S3 User Guide,
 * "Condition keys for Amazon S3"). Keys are case-insensitive and stored lower-cased; a key may
 * have several values (ForAnyValue / ForAllValues).
 *
 * @param action e.g. {@code s3:GetObject}
 * @param resource e.g. {@code arn:aws:s3:::bucket/key}, {@code arn:aws:s3:::bucket}, or
 *     {@code arn:aws:s3:::*} for service-level actions
 */
public record RequestContext(String action, String resource, Caller caller, Map<String, List<String>> keys) {

  public RequestContext {
    TreeMap<String, List<String>> lower = new TreeMap<>();
    keys.forEach((k, v) -> lower.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
    keys = java.util.Collections.unmodifiableMap(lower);
  }

  /** The values of a key, empty when the request has none. */
  public List<String> values(String key) {
    return keys.getOrDefault(key.toLowerCase(Locale.ROOT), List.of());
  }

  public Optional<String> value(String key) {
    List<String> v = values(key);
    return v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
  }

  public RequestContext withAction(String otherAction, String otherResource) {
    return new RequestContext(otherAction, otherResource, caller, keys);
  }

  /** Who asks, as policies name principals. */
  public enum CallerType { ANONYMOUS, ACCOUNT_ROOT, IAM_USER, ROLE_SESSION, SERVICE }

  /**
   * @param awsAccountId the 12-digit account of the caller (null for anonymous and services)
   * @param canonicalId the caller's account canonical id (S3 ACL grantee id)
   * @param arn the caller's ARN (arn:aws:iam::ID:root, ...:user/path/name,
   *     arn:aws:sts::ID:assumed-role/ROLE/SESSION, or the service name for SERVICE)
   * @param roleArn for a role session, the role's ARN (arn:aws:iam::ID:role/path/name)
   */
  public record Caller(CallerType type, String awsAccountId, String canonicalId, String arn, String roleArn) {
    public static final Caller ANONYMOUS = new Caller(CallerType.ANONYMOUS, null, null, null, null);

    public static Caller service(String name) {
      return new Caller(CallerType.SERVICE, null, null, name, null);
    }

    public boolean anonymous() {
      return type == CallerType.ANONYMOUS;
    }
  }
}
