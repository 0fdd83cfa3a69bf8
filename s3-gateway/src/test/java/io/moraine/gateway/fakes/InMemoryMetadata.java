package io.moraine.gateway.fakes;

import io.moraine.metadata.api.Account;
import io.moraine.metadata.api.Bucket;
import io.moraine.metadata.api.CompleteResult;
import io.moraine.metadata.api.CompletedPart;
import io.moraine.metadata.api.Credential;
import io.moraine.metadata.api.DataLayout;
import io.moraine.metadata.api.ListPage;
import io.moraine.metadata.api.ListRequest;
import io.moraine.metadata.api.MetadataClient;
import io.moraine.metadata.api.MetadataError;
import io.moraine.metadata.api.MetadataException;
import io.moraine.metadata.api.MultipartUpload;
import io.moraine.metadata.api.ObjectSummary;
import io.moraine.metadata.api.ObjectVersion;
import io.moraine.metadata.api.PartRecord;
import io.moraine.metadata.api.PutResult;
import io.moraine.metadata.api.Segment;
import java.security.MessageDigest;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** A single-process, linearizable (one lock) MetadataClient following the interface's javadoc. */
public final class InMemoryMetadata implements MetadataClient {
  private final InstantSource clock;
  private final Map<String, Credential> credentials = new TreeMap<>();
  private final Map<String, Bucket> buckets = new TreeMap<>();
  private final Map<String, TreeMap<String, ObjectVersion>> objects = new TreeMap<>();
  private final Map<String, TreeMap<String, Upload>> uploads = new TreeMap<>();
  private int accounts;

  private record Upload(String bucket, MultipartUpload upload, TreeMap<Integer, PartRecord> parts) {}

  public InMemoryMetadata(InstantSource clock) {
    this.clock = clock;
  }

  @Override
  public synchronized Account ensureRootAccount(String accessKeyId, String secretKey) {
    Credential c = credentials.computeIfAbsent(accessKeyId, k -> new Credential(k, secretKey, "root-account-id", "root"));
    return new Account(c.accountId(), c.userName(), 0);
  }

  @Override
  public synchronized Account createAccount(String userName, String accessKeyId, String secretKey) {
    if (credentials.containsKey(accessKeyId)) {
      throw new MetadataException(MetadataError.ACCESS_KEY_ALREADY_EXISTS, accessKeyId);
    }
    String id = "account-" + (++accounts);
    credentials.put(accessKeyId, new Credential(accessKeyId, secretKey, id, userName));
    return new Account(id, userName, clock.millis());
  }

  @Override
  public synchronized Optional<Credential> findCredential(String accessKeyId) {
    return Optional.ofNullable(credentials.get(accessKeyId));
  }

  @Override
  public synchronized Bucket createBucket(String owner, String name, String region) {
    Bucket existing = buckets.get(name);
    if (existing != null) {
      throw new MetadataException(existing.ownerAccountId().equals(owner)
          ? MetadataError.BUCKET_ALREADY_OWNED_BY_YOU : MetadataError.BUCKET_ALREADY_EXISTS, name);
    }
    Bucket b = new Bucket(name, owner, region, clock.millis());
    buckets.put(name, b);
    objects.put(name, new TreeMap<>());
    uploads.put(name, new TreeMap<>());
    return b;
  }

  @Override
  public synchronized Optional<Bucket> getBucket(String name) {
    return Optional.ofNullable(buckets.get(name));
  }

  @Override
  public synchronized List<Bucket> listBuckets(String owner) {
    return buckets.values().stream().filter(b -> b.ownerAccountId().equals(owner)).toList();
  }

  @Override
  public synchronized List<Bucket> listAllBuckets() {
    return buckets.values().stream().sorted(java.util.Comparator.comparing(Bucket::name)).toList();
  }

  @Override
  public synchronized void deleteBucket(String name) {
    bucket(name);
    if (!objects.get(name).isEmpty() || !uploads.get(name).isEmpty()) {
      throw new MetadataException(MetadataError.BUCKET_NOT_EMPTY, name);
    }
    buckets.remove(name);
    objects.remove(name);
    uploads.remove(name);
  }

  @Override
  public synchronized PutResult putObject(String bucket, ObjectVersion v) {
    bucket(bucket);
    ObjectVersion committed = new ObjectVersion(v.key(), v.versionId(), v.size(), v.etag(), clock.millis(),
        v.storageClass(), v.headers(), v.partCount(), v.layout());
    return new PutResult(committed, Optional.ofNullable(objects.get(bucket).put(v.key(), committed)));
  }

  @Override
  public synchronized Optional<ObjectVersion> getObject(String bucket, String key) {
    bucket(bucket);
    return Optional.ofNullable(objects.get(bucket).get(key));
  }

  @Override
  public synchronized Optional<ObjectVersion> deleteObject(String bucket, String key) {
    bucket(bucket);
    return Optional.ofNullable(objects.get(bucket).remove(key));
  }

