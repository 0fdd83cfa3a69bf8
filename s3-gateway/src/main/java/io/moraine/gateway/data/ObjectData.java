package io.moraine.gateway.data;

import io.moraine.gateway.auth.VerifiedBody;
import io.moraine.gateway.crypto.DecryptingOutputStream;
import io.moraine.gateway.crypto.EncryptingInputStream;
import io.moraine.gateway.crypto.PackageCipher;
import io.moraine.gateway.crypto.PackageFormat;
import io.moraine.gateway.crypto.SealedRange;
import io.moraine.gateway.crypto.CustomerKey;
import io.moraine.gateway.crypto.Sse;
import io.moraine.metadata.api.ObjectVersion;
import io.moraine.metadata.api.DataLayout;
import io.moraine.metadata.api.Segment;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Optional;

/**
 * Object bytes in and out, whatever their layout: small objects inline in metadata, larger ones
 * as erasure-coded segments (one per PUT, one per part for multipart objects).
 */
public final class ObjectData {

  /** A stored, verified body: where it lives and its digests. Nothing is committed yet. */
  public record Stored(DataLayout layout, VerifiedBody.Digests digests) {}

  private final BlobWriter writer;
  private final BlobReader reader;
  private final int inlineThresholdBytes;
  private final Sse sse;
  private final StorageClasses classes;
  private final io.moraine.placement.PlacementView placement;

  /** With the default storage-class profiles of DESIGN.md, checked against the writer's placement view. */
  /** Retrieval bytes of IA / IR reads, flushed to the metadata tier by the gateway (storage accounting). */
  private final io.moraine.gateway.usage.RetrievalTally retrievals = new io.moraine.gateway.usage.RetrievalTally();

  public io.moraine.gateway.usage.RetrievalTally retrievals() {
    return retrievals;
  }

  public ObjectData(BlobWriter writer, BlobReader reader, int inlineThresholdBytes, Sse sse) {
    this(writer, reader, inlineThresholdBytes, sse, StorageClasses.defaults(), writer.placement());
  }

  public ObjectData(BlobWriter writer, BlobReader reader, int inlineThresholdBytes, Sse sse, StorageClasses classes,
      io.moraine.placement.PlacementView placement) {
    this.writer = writer;
    this.reader = reader;
    this.inlineThresholdBytes = inlineThresholdBytes;
    this.sse = sse;
    this.classes = classes;
    this.placement = placement;
  }

  /** The erasure profile and rule new blobs of {@code storageClass} are written with now (DESIGN.md, Storage classes). */
  public ErasureProfile profile(String storageClass) {
    return classes.profile(storageClass, placement);
  }

  public StorageClasses storageClasses() {
    return classes;
  }

  /**
   * Whether every segment of {@code layout} overlapping stored bytes [offset, offset+length) has
   * at least k shards on live nodes — false, e.g., for a ONEZONE_IA object while its AZ is down —
   * so a GET that cannot be served says so before its 200 rather than breaking off mid-body.
   * Liveness lags a crash by seconds; a read that fails anyway still fails cleanly.
   */
  public boolean readable(DataLayout layout, long offset, long length) {
    if (!(layout instanceof DataLayout.Segments segments) || length <= 0) {
      return true;
    }
    long start = 0;
    for (Segment s : segments.segments()) {
      long end = start + s.size();
      if (end > offset && start < offset + length) {
        long live = s.shardNodes().stream().filter(placement::isLive).count();
        if (live < s.dataShards()) {
          return false;
        }
      }
      start = end;
    }
    return true;
  }

  public Sse sse() {
    return sse;
  }

  /** Chooses the cipher of a blob once its id is known (parts: the nonce base derives from it). */
  public interface CipherFor {
    PackageCipher blob(String dataId);
  }

  /**
   * Stores a body of {@code size} plaintext bytes sealed (docs/encryption.md) before striping, so
   * the data path — and inline bytes in metadata — see only packages. The digests are the
   * plaintext's (the ETag of SSE-S3 objects is the plaintext MD5, as in S3). Always at least one
   * package, so even an empty body is a 16-byte tag.
   */
  public Stored storeSealed(VerifiedBody body, long size, ErasureProfile profile, boolean allowInline, CipherFor cipher)
      throws IOException {
    return storeSealed(body, size, profile, allowInline, null, cipher);
  }

