package io.moraine.gateway.access;

import io.moraine.gateway.error.S3Error;
import io.moraine.gateway.error.S3Exception;
import io.moraine.gateway.http.S3Request;
import io.moraine.metadata.api.Bucket;
import io.moraine.metadata.api.MetadataClient;
import io.moraine.metadata.api.ObjectVersion;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Authorization of every S3 request, and the one way features read a bucket: {@link #bucket}
 * (resolve and authorize a bucket-level action), {@link #resolve} + {@link #object} (object-level
 * actions, decided against the object version once it is read).
 *
 * <p>Consistency: the bucket row is read linearizably on every request; its generation moves
 * with every change to the bucket or its sub-resources (policy, ACL, ...), and a cached view is
 * used only while the generation read now equals the one it was built at. A change acknowledged
 * before a request starts is therefore always seen by it: no stale allow, on any gateway.
 *
 * <p>Decision (for now): the bucket owner's account may do everything; every other principal
 * is denied. Policies, ACLs and IAM replace this decision, not the API.
 */
public final class Access {
  /** Views kept; beyond this the cache starts over (a bound, not a tuning knob). */
  private static final int MAX_CACHED_VIEWS = 10_000;

  private final MetadataClient metadata;
  private final ConcurrentHashMap<String, BucketView> views = new ConcurrentHashMap<>();

  public Access(MetadataClient metadata) {
    this.metadata = metadata;
  }

  /**
   * Authorizes a service-level {@code action} (ListBuckets, CreateBucket): only signed callers,
   * whose identity policies decide.
   */
  public void service(S3Request r, S3Action action) {
    if (r.principal().anonymousCaller()) {
      throw new S3Exception(new S3Error.AccessDenied(null));
    }
  }

  /** The bucket with its sub-resources; NoSuchBucket when absent. Decides nothing. */
  public BucketView resolve(String bucketName) {
    Bucket b = metadata.getBucket(bucketName).orElseThrow(() -> new S3Exception(new S3Error.NoSuchBucket(null)));
    BucketView cached = views.get(bucketName);
    if (cached != null && cached.generation() == b.generation() && cached.bucket().equals(b)) {
      return cached;
    }
    var read = metadata.getBucketConfigs(bucketName);
    BucketView view = new BucketView(read.bucket(), read.configs());
    if (views.size() >= MAX_CACHED_VIEWS) {
      views.clear();
    }
    views.put(bucketName, view);
    return view;
  }

  /** Resolves {@code bucketName} and authorizes a bucket-level {@code action} (NoSuchBucket, then AccessDenied). */
  public BucketView bucket(S3Request r, S3Action action, String bucketName) {
    BucketView b = resolve(bucketName);
    check(r, action, b, null, null);
    return b;
  }

  /**
   * Resolves {@code bucketName} and authorizes an object-level {@code action} on {@code key}
   * that does not depend on an existing version (PutObject, multipart parts, ...).
   */
  public BucketView forObject(S3Request r, S3Action action, String bucketName, String key) {
    BucketView b = resolve(bucketName);
    check(r, action, b, key, null);
    return b;
  }

  /**
   * The error for a key (or version) that does not exist: S3 answers 404 only to a requester
   * allowed to list the bucket, 403 AccessDenied to anyone else, so probing reveals nothing.
   */
  public S3Exception missing(S3Request r, BucketView b, String key, S3Error notFound) {
    return allowed(r, S3Action.ListBucket, b, null, null) ? new S3Exception(notFound)
        : new S3Exception(new S3Error.AccessDenied(null));
  }

  /**
   * Authorizes an object-level {@code action} on {@code key} of a resolved bucket; {@code version}
   * is the version acted on when it exists (its owner and ACL take part), null otherwise.
   */
  public void object(S3Request r, S3Action action, BucketView b, String key, ObjectVersion version) {
    check(r, action, b, key, version);
  }

  /** Whether {@code action} would be allowed, without failing (e.g. NoSuchKey vs AccessDenied). */
  public boolean allowed(S3Request r, S3Action action, BucketView b, String key, ObjectVersion version) {
    return isOwner(r, b);
  }

  private void check(S3Request r, S3Action action, BucketView b, String key, ObjectVersion version) {
    if (!allowed(r, action, b, key, version)) {
      throw new S3Exception(new S3Error.AccessDenied(null));
    }
  }

  private static boolean isOwner(S3Request r, BucketView b) {
    String account = r.accountId();
    return account != null && account.equals(b.ownerAccountId());
  }
}
