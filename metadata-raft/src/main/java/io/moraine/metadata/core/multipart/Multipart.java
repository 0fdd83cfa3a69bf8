package io.moraine.metadata.core.multipart;

import static io.moraine.metadata.core.Tables.ok;
import static io.moraine.metadata.core.Tables.reply;
import static io.moraine.metadata.core.Tables.validName;

import io.moraine.metadata.core.ApplyResult;
import io.moraine.metadata.core.Command;
import io.moraine.metadata.core.Keys;
import io.moraine.metadata.core.Records;
import io.moraine.metadata.core.Tables;
import io.moraine.metadata.store.StateStore;
import io.moraine.metadata.store.StoreBatch;
import io.moraine.proto.meta.v1.*;
import static io.moraine.metadata.api.MetadataError.ENTITY_TOO_SMALL;
import static io.moraine.metadata.api.MetadataError.INVALID_PART;
import static io.moraine.metadata.api.MetadataError.INVALID_PART_ORDER;
import static io.moraine.metadata.api.MetadataError.NO_SUCH_BUCKET;
import static io.moraine.metadata.api.MetadataError.NO_SUCH_UPLOAD;
import io.moraine.metadata.core.object.Listing;
import io.moraine.metadata.core.object.Versions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeMap;

/**
 * Multipart uploads: create, parts, complete (the S3 multipart ETag, part checks), abort, and
 * the paged listing of uploads in progress.
 */
public final class Multipart {
  public static final int MAX_PART_NUMBER = 10000;
  private static final HexFormat HEX = HexFormat.of();
  private static final java.util.regex.Pattern MD5_HEX = java.util.regex.Pattern.compile("[0-9a-fA-F]{32}");

  private final Tables t;

  public Multipart(Tables t) {
    this.t = t;
  }
  // ---- multipart ----------------------------------------------------------------------------

  public ApplyResult createUpload(Command c, CreateMultipartUpload cmd, StoreBatch batch) {
    UploadRecord u = cmd.getUpload();
    if (u.getKey().isEmpty() || !validName(u.getUploadId())) {
      return new ApplyResult.Invalid("upload needs a key and an upload id without NUL");
    }
    if (t.store().get(Keys.bucket(cmd.getBucket())) == null) {
      return new ApplyResult.Failed(NO_SUCH_BUCKET, cmd.getBucket());
    }
    byte[] key = Keys.upload(cmd.getBucket(), u.getKey(), u.getUploadId());
    UploadRecord existing = t.read(key, UploadRecord.parser());
    if (existing != null) {
      return ok(reply().setUpload(existing)); // a retried create: upload ids are caller-unique
    }
    UploadRecord stored = u.toBuilder().setInitiatedMillis(c.leaderTimeMillis()).build();
    batch.put(key, Records.encode(stored));
    return ok(reply().setUpload(stored));
  }

  /**
   * The start of one part attempt: the upload must exist; the reply's sequence (this entry's log
   * position, unique and in log order) orders the attempt against every other one of the upload,
   * so "began later" means the same thing on every gateway. Writes nothing.
   */
  public ApplyResult beginPart(long sequence, BeginPart cmd) {
    if (t.store().get(Keys.bucket(cmd.getBucket())) == null) {
      return new ApplyResult.Failed(NO_SUCH_BUCKET, cmd.getBucket());
    }
    UploadRecord upload = t.read(Keys.upload(cmd.getBucket(), cmd.getKey(), cmd.getUploadId()), UploadRecord.parser());
    if (upload == null) {
      return new ApplyResult.Failed(NO_SUCH_UPLOAD, cmd.getUploadId());
    }
    return ok(reply().setPartBegun(PartBegun.newBuilder().setUpload(upload).setSequence(sequence)));
  }

