package io.moraine.gateway.restore;

import io.moraine.gateway.access.Access;
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
import io.moraine.proto.meta.v1.RestoreReply;
import io.moraine.proto.meta.v1.StartRestore;
import java.io.IOException;
import java.util.Optional;

/**
 * {@code POST /bucket/key?restore[&versionId=]}: RestoreObject of an archived (GLACIER,
 * DEEP_ARCHIVE) version. 202 Accepted when a restore starts, 200 OK when a restored copy's
 * expiry is extended to Days from now, 409 RestoreAlreadyInProgress while one runs, 403
 * InvalidObjectState for any other class (INTELLIGENT_TIERING objects only in an archive tier, and
 * without Days: docs/storage-classes.md). The copy itself is made later by the restore service
 * (launcher role.RestoreService) once the tier's delay has passed. SELECT restores are not
 * implemented (501).
 */
public final class RestoreHandler implements SubresourceHandler {
  private static final int MAX_BODY_BYTES = 64 * 1024;

  private final MetadataClient metadata;
  private final Access access;
  private final RestoreConfig config;

  public RestoreHandler(MetadataClient metadata, Access access, RestoreConfig config) {
    this.metadata = metadata;
    this.access = access;
    this.config = config;
  }

  @Override
  public Subresource subresource() {
    return Subresource.RESTORE;
  }

  @Override
  public void onObject(String method, S3Request r, S3Response out, String bucket, String key) throws IOException {
    if (!method.equals("POST")) {
      throw new S3Exception(new S3Error.MethodNotAllowed(null));
    }
    BucketView b = access.resolve(bucket);
    Optional<String> versionId = VersionIds.fromQuery(r);
    ObjectVersion v = metadata.getObjectVersion(bucket, key, versionId.orElse(null))
        .orElseThrow(() -> access.missing(r, b, key,
            versionId.isPresent() ? new S3Error.NoSuchVersion(null) : new S3Error.NoSuchKey(null)));
    access.object(r, S3Action.RestoreObject, b, key, v);
    if (v.deleteMarker()) {
      throw new S3Exception(versionId.isPresent() ? new S3Error.MethodNotAllowed(null) : new S3Error.NoSuchKey(null));
    }
    RestoreRequestXml.Request req = RestoreRequestXml.parse(Bodies.readSmall(r, MAX_BODY_BYTES));
    boolean tiered = Archive.tieredArchive(v);
    if (!Archive.archived(v.storageClass()) && !tiered) {
      throw new S3Exception(new S3Error.InvalidObjectState("Restore is not allowed for the object's current storage class"));
    }
    if (!tiered && req.days() == 0) {
      throw new S3Exception(new S3Error.MalformedXML(null)); // an archive restore names how long the copy is kept
    }
    // Intelligent-Tiering's archive tiers restore in place, with no Days, at the delays of the class
    // whose layout they hold; Expedited is not offered for them (S3 User Guide, restoring objects
    // from the S3 Intelligent-Tiering Archive Access and Deep Archive Access tiers).
    String delayClass = tiered ? (v.accessTier().equals("ARCHIVE_ACCESS") ? "GLACIER" : "DEEP_ARCHIVE")
        : v.storageClass();
    long delay = tiered && req.tier().equals("Expedited") ? -1 : config.delayMillis(delayClass, req.tier());
    if (delay < 0) {
      throw new S3Exception(new S3Error.InvalidArgument(
          req.tier() + " retrieval is not supported for the " + v.storageClass() + " storage class"));
    }
    RestoreReply reply = metadata.startRestore(StartRestore.newBuilder().setBucket(bucket).setKey(key)
        .setVersionId(versionId.orElse("")).setDays(tiered ? 1 : req.days()).setTier(req.tier()).setDelayMillis(delay)
        .setDayMillis(config.dayScale().dayMillis()).build());
    VersionIds.header(out, b.bucket(), v.versionId());
    out.empty(reply.getApplied() ? 202 : 200);
  }
}
