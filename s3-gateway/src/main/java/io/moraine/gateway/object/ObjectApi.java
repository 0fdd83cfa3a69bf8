package io.moraine.gateway.object;

import io.moraine.gateway.auth.VerifiedBody;
import io.moraine.gateway.access.Access;
import io.moraine.gateway.access.BucketView;
import io.moraine.gateway.access.S3Action;
import io.moraine.gateway.acl.WriteAcls;
import io.moraine.gateway.tagging.WriteTags;
import io.moraine.metadata.api.DataLayout;
import io.moraine.metadata.api.Subresources;
import io.moraine.gateway.data.DataCollector;
import io.moraine.gateway.data.ErasureProfile;
import io.moraine.gateway.data.ObjectData;
import io.moraine.gateway.data.ObjectPipe;
import io.moraine.gateway.bucketencryption.DefaultEncryption;
import io.moraine.gateway.crypto.Sse;
import io.moraine.gateway.error.S3Error;
import io.moraine.gateway.error.S3Exception;
import io.moraine.gateway.http.Bodies;
import io.moraine.gateway.http.S3Request;
import io.moraine.gateway.http.S3Response;
import io.moraine.gateway.xml.S3Xml;
import io.moraine.gateway.xml.S3XmlRequests;
import io.moraine.gateway.version.VersionIds;
import io.moraine.metadata.api.Bucket;
import io.moraine.metadata.api.DeleteResult;
import io.moraine.metadata.api.MetadataClient;
import io.moraine.metadata.api.MetadataException;
import io.moraine.metadata.api.ObjectVersion;
import io.moraine.metadata.api.PutResult;
import io.moraine.metadata.api.WriteCondition;
import io.moraine.gateway.error.S3Errors;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PutObject, GetObject, HeadObject, DeleteObject and DeleteObjects. A PUT stores and verifies the
 * body first and commits the version in metadata last: the commit is the linearization point, so
 * a failure anywhere before it leaves nothing visible.
 */
public final class ObjectApi {
  private static final Logger log = LoggerFactory.getLogger(ObjectApi.class);
  /** S3's limit for a single PUT: 5 GiB. */
  public static final long MAX_PUT_BYTES = 5L * 1024 * 1024 * 1024;
  private static final int MAX_DELETE_BODY_BYTES = 2 * 1024 * 1024;
  private static final String CHECKSUM_PREFIX = "x-amz-checksum-";
  private static final java.util.Set<String> OBJECT_ATTRIBUTES =
      java.util.Set.of("ETag", "Checksum", "ObjectParts", "StorageClass", "ObjectSize");
  private static final Map<String, String> RESPONSE_OVERRIDES = Map.of(
      "response-content-type", "Content-Type", "response-content-language", "Content-Language",
      "response-expires", "Expires", "response-cache-control", "Cache-Control",
      "response-content-disposition", "Content-Disposition", "response-content-encoding", "Content-Encoding");

  private final MetadataClient metadata;
  private final Access access;
  private final ObjectData data;
  private final DataCollector collector;
  private final ExecutorService threads;
  private final io.moraine.gateway.version.VersioningApi versioning;
  private final io.moraine.metadata.api.DayScale dayScale;
  private io.moraine.gateway.tiering.AccessTracker accesses;

  public ObjectApi(MetadataClient metadata, Access access, ObjectData data, DataCollector collector,
      ExecutorService threads, io.moraine.gateway.version.VersioningApi versioning,
      io.moraine.metadata.api.DayScale dayScale) {
    this.versioning = versioning;
    this.dayScale = dayScale;
    this.metadata = metadata;
    this.access = access;
    this.data = data;
    this.collector = collector;
    this.threads = threads;
  }

  /** Intelligent-Tiering: GET and copy-source reads of INTELLIGENT_TIERING objects are recorded here. */
  public ObjectApi withAccessTracker(io.moraine.gateway.tiering.AccessTracker tracker) {
    this.accesses = tracker;
    return this;
  }

  private void accessed(String bucket, ObjectVersion v) {
    if (accesses != null) {
      accesses.read(bucket, v);
    }
  }

  public void put(S3Request r, S3Response out, String bucket, String key) throws IOException {
    Written w = write(r, bucket, key);
    VersionIds.header(out, w.bucket(), w.versionId());
    Sse.header(out, w.encryption(), data.sse().customerKey(r));
    out.header("ETag", quote(w.etag()));
    w.checksumHeader().ifPresent(h -> out.header(h[0], h[1]));
    w.expiration().ifPresent(e -> out.header(EXPIRATION_HEADER, e));
    out.empty(200);
  }

  private static final String EXPIRATION_HEADER = "x-amz-expiration";

