package io.moraine.gateway.xml;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * S3's response bodies: one wire record per XML document, rendered exactly as S3 renders it
 * (element order from the S3 API reference). Feature packages map domain records to these by
 * hand; nothing outside this package writes XML.
 */
public final class S3Xml {

  private S3Xml() {}

  private static final DateTimeFormatter ISO_MILLIS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  /** S3's timestamp format in XML bodies, e.g. {@code 2009-10-12T17:50:30.000Z}. */
  public static String isoMillis(long epochMillis) {
    return ISO_MILLIS.format(Instant.ofEpochMilli(epochMillis));
  }

  // ---- records --------------------------------------------------------------------------------

  public record ErrorDoc(String code, String message, String resource, String requestId) {}

  public record Owner(String id, String displayName) {}

  public record BucketEntry(String name, long creationMillis, String region) {
    public BucketEntry(String name, long creationMillis) {
      this(name, creationMillis, null);
    }
  }

  /** {@code continuationToken} the next page's token, null on the last page; {@code prefix} as asked, or null. */
  public record ListAllMyBucketsResult(Owner owner, List<BucketEntry> buckets, String continuationToken, String prefix) {
    public ListAllMyBucketsResult(Owner owner, List<BucketEntry> buckets) {
      this(owner, buckets, null, null);
    }
  }

  /** One key of a listing; {@code owner} null unless requested (V2 fetch-owner; always in V1). */
  public record Contents(String key, long lastModifiedMillis, String etag, long size, String storageClass, Owner owner,
      RestoreStatus restoreStatus) {
    public Contents(String key, long lastModifiedMillis, String etag, long size, String storageClass, Owner owner) {
      this(key, lastModifiedMillis, etag, size, storageClass, owner, null);
    }
  }

  /**
   * An archived object's restore in a listing (OptionalObjectAttributes=RestoreStatus): in progress,
   * or done with the copy's expiry. Null when not asked for or when the object has no restore.
   */
  public record RestoreStatus(boolean inProgress, long expiryMillis) {}

  /** ListObjectsV2 result. Optional strings are null when absent. Values arrive already url-encoded when requested. */
  public record ListBucketResultV2(
      String name, String prefix, String delimiter, int maxKeys, String encodingType, int keyCount,
      boolean truncated, String continuationToken, String nextContinuationToken, String startAfter,
      List<Contents> contents, List<String> commonPrefixes) {}

  /** ListObjects (V1) result. */
  public record ListBucketResultV1(
      String name, String prefix, String marker, String nextMarker, int maxKeys, String delimiter,
      String encodingType, boolean truncated, List<Contents> contents, List<String> commonPrefixes) {}

  public record InitiateMultipartUploadResult(String bucket, String key, String uploadId) {}

  /** {@code checksum}: {element name, value} of the composite checksum, or null. */
  public record CompleteMultipartUploadResult(String location, String bucket, String key, String etag, String[] checksum) {
    public CompleteMultipartUploadResult(String location, String bucket, String key, String etag) {
      this(location, bucket, key, etag, null);
    }
  }

  public record Part(int partNumber, long lastModifiedMillis, String etag, long size) {}

  public record ListPartsResult(
      String bucket, String key, String uploadId, Owner initiator, Owner owner, String storageClass,
      int partNumberMarker, int nextPartNumberMarker, int maxParts, boolean truncated, List<Part> parts) {}

  public record Upload(String key, String uploadId, Owner initiator, Owner owner, String storageClass, long initiatedMillis) {}

  public record ListMultipartUploadsResult(
      String bucket, String keyMarker, String uploadIdMarker, String nextKeyMarker, String nextUploadIdMarker,
      String prefix, String delimiter, int maxUploads, boolean truncated, List<Upload> uploads,
      List<String> commonPrefixes, String encodingType) {}

  public record CopyObjectResult(long lastModifiedMillis, String etag) {}

  /** A Version or DeleteMarker row of ListVersionsResult (etag, size, class unused for markers). */
  public record VersionRow(String key, String versionId, boolean latest, boolean deleteMarker, long lastModifiedMillis,
      String etag, long size, String storageClass, Owner owner, RestoreStatus restoreStatus) {
    public VersionRow(String key, String versionId, boolean latest, boolean deleteMarker, long lastModifiedMillis,
        String etag, long size, String storageClass, Owner owner) {
      this(key, versionId, latest, deleteMarker, lastModifiedMillis, etag, size, storageClass, owner, null);
    }

    public VersionRow withRestoreStatus(RestoreStatus r) {
      return new VersionRow(key, versionId, latest, deleteMarker, lastModifiedMillis, etag, size, storageClass, owner, r);
    }
  }

