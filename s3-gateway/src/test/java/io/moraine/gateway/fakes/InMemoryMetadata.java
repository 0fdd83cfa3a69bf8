package io.moraine.gateway.fakes;

import io.moraine.metadata.api.Account;
import io.moraine.metadata.api.Bucket;
import io.moraine.metadata.api.CompleteResult;
import io.moraine.metadata.api.CompletedPart;
import io.moraine.metadata.api.Credential;
import io.moraine.metadata.api.DeleteResult;
import io.moraine.metadata.api.ListPage;
import io.moraine.metadata.api.ListRequest;
import io.moraine.metadata.api.MetadataClient;
import io.moraine.metadata.api.MultipartUpload;
import io.moraine.metadata.api.ObjectVersion;
import io.moraine.metadata.api.PartRecord;
import io.moraine.metadata.api.PutResult;
import io.moraine.metadata.api.VersionListPage;
import io.moraine.metadata.api.VersionListRequest;
import io.moraine.metadata.api.VersioningStatus;
import io.moraine.metadata.api.WriteCondition;
import io.moraine.metadata.client.RaftMetadataClient;
import io.moraine.metadata.core.MetadataCore;
import io.moraine.metadata.store.MemoryStateStore;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;

/**
 * A single-process MetadataClient: the real metadata core over a memory store, without Raft, so
 * the gateway's tests run against the same S3 semantics (versioning, listing, multipart checks)
 * as the cluster. Every call is serialized, as the Raft log would.
 */
public final class InMemoryMetadata implements MetadataClient {
  /** The per-account bucket limit the cluster defaults to. */
  public static final int DEFAULT_MAX_BUCKETS = 100;

  private final MetadataClient core;

  public InMemoryMetadata(InstantSource clock) {
    this(clock, DEFAULT_MAX_BUCKETS);
  }

  public InMemoryMetadata(InstantSource clock, int maxBucketsPerAccount) {
    this.core = RaftMetadataClient.inProcess(new MetadataCore(new MemoryStateStore()), clock, maxBucketsPerAccount);
  }

  @Override
  public Account ensureRootAccount(String accessKeyId, String secretKey) {
    return core.ensureRootAccount(accessKeyId, secretKey);
  }

  @Override
  public Account createAccount(String userName, String accessKeyId, String secretKey) {
    return core.createAccount(userName, accessKeyId, secretKey);
  }

  @Override
  public Optional<Credential> findCredential(String accessKeyId) {
    return core.findCredential(accessKeyId);
  }

  @Override
  public Bucket createBucket(String ownerAccountId, String bucketName, String region) {
    return core.createBucket(ownerAccountId, bucketName, region);
  }

  @Override
  public Optional<Bucket> getBucket(String bucketName) {
    return core.getBucket(bucketName);
  }

  @Override
  public List<Bucket> listBuckets(String ownerAccountId) {
    return core.listBuckets(ownerAccountId);
  }

  @Override
  public List<Bucket> listAllBuckets() {
    return core.listAllBuckets();
  }

  @Override
  public void deleteBucket(String bucketName) {
    core.deleteBucket(bucketName);
  }

  @Override
  public PutResult putObject(String bucketName, ObjectVersion version) {
    return core.putObject(bucketName, version);
  }

  @Override
  public PutResult putObject(String bucketName, ObjectVersion version, WriteCondition condition) {
    return core.putObject(bucketName, version, condition);
  }

  @Override
  public CompleteResult completeMultipartUpload(String bucketName, String key, String uploadId,
      List<CompletedPart> parts, long minPartSizeBytes, WriteCondition condition) {
    return core.completeMultipartUpload(bucketName, key, uploadId, parts, minPartSizeBytes, condition);
  }

  @Override
  public CompleteResult completeMultipartUpload(String bucketName, String key, String uploadId,
      List<CompletedPart> parts, long minPartSizeBytes, WriteCondition condition,
      java.util.SortedMap<String, String> extraHeaders) {
    return core.completeMultipartUpload(bucketName, key, uploadId, parts, minPartSizeBytes, condition, extraHeaders);
  }

