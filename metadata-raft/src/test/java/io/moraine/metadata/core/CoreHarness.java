package io.moraine.metadata.core;

import io.moraine.metadata.api.MetadataError;
import io.moraine.metadata.store.MemoryStateStore;
import io.moraine.metadata.store.StateStore;
import io.moraine.proto.meta.v1.CompleteMultipartUpload;
import io.moraine.proto.meta.v1.CompletedPart;
import io.moraine.proto.meta.v1.CreateBucket;
import io.moraine.proto.meta.v1.CreateMultipartUpload;
import io.moraine.proto.meta.v1.DeleteBucket;
import io.moraine.proto.meta.v1.DeleteObject;
import io.moraine.proto.meta.v1.LayoutRecord;
import io.moraine.proto.meta.v1.ListObjects;
import io.moraine.proto.meta.v1.ListObjectsReply;
import io.moraine.proto.meta.v1.MetaReply;
import io.moraine.proto.meta.v1.MetaRequest;
import io.moraine.proto.meta.v1.ObjectRecord;
import io.moraine.proto.meta.v1.PartRecord;
import io.moraine.proto.meta.v1.PutObject;
import io.moraine.proto.meta.v1.PutPart;
import io.moraine.proto.meta.v1.SegmentRecord;
import io.moraine.proto.meta.v1.Segments;
import io.moraine.proto.meta.v1.UploadRecord;
import java.util.List;

/** Drives a core over a store with a fake leader clock (time = epoch + 1000 × index) for pure tests. */
final class CoreHarness {
  final StateStore store;
  final MetadataCore core;
  int maxBuckets = 100;
  int metaGroups = 1;
  long index;
  /** Added to the leader time (tests of day-scale expiries start the clock later). */
  long epochMillis;

  CoreHarness() {
    this(new MemoryStateStore());
  }

  CoreHarness(StateStore store) {
    this.store = store;
    this.core = new MetadataCore(store);
  }

  ApplyResult apply(MetaRequest.Builder r) {
    index++;
    return core.apply(1, index, new Command(epochMillis + 1000 * index, maxBuckets, metaGroups, r.setFormatVersion(1).build()));
  }

  MetaReply ok(MetaRequest.Builder r) {
    ApplyResult res = apply(r);
    if (!(res instanceof ApplyResult.Ok ok)) {
      throw new AssertionError("expected success, got " + res);
    }
    return ok.reply();
  }

  MetadataError error(MetaRequest.Builder r) {
    ApplyResult res = apply(r);
    if (!(res instanceof ApplyResult.Failed f)) {
      throw new AssertionError("expected a failure, got " + res);
    }
    return f.error();
  }

  MetaReply query(MetaRequest.Builder r) {
    ApplyResult res = core.query(r.setFormatVersion(1).build());
    if (!(res instanceof ApplyResult.Ok ok)) {
      throw new AssertionError("expected success, got " + res);
    }
    return ok.reply();
  }

  MetadataError queryError(MetaRequest.Builder r) {
    ApplyResult res = core.query(r.setFormatVersion(1).build());
    if (!(res instanceof ApplyResult.Failed f)) {
      throw new AssertionError("expected a failure, got " + res);
    }
    return f.error();
  }

  static MetaRequest.Builder createBucket(String owner, String bucket) {
    return MetaRequest.newBuilder().setCreateBucket(CreateBucket.newBuilder().setOwnerAccountId(owner).setBucket(bucket).setRegion("us-east-1"));
  }

  static MetaRequest.Builder deleteBucket(String bucket) {
    return MetaRequest.newBuilder().setDeleteBucket(DeleteBucket.newBuilder().setBucket(bucket));
  }

  static LayoutRecord segments(String... dataIds) {
    Segments.Builder s = Segments.newBuilder();
    for (String id : dataIds) {
      s.addSegments(SegmentRecord.newBuilder().setDataId(id).setSize(10).setDataShards(4).setParityShards(2)
          .setChunkSizeBytes(1 << 20).addAllShardNodes(List.of("n1", "n2", "n3", "n4", "n5", "n6"))
          .addAllMisplaced(List.of(false, false, false, false, false, false)));
    }
    return LayoutRecord.newBuilder().setSegments(s).build();
  }

  static MetaRequest.Builder put(String bucket, String key, String dataId) {
    return MetaRequest.newBuilder().setPutObject(PutObject.newBuilder().setBucket(bucket).setVersion(ObjectRecord.newBuilder()
        .setKey(key).setVersionId("null").setSize(10).setEtag("e-" + dataId).setStorageClass("STANDARD")
        .setLayout(segments(dataId))));
  }

  static MetaRequest.Builder deleteObject(String bucket, String key) {
    return MetaRequest.newBuilder().setDeleteObject(DeleteObject.newBuilder().setBucket(bucket).setKey(key));
  }

  static MetaRequest.Builder list(String bucket, String prefix, String delimiter, String startAfter, int maxKeys) {
    return MetaRequest.newBuilder().setListObjects(ListObjects.newBuilder().setBucket(bucket).setPrefix(prefix)
        .setDelimiter(delimiter).setStartAfter(startAfter).setMaxKeys(maxKeys));
  }

  ListObjectsReply listPage(String bucket, String prefix, String delimiter, String startAfter, int maxKeys) {
    return query(list(bucket, prefix, delimiter, startAfter, maxKeys)).getListObjects();
  }

  static MetaRequest.Builder createUpload(String bucket, String key, String uploadId) {
    return MetaRequest.newBuilder().setCreateMultipartUpload(CreateMultipartUpload.newBuilder().setBucket(bucket)
        .setUpload(UploadRecord.newBuilder().setKey(key).setUploadId(uploadId).setStorageClass("STANDARD").setOwnerAccountId("o")));
  }

  static MetaRequest.Builder putPart(String bucket, String key, String uploadId, int n, long size, String etag, LayoutRecord layout) {
    return MetaRequest.newBuilder().setPutPart(PutPart.newBuilder().setBucket(bucket).setKey(key).setUploadId(uploadId)
        .setPart(PartRecord.newBuilder().setPartNumber(n).setSize(size).setEtag(etag).setLayout(layout)));
  }

  static MetaRequest.Builder complete(String bucket, String key, String uploadId, long minPart, Object... numberEtagPairs) {
    CompleteMultipartUpload.Builder c = CompleteMultipartUpload.newBuilder().setBucket(bucket).setKey(key)
        .setUploadId(uploadId).setMinPartSizeBytes(minPart);
    for (int i = 0; i < numberEtagPairs.length; i += 2) {
      c.addParts(CompletedPart.newBuilder().setPartNumber((Integer) numberEtagPairs[i]).setEtag((String) numberEtagPairs[i + 1]));
    }
    return MetaRequest.newBuilder().setCompleteMultipartUpload(c);
  }
}
