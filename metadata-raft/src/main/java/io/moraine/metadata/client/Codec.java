package io.moraine.metadata.client;

import com.google.protobuf.ByteString;
import io.moraine.metadata.api.Account;
import io.moraine.metadata.api.Bucket;
import io.moraine.metadata.api.BucketConfigs;
import io.moraine.metadata.api.Subresources;
import io.moraine.proto.meta.v1.ObjectSubresource;
import io.moraine.metadata.api.DataLayout;
import io.moraine.metadata.api.MultipartUpload;
import io.moraine.metadata.api.ObjectSummary;
import io.moraine.metadata.api.ObjectVersion;
import io.moraine.metadata.api.PartRecord;
import io.moraine.metadata.api.Segment;
import io.moraine.metadata.api.VersionEntry;
import io.moraine.metadata.api.VersioningStatus;
import io.moraine.proto.meta.v1.AccountRecord;
import io.moraine.proto.meta.v1.BucketRecord;
import io.moraine.proto.meta.v1.Header;
import io.moraine.proto.meta.v1.LayoutRecord;
import io.moraine.proto.meta.v1.ObjectRecord;
import io.moraine.proto.meta.v1.SegmentRecord;
import io.moraine.proto.meta.v1.Segments;
import io.moraine.proto.meta.v1.UploadRecord;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/** Converts between the API's domain records and the v1 wire records, at the module edge. */
public final class Codec {
  private Codec() {}

  public static Account account(AccountRecord r) {
    return new Account(r.getAccountId(), r.getUserName(), r.getCreatedMillis(), r.getAwsAccountId(), r.getEmail());
  }

  public static Bucket bucket(BucketRecord r) {
    return new Bucket(r.getName(), r.getOwnerAccountId(), r.getRegion(), r.getCreatedMillis(),
        versioning(r.getVersioning()), r.getGeneration(), r.getMfaDelete());
  }

  /** The stored code of a versioning status: 0 never configured, 1 Enabled, 2 Suspended. */
  public static int versioning(VersioningStatus status) {
    return switch (status) {
      case UNVERSIONED -> 0;
      case ENABLED -> 1;
      case SUSPENDED -> 2;
    };
  }

  public static VersioningStatus versioning(int code) {
    return switch (code) {
      case 0 -> VersioningStatus.UNVERSIONED;
      case 1 -> VersioningStatus.ENABLED;
      case 2 -> VersioningStatus.SUSPENDED;
      default -> throw new IllegalStateException("unknown versioning status code " + code);
    };
  }

  public static VersionEntry versionEntry(io.moraine.proto.meta.v1.VersionEntry e) {
    ObjectRecord r = e.getVersion();
    return new VersionEntry(r.getKey(), r.getVersionId(), e.getIsLatest(), r.getDeleteMarker(), r.getSize(),
        r.getEtag(), r.getLastModifiedMillis(), r.getStorageClass(), r.getOwnerAccountId(), restore(r));
  }

  public static List<Header> headers(SortedMap<String, String> headers) {
    // A SortedMap iterates in key order: the stored list is sorted by construction.
    return headers.entrySet().stream()
        .map(e -> Header.newBuilder().setName(e.getKey()).setValue(e.getValue()).build()).toList();
  }

  public static SortedMap<String, String> headers(List<Header> headers) {
    TreeMap<String, String> m = new TreeMap<>();
    for (Header h : headers) {
      m.put(h.getName(), h.getValue());
    }
    return m;
  }

  public static LayoutRecord layout(DataLayout layout) {
    return switch (layout) {
      case DataLayout.Inline in -> LayoutRecord.newBuilder().setInline(ByteString.copyFrom(in.bytes())).build();
      case DataLayout.Segments s -> LayoutRecord.newBuilder()
          .setSegments(Segments.newBuilder().addAllSegments(s.segments().stream().map(Codec::segment).toList())).build();
    };
  }

  public static DataLayout layout(LayoutRecord r) {
    return switch (r.getKindCase()) {
      case INLINE -> new DataLayout.Inline(r.getInline().toByteArray());
      case SEGMENTS -> new DataLayout.Segments(r.getSegments().getSegmentsList().stream().map(Codec::segment).toList());
      case KIND_NOT_SET -> new DataLayout.Segments(List.of());
    };
  }

  public static SegmentRecord segment(Segment s) {
    return SegmentRecord.newBuilder()
        .setDataId(s.dataId()).setSize(s.size()).setDataShards(s.dataShards()).setParityShards(s.parityShards())
        .setChunkSizeBytes(s.chunkSizeBytes()).setPlacementGroup(s.placementGroup()).setPlacementEpoch(s.placementEpoch())
        .addAllShardNodes(s.shardNodes()).addAllMisplaced(s.misplaced())
        .setZone(s.zone()).setMaxShardsPerAz(s.maxShardsPerAz()).build();
  }

  public static Segment segment(SegmentRecord r) {
    return new Segment(r.getDataId(), r.getSize(), r.getDataShards(), r.getParityShards(), r.getChunkSizeBytes(),
        r.getPlacementGroup(), r.getPlacementEpoch(), r.getShardNodesList(), r.getMisplacedList(), r.getZone(),
        r.getMaxShardsPerAz());
  }

