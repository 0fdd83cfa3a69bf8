package io.moraine.launcher.admin;

import io.moraine.metadata.api.Bucket;
import io.moraine.metadata.api.DataLayout;
import io.moraine.metadata.api.MetadataClient;
import io.moraine.metadata.api.MetadataError;
import io.moraine.metadata.api.MetadataException;
import io.moraine.metadata.api.MultipartUpload;
import io.moraine.metadata.api.ObjectVersion;
import io.moraine.metadata.api.PartRecord;
import io.moraine.metadata.api.Segment;
import io.moraine.metadata.api.UploadListPage;
import io.moraine.metadata.api.VersionEntry;
import io.moraine.metadata.api.VersionListPage;
import io.moraine.metadata.api.VersionListRequest;
import io.moraine.proto.meta.v1.FindAccount;
import io.moraine.proto.meta.v1.IamQuery;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * What the admin commands count in the metadata tier, with its ordinary linearizable reads
 * (ListObjectVersions, ListMultipartUploads, ListParts, GetObjectVersion, FindAccount): objects
 * and bytes per bucket and storage class, and the shards the manifests place on each node. Every
 * figure is a walk made now, so it is exact at the time of the walk and costs one listing page
 * per 1000 versions (the shard count also one read per version, for its layout). A bucket,
 * version or upload that disappears while it is walked is left out, as if the walk had come a
 * moment later.
 */
final class Inventory {
  private static final int PAGE = 1000;
  static final String DEFAULT_CLASS = "STANDARD";

  private final MetadataClient meta;

  Inventory(MetadataClient meta) {
    this.meta = meta;
  }

  /** Objects, bytes and billable bytes of one storage class; mutable while a walk adds to it. */
  static final class Totals {
    long objects;
    long bytes;
    long billable;

    void add(String storageClass, long size) {
      objects++;
      bytes += size;
      billable += Billing.billableBytes(storageClass, size);
    }
  }

  /**
   * One bucket's figures by storage class (sorted): current objects (latest versions that are
   * not delete markers, what ListObjects shows), noncurrent versions (not delete markers), and
   * multipart uploads in progress (each counted as one object of its class holding its parts).
   */
  record Tally(SortedMap<String, Totals> current, SortedMap<String, Totals> noncurrent,
      SortedMap<String, Totals> uploads) {
    Tally() {
      this(new TreeMap<>(), new TreeMap<>(), new TreeMap<>());
    }

    long currentObjects() {
      return current.values().stream().mapToLong(t -> t.objects).sum();
    }

    long currentBytes() {
      return current.values().stream().mapToLong(t -> t.bytes).sum();
    }

    long noncurrentVersions() {
      return noncurrent.values().stream().mapToLong(t -> t.objects).sum();
    }

    long noncurrentBytes() {
      return noncurrent.values().stream().mapToLong(t -> t.bytes).sum();
    }

    long uploadCount() {
      return uploads.values().stream().mapToLong(t -> t.objects).sum();
    }

    /** Current objects only, or ({@code all}) every version and upload, merged per class. */
    SortedMap<String, Totals> byClass(boolean all) {
      if (!all) {
        return current;
      }
      SortedMap<String, Totals> merged = new TreeMap<>();
      for (SortedMap<String, Totals> part : List.of(current, noncurrent, uploads)) {
        part.forEach((c, t) -> {
          Totals m = merged.computeIfAbsent(c, k -> new Totals());
          m.objects += t.objects;
          m.bytes += t.bytes;
          m.billable += t.billable;
        });
      }
      return merged;
    }
  }

  static String storageClass(String stored) {
    return stored == null || stored.isEmpty() ? DEFAULT_CLASS : stored;
  }

  /** The figures of one bucket. Fails with NO_SUCH_BUCKET. */
  Tally tally(String bucket) {
    Tally tally = new Tally();
    eachVersion(bucket, v -> {
      if (!v.deleteMarker()) {
        String c = storageClass(v.storageClass());
        (v.latest() ? tally.current() : tally.noncurrent()).computeIfAbsent(c, k -> new Totals()).add(c, v.size());
      }
    });
    eachUpload(bucket, u -> {
      List<PartRecord> parts = parts(bucket, u);
      if (parts != null) {
        String c = storageClass(u.storageClass());
        tally.uploads().computeIfAbsent(c, k -> new Totals()).add(c, parts.stream().mapToLong(PartRecord::size).sum());
      }
    });
    return tally;
  }

