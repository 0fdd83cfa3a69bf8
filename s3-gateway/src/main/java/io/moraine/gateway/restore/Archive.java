package io.moraine.gateway.restore;

import io.moraine.gateway.error.S3Error;
import io.moraine.gateway.error.S3Exception;
import io.moraine.gateway.http.S3Response;
import io.moraine.metadata.api.ObjectVersion;
import io.moraine.metadata.api.Restore;
import java.util.Optional;
import java.util.Set;

/**
 * S3's access rules of the archive classes (S3 API reference, GetObject and CopyObject,
 * "InvalidObjectState"): GLACIER and DEEP_ARCHIVE objects are read only through a restored
 * temporary copy; HEAD always works; GLACIER_IR is immediate. The storage class never changes
 * with a restore.
 */
public final class Archive {
  public static final Set<String> CLASSES = Set.of("GLACIER", "DEEP_ARCHIVE");

  private Archive() {}

  public static boolean archived(String storageClass) {
    return CLASSES.contains(storageClass);
  }

  /** An archived version with its restored copy in place (reads come from the copy). */
  public static boolean restored(ObjectVersion v) {
    Restore r = v.restore();
    return r != null && !r.ongoing() && r.copy() != null;
  }

  /**
   * An INTELLIGENT_TIERING version in the Archive Access or Deep Archive Access tier (its data in
   * the GLACIER / DEEP_ARCHIVE layout): readable only after a restore brings it back to Frequent.
   */
  public static boolean tieredArchive(ObjectVersion v) {
    return "INTELLIGENT_TIERING".equals(v.storageClass())
        && ("ARCHIVE_ACCESS".equals(v.accessTier()) || "DEEP_ARCHIVE_ACCESS".equals(v.accessTier()));
  }

  /** GET (any range or part) of {@code v}: 403 InvalidObjectState for an archived version without a copy. */
  public static void checkReadable(ObjectVersion v) {
    if ((archived(v.storageClass()) && !restored(v)) || tieredArchive(v)) {
      throw new S3Exception(new S3Error.InvalidObjectState(null));
    }
  }

  /** CopyObject / UploadPartCopy from {@code src}: S3 names the source in the message. */
  public static void checkCopySource(ObjectVersion src) {
    if ((archived(src.storageClass()) && !restored(src)) || tieredArchive(src)) {
      throw new S3Exception(new S3Error.InvalidObjectState("Operation is not valid for the source object's storage class"));
    }
  }

  /** The {@code x-amz-restore} value of a version, when it has a restore. */
  public static Optional<String> header(Restore r) {
    if (r == null) {
      return Optional.empty();
    }
    return Optional.of(r.ongoing() ? "ongoing-request=\"true\""
        : "ongoing-request=\"false\", expiry-date=\"" + S3Response.httpDate(r.expiryMillis()) + "\"");
  }

  /**
   * The RestoreStatus of a listing row when the request asked for it
   * ({@code x-amz-optional-object-attributes: RestoreStatus}) and the version has a restore.
   */
  public static io.moraine.gateway.xml.S3Xml.RestoreStatus listed(io.moraine.gateway.http.S3Request r, Restore restore) {
    if (restore == null || !optionalAttributes(r).contains("RestoreStatus")) {
      return null;
    }
    return new io.moraine.gateway.xml.S3Xml.RestoreStatus(restore.ongoing(), restore.expiryMillis());
  }

  private static java.util.Set<String> optionalAttributes(io.moraine.gateway.http.S3Request r) {
    java.util.Set<String> names = new java.util.TreeSet<>();
    for (String v : r.signed().headers().getOrDefault("x-amz-optional-object-attributes", java.util.List.of())) {
      for (String n : v.split(",")) {
        names.add(n.strip());
      }
    }
    return names;
  }

  /** Sets {@code x-amz-restore} on a GET or HEAD response. */
  public static void header(S3Response out, ObjectVersion v) {
    header(v.restore()).ifPresent(h -> out.header("x-amz-restore", h));
    if (tieredArchive(v)) {
      // HeadObject's ArchiveStatus (x-amz-archive-status): ARCHIVE_ACCESS | DEEP_ARCHIVE_ACCESS.
      out.header("x-amz-archive-status", v.accessTier());
    }
  }
}