  /**
   * Stores a part unless an attempt that began later (higher attempt_seq) is already stored for
   * its number: S3 API reference, UploadPart, "If you upload a new part using the same part number
   * that was used with a previous part, the previously uploaded part is overwritten" — the previous
   * part is the one whose upload began first, even when it finishes last. The record that lost
   * (the replaced part, or this attempt when superseded) is in the reply: its shards are garbage.
   */
  public ApplyResult putPart(Command c, PutPart cmd, StoreBatch batch) {
    PartRecord p = cmd.getPart();
    if (p.getPartNumber() < 1 || p.getPartNumber() > MAX_PART_NUMBER) {
      return new ApplyResult.Invalid("part number " + p.getPartNumber() + " outside 1.." + MAX_PART_NUMBER);
    }
    if (!MD5_HEX.matcher(p.getEtag()).matches()) {
      return new ApplyResult.Invalid("part etag must be 32 hex digits (the part's md5), not " + p.getEtag());
    }
    if (p.getLayout().getKindCase() == LayoutRecord.KindCase.INLINE) {
      return new ApplyResult.Invalid("a part's layout is always segments");
    }
    if (t.store().get(Keys.bucket(cmd.getBucket())) == null) {
      return new ApplyResult.Failed(NO_SUCH_BUCKET, cmd.getBucket());
    }
    if (t.store().get(Keys.upload(cmd.getBucket(), cmd.getKey(), cmd.getUploadId())) == null) {
      return new ApplyResult.Failed(NO_SUCH_UPLOAD, cmd.getUploadId());
    }
    byte[] key = Keys.part(cmd.getBucket(), cmd.getKey(), cmd.getUploadId(), p.getPartNumber());
    PartRecord existing = t.read(key, PartRecord.parser());
    PartReply.Builder r = PartReply.newBuilder();
    if (existing != null && existing.getLayout().equals(p.getLayout()) && existing.getEtag().equals(p.getEtag())) {
      return ok(reply().setPart(r)); // a retried put of the same part: nothing to collect
    }
    if (existing != null && Long.compareUnsigned(existing.getAttemptSeq(), p.getAttemptSeq()) > 0) {
      return ok(reply().setPart(r.setReplaced(p).setSuperseded(true)));
    }
    batch.put(key, Records.encode(p.toBuilder().setLastModifiedMillis(c.leaderTimeMillis()).build()));
    io.moraine.metadata.core.usage.Usage.partStored(t, batch, cmd.getBucket(), Keys.upload(cmd.getBucket(), cmd.getKey(), cmd.getUploadId()), p, existing);
    if (existing != null) {
      r.setReplaced(existing);
    }
    return ok(reply().setPart(r));
  }

  public ApplyResult listParts(String bucket, String key, String uploadId) {
    if (t.store().get(Keys.bucket(bucket)) == null) {
      return new ApplyResult.Failed(NO_SUCH_BUCKET, bucket);
    }
    if (t.store().get(Keys.upload(bucket, key, uploadId)) == null) {
      return new ApplyResult.Failed(NO_SUCH_UPLOAD, uploadId);
    }
    return ok(reply().setParts(PartList.newBuilder().addAllParts(parts(bucket, key, uploadId))));
  }

  private List<PartRecord> parts(String bucket, String key, String uploadId) {
    byte[] prefix = Keys.partPrefix(bucket, key, uploadId);
    List<PartRecord> parts = new ArrayList<>();
    try (StateStore.Cursor cur = t.store().cursor()) {
      for (cur.seek(prefix); cur.valid() && Keys.startsWith(cur.key(), prefix); cur.next()) {
        parts.add(Records.decode(cur.value(), PartRecord.parser()));
      }
    }
    return parts;
  }