  /** {@code x-amz-expiration} for a current version an enabled Expiration rule matches (S3: PUT, GET, HEAD). */
  private Optional<String> expiration(BucketView view, ObjectVersion v) {
    return view.config(io.moraine.gateway.lifecycle.LifecycleRules.KIND, io.moraine.gateway.lifecycle.LifecycleRules::decode)
        .flatMap(c -> io.moraine.gateway.lifecycle.LifecycleEvaluator.currentExpiry(c, v.key(), v.size(),
            v.subresources().get(io.moraine.gateway.tagging.Tags.KIND).map(io.moraine.gateway.tagging.Tags::decode)
                .orElse(Map.of()), v.lastModifiedMillis(), dayScale))
        .map(io.moraine.gateway.lifecycle.LifecycleEvaluator::header);
  }

  /**
   * {@code Transfer-Encoding: chunked} with no Content-Length (curl -T -, browsers' streams): S3
   * accepts such a PUT; its length is known only at its end, so the body is spooled to a
   * temporary file first (at most the single-PUT limit) and then stored as a sized PUT.
   */
  private static boolean chunkedWithoutLength(S3Request r) {
    return r.header("content-length").isEmpty() && r.header("x-amz-decoded-content-length").isEmpty()
        && r.header("transfer-encoding").map(t -> t.toLowerCase(java.util.Locale.ROOT).contains("chunked")).orElse(false)
        && !(r.principal().payload() instanceof io.moraine.gateway.auth.PayloadMode.Streaming);
  }

