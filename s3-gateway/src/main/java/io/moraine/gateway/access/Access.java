package io.moraine.gateway.access;

import io.moraine.gateway.access.AccessConfigs.BucketPolicy;
import io.moraine.gateway.access.AccessConfigs.Ownership;
import io.moraine.gateway.access.AccessConfigs.PublicAccessBlock;
import io.moraine.gateway.access.policy.MalformedPolicyException;
import io.moraine.gateway.access.policy.PolicyDocument;
import io.moraine.gateway.access.policy.PolicyEvaluator;
import io.moraine.gateway.access.policy.PolicyEvaluator.Result;
import io.moraine.gateway.access.policy.PolicyParser;
import io.moraine.gateway.access.policy.RequestContext;
import io.moraine.gateway.access.policy.RequestContext.Caller;
import io.moraine.gateway.auth.Identity;
import io.moraine.gateway.error.S3Error;
import io.moraine.gateway.error.S3Exception;
import io.moraine.gateway.http.S3Request;
import io.moraine.metadata.api.Bucket;
import io.moraine.metadata.api.MetadataClient;
import io.moraine.metadata.api.ObjectVersion;
import io.moraine.proto.config.v1.AccessControlList;
import io.moraine.proto.config.v1.Permission;
import io.moraine.proto.meta.v1.AccountConfigRecord;
import io.moraine.proto.meta.v1.AccountRecord;
import io.moraine.proto.meta.v1.FindAccount;
import io.moraine.proto.meta.v1.GetAccountConfig;
import io.moraine.proto.meta.v1.IamQuery;
import io.moraine.proto.meta.v1.ResolvedPolicy;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Authorization of every S3 request, and the one way features read a bucket: {@link #bucket}
 * (resolve and authorize a bucket-level action), {@link #resolve} + {@link #object} (object-level
 * actions, decided against the object version once it is read).
 *
 * <p>Decision, as the S3 User Guide ("How Amazon S3 authorizes a request") and the IAM policy
 * evaluation logic describe it: an explicit Deny in the caller's identity policies or the bucket
 * policy wins (the bucket owner can deny anything in its bucket, whoever owns the object); a
 * caller of the resource owner's account needs an Allow from its identity policies (an account
 * root has every permission) or from a bucket-policy statement naming it specifically; any other
 * caller needs an Allow from its own side (identity policies; roots) and from the resource side
 * (bucket policy, or the ACL); the anonymous caller needs the resource side. The bucket policy
 * speaks for objects only when the bucket owner owns them. Block Public Access (bucket OR the
 * owner account's setting) makes public ACL grants ignored and a public policy usable only inside
 * the owner's account; BucketOwnerEnforced turns ACLs off.
 *
 * <p>Consistency: the bucket row is read linearizably on every request; its generation moves
 * with every change to the bucket or its sub-resources (policy, ACL, ...), and a cached view is
 * used only while the generation read now equals the one it was built at. Identities (keys,
 * users, their policies) are resolved by a linearizable read per request, and the owner
 * account's Block Public Access is read when a public grant or policy would decide. A change
 * acknowledged before a request starts is therefore always seen by it: no stale allow, on any gateway.
 */
public final class Access {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Access.class);
  /** Views kept; beyond this the cache starts over (a bound, not a tuning knob). */
  private static final int MAX_CACHED_VIEWS = 10_000;
  /** Parsed identity policies kept, by document text. */
  private static final int MAX_CACHED_POLICIES = 4_096;

  private final MetadataClient metadata;
  private final InstantSource clock;
  private final Function<String, Optional<String>> managedPolicies;
  private final ConcurrentHashMap<String, BucketView> views = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Optional<PolicyDocument>> identityPolicies = new ConcurrentHashMap<>();

  /**
   * @param managedPolicies the document of an AWS managed policy by ARN (identity policies
   *     attached by ARN carry no document of their own)
   */
  public Access(MetadataClient metadata, InstantSource clock, Function<String, Optional<String>> managedPolicies) {
    this.metadata = metadata;
    this.clock = clock;
    this.managedPolicies = managedPolicies;
  }

  public MetadataClient metadata() {
    return metadata;
  }

  /**
   * Authorizes a service-level {@code action} (ListBuckets; CreateBucket on {@code bucketName}):
   * only signed callers, whose identity policies decide.
   */
  public void service(S3Request r, S3Action action, String bucketName) {
    String resource = bucketName == null ? "*" : "arn:aws:s3:::" + bucketName;
    if (!identityAllows(r, action.policyName(), resource)) {
      throw new S3Exception(new S3Error.AccessDenied(null));
    }
  }

  /**
   * Whether the caller's own identity policies allow {@code action} on {@code resourceArn} (no
   * explicit deny, and an allow; an account root is allowed everything in its account): how the
   * IAM, STS and KMS APIs authorize their callers. The anonymous caller is never allowed.
   */
  public boolean identityAllows(S3Request r, String action, String resourceArn) {
    Identity id = r.principal().identity();
    if (id == null) {
      return false;
    }
    if (id.root()) {
      return true;
    }
    RequestContext ctx = new RequestContext(action, resourceArn, id.caller(), RequestKeys.of(r, clock));
    return identityResult(id, ctx).allows();
  }

  /**
   * The caller's identity policies on {@code action} and {@code resourceArn} outside a request of
   * its own (the KMS behind an SSE-KMS PUT or GET): ALLOW for an account root (everything in its
   * account), DENY on an explicit deny, NONE without an allow. {@code keys} are the condition keys.
   */
  public Result identityResult(Identity id, String action, String resourceArn, Map<String, List<String>> keys) {
    if (id.root()) {
      return new Result(io.moraine.gateway.access.policy.PolicyEvaluator.Outcome.ALLOW, true);
    }
    return identityResult(id, new RequestContext(action, resourceArn, id.caller(), keys));
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

  /**
   * {@link #resolve(String)} once per request: every later use of the same bucket by the same
   * request (the accelerate check, decorators, the operation) reuses that read. The guarantee is
   * unchanged — the read happens after the request started, so it sees every change
   * acknowledged before — and a request pays one linearizable bucket read, not one per use.
   * Not for a handler that reads the bucket again after changing it.
   */
  public BucketView resolve(S3Request r, String bucketName) {
    return r.resolvedOnce(bucketName, this::resolve);
  }

  /** Resolves {@code bucketName} and authorizes a bucket-level {@code action} (NoSuchBucket, then AccessDenied). */
  public BucketView bucket(S3Request r, S3Action action, String bucketName) {
    BucketView b = resolve(r, bucketName);
    check(r, action, b, null, null);
    return b;
  }

  /**
   * Resolves {@code bucketName} and authorizes an object-level {@code action} on {@code key}
   * that does not depend on an existing version (PutObject, multipart parts, ...).
   */
  public BucketView forObject(S3Request r, S3Action action, String bucketName, String key) {
    BucketView b = resolve(r, bucketName);
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
    Identity id = r.principal().identity();
    Caller caller = id == null ? Caller.ANONYMOUS : id.caller();
    String resource = key == null || action.level() != S3Action.Level.OBJECT
        ? "arn:aws:s3:::" + b.name() : "arn:aws:s3:::" + b.name() + "/" + key;
    Map<String, List<String>> keys = version == null ? RequestKeys.of(r, clock)
        : RequestKeys.of(r, clock, version.subresources().get(TagSets.KIND).map(TagSets::decode).orElse(Map.of()));
    RequestContext ctx = new RequestContext(action.policyName(), resource, caller, keys);

    if (id != null && id.root() && id.accountId().equals(b.ownerAccountId()) && (action == S3Action.GetBucketPolicy
        || action == S3Action.PutBucketPolicy || action == S3Action.DeleteBucketPolicy)) {
      return true; // the owner's root can always repair a policy that locks everyone out
    }
    Result identity = id == null || id.root() ? Result.NONE : identityResult(id, ctx);
    if (identity.denies()) {
      return false;
    }
    Optional<BucketPolicy> policy = b.policy();
    Result bucketPolicy = policy.map(p -> PolicyEvaluator.evaluate(p.document(), ctx, true)).orElse(Result.NONE);
    if (bucketPolicy.denies()) {
      return false;
    }
    boolean identityAllows = id != null && (id.root() || identity.allows());
    String owner = version != null && action.level() == S3Action.Level.OBJECT ? ownerOf(version, b) : b.ownerAccountId();
    boolean policySpeaks = owner.equals(b.ownerAccountId());
    boolean callerInBucketAccount = id != null && id.accountId().equals(b.ownerAccountId());
    if (bucketPolicy.allows() && policy.get().isPublic() && !callerInBucketAccount
        && pab(r, b).restrictPublicBuckets()) {
      bucketPolicy = Result.NONE; // RestrictPublicBuckets: a public policy serves only its own account
    }
    boolean policyAllows = policySpeaks && bucketPolicy.allows();

    if (id != null && id.accountId().equals(owner)) {
      return identityAllows || (policyAllows && bucketPolicy.specific());
    }
    if (callerInBucketAccount && identityAllows
        && (action == S3Action.DeleteObject || action == S3Action.DeleteObjectVersion)) {
      return true; // the bucket owner may delete any object in its bucket, whoever owns it
    }
    boolean resourceAllows = policyAllows || aclAllows(r, action, b, version, caller);
    return id == null ? resourceAllows : identityAllows && resourceAllows;
  }

  /** An object's owner: under BucketOwnerEnforced the bucket owner owns every object. */
  private static String ownerOf(ObjectVersion v, BucketView b) {
    if (b.ownership() == Ownership.BucketOwnerEnforced || v.ownerAccountId() == null || v.ownerAccountId().isEmpty()) {
      return b.ownerAccountId();
    }
    return v.ownerAccountId();
  }

  /** The ACL side of the decision (S3 User Guide, "Mapping of ACL permissions and access policy permissions"). */
  private boolean aclAllows(S3Request r, S3Action action, BucketView b, ObjectVersion version, Caller caller) {
    if (b.ownership() == Ownership.BucketOwnerEnforced) {
      return false;
    }
    Permission[] bucketPermissions = switch (action) {
      case ListBucket, ListBucketVersions, ListBucketMultipartUploads -> new Permission[] {Permission.READ};
      case PutObject, DeleteObject, DeleteObjectVersion, AbortMultipartUpload -> new Permission[] {Permission.WRITE};
      case GetBucketAcl -> new Permission[] {Permission.READ_ACP};
      case PutBucketAcl -> new Permission[] {Permission.WRITE_ACP};
      default -> null;
    };
    if (bucketPermissions != null) {
      AccessControlList acl = b.storedAcl().orElse(null);
      return acl != null && grants(r, b, acl, caller, bucketPermissions);
    }
    if (version == null) {
      return false;
    }
    Permission[] objectPermissions = switch (action) {
      case GetObject, GetObjectVersion, GetObjectAttributes, GetObjectVersionAttributes, GetObjectTorrent,
          GetObjectVersionTorrent -> new Permission[] {Permission.READ};
      case GetObjectAcl, GetObjectVersionAcl -> new Permission[] {Permission.READ_ACP};
      case PutObjectAcl, PutObjectVersionAcl -> new Permission[] {Permission.WRITE_ACP};
      default -> null;
    };
    if (objectPermissions == null) {
      return false;
    }
    Optional<byte[]> stored = version.subresources().get(Acls.KIND);
    return stored.isPresent() && grants(r, b, Acls.decode(stored.get()), caller, objectPermissions);
  }

  private boolean grants(S3Request r, BucketView b, AccessControlList acl, Caller caller, Permission[] wanted) {
    if (Acls.grants(acl, caller, false, wanted)) {
      // A public grant counts only when Block Public Access does not ignore public ACLs.
      return Acls.grants(acl, caller, true, wanted) || !pab(r, b).ignorePublicAcls();
    }
    return false;
  }

  /** The bucket's effective Block Public Access: its own settings OR its owner account's. */
  public PublicAccessBlock pab(S3Request r, BucketView b) {
    return b.publicAccessBlock().or(accountPublicAccessBlock(r, b.ownerAccountId()));
  }

  /** An account's Block Public Access settings (from the request's identity read when it has them). */
  public PublicAccessBlock accountPublicAccessBlock(S3Request r, String canonicalId) {
    Identity id = r.principal().identity();
    if (id != null && id.reply().hasBucketOwner() && id.reply().getBucketOwner().getAccountId().equals(canonicalId)) {
      for (AccountConfigRecord c : id.reply().getBucketOwnerConfigsList()) {
        if (c.getKind().equals(AccessConfigs.PUBLIC_ACCESS_BLOCK)) {
          return AccessConfigs.decodePublicAccessBlock(c.getBody().toByteArray());
        }
      }
      return PublicAccessBlock.NONE;
    }
    var reply = metadata.iamQuery(IamQuery.newBuilder().setGetAccountConfig(GetAccountConfig.newBuilder()
        .setAccountId(canonicalId).setKind(AccessConfigs.PUBLIC_ACCESS_BLOCK)).build());
    return reply.hasAccountConfig() && !reply.getAccountConfig().getBody().isEmpty()
        ? AccessConfigs.decodePublicAccessBlock(reply.getAccountConfig().getBody().toByteArray())
        : PublicAccessBlock.NONE;
  }

  /** The account with this e-mail address (ACL grants by e-mail), as an ACL owner/grantee. */
  public Optional<Acls.Owner> accountByEmail(String email) {
    return findAccount(FindAccount.newBuilder().setEmail(email).build());
  }

  /** The account with this canonical id, as an ACL owner (for its display name). */
  public Optional<Acls.Owner> accountByCanonicalId(String canonicalId) {
    return findAccount(FindAccount.newBuilder().setCanonicalId(canonicalId).build());
  }

  private Optional<Acls.Owner> findAccount(FindAccount q) {
    var reply = metadata.iamQuery(IamQuery.newBuilder().setFindAccount(q).build());
    if (!reply.hasAccount() || !reply.getAccount().hasAccount()) {
      return Optional.empty();
    }
    AccountRecord a = reply.getAccount().getAccount();
    return Optional.of(new Acls.Owner(a.getAccountId(), a.getUserName()));
  }

  /**
   * The caller's identity policies together: a Deny in any wins, else an Allow in any; for a role
   * session with a session policy, only what that policy allows too (IAM, "Session policies").
   */
  private Result identityResult(Identity id, RequestContext ctx) {
    Result out = policiesResult(id, ctx);
    String sessionPolicy = id.session().map(s -> s.getSessionPolicy()).orElse("");
    if (out.allows() && !sessionPolicy.isEmpty()) {
      Optional<PolicyDocument> doc = identityPolicy(ResolvedPolicy.newBuilder().setSource("session")
          .setDocument(sessionPolicy).build());
      Result session = doc.map(d -> PolicyEvaluator.evaluate(d, ctx, false)).orElse(Result.NONE);
      return session.denies() ? Result.DENY : session.allows() ? out : Result.NONE;
    }
    return out;
  }

  private Result policiesResult(Identity id, RequestContext ctx) {
    Result out = Result.NONE;
    for (ResolvedPolicy p : id.reply().getPoliciesList()) {
      Optional<PolicyDocument> doc = identityPolicy(p);
      if (doc.isEmpty()) {
        continue;
      }
      Result r = PolicyEvaluator.evaluate(doc.get(), ctx, false);
      if (r.denies()) {
        return Result.DENY;
      }
      if (r.allows()) {
        out = r;
      }
    }
    return out;
  }

  private Optional<PolicyDocument> identityPolicy(ResolvedPolicy p) {
    String text = p.getDocument().isEmpty() ? managedPolicies.apply(p.getSource()).orElse(null) : p.getDocument();
    if (text == null) {
      return Optional.empty();
    }
    Optional<PolicyDocument> cached = identityPolicies.get(text);
    if (cached != null) {
      return cached;
    }
    Optional<PolicyDocument> parsed;
    try {
      parsed = Optional.of(PolicyParser.parse(text, PolicyParser.Kind.IDENTITY, null));
    } catch (MalformedPolicyException e) {
      // Validated when stored; one that no longer parses grants nothing (and denies nothing).
      log.warn("identity policy {} does not parse: {}", p.getSource(), e.getMessage());
      parsed = Optional.empty();
    }
    if (identityPolicies.size() >= MAX_CACHED_POLICIES) {
      identityPolicies.clear();
    }
    identityPolicies.put(text, parsed);
    return parsed;
  }

  private void check(S3Request r, S3Action action, BucketView b, String key, ObjectVersion version) {
    if (!allowed(r, action, b, key, version) || !paysIfAsked(r, b)) {
      throw new S3Exception(new S3Error.AccessDenied(null));
    }
  }

  /**
   * Requester pays (S3 User Guide, "Using Requester Pays buckets"): anyone but the bucket
   * owner's account must accept the charge with {@code x-amz-request-payer: requester}, and
   * anonymous requests are refused.
   */
  private static boolean paysIfAsked(S3Request r, BucketView b) {
    if (!b.requesterPays()) {
      return true;
    }
    Identity id = r.principal().identity();
    if (id == null) {
      return false;
    }
    return id.accountId().equals(b.ownerAccountId()) || acceptsCharge(r);
  }

  /** Whether the request accepts requester-pays charges. */
  public static boolean acceptsCharge(S3Request r) {
    return r.header("x-amz-request-payer").map(String::strip).filter("requester"::equalsIgnoreCase).isPresent()
        || r.query("x-amz-request-payer").filter("requester"::equalsIgnoreCase).isPresent();
  }
}