  public ApplyResult complete(long logIndex, int slot, Command c, CompleteMultipartUpload cmd, StoreBatch batch) {
    BucketRecord bucket = t.read(Keys.bucket(cmd.getBucket()), BucketRecord.parser());
    if (bucket == null) {
      return new ApplyResult.Failed(NO_SUCH_BUCKET, cmd.getBucket());
    }
    byte[] uploadKey = Keys.upload(cmd.getBucket(), cmd.getKey(), cmd.getUploadId());
    UploadRecord upload = t.read(uploadKey, UploadRecord.parser());
    if (upload == null) {
      ObjectRecord done = alreadyCompleted(cmd);
      return done != null ? ok(reply().setComplete(CompleteReply.newBuilder().setCommitted(done)))
          : new ApplyResult.Failed(NO_SUCH_UPLOAD, cmd.getUploadId());
    }
    ApplyResult unmet = Versions.conditionFails(t.read(Keys.object(cmd.getBucket(), cmd.getKey()), ObjectRecord.parser()),
        cmd.getIfMatch(), cmd.getIfNoneMatch(), cmd.getKey());
    if (unmet != null) {
      return unmet;
    }
    List<CompletedPart> wanted = cmd.getPartsList();
    if (wanted.isEmpty()) {
      return new ApplyResult.Failed(INVALID_PART, "the part list is empty");
    }
    for (int i = 1; i < wanted.size(); i++) {
      if (wanted.get(i).getPartNumber() <= wanted.get(i - 1).getPartNumber()) {
        return new ApplyResult.Failed(INVALID_PART_ORDER, "part " + wanted.get(i).getPartNumber()
            + " follows part " + wanted.get(i - 1).getPartNumber());
      }
    }
    TreeMap<Integer, PartRecord> stored = new TreeMap<>();
    for (PartRecord p : parts(cmd.getBucket(), cmd.getKey(), cmd.getUploadId())) {
      stored.put(p.getPartNumber(), p);
    }
    List<PartRecord> used = new ArrayList<>(wanted.size());
    for (CompletedPart w : wanted) {
      PartRecord p = stored.get(w.getPartNumber());
      if (p == null || !p.getEtag().equalsIgnoreCase(unquote(w.getEtag()))) {
        return new ApplyResult.Failed(INVALID_PART, "part " + w.getPartNumber()
            + (p == null ? " was not uploaded" : " has etag " + p.getEtag() + ", not " + w.getEtag()));
      }
      used.add(p);
    }
    for (int i = 0; i < used.size() - 1; i++) {
      if (used.get(i).getSize() < cmd.getMinPartSizeBytes()) {
        return new ApplyResult.Failed(ENTITY_TOO_SMALL, "part " + used.get(i).getPartNumber() + " has "
            + used.get(i).getSize() + " bytes, below the minimum " + cmd.getMinPartSizeBytes());
      }
    }
    MessageDigest md5 = md5();
    Segments.Builder segments = Segments.newBuilder();
    long size = 0;
    for (PartRecord p : used) {
      md5.update(HEX.parseHex(p.getEtag().toLowerCase(java.util.Locale.ROOT)));
      if (!p.getLayout().hasSegments() && p.getLayout().getKindCase() != LayoutRecord.KindCase.KIND_NOT_SET) {
        throw new IllegalStateException("part " + p.getPartNumber() + " of upload " + cmd.getUploadId()
            + " has layout " + p.getLayout().getKindCase() + "; parts are always segments");
      }
      segments.addAllSegments(p.getLayout().getSegments().getSegmentsList());
      size += p.getSize();
    }
    String etag = HEX.formatHex(md5.digest()) + "-" + used.size();
    ObjectRecord.Builder version = ObjectRecord.newBuilder()
        .setKey(cmd.getKey())
        .setSize(size)
        .setEtag(etag)
        .setLastModifiedMillis(c.leaderTimeMillis())
        .setStorageClass(upload.getStorageClass())
        .addAllHeaders(mergedHeaders(upload.getHeadersList(), cmd.getExtraHeadersList()))
        .setPartCount(used.size())
        .addAllPartSizes(used.stream().map(PartRecord::getSize).toList())
        .setLayout(LayoutRecord.newBuilder().setSegments(segments))
        .setCommitIndex(logIndex)
        .setCompletedUploadId(cmd.getUploadId())
        .setOwnerAccountId(upload.getOwnerAccountId().isEmpty() ? bucket.getOwnerAccountId() : upload.getOwnerAccountId())
        .addAllSubresources(upload.getSubresourcesList());
    if (upload.hasEncryption()) {
      // Each part's packages carry its part number in their AAD: the object keeps them, in order.
      version.setEncryption(upload.getEncryption().toBuilder().clearPartNumbers().setPlaintextSize(size)
          .addAllPartNumbers(used.stream().map(PartRecord::getPartNumber).toList()));
    }
    Versions.Committed done = Versions.commit(t.store(), bucket, version, Versions.seq(logIndex, slot), batch);
    io.moraine.metadata.core.usage.Usage.completed(t, batch, cmd.getBucket(), uploadKey, stored.values(), done.replaced(), done.committed(), c.leaderTimeMillis());
    batch.delete(uploadKey);
    CompleteReply.Builder r = CompleteReply.newBuilder().setCommitted(done.committed());
    if (done.replaced() != null) {
      r.setReplaced(done.replaced());
    }
    for (PartRecord p : stored.values()) {
      batch.delete(Keys.part(cmd.getBucket(), cmd.getKey(), cmd.getUploadId(), p.getPartNumber()));
      if (!used.contains(p)) {
        r.addUnusedParts(p);
      }
    }
    return ok(reply().setComplete(r));
  }

