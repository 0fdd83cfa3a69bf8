package io.moraine.gateway.version;

import io.moraine.gateway.auth.AwsUris;
import io.moraine.gateway.access.Access;
import io.moraine.gateway.access.BucketView;
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
import io.moraine.metadata.api.VersionEntry;
import io.moraine.metadata.api.VersionListPage;
import io.moraine.metadata.api.VersionListRequest;
import io.moraine.metadata.api.VersioningStatus;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/** GetBucketVersioning, PutBucketVersioning and ListObjectVersions. */
public final class VersioningApi {
  private static final int MAX_CONFIGURATION_BYTES = 64 * 1024;
  private static final int MAX_KEYS = 1000;

  private final MetadataClient metadata;
  private final Access access;

  private final MfaDelete mfa;

  public VersioningApi(MetadataClient metadata, Access access, java.time.InstantSource clock) {
    this.metadata = metadata;
    this.access = access;
    this.mfa = new MfaDelete(metadata, clock);
  }

  /**
   * Permanently deleting a version of a bucket with MFA delete needs the owner root's MFA code
   * ({@code x-amz-mfa}); a no-op for other buckets.
   */
  public void checkVersionDelete(S3Request r, Bucket b) {
    if (b.mfaDelete()) {
      mfa.require(r, b.ownerAccountId());
    }
  }

  public void get(S3Request r, S3Response out, String bucket) throws IOException {
    Bucket b = access.bucket(r, S3Action.GetBucketVersioning, bucket).bucket();
    String status = switch (b.versioning()) {
      case UNVERSIONED -> null;
      case ENABLED -> "Enabled";
      case SUSPENDED -> "Suspended";
    };
    out.xml(200, S3Xml.renderVersioning(status, b.mfaDelete() ? "Enabled" : null));
  }

  public void put(S3Request r, S3Response out, String bucket) throws IOException {
    BucketView view = access.bucket(r, S3Action.PutBucketVersioning, bucket);
    Bucket b = view.bucket();
    var request = S3XmlRequests.parseVersioning(Bodies.readSmall(r, MAX_CONFIGURATION_BYTES));
    if (request.mfaDelete().isPresent()) {
      // Only the owner's root configures MFA delete, and only with its MFA device.
      var id = r.principal().identity();
      if (id == null || !id.root() || !id.accountId().equals(b.ownerAccountId())) {
        throw new S3Exception(new S3Error.AccessDenied(null));
      }
      mfa.require(r, b.ownerAccountId());
    } else if (b.mfaDelete() && request.status().isPresent()) {
      mfa.require(r, b.ownerAccountId());
    }
    VersioningStatus status = request.status()
        .map(s -> s.equals("Enabled") ? VersioningStatus.ENABLED : VersioningStatus.SUSPENDED)
        .orElse(b.versioning());
    if (request.status().isEmpty() && request.mfaDelete().isEmpty()) {
      out.empty(200);
      return;
    }
    if (status == VersioningStatus.UNVERSIONED) {
      throw new S3Exception(new S3Error.MalformedXML("MfaDelete needs a versioning Status"));
    }
    metadata.setBucketVersioning(bucket, status, request.mfaDelete().orElse(null), b.generation());
    out.empty(200);
  }

  public void list(S3Request r, S3Response out, String bucket) throws IOException {
    access.bucket(r, S3Action.ListBucketVersions, bucket);
    String prefix = r.query("prefix").orElse("");
    String delimiter = r.query("delimiter").orElse("");
    int maxKeys = r.intQuery("max-keys").orElse(MAX_KEYS);
    if (maxKeys < 0) {
      throw new S3Exception(new S3Error.InvalidArgument("Provided max-keys must be a non-negative integer"));
    }
    maxKeys = Math.min(maxKeys, MAX_KEYS);
    Optional<String> encoding = r.query("encoding-type");
    if (encoding.isPresent() && !encoding.get().equals("url")) {
      throw new S3Exception(new S3Error.InvalidArgument("Invalid Encoding Method specified in Request"));
    }
    String keyMarker = r.query("key-marker").orElse("");
    String versionIdMarker = r.query("version-id-marker").orElse("");
    if (!versionIdMarker.isEmpty()) {
      if (keyMarker.isEmpty()) {
        throw new S3Exception(new S3Error.InvalidArgument("A version-id marker cannot be specified without a key marker."));
      }
      VersionIds.check(versionIdMarker);
    }
    VersionListPage page = maxKeys == 0 ? new VersionListPage(List.of(), List.of(), false, null, null)
        : metadata.listObjectVersions(bucket, new VersionListRequest(prefix, delimiter, keyMarker, versionIdMarker, maxKeys));
    UnaryOperator<String> enc = encoding.isPresent() ? s -> s == null ? null : AwsUris.encode(s, false) : s -> s;
    String userName = r.accountName();
    List<S3Xml.VersionRow> rows = page.versions().stream().map(v -> row(v, enc, r.accountId(), userName)
        .withRestoreStatus(io.moraine.gateway.restore.Archive.listed(r, v.restore()))).toList();
    out.xml(200, S3Xml.render(new S3Xml.ListVersionsResult(bucket, enc.apply(prefix), enc.apply(keyMarker),
        versionIdMarker, enc.apply(page.nextKeyMarker()), page.nextVersionIdMarker(), maxKeys,
        delimiter.isEmpty() ? null : enc.apply(delimiter), encoding.orElse(null), page.truncated(), rows,
        page.commonPrefixes().stream().map(enc).toList())));
  }

  private static S3Xml.VersionRow row(VersionEntry v, UnaryOperator<String> enc, String accountId, String userName) {
    String name = v.ownerAccountId().equals(accountId) ? userName : v.ownerAccountId();
    return new S3Xml.VersionRow(enc.apply(v.key()), v.versionId(), v.latest(), v.deleteMarker(),
        v.lastModifiedMillis(), "\"" + v.etag() + "\"", v.size(), v.storageClass(),
        new S3Xml.Owner(v.ownerAccountId(), name));
  }
}