  /** As {@link #storeSealed(VerifiedBody, long, ErasureProfile, boolean, CipherFor)}; {@code zoneKey} as in {@link #store(VerifiedBody, long, ErasureProfile, boolean, String)}. */
  public Stored storeSealed(VerifiedBody body, long size, ErasureProfile profile, boolean allowInline, String zoneKey,
      CipherFor cipher) throws IOException {
    long sealed = PackageFormat.sealedSize(size);
    // The threshold is the object's size: sealing adds 16 bytes a package, and an object small
    // enough to live in metadata in the clear lives there sealed too (a 4 KiB SSE PUT is one commit).
    if (allowInline && size <= inlineThresholdBytes) {
      EncryptingInputStream in = new EncryptingInputStream(body, cipher.blob(""));
      byte[] bytes = in.readNBytes((int) sealed);
      VerifiedBody.Digests d = body.finish();
      if (bytes.length != sealed || in.read() >= 0) {
        throw new IllegalStateException("sealed " + bytes.length + " bytes of " + size + ", expected " + sealed);
      }
      return new Stored(new DataLayout.Inline(bytes), d);
    }
    String dataId = writer.newDataId();
    EncryptingInputStream in = new EncryptingInputStream(body, cipher.blob(dataId));
    VerifiedBody.Digests[] digests = new VerifiedBody.Digests[1];
    Segment segment = writer.write(dataId, in, sealed, profile, zoneKey == null ? dataId : zoneKey,
        () -> digests[0] = body.finish());
    return new Stored(new DataLayout.Segments(List.of(segment)), digests[0]);
  }

  /**
   * Plaintext bytes [offset, offset+length) of an object version of {@code bucket}: as stored,
   * or — encrypted — only the packages the range touches, authenticated and opened (a tampered or
   * misplaced package fails with {@link io.moraine.gateway.crypto.TamperedPackageException},
   * never wrong bytes).
   */
  public void readObject(String bucket, ObjectVersion v, long offset, long length, OutputStream out) throws IOException {
    readObject(bucket, v, Optional.empty(), offset, length, out);
  }

  /** As {@link #readObject(String, ObjectVersion, long, long, OutputStream)}, an SSE-C object with its key. */
  public void readObject(String bucket, ObjectVersion v, Optional<CustomerKey> customer, long offset, long length,
      OutputStream out) throws IOException {
    retrievals.read(bucket, v.storageClass(), length);
    DataLayout stored = storedLayout(v);
    if (!v.encrypted()) {
      read(stored, offset, length, out);
      return;
    }
    Sse.Sealed keys = sse.open(v.encryption(), customer);
    if (v.partCount() == 0) {
      readSealed(stored, v.size(), keys.single(bucket, v.key()), offset, length, out);
      return;
    }
    // The parts' nonces derive from the blob ids the upload wrote: the layout's own ids, or those a
    // transition recorded (part_nonce_ids); a restored copy holds the same sealed bytes under new ids.
    List<Segment> segments = ((DataLayout.Segments) v.layout()).segments();
    List<String> nonceIds = v.encryption().getPartNonceIdsCount() > 0 ? v.encryption().getPartNonceIdsList()
        : segments.stream().map(Segment::dataId).toList();
    List<Segment> storedSegments = ((DataLayout.Segments) stored).segments();
    List<Integer> partNumbers = v.encryption().getPartNumbersList();
    if (segments.size() != v.partCount() || storedSegments.size() != v.partCount()
        || partNumbers.size() != v.partCount() || v.partSizes().size() != v.partCount()
        || nonceIds.size() != v.partCount()) {
      throw new IllegalStateException("encrypted multipart object " + v.key() + " has " + segments.size()
          + " segments (" + storedSegments.size() + " stored), " + partNumbers.size() + " part numbers and "
          + v.partSizes().size() + " part sizes for " + v.partCount() + " parts");
    }
    long partStart = 0;
    long end = offset + length;
    for (int i = 0; i < v.partCount() && partStart < end; i++) {
      long partSize = v.partSizes().get(i);
      long from = Math.max(offset, partStart);
      long to = Math.min(end, partStart + partSize);
      if (from < to) {
        readSealed(new DataLayout.Segments(List.of(storedSegments.get(i))), partSize,
            keys.part(bucket, v.key(), partNumbers.get(i), nonceIds.get(i)), from - partStart, to - from, out);
      }
      partStart += partSize;
    }
  }

