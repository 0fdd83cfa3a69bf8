package io.moraine.gateway.list;

import io.moraine.gateway.auth.AwsUris;
import io.moraine.gateway.access.Access;
import io.moraine.gateway.access.BucketView;
import io.moraine.gateway.access.S3Action;
import io.moraine.gateway.error.S3Error;
import io.moraine.gateway.error.S3Exception;
import io.moraine.gateway.http.S3Request;
import io.moraine.gateway.http.S3Response;
import io.moraine.gateway.xml.S3Xml;
import io.moraine.metadata.api.ListPage;
import io.moraine.metadata.api.ListRequest;
import io.moraine.metadata.api.MetadataClient;
import io.moraine.metadata.api.ObjectSummary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * ListObjectsV2 and ListObjects (V1). Pages come from the metadata tier's sorted iteration; the
 * V2 continuation token is the page's next marker, base64url-encoded (opaque to clients).
 */
public final class ListApi {
  private static final int MAX_KEYS = 1000;

  private final MetadataClient metadata;
  private final Access access;

  public ListApi(MetadataClient metadata, Access access) {
    this.metadata = metadata;
    this.access = access;
  }

  public void listV2(S3Request r, S3Response out, String bucket) throws IOException {
    access.bucket(r, S3Action.ListBucket, bucket);
    String prefix = r.query("prefix").orElse("");
    String delimiter = r.query("delimiter").orElse("");
    int maxKeys = maxKeys(r, "max-keys");
    Optional<String> encoding = encodingType(r);
    Optional<String> token = r.query("continuation-token");
    Optional<String> startAfter = r.query("start-after");
    boolean fetchOwner = r.query("fetch-owner").map(Boolean::parseBoolean).orElse(false);
    String from = token.map(ListApi::decodeToken).orElse(startAfter.orElse(""));
    ListPage page = page(bucket, prefix, delimiter, from, maxKeys);
    UnaryOperator<String> enc = encoder(encoding);
    List<S3Xml.Contents> contents = page.contents().stream()
        .map(s -> contents(r, s, enc, fetchOwner ? owner(r, s) : null)).toList();
    List<String> prefixes = page.commonPrefixes().stream().map(enc).toList();
    String next = page.truncated() ? encodeToken(page.nextMarker()) : null;
    out.xml(200, S3Xml.render(new S3Xml.ListBucketResultV2(bucket, enc.apply(prefix),
        delimiter.isEmpty() ? null : enc.apply(delimiter), maxKeys, encoding.orElse(null),
        contents.size() + prefixes.size(), page.truncated(), token.orElse(null), next,
        startAfter.map(enc).orElse(null), contents, prefixes)));
  }

  public void listV1(S3Request r, S3Response out, String bucket) throws IOException {
    access.bucket(r, S3Action.ListBucket, bucket);
    String prefix = r.query("prefix").orElse("");
    String delimiter = r.query("delimiter").orElse("");
    int maxKeys = maxKeys(r, "max-keys");
    Optional<String> encoding = encodingType(r);
    String marker = r.query("marker").orElse("");
    ListPage page = page(bucket, prefix, delimiter, marker, maxKeys);
    UnaryOperator<String> enc = encoder(encoding);
    List<S3Xml.Contents> contents = page.contents().stream().map(s -> contents(r, s, enc, owner(r, s))).toList();
    List<String> prefixes = page.commonPrefixes().stream().map(enc).toList();
    // V1 leaves Prefix as sent even with encoding-type=url (botocore decodes only Delimiter,
    // Marker, NextMarker, Key and CommonPrefixes there).
    out.xml(200, S3Xml.render(new S3Xml.ListBucketResultV1(bucket, prefix, enc.apply(marker),
        page.truncated() ? enc.apply(page.nextMarker()) : null, maxKeys,
        delimiter.isEmpty() ? null : enc.apply(delimiter), encoding.orElse(null), page.truncated(), contents,
        prefixes)));
  }

  private ListPage page(String bucket, String prefix, String delimiter, String from, int maxKeys) {
    if (maxKeys == 0) {
      return new ListPage(List.of(), List.of(), false, null);
    }
    return metadata.listObjects(bucket, new ListRequest(prefix, delimiter, from, maxKeys));
  }

  private static S3Xml.Contents contents(S3Request r, ObjectSummary s, UnaryOperator<String> enc, S3Xml.Owner owner) {
    return new S3Xml.Contents(enc.apply(s.key()), s.lastModifiedMillis(), "\"" + s.etag() + "\"", s.size(),
        s.storageClass(), owner, io.moraine.gateway.restore.Archive.listed(r, s.restore()));
  }

  private static S3Xml.Owner owner(S3Request r, ObjectSummary s) {
    // Only the bucket owner lists for now, and objects are owned by their writer, who is the owner.
    String name = s.ownerAccountId().equals(r.accountId()) ? r.accountName() : s.ownerAccountId();
    return new S3Xml.Owner(s.ownerAccountId(), name);
  }

  static int maxKeys(S3Request r, String name) {
    int n = r.intQuery(name).orElse(MAX_KEYS);
    if (n < 0) {
      throw new S3Exception(new S3Error.InvalidArgument("Provided " + name + " must be a non-negative integer"));
    }
    return Math.min(n, MAX_KEYS);
  }

  static Optional<String> encodingType(S3Request r) {
    Optional<String> e = r.query("encoding-type");
    if (e.isPresent() && !e.get().equals("url")) {
      throw new S3Exception(new S3Error.InvalidArgument("Invalid Encoding Method specified in Request"));
    }
    return e;
  }

  static UnaryOperator<String> encoder(Optional<String> encoding) {
    return encoding.isPresent() ? s -> s == null ? null : AwsUris.encode(s, false) : s -> s;
  }

  static String encodeToken(String marker) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(marker.getBytes(StandardCharsets.UTF_8));
  }

  static String decodeToken(String token) {
    try {
      return new String(Base64.getUrlDecoder().decode(token.strip()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new S3Exception(new S3Error.InvalidArgument("The continuation token provided is incorrect"));
    }
  }
}
