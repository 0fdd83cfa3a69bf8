package io.moraine.gateway.multipart;

import io.moraine.gateway.Ids;
import io.moraine.gateway.auth.AwsUris;
import io.moraine.gateway.auth.VerifiedBody;
import io.moraine.gateway.access.Access;
import io.moraine.gateway.access.BucketView;
import io.moraine.gateway.access.S3Action;
import io.moraine.gateway.acl.WriteAcls;
import io.moraine.gateway.tagging.WriteTags;
import io.moraine.gateway.data.DataCollector;
import io.moraine.gateway.data.ErasureProfile;
import io.moraine.gateway.data.ObjectData;
import io.moraine.gateway.error.S3Error;
import io.moraine.gateway.error.S3Exception;
import io.moraine.gateway.http.Bodies;
import io.moraine.gateway.http.S3Request;
import io.moraine.gateway.http.S3Response;
import io.moraine.gateway.object.ObjectApi;
import io.moraine.gateway.object.ObjectHeaders;
import io.moraine.gateway.xml.S3Xml;
import io.moraine.gateway.xml.S3XmlRequests;
import io.moraine.metadata.api.CompleteResult;
import io.moraine.metadata.api.CompletedPart;
import io.moraine.metadata.api.MetadataClient;
import io.moraine.metadata.api.MetadataException;
import io.moraine.metadata.api.MultipartUpload;
import io.moraine.metadata.api.PartRecord;
import io.moraine.metadata.api.UploadListPage;
import io.moraine.gateway.data.ObjectPipe;
import io.moraine.gateway.bucketencryption.DefaultEncryption;
import io.moraine.gateway.crypto.Sse;
import io.moraine.gateway.version.VersionIds;
import io.moraine.metadata.api.Bucket;
import io.moraine.metadata.api.ObjectVersion;
import java.io.IOException;
import java.time.InstantSource;
import java.util.concurrent.ExecutorService;
import java.util.List;
import java.util.Optional;

/**
 * Multipart uploads: Create, UploadPart, Complete, Abort, ListParts, ListMultipartUploads. Parts
 * are stored like PUT bodies (always as segments, never inline, so Complete only concatenates
 * segment lists); the ETag arithmetic and part checks are the metadata tier's.
 */
public final class MultipartApi {
  private static final int MAX_COMPLETE_BODY_BYTES = 4 * 1024 * 1024;
  private static final int MAX_UPLOADS = 1000;

  private final MetadataClient metadata;
  private final Access access;
  private final ObjectData data;
  private final DataCollector collector;
  private final Ids ids;
  private final long minPartSizeBytes;
  private final ExecutorService threads;
  private final InstantSource clock;

  private io.moraine.gateway.tiering.AccessTracker accesses;

  /** Intelligent-Tiering: UploadPartCopy's source reads are recorded here (docs/storage-classes.md). */
  public MultipartApi withAccessTracker(io.moraine.gateway.tiering.AccessTracker tracker) {
    this.accesses = tracker;
    return this;
  }

  public MultipartApi(MetadataClient metadata, Access access, ObjectData data, DataCollector collector, Ids ids,
      long minPartSizeBytes, ExecutorService threads, InstantSource clock) {
    this.threads = threads;
    this.clock = clock;
    this.metadata = metadata;
    this.access = access;
    this.data = data;
    this.collector = collector;
    this.ids = ids;
    this.minPartSizeBytes = minPartSizeBytes;
  }