  public record ListVersionsResult(String name, String prefix, String keyMarker, String versionIdMarker,
      String nextKeyMarker, String nextVersionIdMarker, int maxKeys, String delimiter, String encodingType,
      boolean truncated, List<VersionRow> rows, List<String> commonPrefixes) {}

  /** A Deleted entry; versionId / deleteMarkerVersionId null when not applicable. */
  public record Deleted(String key, String versionId, boolean deleteMarker, String deleteMarkerVersionId) {
    public Deleted(String key) {
      this(key, null, false, null);
    }
  }

  public record DeleteError(String key, String code, String message) {}

  public record DeleteResult(List<Deleted> deleted, List<DeleteError> errors) {}

  // ---- rendering ------------------------------------------------------------------------------

  public static byte[] render(ErrorDoc e) {
    XmlWriter w = new XmlWriter().start("Error");
    w.element("Code", e.code()).element("Message", e.message());
    w.element("Resource", e.resource()).element("RequestId", e.requestId());
    return w.end("Error").toBytes();
  }

  /** An S3 Control error: the same fields inside {@code ErrorResponse}, as that API sends them. */
  public static byte[] renderControlError(ErrorDoc e, String hostId) {
    XmlWriter w = new XmlWriter().start("ErrorResponse").start("Error");
    w.element("Code", e.code()).element("Message", e.message()).end("Error");
    w.element("RequestId", e.requestId()).element("HostId", hostId);
    return w.end("ErrorResponse").toBytes();
  }

  public static byte[] render(ListAllMyBucketsResult r) {
    XmlWriter w = new XmlWriter().startRoot("ListAllMyBucketsResult");
    owner(w, "Owner", r.owner());
    w.start("Buckets");
    for (BucketEntry b : r.buckets()) {
      w.start("Bucket").element("Name", b.name()).element("CreationDate", isoMillis(b.creationMillis()))
          .element("BucketRegion", b.region()).end("Bucket");
    }
    w.end("Buckets").element("ContinuationToken", r.continuationToken()).element("Prefix", r.prefix());
    return w.end("ListAllMyBucketsResult").toBytes();
  }

  public static byte[] renderLocation(String locationConstraint) {
    XmlWriter w = new XmlWriter();
    if (locationConstraint == null || locationConstraint.isEmpty()) {
      return w.raw("<LocationConstraint xmlns=\"" + XmlWriter.S3_NS + "\"/>").toBytes();
    }
    return w.startRoot("LocationConstraint").raw(escapeText(locationConstraint)).end("LocationConstraint").toBytes();
  }

  public static byte[] render(ListBucketResultV2 r) {
    XmlWriter w = new XmlWriter().startRoot("ListBucketResult");
    w.element("Name", r.name()).element("Prefix", r.prefix());
    w.element("Delimiter", r.delimiter());
    w.element("MaxKeys", r.maxKeys());
    w.element("EncodingType", r.encodingType());
    w.element("KeyCount", r.keyCount());
    w.element("IsTruncated", r.truncated());
    w.element("ContinuationToken", r.continuationToken());
    w.element("NextContinuationToken", r.nextContinuationToken());
    w.element("StartAfter", r.startAfter());
    contents(w, r.contents());
    commonPrefixes(w, r.commonPrefixes());
    return w.end("ListBucketResult").toBytes();
  }

  public static byte[] render(ListBucketResultV1 r) {
    XmlWriter w = new XmlWriter().startRoot("ListBucketResult");
    w.element("Name", r.name()).element("Prefix", r.prefix()).element("Marker", r.marker());
    w.element("NextMarker", r.nextMarker());
    w.element("MaxKeys", r.maxKeys());
    w.element("Delimiter", r.delimiter());
    w.element("EncodingType", r.encodingType());
    w.element("IsTruncated", r.truncated());
    contents(w, r.contents());
    commonPrefixes(w, r.commonPrefixes());
    return w.end("ListBucketResult").toBytes();
  }

  public static byte[] render(InitiateMultipartUploadResult r) {
    XmlWriter w = new XmlWriter().startRoot("InitiateMultipartUploadResult");
    w.element("Bucket", r.bucket()).element("Key", r.key()).element("UploadId", r.uploadId());
    return w.end("InitiateMultipartUploadResult").toBytes();
  }