  public static ObjectRecord object(ObjectVersion v) {
    ObjectRecord.Builder b = ObjectRecord.newBuilder()
        .setKey(v.key()).setVersionId(v.versionId() == null ? ObjectVersion.NULL_VERSION : v.versionId())
        .setSize(v.size()).setEtag(v.etag()).setLastModifiedMillis(v.lastModifiedMillis())
        .setStorageClass(v.storageClass()).addAllHeaders(headers(v.headers())).setPartCount(v.partCount())
        .setLayout(layout(v.layout())).setOwnerAccountId(v.ownerAccountId())
        .addAllSubresources(subresources(v.subresources()));
    if (v.encryption() != null) {
      b.setEncryption(v.encryption());
    }
    return b.build();
  }

  public static List<ObjectSubresource> subresources(Subresources s) {
    // Subresources iterate in kind order: the stored list is sorted by construction.
    return s.kinds().stream().map(k -> ObjectSubresource.newBuilder().setKind(k)
        .setBody(ByteString.copyFrom(s.get(k).orElseThrow())).build()).toList();
  }

  public static Subresources subresources(List<ObjectSubresource> list) {
    java.util.TreeMap<String, byte[]> m = new java.util.TreeMap<>();
    list.forEach(o -> m.put(o.getKind(), o.getBody().toByteArray()));
    return Subresources.of(m);
  }

  public static BucketConfigs bucketConfigs(io.moraine.proto.meta.v1.BucketConfigsReply r) {
    java.util.TreeMap<String, byte[]> m = new java.util.TreeMap<>();
    r.getConfigsList().forEach(c -> m.put(c.getKind(), c.getBody().toByteArray()));
    return new BucketConfigs(bucket(r.getBucket()), Subresources.of(m));
  }

  public static ObjectVersion object(ObjectRecord r) {
    return new ObjectVersion(r.getKey(), r.getVersionId(), r.getSize(), r.getEtag(), r.getLastModifiedMillis(),
        r.getStorageClass(), headers(r.getHeadersList()), r.getPartCount(), layout(r.getLayout()), r.getDeleteMarker(),
        r.getPartSizesList(), r.getOwnerAccountId(), subresources(r.getSubresourcesList()),
        r.hasEncryption() ? r.getEncryption() : null, restore(r), r.getLastAccessMillis(),
        r.getStorageClass().equals("INTELLIGENT_TIERING") && r.getAccessTier().isEmpty() ? "FREQUENT" : r.getAccessTier());
  }

  /** The version's restore, or null when it has none. */
  public static io.moraine.metadata.api.Restore restore(ObjectRecord r) {
    if (!r.hasRestore()) {
      return null;
    }
    io.moraine.proto.meta.v1.RestoreRecord x = r.getRestore();
    return new io.moraine.metadata.api.Restore(x.getOngoing(), x.getTier(), x.getDays(), x.getRequestedMillis(),
        x.getReadyMillis(), x.getExpiryMillis(), x.hasCopy() ? layout(x.getCopy()) : null);
  }

  public static ObjectSummary summary(ObjectRecord r) {
    return new ObjectSummary(r.getKey(), r.getSize(), r.getEtag(), r.getLastModifiedMillis(), r.getStorageClass(),
        r.getOwnerAccountId(), restore(r));
  }

  public static UploadRecord upload(MultipartUpload u) {
    UploadRecord.Builder b = UploadRecord.newBuilder()
        .setKey(u.key()).setUploadId(u.uploadId()).setInitiatedMillis(u.initiatedMillis())
        .setStorageClass(u.storageClass()).addAllHeaders(headers(u.headers())).setOwnerAccountId(u.ownerAccountId())
        .addAllSubresources(subresources(u.subresources()));
    if (u.encryption() != null) {
      b.setEncryption(u.encryption());
    }
    return b.build();
  }

  public static MultipartUpload upload(UploadRecord r) {
    return new MultipartUpload(r.getKey(), r.getUploadId(), r.getInitiatedMillis(), r.getStorageClass(),
        headers(r.getHeadersList()), r.getOwnerAccountId(), subresources(r.getSubresourcesList()),
        r.hasEncryption() ? r.getEncryption() : null);
  }

  public static io.moraine.proto.meta.v1.PartRecord part(PartRecord p) {
    return io.moraine.proto.meta.v1.PartRecord.newBuilder()
        .setPartNumber(p.partNumber()).setSize(p.size()).setEtag(p.etag()).setLastModifiedMillis(p.lastModifiedMillis())
        .setLayout(layout(p.layout())).setChecksumHeader(p.checksumHeader()).setChecksum(p.checksum())
        .setAttemptSeq(p.attemptSeq()).build();
  }

  public static PartRecord part(io.moraine.proto.meta.v1.PartRecord r) {
    return new PartRecord(r.getPartNumber(), r.getSize(), r.getEtag(), r.getLastModifiedMillis(), layout(r.getLayout()),
        r.getChecksumHeader(), r.getChecksum(), r.getAttemptSeq());
  }
}
