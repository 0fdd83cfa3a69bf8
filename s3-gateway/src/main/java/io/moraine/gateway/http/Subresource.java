package io.moraine.gateway.http;

import java.util.Optional;

/**
 * S3's query sub-resources of buckets and objects ({@code ?acl}, {@code ?policy}, ...). Each is
 * served by one {@link SubresourceHandler} in its own feature package; one not registered yet
 * answers 501 NotImplemented, never a listing or an object. The name is also the kind under
 * which the bucket-config record family stores the bucket's configuration
 * ({@code MetadataClient.putBucketConfig}).
 */
public enum Subresource {
  ACL("acl", true, true),
  POLICY("policy", true, false),
  POLICY_STATUS("policyStatus", true, false),
  PUBLIC_ACCESS_BLOCK("publicAccessBlock", true, false),
  OWNERSHIP_CONTROLS("ownershipControls", true, false),
  LIFECYCLE("lifecycle", true, false),
  CORS("cors", true, false),
  WEBSITE("website", true, false),
  TAGGING("tagging", true, true),
  NOTIFICATION("notification", true, false),
  REPLICATION("replication", true, false),
  LOGGING("logging", true, false),
  ENCRYPTION("encryption", true, false),
  REQUEST_PAYMENT("requestPayment", true, false),
  ACCELERATE("accelerate", true, false),
  OBJECT_LOCK("object-lock", true, false),
  ANALYTICS("analytics", true, false),
  INVENTORY("inventory", true, false),
  METRICS("metrics", true, false),
  INTELLIGENT_TIERING("intelligent-tiering", true, false),
  LEGAL_HOLD("legal-hold", false, true),
  RETENTION("retention", false, true),
  RESTORE("restore", false, true),
  SELECT("select", false, true),
  TORRENT("torrent", false, true),
  RENAME_OBJECT("renameObject", false, true);

  private final String query;
  private final boolean onBucket;
  private final boolean onObject;

  Subresource(String query, boolean onBucket, boolean onObject) {
    this.query = query;
    this.onBucket = onBucket;
    this.onObject = onObject;
  }

  /** The query parameter naming it, and the stored config kind. */
  public String query() {
    return query;
  }

  public boolean onBucket() {
    return onBucket;
  }

  public boolean onObject() {
    return onObject;
  }

  /** The first sub-resource named in the request's query, in declaration order. */
  public static Optional<Subresource> in(S3Request r) {
    for (Subresource s : values()) {
      if (r.hasQuery(s.query)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }
}