  public static byte[] render(CompleteMultipartUploadResult r) {
    XmlWriter w = new XmlWriter().startRoot("CompleteMultipartUploadResult");
    w.element("Location", r.location()).element("Bucket", r.bucket()).element("Key", r.key()).element("ETag", r.etag());
    if (r.checksum() != null) {
      w.element(r.checksum()[0], r.checksum()[1]).element("ChecksumType", "COMPOSITE");
    }
    return w.end("CompleteMultipartUploadResult").toBytes();
  }

  public static byte[] render(ListPartsResult r) {
    XmlWriter w = new XmlWriter().startRoot("ListPartsResult");
    w.element("Bucket", r.bucket()).element("Key", r.key()).element("UploadId", r.uploadId());
    owner(w, "Initiator", r.initiator());
    owner(w, "Owner", r.owner());
    w.element("StorageClass", r.storageClass());
    w.element("PartNumberMarker", r.partNumberMarker());
    w.element("NextPartNumberMarker", r.nextPartNumberMarker());
    w.element("MaxParts", r.maxParts());
    w.element("IsTruncated", r.truncated());
    for (Part p : r.parts()) {
      w.start("Part").element("PartNumber", p.partNumber()).element("LastModified", isoMillis(p.lastModifiedMillis()))
          .element("ETag", p.etag()).element("Size", p.size()).end("Part");
    }
    return w.end("ListPartsResult").toBytes();
  }

  public static byte[] render(ListMultipartUploadsResult r) {
    XmlWriter w = new XmlWriter().startRoot("ListMultipartUploadsResult");
    w.element("Bucket", r.bucket()).element("KeyMarker", r.keyMarker()).element("UploadIdMarker", r.uploadIdMarker());
    w.element("NextKeyMarker", r.nextKeyMarker()).element("NextUploadIdMarker", r.nextUploadIdMarker());
    w.element("Delimiter", r.delimiter());
    w.element("Prefix", r.prefix());
    w.element("MaxUploads", r.maxUploads());
    w.element("EncodingType", r.encodingType());
    w.element("IsTruncated", r.truncated());
    for (Upload u : r.uploads()) {
      w.start("Upload").element("Key", u.key()).element("UploadId", u.uploadId());
      owner(w, "Initiator", u.initiator());
      owner(w, "Owner", u.owner());
      w.element("StorageClass", u.storageClass()).element("Initiated", isoMillis(u.initiatedMillis())).end("Upload");
    }
    commonPrefixes(w, r.commonPrefixes());
    return w.end("ListMultipartUploadsResult").toBytes();
  }

  public static byte[] renderCopyPart(CopyObjectResult r) {
    XmlWriter w = new XmlWriter().startRoot("CopyPartResult");
    w.element("LastModified", isoMillis(r.lastModifiedMillis())).element("ETag", r.etag());
    return w.end("CopyPartResult").toBytes();
  }

  public static byte[] render(CopyObjectResult r) {
    XmlWriter w = new XmlWriter().startRoot("CopyObjectResult");
    w.element("LastModified", isoMillis(r.lastModifiedMillis())).element("ETag", r.etag());
    return w.end("CopyObjectResult").toBytes();
  }

  public static byte[] render(DeleteResult r) {
    XmlWriter w = new XmlWriter().startRoot("DeleteResult");
    for (Deleted d : r.deleted()) {
      w.start("Deleted").element("Key", d.key()).element("VersionId", d.versionId());
      if (d.deleteMarker()) {
        w.element("DeleteMarker", true).element("DeleteMarkerVersionId", d.deleteMarkerVersionId());
      }
      w.end("Deleted");
    }
    for (DeleteError e : r.errors()) {
      w.start("Error").element("Key", e.key()).element("Code", e.code()).element("Message", e.message()).end("Error");
    }
    return w.end("DeleteResult").toBytes();
  }

  /** GetObjectAttributes; null members are left out. {@code checksum}: {element name, base64 value}. */
  public record ObjectAttributes(String etag, String[] checksum, Integer totalParts, String storageClass, Long size,
      PartsPage parts) {}

  /** GetObjectAttributes' ObjectParts page: part numbers and sizes from {@code first} on. */
  public record PartsPage(int partNumberMarker, int nextPartNumberMarker, int maxParts, boolean truncated,
      List<long[]> parts) {}