  public void create(S3Request r, S3Response out, String bucket, String key) throws IOException {
    ObjectHeaders.checkKey(key);
    BucketView view = access.forObject(r, S3Action.PutObject, bucket, key);
    WriteAcls.NewObject ownership = WriteAcls.forNewObject(access, r, view);
    // SSE-S3: one data key, nonce base and instance id for the whole upload; each part derives its
    // nonce base from its blob id and binds its part number (docs/encryption.md).
    Sse.Sealed sealed = data.sse().forWrite(r, DefaultEncryption.of(view));
    io.moraine.proto.meta.v1.EncryptionRecord encryption = sealed == null ? null : sealed.record();
    MultipartUpload upload = new MultipartUpload(key, ids.uploadId(), 0, ObjectHeaders.storageClass(r),
        ObjectHeaders.fromRequest(r), ownership.owner(),
        WriteTags.apply(access, r, view, key, ownership.subresources(), null), encryption);
    MultipartUpload created = metadata.createMultipartUpload(bucket, upload);
    Sse.header(out, encryption, data.sse().customerKey(r));
    out.xml(200, S3Xml.render(new S3Xml.InitiateMultipartUploadResult(bucket, key, created.uploadId())));
  }

  /** One part's body, sealed under the upload's data key when the upload is encrypted. */
  private ObjectData.Stored storePart(VerifiedBody body, long size, String bucket, String key, MultipartUpload upload,
      int partNumber, Sse.Sealed keys) throws IOException {
    // Parts are stored with the upload's class; a one-zone class keeps every part in the AZ its upload id picks.
    ErasureProfile profile = data.profile(upload.storageClass());
    if (upload.encryption() == null) {
      return data.store(body, size, profile, false, upload.uploadId());
    }
    return data.storeSealed(body, size, profile, false, upload.uploadId(),
        dataId -> keys.part(bucket, key, partNumber, dataId));
  }

  /**
   * The upload's data key for one part: SSE-S3 from the keyring; SSE-C only with the upload's own
   * customer key on the part request, as S3 requires of every UploadPart / UploadPartCopy.
   */
  private Sse.Sealed partKeys(S3Request r, MultipartUpload upload) {
    Optional<io.moraine.gateway.crypto.CustomerKey> customer = data.sse().customerKey(r);
    io.moraine.proto.meta.v1.EncryptionRecord e = upload.encryption();
    if (e != null && e.getMode() == Sse.MODE_SSE_C && customer.isEmpty()) {
      throw new S3Exception(new S3Error.InvalidRequest("The multipart upload initiate requested encryption. "
          + "Subsequent part requests must include the appropriate encryption parameters."));
    }
    if (customer.isPresent() && (e == null || e.getMode() != Sse.MODE_SSE_C)) {
      throw new S3Exception(new S3Error.InvalidRequest("The multipart upload initiate did not request encryption "
          + "with a customer-provided key. Part requests must not include encryption parameters."));
    }
    return e == null ? null : data.sse().open(e, customer, r);
  }

  public void uploadPart(S3Request r, S3Response out, String bucket, String key, String uploadId, int partNumber)
      throws IOException {
    access.forObject(r, S3Action.PutObject, bucket, key);
    // Begun before the body is read: the attempt that begins later keeps the part number, however
    // the two bodies' transfers interleave (S3 API reference, UploadPart).
    io.moraine.metadata.api.PartAttempt attempt = metadata.beginPart(bucket, key, uploadId);
    MultipartUpload upload = attempt.upload();
    long size = Bodies.requiredLength(r);
    if (size > ObjectApi.MAX_PUT_BYTES) {
      throw new S3Exception(new S3Error.EntityTooLarge(null));
    }
    Sse.Sealed keys = partKeys(r, upload);
    VerifiedBody body = Bodies.open(r, size);
    ObjectData.Stored stored = storePart(body, size, bucket, key, upload, partNumber, keys);
    PartRecord part = new PartRecord(partNumber, size, stored.digests().md5Hex(), 0, stored.layout(),
        stored.digests().checksumAlgorithm().map(a -> a.headerName()).orElse(""),
        stored.digests().checksumBase64().orElse(""), attempt.sequence());
    Optional<PartRecord> replaced;
    try {
      replaced = metadata.putPart(bucket, key, uploadId, part);
    } catch (MetadataException e) {
      collector.collect(stored.layout());
      throw e;
    }
    replaced.ifPresent(p -> collector.collect(p.layout()));
    Sse.header(out, upload.encryption(), data.sse().customerKey(r));
    out.header("ETag", ObjectApi.quote(stored.digests().md5Hex()));
    if (stored.digests().checksumAlgorithm().isPresent() && stored.digests().checksumBase64().isPresent()) {
      out.header(stored.digests().checksumAlgorithm().get().headerName(), stored.digests().checksumBase64().get());
    }
    out.empty(200);
  }