  @Override
  public synchronized ListPage listObjects(String bucket, ListRequest req) {
    bucket(bucket);
    List<ObjectSummary> contents = new ArrayList<>();
    List<String> prefixes = new ArrayList<>();
    String last = null;
    boolean truncated = false;
    for (ObjectVersion v : objects.get(bucket).tailMap(req.startAfter(), false).values()) {
      String key = v.key();
      if (!key.startsWith(req.prefix())) {
        continue;
      }
      String cp = null;
      if (!req.delimiter().isEmpty()) {
        int i = key.indexOf(req.delimiter(), req.prefix().length());
        if (i >= 0) {
          cp = key.substring(0, i + req.delimiter().length());
        }
      }
      if (cp != null && (cp.equals(last) || cp.compareTo(req.startAfter()) <= 0)) {
        continue;
      }
      if (contents.size() + prefixes.size() == req.maxKeys()) {
        truncated = true;
        break;
      }
      if (cp != null) {
        prefixes.add(cp);
        last = cp;
      } else {
        contents.add(new ObjectSummary(key, v.size(), v.etag(), v.lastModifiedMillis(), v.storageClass(),
            buckets.get(bucket).ownerAccountId()));
        last = key;
      }
    }
    return new ListPage(contents, prefixes, truncated, truncated ? last : null);
  }

  @Override
  public synchronized MultipartUpload createMultipartUpload(String bucket, MultipartUpload u) {
    bucket(bucket);
    MultipartUpload created = new MultipartUpload(u.key(), u.uploadId(), clock.millis(), u.storageClass(), u.headers(),
        u.ownerAccountId());
    uploads.get(bucket).put(u.key() + "\u0000" + u.uploadId(), new Upload(bucket, created, new TreeMap<>()));
    return created;
  }

  @Override
  public synchronized Optional<PartRecord> putPart(String bucket, String key, String uploadId, PartRecord part) {
    Upload u = upload(bucket, key, uploadId);
    PartRecord p = new PartRecord(part.partNumber(), part.size(), part.etag(), clock.millis(), part.layout());
    return Optional.ofNullable(u.parts().put(part.partNumber(), p));
  }

  @Override
  public synchronized List<PartRecord> listParts(String bucket, String key, String uploadId) {
    return List.copyOf(upload(bucket, key, uploadId).parts().values());
  }

  @Override
  public synchronized CompleteResult completeMultipartUpload(String bucket, String key, String uploadId,
      List<CompletedPart> parts, long minPartSizeBytes) {
    Upload u = upload(bucket, key, uploadId);
    int previous = 0;
    List<Segment> segments = new ArrayList<>();
    long size = 0;
    MessageDigest md5;
    try {
      md5 = MessageDigest.getInstance("MD5");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    List<PartRecord> used = new ArrayList<>();
    for (int i = 0; i < parts.size(); i++) {
      CompletedPart cp = parts.get(i);
      if (cp.partNumber() <= previous) {
        throw new MetadataException(MetadataError.INVALID_PART_ORDER, "order");
      }
      previous = cp.partNumber();
      PartRecord p = u.parts().get(cp.partNumber());
      if (p == null || !p.etag().equals(cp.etag())) {
        throw new MetadataException(MetadataError.INVALID_PART, "part " + cp.partNumber());
      }
      if (i < parts.size() - 1 && p.size() < minPartSizeBytes) {
        throw new MetadataException(MetadataError.ENTITY_TOO_SMALL, "part " + cp.partNumber());
      }
      used.add(p);
    }
    for (PartRecord p : used) {
      segments.addAll(((DataLayout.Segments) p.layout()).segments());
      size += p.size();
      md5.update(HexFormat.of().parseHex(p.etag()));
    }
    String etag = HexFormat.of().formatHex(md5.digest()) + "-" + used.size();
    ObjectVersion v = new ObjectVersion(key, ObjectVersion.NULL_VERSION, size, etag, clock.millis(),
        u.upload().storageClass(), u.upload().headers(), used.size(), new DataLayout.Segments(segments));
    Optional<ObjectVersion> replaced = Optional.ofNullable(objects.get(bucket).put(key, v));
    uploads.get(bucket).remove(key + "\u0000" + uploadId);
    List<PartRecord> unused = u.parts().values().stream().filter(p -> !used.contains(p)).toList();
    return new CompleteResult(v, replaced, unused);
  }

  @Override
  public synchronized List<PartRecord> abortMultipartUpload(String bucket, String key, String uploadId) {
    Upload u = upload(bucket, key, uploadId);
    uploads.get(bucket).remove(key + "\u0000" + uploadId);
    return List.copyOf(u.parts().values());
  }

  @Override
  public synchronized List<MultipartUpload> listMultipartUploads(String bucket, String prefix, int maxUploads) {
    bucket(bucket);
    return uploads.get(bucket).values().stream().map(Upload::upload).filter(u -> u.key().startsWith(prefix))
        .limit(maxUploads).toList();
  }

  @Override
  public void close() {}

  private Bucket bucket(String name) {
    Bucket b = buckets.get(name);
    if (b == null) {
      throw new MetadataException(MetadataError.NO_SUCH_BUCKET, name);
    }
    return b;
  }

  private Upload upload(String bucket, String key, String uploadId) {
    bucket(bucket);
    Upload u = uploads.get(bucket).get(key + "\u0000" + uploadId);
    if (u == null) {
      throw new MetadataException(MetadataError.NO_SUCH_UPLOAD, uploadId);
    }
    return u;
  }
}