  public static byte[] render(ObjectAttributes a) {
    XmlWriter w = new XmlWriter().startRoot("GetObjectAttributesResponse");
    w.element("ETag", a.etag());
    if (a.checksum() != null) {
      w.start("Checksum").element(a.checksum()[0], a.checksum()[1])
          .element("ChecksumType", a.checksum()[1].indexOf('-') >= 0 ? "COMPOSITE" : "FULL_OBJECT").end("Checksum");
    }
    if (a.totalParts() != null) {
      w.start("ObjectParts").element("PartsCount", a.totalParts()); // TotalPartsCount on the wire is PartsCount
      if (a.parts() != null) {
        PartsPage p = a.parts();
        w.element("PartNumberMarker", p.partNumberMarker());
        if (p.truncated()) {
          w.element("NextPartNumberMarker", p.nextPartNumberMarker());
        }
        w.element("MaxParts", p.maxParts()).element("IsTruncated", p.truncated());
        for (long[] part : p.parts()) {
          w.start("Part").element("PartNumber", part[0]).element("Size", part[1]).end("Part");
        }
      }
      w.end("ObjectParts");
    }
    w.element("StorageClass", a.storageClass());
    if (a.size() != null) {
      w.element("ObjectSize", a.size());
    }
    return w.end("GetObjectAttributesResponse").toBytes();
  }

  /** GetBucketVersioning: an empty configuration for a bucket never versioned. */
  public static byte[] renderVersioning(String status) {
    return renderVersioning(status, null);
  }

  /** {@code mfaDelete} "Enabled"/"Disabled" once MFA delete was configured, else null. */
  public static byte[] renderVersioning(String status, String mfaDelete) {
    XmlWriter w = new XmlWriter();
    if (status == null) {
      return w.raw("<VersioningConfiguration xmlns=\"" + XmlWriter.S3_NS + "\"/>").toBytes();
    }
    return w.startRoot("VersioningConfiguration").element("Status", status).element("MfaDelete", mfaDelete)
        .end("VersioningConfiguration").toBytes();
  }

  public static byte[] render(ListVersionsResult r) {
    XmlWriter w = new XmlWriter().startRoot("ListVersionsResult");
    w.element("Name", r.name()).element("Prefix", r.prefix()).element("KeyMarker", r.keyMarker())
        .element("VersionIdMarker", r.versionIdMarker());
    w.element("NextKeyMarker", r.nextKeyMarker()).element("NextVersionIdMarker", r.nextVersionIdMarker());
    w.element("MaxKeys", r.maxKeys());
    w.element("Delimiter", r.delimiter());
    w.element("EncodingType", r.encodingType());
    w.element("IsTruncated", r.truncated());
    for (VersionRow v : r.rows()) {
      String element = v.deleteMarker() ? "DeleteMarker" : "Version";
      w.start(element).element("Key", v.key()).element("VersionId", v.versionId()).element("IsLatest", v.latest())
          .element("LastModified", isoMillis(v.lastModifiedMillis()));
      if (!v.deleteMarker()) {
        w.element("ETag", v.etag()).element("Size", v.size());
      }
      owner(w, "Owner", v.owner());
      if (!v.deleteMarker()) {
        w.element("StorageClass", v.storageClass());
        restoreStatus(w, v.restoreStatus());
      }
      w.end(element);
    }
    commonPrefixes(w, r.commonPrefixes());
    return w.end("ListVersionsResult").toBytes();
  }

  private static void contents(XmlWriter w, List<Contents> contents) {
    for (Contents c : contents) {
      w.start("Contents").element("Key", c.key()).element("LastModified", isoMillis(c.lastModifiedMillis()))
          .element("ETag", c.etag()).element("Size", c.size());
      owner(w, "Owner", c.owner());
      w.element("StorageClass", c.storageClass());
      restoreStatus(w, c.restoreStatus());
      w.end("Contents");
    }
  }

  private static void restoreStatus(XmlWriter w, RestoreStatus r) {
    if (r == null) {
      return;
    }
    w.start("RestoreStatus").element("IsRestoreInProgress", r.inProgress());
    if (!r.inProgress()) {
      w.element("RestoreExpiryDate", isoMillis(r.expiryMillis()));
    }
    w.end("RestoreStatus");
  }

  private static void commonPrefixes(XmlWriter w, List<String> prefixes) {
    for (String p : prefixes) {
      w.start("CommonPrefixes").element("Prefix", p).end("CommonPrefixes");
    }
  }

  private static void owner(XmlWriter w, String element, Owner owner) {
    if (owner == null) {
      return;
    }
    w.start(element).element("ID", owner.id()).element("DisplayName", owner.displayName()).end(element);
  }

  private static String escapeText(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