  private Written spooled(S3Request r, String bucket, String key) throws IOException {
    ObjectHeaders.checkKey(key);
    access.forObject(r, S3Action.PutObject, bucket, key); // refuse before reading anything
    java.nio.file.Path spool = java.nio.file.Files.createTempFile("moraine-put-", ".part");
    try {
      long n;
      try (java.io.OutputStream out = java.nio.file.Files.newOutputStream(spool)) {
        n = r.body().transferTo(new java.io.FilterOutputStream(out) {
          long written;

          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            written += len;
            if (written > MAX_PUT_BYTES) {
              throw new S3Exception(new S3Error.EntityTooLarge(null));
            }
            out.write(b, off, len);
          }
        });
      }
      java.util.Map<String, java.util.List<String>> headers = new java.util.LinkedHashMap<>(r.signed().headers());
      headers.remove("transfer-encoding");
      headers.put("content-length", java.util.List.of(Long.toString(n)));
      try (java.io.InputStream file = java.nio.file.Files.newInputStream(spool)) {
        return write(r.derive(key, headers, file, r.principal()), bucket, key);
      }
    } finally {
      java.nio.file.Files.deleteIfExists(spool);
    }
  }

  /** A stored and committed object: what the PUT and POST responses report. */
  public record Written(Bucket bucket, String etag, String versionId, Optional<String[]> checksumHeader,
      io.moraine.proto.meta.v1.EncryptionRecord encryption, Optional<String> expiration) {}

  /**
   * PutObject without its response: authorizes {@code PutObject} for the request's caller,
   * stores the body ({@code Content-Length} bytes, verified as the request declares) and commits.
   */
  public Written write(S3Request r, String bucket, String key) throws IOException {
    if (chunkedWithoutLength(r)) {
      return spooled(r, bucket, key);
    }
    ObjectHeaders.checkKey(key);
    BucketView view = access.forObject(r, S3Action.PutObject, bucket, key);
    Bucket b = view.bucket();
    WriteAcls.NewObject ownership = WriteAcls.forNewObject(access, r, view);
    Subresources subresources = WriteTags.apply(access, r, view, key, ownership.subresources(), null);
    String storageClass = ObjectHeaders.storageClass(r);
    SortedMap<String, String> headers = ObjectHeaders.fromRequest(r);
    long size = Bodies.requiredLength(r);
    if (size > MAX_PUT_BYTES) {
      throw new S3Exception(new S3Error.EntityTooLarge(null));
    }
    WriteCondition condition = writeCondition(r);
    Sse.Sealed sealed = data.sse().forWrite(r, DefaultEncryption.of(view));
    checkWriteCondition(metadata, bucket, key, condition); // early, to spare the upload; the commit re-checks
    VerifiedBody body = Bodies.open(r, size);
    ObjectData.Stored stored = store(body, size, storageClass, sealed, bucket, key);
    headers = withChecksum(headers, stored);
    ObjectVersion version = new ObjectVersion(key, ObjectVersion.NULL_VERSION, size, stored.digests().md5Hex(), 0,
        storageClass, headers, 0, stored.layout()).withOwner(ownership.owner()).withSubresources(subresources)
        .withEncryption(sealed == null ? null : sealed.record().toBuilder().setPlaintextSize(size).build());
    PutResult result = commit(bucket, key, version, stored, condition);
    Optional<String[]> checksum = stored.digests().checksumAlgorithm().isPresent()
        && stored.digests().checksumBase64().isPresent()
        ? Optional.of(new String[] {stored.digests().checksumAlgorithm().get().headerName(),
            stored.digests().checksumBase64().get()})
        : Optional.empty();
    return new Written(b, stored.digests().md5Hex(), result.committed().versionId(), checksum, version.encryption(),
        expiration(view, result.committed()));
  }

  /** A single PUT's (or copy's) body stored as it is, or sealed under {@code sealed}'s data key. */
  private ObjectData.Stored store(VerifiedBody body, long size, String storageClass, Sse.Sealed sealed, String bucket,
      String key) throws IOException {
    ErasureProfile profile = data.profile(storageClass);
    if (sealed == null) {
      return data.store(body, size, profile, true);
    }
    return data.storeSealed(body, size, profile, true, dataId -> sealed.single(bucket, key));
  }

  /**
   * CopyObject: the source's bytes are read and written again as a new blob (never shared, so
   * deleting either object can collect its own data), then committed like a PUT.
   */
  public void copy(S3Request r, S3Response out, String bucket, String key) throws IOException {
    ObjectHeaders.checkKey(key);
    BucketView view = access.forObject(r, S3Action.PutObject, bucket, key);
    Bucket b = view.bucket();
    WriteAcls.NewObject ownership = WriteAcls.forNewObject(access, r, view);
    String[] source = copySource(r.header("x-amz-copy-source").orElseThrow());
    BucketView srcBucket = access.resolve(source[0]);
    String srcVersion = source[2];
    ObjectVersion src = metadata.getObjectVersion(source[0], source[1], srcVersion)
        .orElseThrow(() -> access.missing(r, srcBucket, source[1],
            srcVersion == null ? new S3Error.NoSuchKey(null) : new S3Error.NoSuchVersion(null)));
    access.object(r, srcVersion == null ? S3Action.GetObject : S3Action.GetObjectVersion, srcBucket, source[1], src);
    if (src.deleteMarker()) {
      // S3: a delete marker as the latest version is "no such key"; named by id it is not copyable.
      throw new S3Exception(srcVersion == null ? new S3Error.NoSuchKey(null)
          : new S3Error.InvalidRequest("The source of a copy request may not specifically refer to a delete marker by version id."));
    }
    copyPreconditions(r, src);
    io.moraine.gateway.restore.Archive.checkCopySource(src);
    accessed(source[0], src); // S3 Intelligent-Tiering counts CopyObject's source read as access
    Subresources copySubresources = WriteTags.apply(access, r, view, key, ownership.subresources(), src);
    String directive = r.header("x-amz-metadata-directive").map(String::strip).orElse("COPY");
    if (!directive.equals("COPY") && !directive.equals("REPLACE")) {
      throw new S3Exception(new S3Error.InvalidArgument("Unknown metadata directive."));
    }
    boolean storageClassGiven = r.header("x-amz-storage-class").isPresent();
    // The destination is encrypted as the copy request asks, whatever the source was (S3).
    java.util.Optional<io.moraine.gateway.crypto.CustomerKey> sourceKey = data.sse().copySourceKey(r);
    data.sse().open(src.encryption(), sourceKey, r); // the source's key is checked before any byte moves
    java.util.Optional<io.moraine.gateway.crypto.CustomerKey> destinationKey = data.sse().customerKey(r);
    boolean encryptAsked = data.sse().requested(r) || destinationKey.isPresent();
    if (source[0].equals(bucket) && source[1].equals(key) && srcVersion == null && directive.equals("COPY")
        && !storageClassGiven && !encryptAsked) {
      throw new S3Exception(new S3Error.InvalidRequest("This copy request is illegal because it is trying to copy an "
          + "object to itself without changing the object's metadata, storage class, website redirect location or "
          + "encryption attributes."));
    }
    if (src.size() > MAX_PUT_BYTES) {
      throw new S3Exception(new S3Error.InvalidRequest("The specified copy source is larger than the maximum "
          + "allowable size for a copy source: " + MAX_PUT_BYTES));
    }
    String storageClass = ObjectHeaders.storageClass(r);
    SortedMap<String, String> headers = directive.equals("REPLACE") ? ObjectHeaders.fromRequest(r) : src.headers();
    if (src.partCount() > 0) {
      // A composite checksum describes the source's parts, not the single-part copy.
      headers = new java.util.TreeMap<>(headers);
      headers.keySet().removeIf(h -> h.startsWith(CHECKSUM_PREFIX));
    }
    ObjectData.Stored stored;
    Sse.Sealed sealed = data.sse().forWrite(r, DefaultEncryption.of(view));
    try (ObjectPipe pipe = new ObjectPipe(data, source[0], src, sourceKey, 0, src.size(), threads)) {
      VerifiedBody body = new VerifiedBody(pipe, new io.moraine.gateway.auth.PayloadMode.Unsigned(),
          new VerifiedBody.Declared(src.size(), Optional.empty(), Optional.empty(), Optional.empty()));
      stored = store(body, src.size(), storageClass, sealed, bucket, key);
    }
    ObjectVersion version = new ObjectVersion(key, ObjectVersion.NULL_VERSION, src.size(), stored.digests().md5Hex(), 0,
        storageClass, headers, 0, stored.layout()).withOwner(ownership.owner()).withSubresources(copySubresources)
        .withEncryption(sealed == null ? null : sealed.record().toBuilder().setPlaintextSize(src.size()).build());
    PutResult result = commit(bucket, key, version, stored);
    VersionIds.header(out, b, result.committed().versionId());
    Sse.header(out, version.encryption(), destinationKey);
    if (srcVersion != null || VersionIds.shown(srcBucket.bucket(), src.versionId())) {
      out.header("x-amz-copy-source-version-id", src.versionId());
    }
    out.xml(200, S3Xml.render(new S3Xml.CopyObjectResult(result.committed().lastModifiedMillis(),
        quote(result.committed().etag()))));
  }

  /**
   * Conditional writes (current S3): {@code If-None-Match: *} (only "*" exists for writes) and
   * {@code If-Match: "etag"}; checked atomically by the metadata commit.
   */
  public static WriteCondition writeCondition(S3Request r) {
    Optional<String> noneMatch = r.header("if-none-match").map(String::strip);
    if (noneMatch.isPresent() && !noneMatch.get().equals("*")) {
      throw new S3Exception(new S3Error.NotImplemented("If-None-Match on writes supports only '*'"));
    }
    String match = r.header("if-match").map(String::strip).map(m -> m.startsWith("\"") && m.endsWith("\"") && m.length() >= 2
        ? m.substring(1, m.length() - 1) : m).orElse(null);
    return new WriteCondition(match, noneMatch.isPresent());
  }

  /** The write condition against the current version now: fails early with 412 / 404. */
  public static void checkWriteCondition(MetadataClient metadata, String bucket, String key, WriteCondition c) {
    if (c.isNone()) {
      return;
    }
    Optional<ObjectVersion> current = metadata.getObject(bucket, key);
    if (c.ifNoneMatch() && current.isPresent()) {
      throw new S3Exception(new S3Error.PreconditionFailed(null));
    }
    if (c.ifMatchEtag() != null) {
      if (current.isEmpty()) {
        throw new S3Exception(new S3Error.NoSuchKey(null));
      }
      if (!current.get().etag().equals(c.ifMatchEtag())) {
        throw new S3Exception(new S3Error.PreconditionFailed(null));
      }
    }
  }

  /**
   * The verified additional checksum of a single PUT is stored with the object's headers (under
   * its x-amz-checksum-* name) and returned by GET/HEAD in checksum mode and GetObjectAttributes.
   */
  private static SortedMap<String, String> withChecksum(SortedMap<String, String> headers, ObjectData.Stored stored) {
    if (stored.digests().checksumAlgorithm().isEmpty() || stored.digests().checksumBase64().isEmpty()) {
      return headers;
    }
    SortedMap<String, String> out = new java.util.TreeMap<>(headers);
    out.put(stored.digests().checksumAlgorithm().get().headerName(), stored.digests().checksumBase64().get());
    return out;
  }

  /** x-amz-copy-source: "[/]bucket/key[?versionId=…]", URL-encoded: {bucket, key, versionId or null}. */
  public static String[] copySource(String header) {
    String h = header.strip();
    int q = h.indexOf('?');
    String versionId = null;
    if (q >= 0) {
      String query = h.substring(q + 1);
      h = h.substring(0, q);
      if (!query.isEmpty()) {
        if (!query.startsWith("versionId=")) {
          throw new S3Exception(new S3Error.InvalidArgument("Invalid copy source query: " + query));
        }
        versionId = VersionIds.check(io.moraine.gateway.auth.AwsUris.decode(query.substring("versionId=".length()), false));
      }
    }
    String decoded = io.moraine.gateway.auth.AwsUris.decode(h, false);
    if (decoded.startsWith("/")) {
      decoded = decoded.substring(1);
    }
    int slash = decoded.indexOf('/');
    if (slash <= 0 || slash == decoded.length() - 1) {
      throw new S3Exception(new S3Error.InvalidArgument("Copy Source must mention the source bucket and key: sourcebucket/sourcekey"));
    }
    return new String[] {decoded.substring(0, slash), decoded.substring(slash + 1), versionId};
  }

  /** x-amz-copy-source-if-*: any failing condition is 412 (S3 answers no 304 for copies). */
  public static void copyPreconditions(S3Request r, ObjectVersion src) {
    long modifiedSeconds = src.lastModifiedMillis() / 1000;
    boolean ok = r.header("x-amz-copy-source-if-match").map(h -> etagMatches(h, src.etag())).orElse(true)
        && r.header("x-amz-copy-source-if-none-match").map(h -> !etagMatches(h, src.etag())).orElse(true)
        && httpDateSeconds(r.header("x-amz-copy-source-if-unmodified-since")).map(d -> modifiedSeconds <= d).orElse(true)
        && httpDateSeconds(r.header("x-amz-copy-source-if-modified-since")).map(d -> modifiedSeconds > d).orElse(true);
    if (!ok) {
      throw new S3Exception(new S3Error.PreconditionFailed(null));
    }
  }

  private PutResult commit(String bucket, String key, ObjectVersion version, ObjectData.Stored stored) {
    return commit(bucket, key, version, stored, WriteCondition.NONE);
  }

  private PutResult commit(String bucket, String key, ObjectVersion version, ObjectData.Stored stored,
      WriteCondition condition) {
    PutResult result;
    try {
      result = metadata.putObject(bucket, version, condition);
    } catch (MetadataException e) {
      collector.collect(stored.layout());
      throw e;
    } catch (RuntimeException e) {
      // Outcome unknown: the commit may have happened, so the data must stay (GC's job later).
      log.warn("putObject {}/{} outcome unknown; its data is kept: {}", bucket, key, e.toString());
      throw e;
    }
    result.replaced().ifPresent(v -> collector.collect(v.layout()));
    return result;
  }

  public void get(S3Request r, S3Response out, String bucket, String key, boolean head) throws IOException {
    BucketView view = access.resolve(r, bucket);
    Bucket b = view.bucket();
    Optional<String> versionId = VersionIds.fromQuery(r);
    ObjectVersion v = metadata.getObjectVersion(bucket, key, versionId.orElse(null))
        .orElseThrow(() -> access.missing(r, view, key,
            versionId.isPresent() ? new S3Error.NoSuchVersion(null) : new S3Error.NoSuchKey(null)));
    access.object(r, versionId.isPresent() ? S3Action.GetObjectVersion : S3Action.GetObject, view, key, v);
    if (v.deleteMarker()) {
      // S3: the latest version being a marker is 404 NoSuchKey; a marker named by id is 405.
      out.headerOnError("x-amz-delete-marker", "true");
      if (VersionIds.shown(b, v.versionId())) {
        out.headerOnError(VersionIds.HEADER, v.versionId());
      }
      if (versionId.isEmpty()) {
        throw new S3Exception(new S3Error.NoSuchKey(null));
      }
      out.headerOnError("Last-Modified", S3Response.httpDate(v.lastModifiedMillis()));
      throw new S3Exception(new S3Error.MethodNotAllowed(null));
    }
    VersionIds.header(out, b, v.versionId());
    if (!preconditionsHold(r, v)) {
      // 304 Not Modified: no body, but the validators, as S3 sends them.
      out.header("ETag", quote(v.etag())).header("Last-Modified", S3Response.httpDate(v.lastModifiedMillis()));
      out.empty(304);
      return;
    }
    Optional<Integer> partNumber = partNumber(r);
    Optional<ByteRange> range;
    if (partNumber.isPresent()) {
      range = partRange(v, partNumber.get());
      if (v.partCount() > 0) {
        out.header("x-amz-mp-parts-count", Integer.toString(v.partCount()));
      }
    } else {
      out.headerOnError("Content-Range", "bytes */" + v.size());
      range = ByteRange.parse(r.header("range"), v.size());
    }
    boolean checksumMode = r.header("x-amz-checksum-mode").map(m -> m.strip().equalsIgnoreCase("ENABLED")).orElse(false)
        && r.header("range").isEmpty(); // a full-object checksum does not describe a range
    for (Map.Entry<String, String> h : v.headers().entrySet()) {
      if (h.getKey().startsWith(CHECKSUM_PREFIX)) {
        if (checksumMode) {
          out.header(h.getKey(), h.getValue());
          out.header("x-amz-checksum-type", checksumType(h.getValue()));
        }
        continue;
      }
      out.header(ObjectHeaders.wireName(h.getKey()), ObjectHeaders.wireValue(h.getValue()));
    }
    for (Map.Entry<String, String> o : RESPONSE_OVERRIDES.entrySet()) {
      r.query(o.getKey()).ifPresent(value -> out.header(o.getValue(), value));
    }
    out.header("ETag", quote(v.etag()));
    out.header("Last-Modified", S3Response.httpDate(v.lastModifiedMillis()));
    out.header("Accept-Ranges", "bytes");
    java.util.Optional<io.moraine.gateway.crypto.CustomerKey> customer = data.sse().customerKey(r);
    Sse.header(out, v.encryption(), customer);
    WriteTags.count(v).ifPresent(n -> out.header("x-amz-tagging-count", n));
    if (versionId.isEmpty()) { // the current version; a version named by id is not evaluated here
      expiration(view, v).ifPresent(e -> out.header(EXPIRATION_HEADER, e));
    }
    if (!"STANDARD".equals(v.storageClass())) {
      out.header("x-amz-storage-class", v.storageClass());
    }
    io.moraine.gateway.restore.Archive.header(out, v);
    if (!head) {
      io.moraine.gateway.restore.Archive.checkReadable(v); // HEAD of an archived object works (S3)
    }
    long first = 0;
    long length = v.size();
    int status = 200;
    if (range.isPresent()) {
      first = range.get().first();
      length = range.get().length();
      status = 206;
      out.header("Content-Range", "bytes " + first + "-" + range.get().last() + "/" + v.size());
    }
    // Before the 200: a gateway that cannot decrypt says so; an SSE-C object needs its key, HEAD too (S3).
    if (!head || customer.isPresent() || (v.encrypted() && v.encryption().getMode() == Sse.MODE_SSE_C)) {
      data.sse().open(v.encryption(), customer, r);
    }
    // (An encrypted object's stored offsets are its sealed packages': check all of it.)
    DataLayout readFrom = ObjectData.storedLayout(v); // a restored archive object reads its copy
    if (!head && !(v.encrypted() ? data.readable(readFrom, 0, Long.MAX_VALUE) : data.readable(readFrom, first, length))) {
      // Fewer than k shards on live nodes (a ONEZONE_IA object whose AZ is down): nothing to stream.
      throw new S3Exception(new S3Error.ServiceUnavailable("The object's storage nodes are unavailable"));
    }
    OutputStream body = out.stream(status, length);
    if (!head) {
      accessed(bucket, v); // GET counts as access; HEAD does not (docs/storage-classes.md)
      data.readObject(bucket, v, customer, first, length, body);
    }
  }

  /** GetObjectAttributes: the attributes named in x-amz-object-attributes, from metadata only. */
  public void attributes(S3Request r, S3Response out, String bucket, String key) throws IOException {
    BucketView view = access.resolve(r, bucket);
    Bucket b = view.bucket();
    java.util.Set<String> wanted = new java.util.TreeSet<>();
    // One header with commas (botocore) or the header repeated (SDK for Java): both mean a list.
    String named = String.join(",", r.signed().headers().getOrDefault("x-amz-object-attributes", List.of()));
    for (String a : named.split(",")) {
      if (!a.isBlank()) {
        if (!OBJECT_ATTRIBUTES.contains(a.strip())) {
          throw new S3Exception(new S3Error.InvalidArgument("Invalid attribute name specified."));
        }
        wanted.add(a.strip());
      }
    }
    if (wanted.isEmpty()) {
      throw new S3Exception(new S3Error.InvalidArgument("Invalid attribute name specified."));
    }
    Optional<String> versionId = VersionIds.fromQuery(r);
    ObjectVersion v = metadata.getObjectVersion(bucket, key, versionId.orElse(null))
        .orElseThrow(() -> access.missing(r, view, key,
            versionId.isPresent() ? new S3Error.NoSuchVersion(null) : new S3Error.NoSuchKey(null)));
    access.object(r, versionId.isPresent() ? S3Action.GetObjectVersionAttributes : S3Action.GetObjectAttributes, view, key, v);
    if (v.deleteMarker()) {
      out.headerOnError("x-amz-delete-marker", "true");
      throw new S3Exception(versionId.isEmpty() ? new S3Error.NoSuchKey(null) : new S3Error.MethodNotAllowed(null));
    }
    // An SSE-C object's attributes need its key, as its HEAD does (S3's GetObjectAttributes reference).
    java.util.Optional<io.moraine.gateway.crypto.CustomerKey> customer = data.sse().customerKey(r);
    if (customer.isPresent() || (v.encrypted() && v.encryption().getMode() == Sse.MODE_SSE_C)) {
      data.sse().open(v.encryption(), customer);
    }
    if (!preconditionsHold(r, v)) {
      out.header("ETag", quote(v.etag())).empty(304);
      return;
    }
    VersionIds.header(out, b, v.versionId());
    out.header("Last-Modified", S3Response.httpDate(v.lastModifiedMillis()));
    java.util.Map.Entry<String, String> checksum = v.headers().entrySet().stream()
        .filter(h -> h.getKey().startsWith(CHECKSUM_PREFIX)).findFirst().orElse(null);
    out.xml(200, S3Xml.render(new S3Xml.ObjectAttributes(
        wanted.contains("ETag") ? v.etag() : null,
        wanted.contains("Checksum") && checksum != null
            ? new String[] {checksumElement(checksum.getKey()), checksum.getValue()} : null,
        wanted.contains("ObjectParts") && v.partCount() > 0 ? v.partCount() : null,
        wanted.contains("StorageClass") ? v.storageClass() : null,
        wanted.contains("ObjectSize") ? v.size() : null,
        wanted.contains("ObjectParts") ? partsPage(r, v) : null)));
  }

  /** The part list of a multipart object (sizes recorded at Complete), paged by the x-amz-* headers. */
  private static S3Xml.PartsPage partsPage(S3Request r, ObjectVersion v) {
    if (v.partCount() == 0 || v.partSizes().size() != v.partCount()) {
      return null;
    }
    int maxParts = intHeader(r, "x-amz-max-parts", 1000);
    int marker = intHeader(r, "x-amz-part-number-marker", 0);
    List<long[]> parts = new ArrayList<>();
    for (int n = marker + 1; n <= v.partCount() && parts.size() < maxParts; n++) {
      parts.add(new long[] {n, v.partSizes().get(n - 1)});
    }
    int last = parts.isEmpty() ? marker : (int) parts.get(parts.size() - 1)[0];
    return new S3Xml.PartsPage(marker, last, maxParts, last < v.partCount(), parts);
  }

  private static int intHeader(S3Request r, String name, int absent) {
    Optional<String> h = r.header(name);
    if (h.isEmpty()) {
      return absent;
    }
    try {
      int n = Integer.parseInt(h.get().strip());
      if (n < 0) {
        throw new NumberFormatException(name);
      }
      return Math.min(n, 1000);
    } catch (NumberFormatException e) {
      throw new S3Exception(new S3Error.InvalidArgument("Invalid " + name + ": " + h.get()));
    }
  }

  /** A multipart object's composite checksum ends in "-N" (base64 never contains '-'). */
  public static String checksumType(String value) {
    return value.indexOf('-') >= 0 ? "COMPOSITE" : "FULL_OBJECT";
  }

  /** x-amz-checksum-crc32c → ChecksumCRC32C, as GetObjectAttributes names it. */
  public static String checksumElement(String header) {
    String algo = header.substring(CHECKSUM_PREFIX.length()).toUpperCase(java.util.Locale.ROOT);
    return "Checksum" + (algo.equals("CRC64NVME") ? "CRC64NVME" : algo);
  }

  /** GET/HEAD ?partNumber=N: 1..10000, never together with a Range header. */
  private static Optional<Integer> partNumber(S3Request r) {
    if (!r.hasQuery("partNumber")) {
      return Optional.empty();
    }
    int n = r.intQuery("partNumber").orElse(0);
    if (n < 1 || n > 10000) {
      throw new S3Exception(new S3Error.InvalidArgument("Part number must be an integer between 1 and 10000, inclusive"));
    }
    if (r.header("range").isPresent()) {
      throw new S3Exception(new S3Error.InvalidRequest("Cannot specify both Range header and partNumber query parameter"));
    }
    return Optional.of(n);
  }

  /**
   * The bytes of part {@code n}: the whole object for part 1 of a single PUT (S3's answer),
   * InvalidPart past the last part.
   */
  private static Optional<ByteRange> partRange(ObjectVersion v, int n) {
    if (v.partCount() == 0) {
      if (n != 1) {
        throw new S3Exception(new S3Error.InvalidPart("The requested partnumber is not satisfiable"));
      }
      return Optional.empty();
    }
    if (n > v.partCount()) {
      throw new S3Exception(new S3Error.InvalidPart("The requested partnumber is not satisfiable"));
    }
    if (v.partSizes().size() != v.partCount()) {
      throw new S3Exception(new S3Error.NotImplemented("This object was completed before part sizes were recorded"));
    }
    long first = 0;
    for (int i = 0; i < n - 1; i++) {
      first += v.partSizes().get(i);
    }
    long size = v.partSizes().get(n - 1);
    // A zero-byte last part has no byte range; answer it as the empty tail of the object.
    return size == 0 ? Optional.empty() : Optional.of(new ByteRange(first, first + size - 1));
  }

  public void delete(S3Request r, S3Response out, String bucket, String key) throws IOException {
    Optional<String> versionId = VersionIds.fromQuery(r);
    Bucket b = access.forObject(r, versionId.isPresent() ? S3Action.DeleteObjectVersion : S3Action.DeleteObject, bucket, key)
        .bucket();
    if (versionId.isPresent()) {
      versioning.checkVersionDelete(r, b);
    }
    DeleteResult d = metadata.deleteObject(bucket, key, versionId.orElse(null));
    d.removed().ifPresent(v -> collector.collect(v.layout()));
    if (d.deleteMarker()) {
      out.header("x-amz-delete-marker", "true");
    }
    if (d.versionId() != null && (d.deleteMarker() || versionId.isPresent())) {
      VersionIds.header(out, b, d.versionId());
    }
    out.empty(204);
  }

  public void deleteObjects(S3Request r, S3Response out, String bucket) throws IOException {
    BucketView view = access.resolve(r, bucket);
    boolean hasChecksum = r.header("content-md5").isPresent()
        || r.signed().headers().keySet().stream().anyMatch(h -> h.startsWith("x-amz-checksum-"))
        || r.header("x-amz-trailer").isPresent();
    if (!hasChecksum) {
      throw new S3Exception(new S3Error.InvalidRequest("Missing required header for this request: Content-MD5"));
    }
    S3XmlRequests.DeleteRequest request = S3XmlRequests.parseDelete(Bodies.readSmall(r, MAX_DELETE_BODY_BYTES));
    if (request.objects().stream().anyMatch(o -> o.versionId() != null)) {
      versioning.checkVersionDelete(r, view.bucket()); // one x-amz-mfa for the whole request, as in S3
    }
    List<S3Xml.Deleted> deleted = new ArrayList<>();
    List<S3Xml.DeleteError> errors = new ArrayList<>();
    for (S3XmlRequests.ObjectIdentifier id : request.objects()) {
      try {
        ObjectHeaders.checkKey(id.key());
        String versionId = id.versionId() == null ? null : VersionIds.check(id.versionId());
        access.object(r, versionId == null ? S3Action.DeleteObject : S3Action.DeleteObjectVersion, view, id.key(), null);
        DeleteResult d = metadata.deleteObject(bucket, id.key(), versionId);
        d.removed().ifPresent(v -> collector.collect(v.layout()));
        if (!request.quiet()) {
          deleted.add(new S3Xml.Deleted(id.key(), versionId, d.deleteMarker(),
              d.deleteMarker() ? d.versionId() : null));
        }
      } catch (S3Exception e) {
        S3Errors.Described d = S3Errors.describe(e.error());
        errors.add(new S3Xml.DeleteError(id.key(), d.code(), d.message()));
      } catch (MetadataException e) {
        S3Errors.Described d = S3Errors.describe(S3Errors.fromMetadata(e.error(), e.getMessage()));
        errors.add(new S3Xml.DeleteError(id.key(), d.code(), d.message()));
      }
    }
    out.xml(200, S3Xml.render(new S3Xml.DeleteResult(deleted, errors)));
  }

  /**
   * RFC 9110 §13 conditional reads as S3 applies them: If-Match / If-Unmodified-Since failing is
   * 412 PreconditionFailed; If-None-Match matching, or (without If-None-Match) If-Modified-Since
   * not newer, is 304. Returns false for 304. Dates compare at second precision (Last-Modified's).
   */
  static boolean preconditionsHold(S3Request r, ObjectVersion v) {
    long modifiedSeconds = v.lastModifiedMillis() / 1000;
    Optional<String> ifMatch = r.header("if-match");
    if (ifMatch.isPresent()) {
      if (!etagMatches(ifMatch.get(), v.etag())) {
        throw new S3Exception(new S3Error.PreconditionFailed(null));
      }
    } else {
      Optional<Long> since = httpDateSeconds(r.header("if-unmodified-since"));
      if (since.isPresent() && modifiedSeconds > since.get()) {
        throw new S3Exception(new S3Error.PreconditionFailed(null));
      }
    }
    Optional<String> ifNoneMatch = r.header("if-none-match");
    if (ifNoneMatch.isPresent()) {
      return !etagMatches(ifNoneMatch.get(), v.etag());
    }
    Optional<Long> since = httpDateSeconds(r.header("if-modified-since"));
    return since.isEmpty() || modifiedSeconds > since.get();
  }

  private static boolean etagMatches(String header, String etag) {
    for (String candidate : header.split(",")) {
      String c = candidate.strip();
      if (c.startsWith("W/")) {
        c = c.substring(2);
      }
      if (c.equals("*") || c.equals(quote(etag)) || c.equals(etag)) {
        return true;
      }
    }
    return false;
  }

  private static Optional<Long> httpDateSeconds(Optional<String> header) {
    if (header.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(java.time.ZonedDateTime.parse(header.get().strip(),
          java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME).toEpochSecond());
    } catch (java.time.format.DateTimeParseException e) {
      return Optional.empty(); // an unparseable date is ignored, as HTTP says
    }
  }

  public static String quote(String etag) {
    return "\"" + etag + "\"";
  }
}