  /**
   * Where a version's bytes are read from: its restored temporary copy while one exists (archive
   * classes, docs/s3-compatibility.md), otherwise its own layout. Whether an archived version may be
   * read at all is the S3 layer's check ({@code gateway.restore.Archive}).
   */
  public static DataLayout storedLayout(ObjectVersion v) {
    io.moraine.metadata.api.Restore restore = v.restore();
    return restore != null && !restore.ongoing() && restore.copy() != null ? restore.copy() : v.layout();
  }

  /** Plaintext [offset, offset+length) of one sealed blob of {@code plaintextSize} bytes. */
  private void readSealed(DataLayout blob, long plaintextSize, PackageCipher cipher, long offset, long length,
      OutputStream out) throws IOException {
    SealedRange range = SealedRange.of(plaintextSize, offset, length);
    DecryptingOutputStream plain = new DecryptingOutputStream(out, cipher, range);
    read(blob, range.sealedOffset(), range.sealedLength(), plain);
    plain.finish();
  }

  /**
   * Stores a body of {@code size} bytes. {@code allowInline}: objects may live in metadata; parts
   * may not (a multipart object is the concatenation of its parts' segments).
   */
  public Stored store(VerifiedBody body, long size, ErasureProfile profile, boolean allowInline) throws IOException {
    return store(body, size, profile, allowInline, null);
  }

  /**
   * As {@link #store(VerifiedBody, long, ErasureProfile, boolean)}; a one-zone profile's AZ is
   * chosen from {@code zoneKey} (null: the blob's own dataId).
   */
  public Stored store(VerifiedBody body, long size, ErasureProfile profile, boolean allowInline, String zoneKey)
      throws IOException {
    if (allowInline && size <= inlineThresholdBytes) {
      byte[] bytes = body.readNBytes((int) size);
      VerifiedBody.Digests d = body.finish();
      return new Stored(new DataLayout.Inline(bytes), d);
    }
    if (size == 0) {
      return new Stored(new DataLayout.Segments(List.of()), body.finish());
    }
    VerifiedBody.Digests[] digests = new VerifiedBody.Digests[1];
    String dataId = writer.newDataId();
    Segment segment = writer.write(dataId, body, size, profile, zoneKey == null ? dataId : zoneKey,
        () -> digests[0] = body.finish());
    return new Stored(new DataLayout.Segments(List.of(segment)), digests[0]);
  }

  /** Writes object bytes [offset, offset+length) to {@code out}. */
  public void read(DataLayout layout, long offset, long length, OutputStream out) throws IOException {
    switch (layout) {
      case DataLayout.Inline inline -> {
        if (offset + length > inline.bytes().length) {
          throw new IllegalStateException("range [" + offset + ", +" + length + ") outside inline object of "
              + inline.bytes().length + " bytes");
        }
        out.write(inline.bytes(), (int) offset, (int) length);
      }
      case DataLayout.Segments segments -> {
        long segmentStart = 0;
        long end = offset + length;
        for (Segment s : segments.segments()) {
          long segmentEnd = segmentStart + s.size();
          long from = Math.max(offset, segmentStart);
          long to = Math.min(end, segmentEnd);
          if (from < to) {
            reader.read(s, from - segmentStart, to - from, out);
          }
          segmentStart = segmentEnd;
          if (segmentStart >= end) {
            break;
          }
        }
        if (segmentStart < end) {
          throw new IllegalStateException("range [" + offset + ", +" + length + ") beyond the segments' "
              + segmentStart + " bytes");
        }
      }
    }
  }
}