  /**
   * A Complete repeated after its upload was completed (a client retrying after a lost reply, a
   * timeout or a 503 whose commit went through): the current version of the key, when it was
   * completed from this upload with the same part list (its ETag is the md5 of the listed part
   * ETags), so the retry answers what the first attempt did, as S3 and Ceph RGW do, rather than
   * NoSuchUpload. Writes nothing. Null when the key has moved on or the list differs.
   */
  private ObjectRecord alreadyCompleted(CompleteMultipartUpload cmd) {
    ObjectRecord current = t.read(Keys.object(cmd.getBucket(), cmd.getKey()), ObjectRecord.parser());
    if (current == null || !current.getCompletedUploadId().equals(cmd.getUploadId()) || cmd.getPartsCount() == 0) {
      return null;
    }
    MessageDigest md5 = md5();
    for (CompletedPart w : cmd.getPartsList()) {
      String etag = unquote(w.getEtag());
      if (!MD5_HEX.matcher(etag).matches()) {
        return null;
      }
      md5.update(HEX.parseHex(etag.toLowerCase(java.util.Locale.ROOT)));
    }
    String etag = HEX.formatHex(md5.digest()) + "-" + cmd.getPartsCount();
    return current.getEtag().equals(etag) ? current : null;
  }

  /** The upload's headers plus the extra ones, sorted by name (extra ones win on a clash). */
  private static List<io.moraine.proto.meta.v1.Header> mergedHeaders(List<io.moraine.proto.meta.v1.Header> base,
      List<io.moraine.proto.meta.v1.Header> extra) {
    if (extra.isEmpty()) {
      return base;
    }
    TreeMap<String, io.moraine.proto.meta.v1.Header> m = new TreeMap<>();
    base.forEach(h -> m.put(h.getName(), h));
    extra.forEach(h -> m.put(h.getName(), h));
    return new ArrayList<>(m.values());
  }

  public ApplyResult abort(AbortMultipartUpload cmd, StoreBatch batch) {
    if (t.store().get(Keys.bucket(cmd.getBucket())) == null) {
      return new ApplyResult.Failed(NO_SUCH_BUCKET, cmd.getBucket());
    }
    byte[] uploadKey = Keys.upload(cmd.getBucket(), cmd.getKey(), cmd.getUploadId());
    if (t.store().get(uploadKey) == null) {
      return new ApplyResult.Failed(NO_SUCH_UPLOAD, cmd.getUploadId());
    }
    List<PartRecord> parts = parts(cmd.getBucket(), cmd.getKey(), cmd.getUploadId());
    io.moraine.metadata.core.usage.Usage.completed(t, batch, cmd.getBucket(), uploadKey, parts, null, null, 0);
    batch.delete(uploadKey);
    for (PartRecord p : parts) {
      batch.delete(Keys.part(cmd.getBucket(), cmd.getKey(), cmd.getUploadId(), p.getPartNumber()));
    }
    return ok(reply().setParts(PartList.newBuilder().addAllParts(parts)));
  }