  /**
   * Node id → the shards that manifests place on it: every segment of every stored version
   * (current and noncurrent) and of every part of uploads in progress, over every bucket. What a
   * down node's loss costs, and what a draining node still holds.
   */
  Map<String, Long> shardsByNode() {
    Map<String, Long> count = new TreeMap<>();
    Consumer<DataLayout> add = layout -> {
      if (layout instanceof DataLayout.Segments segments) {
        for (Segment segment : segments.segments()) {
          segment.shardNodes().forEach(n -> count.merge(n, 1L, Long::sum));
        }
      }
    };
    for (Bucket bucket : meta.listAllBuckets()) {
      try {
        eachVersion(bucket.name(), v -> {
          if (!v.deleteMarker()) {
            version(bucket.name(), v).map(ObjectVersion::layout).ifPresent(add);
          }
        });
        eachUpload(bucket.name(), u -> {
          List<PartRecord> parts = parts(bucket.name(), u);
          if (parts != null) {
            parts.forEach(p -> add.accept(p.layout()));
          }
        });
      } catch (MetadataException e) {
        if (e.error() != MetadataError.NO_SUCH_BUCKET) {
          throw e;
        }
      }
    }
    return count;
  }

  /** The buckets of one account (by canonical id), or of every account; sorted by name. */
  List<Bucket> buckets(Optional<String> ownerAccountId) {
    List<Bucket> buckets = new ArrayList<>(ownerAccountId.map(meta::listBuckets).orElseGet(meta::listAllBuckets));
    buckets.sort(java.util.Comparator.comparing(Bucket::name));
    return buckets;
  }

  /** The canonical id of the account with this name. */
  Optional<String> accountIdNamed(String name) {
    var reply = meta.iamQuery(IamQuery.newBuilder().setFindAccount(FindAccount.newBuilder().setName(name)).build())
        .getAccount();
    return reply.hasAccount() ? Optional.of(reply.getAccount().getAccountId()) : Optional.empty();
  }

  /** The name of the account with this canonical id. */
  Optional<String> accountName(String canonicalId) {
    var reply = meta.iamQuery(IamQuery.newBuilder().setFindAccount(FindAccount.newBuilder().setCanonicalId(canonicalId))
        .build()).getAccount();
    return reply.hasAccount() ? Optional.of(reply.getAccount().getUserName()) : Optional.empty();
  }

  private void eachVersion(String bucket, Consumer<VersionEntry> each) {
    String keyMarker = "";
    String versionMarker = "";
    while (true) {
      VersionListPage page = meta.listObjectVersions(bucket, new VersionListRequest("", "", keyMarker, versionMarker, PAGE));
      page.versions().forEach(each);
      if (!page.truncated()) {
        return;
      }
      keyMarker = page.nextKeyMarker();
      versionMarker = page.nextVersionIdMarker() == null ? "" : page.nextVersionIdMarker();
    }
  }

  private void eachUpload(String bucket, Consumer<MultipartUpload> each) {
    String keyMarker = "";
    String uploadMarker = "";
    while (true) {
      UploadListPage page = meta.listMultipartUploads(bucket, "", "", keyMarker, uploadMarker, PAGE);
      page.uploads().forEach(each);
      if (!page.truncated()) {
        return;
      }
      keyMarker = page.nextKeyMarker();
      uploadMarker = page.nextUploadIdMarker() == null ? "" : page.nextUploadIdMarker();
    }
  }

  /** The version a listing row names, or empty when it was deleted since. */
  private Optional<ObjectVersion> version(String bucket, VersionEntry v) {
    try {
      return meta.getObjectVersion(bucket, v.key(), v.versionId());
    } catch (MetadataException e) {
      if (e.error() == MetadataError.NO_SUCH_KEY || e.error() == MetadataError.NO_SUCH_VERSION) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** The parts of an upload, or null when it was completed or aborted since the listing. */
  private List<PartRecord> parts(String bucket, MultipartUpload upload) {
    try {
      return meta.listParts(bucket, upload.key(), upload.uploadId());
    } catch (MetadataException e) {
      if (e.error() == MetadataError.NO_SUCH_UPLOAD) {
        return null;
      }
      throw e;
    }
  }
}
