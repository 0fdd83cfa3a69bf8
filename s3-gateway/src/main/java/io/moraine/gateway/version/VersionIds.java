package io.moraine.gateway.version;

import io.moraine.gateway.error.S3Error;
import io.moraine.gateway.error.S3Exception;
import io.moraine.gateway.http.S3Request;
import io.moraine.gateway.http.S3Response;
import io.moraine.metadata.api.Bucket;
import io.moraine.metadata.api.ObjectVersion;
import io.moraine.metadata.api.VersioningStatus;
import java.util.Optional;

/**
 * Version ids on the wire. The metadata tier assigns them (16 lower-case hex digits derived from
 * the commit position, or "null"); anything else a client sends cannot name a version, and S3
 * answers such ids with 400 InvalidArgument rather than 404.
 */
public final class VersionIds {
  public static final String HEADER = "x-amz-version-id";

  private VersionIds() {}

  public static boolean wellFormed(String id) {
    if (id.equals(ObjectVersion.NULL_VERSION)) {
      return true;
    }
    if (id.length() != 16) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (!(c >= '0' && c <= '9') && !(c >= 'a' && c <= 'f')) {
        return false;
      }
    }
    return true;
  }

  /** The checked {@code versionId} query parameter, if any. */
  public static Optional<String> fromQuery(S3Request r) {
    return r.query("versionId").map(VersionIds::check);
  }

  public static String check(String id) {
    if (id.isEmpty()) {
      throw new S3Exception(new S3Error.InvalidArgument("Version id cannot be the empty string"));
    }
    if (!wellFormed(id)) {
      throw new S3Exception(new S3Error.InvalidArgument("Invalid version id specified"));
    }
    return id;
  }

  /**
   * Whether S3 sends x-amz-version-id for this version: always for real ids, and for "null" only
   * once the bucket has had versioning configured.
   */
  public static boolean shown(Bucket bucket, String versionId) {
    return versionId != null
        && (!versionId.equals(ObjectVersion.NULL_VERSION) || bucket.versioning() != VersioningStatus.UNVERSIONED);
  }

  public static void header(S3Response out, Bucket bucket, String versionId) {
    if (shown(bucket, versionId)) {
      out.header(HEADER, versionId);
    }
  }
}