  /**
   * A page of uploads in (key, upload id) order, which is the 'U' rows' order: the key is
   * escaped (order preserving) and the upload id follows raw. The markers become one seek, and a
   * common prefix costs one seek past every upload under it, so any number of uploads pages.
   */
  public ApplyResult listUploads(ListMultipartUploads q) {
    if (t.store().get(Keys.bucket(q.getBucket())) == null) {
      return new ApplyResult.Failed(NO_SUCH_BUCKET, q.getBucket());
    }
    int max = q.getMaxUploads() <= 0 || q.getMaxUploads() > Listing.MAX_KEYS_LIMIT ? Listing.MAX_KEYS_LIMIT : q.getMaxUploads();
    String prefix = q.getPrefix();
    String delimiter = q.getDelimiter();
    byte[] scanPrefix = Keys.uploadKeyPrefix(q.getBucket(), prefix);
    byte[] from = scanPrefix;
    String keyMarker = q.getKeyMarker();
    if (!keyMarker.isEmpty()) {
      byte[] past;
      if (keyMarker.equals(uploadCommonPrefix(keyMarker, prefix, delimiter))) {
        past = Keys.successor(Keys.uploadKeyPrefix(q.getBucket(), keyMarker)); // skip the whole common prefix
      } else if (q.getUploadIdMarker().isEmpty()) {
        past = Keys.successor(Keys.uploadsOf(q.getBucket(), keyMarker)); // skip every upload of the key
      } else {
        past = Keys.concat(Keys.upload(q.getBucket(), keyMarker, q.getUploadIdMarker()), new byte[] {0});
      }
      if (Arrays.compareUnsigned(past, from) > 0) {
        from = past;
      }
    }
    UploadList.Builder list = UploadList.newBuilder();
    int entries = 0;
    String lastKey = null;
    String lastUploadId = "";
    try (StateStore.Cursor cur = t.store().cursor()) {
      cur.seek(from);
      while (cur.valid() && Keys.startsWith(cur.key(), scanPrefix)) {
        if (entries == max) {
          list.setTruncated(true).setNextKeyMarker(lastKey).setNextUploadIdMarker(lastUploadId);
          break;
        }
        UploadRecord u = Records.decode(cur.value(), UploadRecord.parser());
        String common = uploadCommonPrefix(u.getKey(), prefix, delimiter);
        if (common != null) {
          list.addCommonPrefixes(common);
          lastKey = common;
          lastUploadId = "";
          cur.seek(Keys.successor(Keys.uploadKeyPrefix(q.getBucket(), common)));
        } else {
          list.addUploads(u);
          lastKey = u.getKey();
          lastUploadId = u.getUploadId();
          cur.next();
        }
        entries++;
      }
    }
    return ok(reply().setUploads(list));
  }

  /** prefix + the key up to and including the first delimiter after it, or null. */
  private static String uploadCommonPrefix(String key, String prefix, String delimiter) {
    if (delimiter.isEmpty() || !key.startsWith(prefix)) {
      return null;
    }
    int i = key.indexOf(delimiter, prefix.length());
    return i < 0 ? null : key.substring(0, i + delimiter.length());
  }


  private static String unquote(String etag) {
    return etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"") ? etag.substring(1, etag.length() - 1) : etag;
  }

  private static MessageDigest md5() {
    try {
      return MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("JDK without MD5", e);
    }
  }
}
