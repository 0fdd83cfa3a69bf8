package io.moraine.gateway.acl;

import io.moraine.gateway.access.Access;
import io.moraine.gateway.access.AccessConfigs.Ownership;
import io.moraine.gateway.access.Acls;
import io.moraine.gateway.access.BucketView;
import io.moraine.gateway.error.S3Error;
import io.moraine.gateway.error.S3Exception;
import io.moraine.gateway.http.S3Request;
import io.moraine.metadata.api.Subresources;
import io.moraine.proto.config.v1.AccessControlList;
import java.util.Optional;

/**
 * Who owns a new object and what ACL it starts with (PutObject, CopyObject,
 * CreateMultipartUpload): the writer's account owns it (S3 Object Ownership ObjectWriter), the
 * bucket owner under BucketOwnerEnforced, or under BucketOwnerPreferred when the writer grants
 * it {@code bucket-owner-full-control}. The ACL is the one the request's headers ask for; with
 * ACLs disabled only {@code bucket-owner-full-control} (or none) is accepted; a public ACL under
 * BlockPublicAcls is AccessDenied. Checked before any data is stored.
 */
public final class WriteAcls {
  private WriteAcls() {}

  /** A new object's owner (canonical id) and its sub-resources (the ACL when one was asked for). */
  public record NewObject(String owner, Subresources subresources) {}

  public static NewObject forNewObject(Access access, S3Request r, BucketView b) {
    String bucketOwner = b.ownerAccountId();
    Ownership ownership = b.ownership();
    Optional<String> canned = r.header("x-amz-acl").map(String::strip);
    if (ownership == Ownership.BucketOwnerEnforced) {
      boolean onlyFullControl = canned.isEmpty() || canned.get().equals("bucket-owner-full-control");
      if (!onlyFullControl || hasGrantHeaders(r)) {
        throw new S3Exception(new S3Error.AccessControlListNotSupported(null));
      }
      return new NewObject(bucketOwner, Subresources.NONE);
    }
    String writer = r.accountId() != null ? r.accountId() : bucketOwner;
    String owner = ownership == Ownership.BucketOwnerPreferred && canned.filter("bucket-owner-full-control"::equals)
        .isPresent() ? bucketOwner : writer;
    Acls.Owner ownerRef = new Acls.Owner(owner, owner.equals(writer) ? r.accountName() : null);
    Acls.Owner bucketOwnerRef = new Acls.Owner(bucketOwner, null);
    Optional<AccessControlList> acl = Acls.fromHeaders(r::header, ownerRef, bucketOwnerRef, access::accountByEmail);
    if (acl.isEmpty()) {
      return new NewObject(owner, Subresources.NONE);
    }
    checkNotBlocked(access, r, b, acl.get());
    return new NewObject(owner, Subresources.NONE.with(Acls.KIND, Acls.encode(acl.get())));
  }

  /** BlockPublicAcls: a request that would set a public ACL is refused (S3 answers AccessDenied). */
  static void checkNotBlocked(Access access, S3Request r, BucketView b, AccessControlList acl) {
    if (Acls.isPublic(acl) && access.pab(r, b).blockPublicAcls()) {
      throw new S3Exception(new S3Error.AccessDenied(null));
    }
  }

  static boolean hasGrantHeaders(S3Request r) {
    return Acls.inHeaders(name -> name.equals("x-amz-acl") ? Optional.empty() : r.header(name));
  }
}
