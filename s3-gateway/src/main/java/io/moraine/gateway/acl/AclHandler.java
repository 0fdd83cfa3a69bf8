package io.moraine.gateway.acl;

import io.moraine.gateway.access.Access;
import io.moraine.gateway.access.AccessConfigs.Ownership;
import io.moraine.gateway.access.Acls;
import io.moraine.gateway.access.BucketView;
import io.moraine.gateway.access.S3Action;
import io.moraine.gateway.error.S3Error;
import io.moraine.gateway.error.S3Exception;
import io.moraine.gateway.http.Bodies;
import io.moraine.gateway.http.S3Request;
import io.moraine.gateway.http.S3Response;
import io.moraine.gateway.http.Subresource;
import io.moraine.gateway.http.SubresourceHandler;
import io.moraine.gateway.version.VersionIds;
import io.moraine.metadata.api.MetadataClient;
import io.moraine.metadata.api.ObjectVersion;
import io.moraine.proto.config.v1.AccessControlList;
import java.io.IOException;
import java.util.Optional;

/**
 * {@code ?acl} on buckets and objects: GetBucketAcl / PutBucketAcl, GetObjectAcl / PutObjectAcl
 * (with {@code versionId}). A PUT takes a canned ACL, grant headers or an AccessControlPolicy
 * body (exactly one of them); e-mail grantees are resolved to canonical ids before storing.
 * With BucketOwnerEnforced, reads answer the owner's FULL_CONTROL and writes other than that ACL
 * are AccessControlListNotSupported.
 */
public final class AclHandler implements SubresourceHandler {
  private static final int MAX_BODY_BYTES = 64 * 1024;

  private final MetadataClient metadata;
  private final Access access;

  public AclHandler(MetadataClient metadata, Access access) {
    this.metadata = metadata;
    this.access = access;
  }

  @Override
  public Subresource subresource() {
    return Subresource.ACL;
  }

  @Override
  public void onBucket(String method, S3Request r, S3Response out, String bucket) throws IOException {
    switch (method) {
      case "GET" -> {
        BucketView b = access.bucket(r, S3Action.GetBucketAcl, bucket);
        AccessControlList acl = b.ownership() == Ownership.BucketOwnerEnforced ? null : b.storedAcl().orElse(null);
        out.xml(200, Acls.renderXml(acl != null ? acl : Acls.privateAcl(owner(b.ownerAccountId()))));
      }
      case "PUT" -> {
        BucketView b = access.bucket(r, S3Action.PutBucketAcl, bucket);
        Acls.Owner owner = owner(b.ownerAccountId());
        AccessControlList acl = requested(r, owner, owner);
        if (b.ownership() == Ownership.BucketOwnerEnforced && !acl.equals(Acls.privateAcl(owner))) {
          throw new S3Exception(new S3Error.AccessControlListNotSupported(null));
        }
        WriteAcls.checkNotBlocked(access, r, b, acl);
        metadata.putBucketConfig(bucket, Acls.KIND, Acls.encode(acl), b.generation());
        out.empty(200);
      }
      default -> throw new S3Exception(new S3Error.MethodNotAllowed(null));
    }
  }

  @Override
  public void onObject(String method, S3Request r, S3Response out, String bucket, String key) throws IOException {
    BucketView b = access.resolve(bucket);
    Optional<String> versionId = VersionIds.fromQuery(r);
    boolean get = method.equals("GET");
    if (!get && !method.equals("PUT")) {
      throw new S3Exception(new S3Error.MethodNotAllowed(null));
    }
    ObjectVersion v = metadata.getObjectVersion(bucket, key, versionId.orElse(null))
        .orElseThrow(() -> access.missing(r, b, key,
            versionId.isPresent() ? new S3Error.NoSuchVersion(null) : new S3Error.NoSuchKey(null)));
    S3Action action = get ? (versionId.isPresent() ? S3Action.GetObjectVersionAcl : S3Action.GetObjectAcl)
        : (versionId.isPresent() ? S3Action.PutObjectVersionAcl : S3Action.PutObjectAcl);
    access.object(r, action, b, key, v);
    if (v.deleteMarker()) {
      throw new S3Exception(versionId.isPresent() ? new S3Error.MethodNotAllowed(null) : new S3Error.NoSuchKey(null));
    }
    boolean enforced = b.ownership() == Ownership.BucketOwnerEnforced;
    String ownerId = enforced || v.ownerAccountId().isEmpty() ? b.ownerAccountId() : v.ownerAccountId();
    Acls.Owner owner = owner(ownerId);
    if (get) {
      Optional<byte[]> stored = enforced ? Optional.empty() : v.subresources().get(Acls.KIND);
      VersionIds.header(out, b.bucket(), v.versionId());
      out.xml(200, Acls.renderXml(stored.map(Acls::decode).orElseGet(() -> Acls.privateAcl(owner))));
      return;
    }
    AccessControlList acl = requested(r, owner, owner(b.ownerAccountId()));
    if (enforced) {
      throw new S3Exception(new S3Error.AccessControlListNotSupported(null));
    }
    WriteAcls.checkNotBlocked(access, r, b, acl);
    ObjectVersion updated = metadata.setObjectSubresource(bucket, key, versionId.orElse(null), Acls.KIND, Acls.encode(acl));
    VersionIds.header(out, b.bucket(), updated.versionId());
    out.empty(200);
  }

  /** The ACL a PUT ?acl asks for: headers or body, exactly one (S3's rules). */
  private AccessControlList requested(S3Request r, Acls.Owner owner, Acls.Owner bucketOwner) throws IOException {
    byte[] body = Bodies.readSmall(r, MAX_BODY_BYTES);
    boolean hasBody = body.length > 0 && !new String(body, java.nio.charset.StandardCharsets.UTF_8).isBlank();
    Optional<AccessControlList> fromHeaders = Acls.fromHeaders(r::header, owner, bucketOwner, access::accountByEmail);
    if (fromHeaders.isPresent() && hasBody) {
      throw new S3Exception(new S3Error.UnexpectedContent(
          "This request does not support content"));
    }
    if (fromHeaders.isPresent()) {
      return fromHeaders.get();
    }
    if (!hasBody) {
      throw new S3Exception(new S3Error.MissingSecurityHeader("Your request was missing a required header"));
    }
    return Acls.parseXml(body, owner, access::accountByEmail);
  }

  private Acls.Owner owner(String canonicalId) {
    return access.accountByCanonicalId(canonicalId).orElse(new Acls.Owner(canonicalId, ""));
  }
}
