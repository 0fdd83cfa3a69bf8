package io.moraine.gateway.bucket;

import io.moraine.gateway.access.Access;
import io.moraine.gateway.access.AccessConfigs;
import io.moraine.gateway.access.Acls;
import io.moraine.proto.config.v1.AccessControlList;
import io.moraine.gateway.access.S3Action;
import io.moraine.gateway.error.S3Error;
import io.moraine.gateway.error.S3Exception;
import io.moraine.gateway.http.Bodies;
import io.moraine.gateway.http.S3Request;
import io.moraine.gateway.http.S3Response;
import io.moraine.gateway.xml.S3Xml;
import io.moraine.gateway.xml.S3XmlRequests;
import io.moraine.metadata.api.Bucket;
import io.moraine.metadata.api.MetadataClient;
import io.moraine.metadata.api.MetadataError;
import io.moraine.metadata.api.MetadataException;
import java.io.IOException;
import java.util.Optional;

/** CreateBucket, HeadBucket, DeleteBucket, GetBucketLocation and ListBuckets. */
public final class BucketApi {
  private static final int MAX_CONFIGURATION_BYTES = 64 * 1024;

  private final MetadataClient metadata;
  private final Access access;
  private final String region;

  public BucketApi(MetadataClient metadata, Access access, String region) {
    this.metadata = metadata;
    this.access = access;
    this.region = region;
  }

  public void listBuckets(S3Request r, S3Response out) throws IOException {
    access.service(r, S3Action.ListAllMyBuckets, null);
    // Pagination (current S3): max-buckets 1..10000, an opaque continuation-token (the last name
    // of the previous page), prefix and bucket-region filters.
    int max = r.intQuery("max-buckets").orElse(MAX_BUCKETS_PAGE);
    if (max < 1 || max > MAX_BUCKETS_PAGE) {
      throw new S3Exception(new S3Error.InvalidArgument("Argument max-buckets must be an integer between 1 and 10000"));
    }
    String after = r.query("continuation-token").map(BucketApi::decodeToken).orElse("");
    String prefix = r.query("prefix").orElse("");
    Optional<String> wantedRegion = r.query("bucket-region");
    var matching = metadata.listBuckets(r.accountId()).stream()
        .filter(b -> b.name().startsWith(prefix) && b.name().compareTo(after) > 0)
        .filter(b -> wantedRegion.isEmpty() || wantedRegion.get().equals(b.region()))
        .sorted(java.util.Comparator.comparing(io.moraine.metadata.api.Bucket::name))
        .toList();
    var page = matching.stream().limit(max)
        .map(b -> new S3Xml.BucketEntry(b.name(), b.createdMillis(), b.region()))
        .toList();
    String next = matching.size() > max ? encodeToken(page.get(page.size() - 1).name()) : null;
    out.xml(200, S3Xml.render(new S3Xml.ListAllMyBucketsResult(owner(r), page, next,
        r.query("prefix").orElse(null))));
  }

  private static final int MAX_BUCKETS_PAGE = 10_000;

  private static String encodeToken(String lastName) {
    return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(lastName.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  private static String decodeToken(String token) {
    try {
      return new String(java.util.Base64.getUrlDecoder().decode(token), java.nio.charset.StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new S3Exception(new S3Error.InvalidArgument("The continuation token provided is incorrect"));
    }
  }

  public void create(S3Request r, S3Response out, String bucket) throws IOException {
    BucketNames.check(bucket);
    access.service(r, S3Action.CreateBucket, bucket);
    byte[] body = Bodies.readSmall(r, MAX_CONFIGURATION_BYTES);
    Optional<String> location = S3XmlRequests.parseCreateBucketConfiguration(body);
    if (location.isPresent() && !location.get().isEmpty() && !location.get().equals(region)) {
      throw new S3Exception(new S3Error.IllegalLocationConstraint(
          "The " + location.get() + " location constraint is incompatible for the region specific endpoint this request was sent to."));
    }
    // The ACL and Object Ownership asked for, validated before anything is created.
    Optional<AccessConfigs.Ownership> ownership = r.header("x-amz-object-ownership").map(String::strip).map(o -> {
      try {
        return AccessConfigs.Ownership.valueOf(o);
      } catch (IllegalArgumentException e) {
        throw new S3Exception(new S3Error.InvalidArgument("Invalid x-amz-object-ownership header: " + o));
      }
    });
    Acls.Owner owner = new Acls.Owner(r.accountId(), r.accountName());
    Optional<AccessControlList> acl = Acls.fromHeaders(r::header, owner, owner, access::accountByEmail);
    if (acl.isPresent() && ownership.orElse(null) == AccessConfigs.Ownership.BucketOwnerEnforced
        && !acl.get().equals(Acls.privateAcl(owner))) {
      throw new S3Exception(new S3Error.InvalidBucketAclWithObjectOwnership(null));
    }
    try {
      Bucket created = metadata.createBucket(r.accountId(), bucket, region);
      long generation = created.generation();
      if (ownership.isPresent()) {
        generation = metadata.putBucketConfig(bucket, AccessConfigs.OWNERSHIP,
            AccessConfigs.encodeOwnership(ownership.get()), generation).generation();
      }
      if (acl.isPresent()) {
        metadata.putBucketConfig(bucket, Acls.KIND, Acls.encode(acl.get()), generation);
      }
    } catch (MetadataException e) {
      // Current S3: re-creating a bucket you own is 409 BucketAlreadyOwnedByYou in every region
      // but us-east-1, where it answers 200 and changes nothing (legacy behaviour kept there).
      if (e.error() != MetadataError.BUCKET_ALREADY_OWNED_BY_YOU || !"us-east-1".equals(region)) {
        throw e;
      }
    }
    out.header("Location", "/" + bucket).empty(200);
  }

  public void head(S3Request r, S3Response out, String bucket) throws IOException {
    Bucket b = access.bucket(r, S3Action.ListBucket, bucket).bucket();
    out.header("x-amz-bucket-region", b.region()).empty(200);
  }

  public void delete(S3Request r, S3Response out, String bucket) throws IOException {
    access.bucket(r, S3Action.DeleteBucket, bucket);
    metadata.deleteBucket(bucket);
    out.empty(204);
  }

  public void location(S3Request r, S3Response out, String bucket) throws IOException {
    Bucket b = access.bucket(r, S3Action.GetBucketLocation, bucket).bucket();
    // S3 answers an empty LocationConstraint for us-east-1, the region's legacy name.
    String constraint = "us-east-1".equals(b.region()) ? "" : b.region();
    out.xml(200, S3Xml.renderLocation(constraint));
  }

  static S3Xml.Owner owner(S3Request r) {
    return new S3Xml.Owner(r.accountId(), r.accountName());
  }
}