  /**
   * UploadPartCopy: the source's bytes (all, or x-amz-copy-source-range) are read and stored again
   * as the part, like CopyObject, so the part never shares shards with its source.
   */
  public void uploadPartCopy(S3Request r, S3Response out, String bucket, String key, String uploadId, int partNumber)
      throws IOException {
    access.forObject(r, S3Action.PutObject, bucket, key);
    io.moraine.metadata.api.PartAttempt attempt = metadata.beginPart(bucket, key, uploadId);
    MultipartUpload upload = attempt.upload();
    String[] source = ObjectApi.copySource(r.header("x-amz-copy-source").orElseThrow());
    BucketView srcBucket = access.resolve(source[0]);
    String srcVersion = source[2];
    ObjectVersion src = metadata.getObjectVersion(source[0], source[1], srcVersion)
        .orElseThrow(() -> access.missing(r, srcBucket, source[1],
            srcVersion == null ? new S3Error.NoSuchKey(null) : new S3Error.NoSuchVersion(null)));
    access.object(r, srcVersion == null ? S3Action.GetObject : S3Action.GetObjectVersion, srcBucket, source[1], src);
    if (src.deleteMarker()) {
      throw new S3Exception(srcVersion == null ? new S3Error.NoSuchKey(null)
          : new S3Error.InvalidRequest("The source of a copy request may not specifically refer to a delete marker by version id."));
    }
    ObjectApi.copyPreconditions(r, src);
    io.moraine.gateway.restore.Archive.checkCopySource(src);
    long first = 0;
    long length = src.size();
    Optional<String> rangeHeader = r.header("x-amz-copy-source-range");
    if (rangeHeader.isPresent()) {
      long[] range = copyRange(rangeHeader.get(), src.size());
      first = range[0];
      length = range[1] - range[0] + 1;
    }
    if (length > ObjectApi.MAX_PUT_BYTES) {
      throw new S3Exception(new S3Error.InvalidRequest("The specified copy source is larger than the maximum "
          + "allowable size for a copy source: " + ObjectApi.MAX_PUT_BYTES));
    }
    Optional<io.moraine.gateway.crypto.CustomerKey> sourceKey = data.sse().copySourceKey(r);
    data.sse().open(src.encryption(), sourceKey, r); // the source's key is checked before any byte moves
    if (accesses != null) {
      accesses.read(source[0], src); // the source's read counts as access, as CopyObject's does
    }
    Sse.Sealed keys = partKeys(r, upload);
    ObjectData.Stored stored;
    try (ObjectPipe pipe = new ObjectPipe(data, source[0], src, sourceKey, first, length, threads)) {
      VerifiedBody body = new VerifiedBody(pipe, new io.moraine.gateway.auth.PayloadMode.Unsigned(),
          new VerifiedBody.Declared(length, Optional.empty(), Optional.empty(), Optional.empty()));
      stored = storePart(body, length, bucket, key, upload, partNumber, keys);
    }
    PartRecord part = new PartRecord(partNumber, length, stored.digests().md5Hex(), 0, stored.layout(), "", "",
        attempt.sequence());
    Optional<PartRecord> replaced;
    try {
      replaced = metadata.putPart(bucket, key, uploadId, part);
    } catch (MetadataException e) {
      collector.collect(stored.layout());
      throw e;
    }
    replaced.ifPresent(p -> collector.collect(p.layout()));
    if (srcVersion != null || VersionIds.shown(srcBucket.bucket(), src.versionId())) {
      out.header("x-amz-copy-source-version-id", src.versionId());
    }
    Sse.header(out, upload.encryption(), data.sse().customerKey(r));
    out.xml(200, S3Xml.renderCopyPart(new S3Xml.CopyObjectResult(clock.millis(), ObjectApi.quote(stored.digests().md5Hex()))));
  }