  @Override
  public Optional<ObjectVersion> getObject(String bucketName, String key) {
    return core.getObject(bucketName, key);
  }

  @Override
  public Optional<ObjectVersion> deleteObject(String bucketName, String key) {
    return core.deleteObject(bucketName, key);
  }

  @Override
  public boolean relocateShard(String bucketName, String key, String versionId, String dataId, int shardIndex,
      String expectedNode, String newNode, boolean misplaced) {
    return core.relocateShard(bucketName, key, versionId, dataId, shardIndex, expectedNode, newNode, misplaced);
  }

  @Override
  public boolean relocatePartShard(String bucketName, String key, String uploadId, int partNumber, String dataId,
      int shardIndex, String expectedNode, String newNode, boolean misplaced) {
    return core.relocatePartShard(bucketName, key, uploadId, partNumber, dataId, shardIndex, expectedNode, newNode,
        misplaced);
  }

  @Override
  public ListPage listObjects(String bucketName, ListRequest request) {
    return core.listObjects(bucketName, request);
  }

  @Override
  public Bucket setBucketVersioning(String bucketName, VersioningStatus status) {
    return core.setBucketVersioning(bucketName, status);
  }

  @Override
  public Optional<ObjectVersion> getObjectVersion(String bucketName, String key, String versionId) {
    return core.getObjectVersion(bucketName, key, versionId);
  }

  @Override
  public DeleteResult deleteObject(String bucketName, String key, String versionId) {
    return core.deleteObject(bucketName, key, versionId);
  }

  @Override
  public VersionListPage listObjectVersions(String bucketName, VersionListRequest request) {
    return core.listObjectVersions(bucketName, request);
  }

  @Override
  public MultipartUpload createMultipartUpload(String bucketName, MultipartUpload upload) {
    return core.createMultipartUpload(bucketName, upload);
  }

  @Override
  public Optional<PartRecord> putPart(String bucketName, String key, String uploadId, PartRecord part) {
    return core.putPart(bucketName, key, uploadId, part);
  }

  @Override
  public List<PartRecord> listParts(String bucketName, String key, String uploadId) {
    return core.listParts(bucketName, key, uploadId);
  }

  @Override
  public CompleteResult completeMultipartUpload(String bucketName, String key, String uploadId,
      List<CompletedPart> parts, long minPartSizeBytes) {
    return core.completeMultipartUpload(bucketName, key, uploadId, parts, minPartSizeBytes);
  }

  @Override
  public List<PartRecord> abortMultipartUpload(String bucketName, String key, String uploadId) {
    return core.abortMultipartUpload(bucketName, key, uploadId);
  }

  @Override
  public List<MultipartUpload> listMultipartUploads(String bucketName, String prefix, int maxUploads) {
    return core.listMultipartUploads(bucketName, prefix, maxUploads);
  }

  @Override
  public io.moraine.metadata.api.UploadListPage listMultipartUploads(String bucketName, String prefix, String delimiter,
      String keyMarker, String uploadIdMarker, int maxUploads) {
    return core.listMultipartUploads(bucketName, prefix, delimiter, keyMarker, uploadIdMarker, maxUploads);
  }

  @Override
  public Bucket setBucketVersioning(String bucketName, VersioningStatus status, Boolean mfaDelete, long expectedGeneration) {
    return core.setBucketVersioning(bucketName, status, mfaDelete, expectedGeneration);
  }

  @Override
  public io.moraine.metadata.api.BucketConfigs getBucketConfigs(String bucketName) {
    return core.getBucketConfigs(bucketName);
  }

  @Override
  public Bucket putBucketConfig(String bucketName, String kind, byte[] body, long expectedGeneration) {
    return core.putBucketConfig(bucketName, kind, body, expectedGeneration);
  }

  @Override
  public Bucket deleteBucketConfig(String bucketName, String kind, long expectedGeneration) {
    return core.deleteBucketConfig(bucketName, kind, expectedGeneration);
  }

  @Override
  public ObjectVersion setObjectSubresource(String bucketName, String key, String versionId, String kind, byte[] body) {
    return core.setObjectSubresource(bucketName, key, versionId, kind, body);
  }

  @Override
  public void close() {
    core.close();
  }
}
