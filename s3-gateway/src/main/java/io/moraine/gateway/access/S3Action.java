package io.moraine.gateway.access;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The S3 policy actions (IAM Service Authorization Reference, "Actions defined by Amazon S3"),
 * each with the resource it applies to. Every request is authorized for exactly the actions its
 * operation needs (HeadObject needs s3:GetObject, ListObjectsV2 s3:ListBucket, ...), and policy
 * documents are validated against this list. Names are matched case-insensitively, as IAM does.
 */
public enum S3Action {
  // ---- service ----
  ListAllMyBuckets(Level.SERVICE),
  CreateBucket(Level.BUCKET),
  GetAccountPublicAccessBlock(Level.SERVICE),
  PutAccountPublicAccessBlock(Level.SERVICE),
  ListAccessPoints(Level.SERVICE),
  CreateAccessPoint(Level.SERVICE),
  DeleteAccessPoint(Level.SERVICE),
  GetAccessPoint(Level.SERVICE),
  CreateAccessPointForObjectLambda(Level.SERVICE),
  DeleteAccessPointForObjectLambda(Level.SERVICE),
  GetAccessPointForObjectLambda(Level.SERVICE),
  ListAccessPointsForObjectLambda(Level.SERVICE),
  GetStorageLensConfiguration(Level.SERVICE),
  ListStorageLensConfigurations(Level.SERVICE),
  // ---- buckets ----
  DeleteBucket(Level.BUCKET),
  ListBucket(Level.BUCKET),
  ListBucketVersions(Level.BUCKET),
  ListBucketMultipartUploads(Level.BUCKET),
  GetBucketLocation(Level.BUCKET),
  GetBucketAcl(Level.BUCKET),
  PutBucketAcl(Level.BUCKET),
  GetBucketPolicy(Level.BUCKET),
  PutBucketPolicy(Level.BUCKET),
  DeleteBucketPolicy(Level.BUCKET),
  GetBucketPolicyStatus(Level.BUCKET),
  GetBucketPublicAccessBlock(Level.BUCKET),
  PutBucketPublicAccessBlock(Level.BUCKET),
  GetBucketOwnershipControls(Level.BUCKET),
  PutBucketOwnershipControls(Level.BUCKET),
  GetBucketVersioning(Level.BUCKET),
  PutBucketVersioning(Level.BUCKET),
  GetBucketCORS(Level.BUCKET),
  PutBucketCORS(Level.BUCKET),
  GetBucketWebsite(Level.BUCKET),
  PutBucketWebsite(Level.BUCKET),
  DeleteBucketWebsite(Level.BUCKET),
  GetBucketTagging(Level.BUCKET),
  PutBucketTagging(Level.BUCKET),
  GetBucketLogging(Level.BUCKET),
  PutBucketLogging(Level.BUCKET),
  GetBucketNotification(Level.BUCKET),
  PutBucketNotification(Level.BUCKET),
  GetBucketRequestPayment(Level.BUCKET),
  PutBucketRequestPayment(Level.BUCKET),
  GetAccelerateConfiguration(Level.BUCKET),
  PutAccelerateConfiguration(Level.BUCKET),
  GetLifecycleConfiguration(Level.BUCKET),
  PutLifecycleConfiguration(Level.BUCKET),
  GetReplicationConfiguration(Level.BUCKET),
  PutReplicationConfiguration(Level.BUCKET),
  GetEncryptionConfiguration(Level.BUCKET),
  PutEncryptionConfiguration(Level.BUCKET),
  GetBucketObjectLockConfiguration(Level.BUCKET),
  PutBucketObjectLockConfiguration(Level.BUCKET),
  GetAnalyticsConfiguration(Level.BUCKET),
  PutAnalyticsConfiguration(Level.BUCKET),
  GetInventoryConfiguration(Level.BUCKET),
  PutInventoryConfiguration(Level.BUCKET),
  GetMetricsConfiguration(Level.BUCKET),
  PutMetricsConfiguration(Level.BUCKET),
  GetIntelligentTieringConfiguration(Level.BUCKET),
  PutIntelligentTieringConfiguration(Level.BUCKET),
  // ---- objects ----
  GetObject(Level.OBJECT),
  GetObjectVersion(Level.OBJECT),
  GetObjectAttributes(Level.OBJECT),
  GetObjectVersionAttributes(Level.OBJECT),
  PutObject(Level.OBJECT),
  DeleteObject(Level.OBJECT),
  DeleteObjectVersion(Level.OBJECT),
  GetObjectAcl(Level.OBJECT),
  GetObjectVersionAcl(Level.OBJECT),
  PutObjectAcl(Level.OBJECT),
  PutObjectVersionAcl(Level.OBJECT),
  GetObjectTagging(Level.OBJECT),
  GetObjectVersionTagging(Level.OBJECT),
  PutObjectTagging(Level.OBJECT),
  PutObjectVersionTagging(Level.OBJECT),
  DeleteObjectTagging(Level.OBJECT),
  DeleteObjectVersionTagging(Level.OBJECT),
  GetObjectRetention(Level.OBJECT),
  PutObjectRetention(Level.OBJECT),
  BypassGovernanceRetention(Level.OBJECT),
  GetObjectLegalHold(Level.OBJECT),
  PutObjectLegalHold(Level.OBJECT),
  GetObjectTorrent(Level.OBJECT),
  GetObjectVersionTorrent(Level.OBJECT),
  RestoreObject(Level.OBJECT),
  AbortMultipartUpload(Level.OBJECT),
  ListMultipartUploadParts(Level.OBJECT),
  ReplicateObject(Level.OBJECT),
  ReplicateDelete(Level.OBJECT),
  ReplicateTags(Level.OBJECT),
  ObjectOwnerOverrideToBucketOwner(Level.OBJECT),
  GetObjectVersionForReplication(Level.OBJECT);

  /** What an action's Resource element names: the service (*), a bucket ARN or an object ARN. */
  public enum Level { SERVICE, BUCKET, OBJECT }

  private final Level level;

  S3Action(Level level) {
    this.level = level;
  }

  public Level level() {
    return level;
  }

  /** The name in policies: {@code s3:GetObject}. */
  public String policyName() {
    return "s3:" + name();
  }

  private static final Map<String, S3Action> BY_LOWER = new TreeMap<>();

  static {
    for (S3Action a : values()) {
      BY_LOWER.put(a.policyName().toLowerCase(Locale.ROOT), a);
    }
  }

  /** The action a policy names ({@code s3:getobject} matches), if it is one. */
  public static Optional<S3Action> byPolicyName(String name) {
    return Optional.ofNullable(BY_LOWER.get(name.toLowerCase(Locale.ROOT)));
  }
}