  /**
   * S3's composite checksum of a multipart object: the checksum of the concatenated binary part
   * checksums, "-N". Only when every listed part was uploaded with the same algorithm (and it is
   * not CRC64NVME, which S3 keeps full-object only); the listed ETags must be the stored ones, so
   * the checksums describe the very parts Complete will use (the commit re-checks the ETags).
   */
  static java.util.SortedMap<String, String> compositeChecksum(List<PartRecord> stored, List<CompletedPart> wanted) {
    java.util.SortedMap<String, String> out = new java.util.TreeMap<>();
    java.util.Map<Integer, PartRecord> byNumber = new java.util.HashMap<>();
    stored.forEach(p -> byNumber.put(p.partNumber(), p));
    String header = null;
    java.util.List<byte[]> sums = new java.util.ArrayList<>();
    for (CompletedPart w : wanted) {
      PartRecord p = byNumber.get(w.partNumber());
      if (p == null || !p.etag().equalsIgnoreCase(w.etag()) || p.checksumHeader().isEmpty()
          || (header != null && !header.equals(p.checksumHeader()))) {
        return out;
      }
      header = p.checksumHeader();
      sums.add(java.util.Base64.getDecoder().decode(p.checksum()));
    }
    Optional<io.moraine.gateway.auth.ChecksumAlgorithm> algorithm =
        header == null ? Optional.empty() : io.moraine.gateway.auth.ChecksumAlgorithm.byHeader(header);
    if (algorithm.isEmpty() || algorithm.get() == io.moraine.gateway.auth.ChecksumAlgorithm.CRC64NVME) {
      return out;
    }
    io.moraine.gateway.auth.ChecksumAlgorithm.Hasher h = algorithm.get().newHasher();
    for (byte[] s : sums) {
      h.update(s, 0, s.length);
    }
    out.put(header, h.base64() + "-" + sums.size());
    return out;
  }

  /**
   * The part checksums sent in the Complete body must be the ones stored for those parts (same
   * algorithm, same value), else 400 InvalidPart as S3 answers. A part the body names without a
   * checksum, or a part not stored at all, is left to the commit (which checks numbers and ETags).
   * The commit re-checks the ETags, so a part replaced after this check cannot slip through with
   * another part's checksum unless its ETag also matches the listed one.
   */
  static void checkPartChecksums(List<PartRecord> stored, List<S3XmlRequests.CompletePart> listed) {
    java.util.Map<Integer, PartRecord> byNumber = new java.util.HashMap<>();
    stored.forEach(p -> byNumber.put(p.partNumber(), p));
    for (S3XmlRequests.CompletePart l : listed) {
      PartRecord p = byNumber.get(l.partNumber());
      if (p == null || l.checksums().isEmpty()) {
        continue;
      }
      for (var e : l.checksums().entrySet()) {
        if (!e.getKey().equals(p.checksumHeader()) || !e.getValue().equals(p.checksum())) {
          throw new S3Exception(new S3Error.InvalidPart(null)); // S3's one message for every InvalidPart
        }
      }
    }
  }

