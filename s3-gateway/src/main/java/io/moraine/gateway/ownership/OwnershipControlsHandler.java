package io.moraine.gateway.ownership;

import io.moraine.gateway.access.Access;
import io.moraine.gateway.access.AccessConfigs;
import io.moraine.gateway.access.AccessConfigs.Ownership;
import io.moraine.gateway.access.BucketView;
import io.moraine.gateway.access.S3Action;
import io.moraine.gateway.error.S3Error;
import io.moraine.gateway.error.S3Exception;
import io.moraine.gateway.http.Bodies;
import io.moraine.gateway.http.S3Request;
import io.moraine.gateway.http.S3Response;
import io.moraine.gateway.http.Subresource;
import io.moraine.gateway.http.SubresourceHandler;
import io.moraine.gateway.xml.S3XmlRequests;
import io.moraine.gateway.xml.XmlWriter;
import io.moraine.metadata.api.MetadataClient;
import java.io.IOException;
import org.w3c.dom.Element;

/**
 * {@code ?ownershipControls}: Put/Get/DeleteBucketOwnershipControls (ObjectWriter,
 * BucketOwnerPreferred, BucketOwnerEnforced). Enforcing bucket ownership while the bucket's ACL
 * grants anything beyond the owner is InvalidBucketAclWithObjectOwnership, as in S3.
 */
public final class OwnershipControlsHandler implements SubresourceHandler {
  private static final int MAX_BODY_BYTES = 16 * 1024;

  private final MetadataClient metadata;
  private final Access access;

  public OwnershipControlsHandler(MetadataClient metadata, Access access) {
    this.metadata = metadata;
    this.access = access;
  }

  @Override
  public Subresource subresource() {
    return Subresource.OWNERSHIP_CONTROLS;
  }

  @Override
  public void onBucket(String method, S3Request r, S3Response out, String bucket) throws IOException {
    switch (method) {
      case "GET" -> {
        BucketView b = access.bucket(r, S3Action.GetBucketOwnershipControls, bucket);
        if (!b.configs().has(AccessConfigs.OWNERSHIP)) {
          throw new S3Exception(new S3Error.OwnershipControlsNotFoundError(null));
        }
        out.xml(200, new XmlWriter().startRoot("OwnershipControls").start("Rule")
            .element("ObjectOwnership", b.ownership().name()).end("Rule").end("OwnershipControls").toBytes());
      }
      case "PUT" -> {
        BucketView b = access.bucket(r, S3Action.PutBucketOwnershipControls, bucket);
        Ownership o = parse(Bodies.readSmall(r, MAX_BODY_BYTES));
        if (o == Ownership.BucketOwnerEnforced && b.storedAcl().map(acl -> acl.getGrantsCount() > 1
            || acl.getGrantsCount() == 1 && !acl.getGrants(0).getId().equals(b.ownerAccountId())).orElse(false)) {
          throw new S3Exception(new S3Error.InvalidBucketAclWithObjectOwnership(null));
        }
        metadata.putBucketConfig(bucket, AccessConfigs.OWNERSHIP, AccessConfigs.encodeOwnership(o), b.generation());
        out.empty(200);
      }
      case "DELETE" -> {
        BucketView b = access.bucket(r, S3Action.PutBucketOwnershipControls, bucket);
        metadata.deleteBucketConfig(bucket, AccessConfigs.OWNERSHIP, b.generation());
        out.empty(204);
      }
      default -> throw new S3Exception(new S3Error.MethodNotAllowed(null));
    }
  }

  static Ownership parse(byte[] body) {
    Element root = S3XmlRequests.parse(body, "OwnershipControls");
    Ownership found = null;
    for (Element rule : S3XmlRequests.children(root)) {
      if (!S3XmlRequests.localName(rule).equals("Rule") || found != null) {
        throw new S3Exception(new S3Error.MalformedXML(null));
      }
      for (Element c : S3XmlRequests.children(rule)) {
        if (!S3XmlRequests.localName(c).equals("ObjectOwnership")) {
          throw new S3Exception(new S3Error.MalformedXML(null));
        }
        try {
          found = Ownership.valueOf(c.getTextContent().strip());
        } catch (IllegalArgumentException e) {
          throw new S3Exception(new S3Error.MalformedXML(null));
        }
      }
    }
    if (found == null) {
      throw new S3Exception(new S3Error.MalformedXML(null));
    }
    return found;
  }
}