  /**
   * x-amz-copy-source-range "bytes=first-last", both inclusive and required: malformed is 400
   * InvalidArgument, past the source's end 416 InvalidRange (as S3 answers).
   */
  static long[] copyRange(String header, long size) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("bytes=(\\d{1,19})-(\\d{1,19})").matcher(header.strip());
    if (!m.matches()) {
      throw new S3Exception(new S3Error.InvalidArgument("The x-amz-copy-source-range value must be of the form "
          + "bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy"));
    }
    long first = Long.parseLong(m.group(1));
    long last = Long.parseLong(m.group(2));
    if (last < first) {
      throw new S3Exception(new S3Error.InvalidArgument("The x-amz-copy-source-range value must be of the form "
          + "bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy"));
    }
    if (last >= size) {
      throw new S3Exception(new S3Error.InvalidRange("The requested range is not satisfiable"));
    }
    return new long[] {first, last};
  }

  public void complete(S3Request r, S3Response out, String bucket, String key, String uploadId) throws IOException {
    io.moraine.metadata.api.Bucket b = access.forObject(r, S3Action.PutObject, bucket, key).bucket();
    List<S3XmlRequests.CompletePart> listed =
        S3XmlRequests.parseCompleteMultipartUpload(Bodies.readSmall(r, MAX_COMPLETE_BODY_BYTES));
    List<CompletedPart> parts = listed.stream().map(p -> new CompletedPart(p.partNumber(), unquote(p.etag()))).toList();
    io.moraine.metadata.api.WriteCondition condition = ObjectApi.writeCondition(r);
    ObjectApi.checkWriteCondition(metadata, bucket, key, condition);
    List<PartRecord> stored;
    try {
      stored = metadata.listParts(bucket, key, uploadId);
    } catch (MetadataException e) {
      if (e.error() != io.moraine.metadata.api.MetadataError.NO_SUCH_UPLOAD) {
        throw e;
      }
      // Maybe a repeated Complete of an upload completed already: the commit answers the version
      // it produced, or NoSuchUpload.
      stored = List.of();
    }
    checkPartChecksums(stored, listed);
    java.util.SortedMap<String, String> composite = compositeChecksum(stored, parts);
    CompleteResult result = metadata.completeMultipartUpload(bucket, key, uploadId, parts, minPartSizeBytes, condition,
        composite);
    result.replaced().ifPresent(v -> collector.collect(v.layout()));
    result.unusedParts().forEach(p -> collector.collect(p.layout()));
    String host = r.header("host").orElse("localhost");
    String location = "http://" + host + "/" + bucket + "/" + AwsUris.encode(key, false);
    io.moraine.gateway.version.VersionIds.header(out, b, result.committed().versionId());
    Sse.header(out, result.committed().encryption(), data.sse().customerKey(r));
    String[] checksum = composite.isEmpty() ? null : new String[] {
        ObjectApi.checksumElement(composite.firstKey()), composite.get(composite.firstKey())};
    out.xml(200, S3Xml.render(new S3Xml.CompleteMultipartUploadResult(location, bucket, key,
        ObjectApi.quote(result.committed().etag()), checksum)));
  }

  public void abort(S3Request r, S3Response out, String bucket, String key, String uploadId) throws IOException {
    access.forObject(r, S3Action.AbortMultipartUpload, bucket, key);
    metadata.abortMultipartUpload(bucket, key, uploadId).forEach(p -> collector.collect(p.layout()));
    out.empty(204);
  }

  public void listParts(S3Request r, S3Response out, String bucket, String key, String uploadId) throws IOException {
    access.forObject(r, S3Action.ListMultipartUploadParts, bucket, key);
    MultipartUpload upload = find(bucket, key, uploadId);
    int marker = r.intQuery("part-number-marker").orElse(0);
    int maxParts = Math.min(Math.max(r.intQuery("max-parts").orElse(1000), 0), 1000);
    List<PartRecord> all = metadata.listParts(bucket, key, uploadId).stream()
        .filter(p -> p.partNumber() > marker).toList();
    List<PartRecord> page = all.subList(0, Math.min(maxParts, all.size()));
    boolean truncated = all.size() > page.size();
    int next = page.isEmpty() ? marker : page.get(page.size() - 1).partNumber();
    S3Xml.Owner owner = new S3Xml.Owner(upload.ownerAccountId(), displayName(r, upload.ownerAccountId()));
    out.xml(200, S3Xml.render(new S3Xml.ListPartsResult(bucket, key, uploadId, owner, owner, upload.storageClass(),
        marker, next, maxParts, truncated,
        page.stream().map(p -> new S3Xml.Part(p.partNumber(), p.lastModifiedMillis(), ObjectApi.quote(p.etag()), p.size()))
            .toList())));
  }

  public void listUploads(S3Request r, S3Response out, String bucket) throws IOException {
    access.bucket(r, S3Action.ListBucketMultipartUploads, bucket);
    String prefix = r.query("prefix").orElse("");
    String keyMarker = r.query("key-marker").orElse("");
    String uploadIdMarker = r.query("upload-id-marker").orElse("");
    int maxUploads = Math.min(Math.max(r.intQuery("max-uploads").orElse(MAX_UPLOADS), 0), MAX_UPLOADS);
    String delimiter = r.query("delimiter").orElse("");
    Optional<String> encoding = r.query("encoding-type");
    if (encoding.isPresent() && !encoding.get().equals("url")) {
      throw new S3Exception(new S3Error.InvalidArgument("Invalid Encoding Method specified in Request"));
    }
    java.util.function.UnaryOperator<String> enc = encoding.isPresent() ? k -> k == null ? null : AwsUris.encode(k, false) : k -> k;
    // The metadata core pages in (key, upload id) order from the markers, rolling uploads up into
    // common prefixes; a page holds up to max-uploads entries, uploads and prefixes together.
    // max-uploads=0 asks for one entry only to tell whether anything follows.
    UploadListPage result = metadata.listMultipartUploads(bucket, prefix, delimiter, keyMarker, uploadIdMarker,
        Math.max(maxUploads, 1));
    List<MultipartUpload> page = maxUploads == 0 ? List.of() : result.uploads();
    List<String> prefixes = maxUploads == 0 ? List.of() : result.commonPrefixes();
    boolean truncated = maxUploads == 0 ? !result.uploads().isEmpty() || !result.commonPrefixes().isEmpty() : result.truncated();
    String nextKey = maxUploads == 0 ? null : result.nextKeyMarker();
    String nextUploadId = maxUploads == 0 ? null : result.nextUploadIdMarker();
    List<S3Xml.Upload> uploads = page.stream().map(u -> {
      S3Xml.Owner o = new S3Xml.Owner(u.ownerAccountId(), displayName(r, u.ownerAccountId()));
      return new S3Xml.Upload(enc.apply(u.key()), u.uploadId(), o, o, u.storageClass(), u.initiatedMillis());
    }).toList();
    out.xml(200, S3Xml.render(new S3Xml.ListMultipartUploadsResult(bucket, enc.apply(keyMarker), uploadIdMarker,
        truncated ? enc.apply(nextKey) : null, truncated ? nextUploadId : null,
        enc.apply(prefix), delimiter.isEmpty() ? null : enc.apply(delimiter), maxUploads, truncated, uploads,
        prefixes.stream().map(enc).toList(), encoding.orElse(null))));
  }

  /** The in-progress upload {@code uploadId} of {@code key}, paging past any number of uploads of the key. */
  private MultipartUpload find(String bucket, String key, String uploadId) {
    String keyMarker = "";
    String uploadIdMarker = "";
    while (true) {
      UploadListPage page = metadata.listMultipartUploads(bucket, key, "", keyMarker, uploadIdMarker, MAX_UPLOADS);
      for (MultipartUpload u : page.uploads()) {
        if (u.key().equals(key) && u.uploadId().equals(uploadId)) {
          return u;
        }
        if (u.key().compareTo(key) > 0) {
          // Uploads come in (key, upload id) order: past this key, it has no such upload.
          throw new S3Exception(new S3Error.NoSuchUpload(null));
        }
      }
      if (!page.truncated()) {
        throw new S3Exception(new S3Error.NoSuchUpload(null));
      }
      keyMarker = page.nextKeyMarker();
      uploadIdMarker = page.nextUploadIdMarker();
    }
  }

  private static String displayName(S3Request r, String accountId) {
    return accountId.equals(r.accountId()) ? r.accountName() : accountId;
  }

  private static String unquote(String etag) {
    String e = etag.strip();
    if (e.length() >= 2 && e.startsWith("\"") && e.endsWith("\"")) {
      e = e.substring(1, e.length() - 1);
    }
    return e;
  }
}
