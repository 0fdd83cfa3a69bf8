package io.moraine.metadata.client;

import com.google.protobuf.InvalidProtocolBufferException;
import io.moraine.metadata.api.Account;
import io.moraine.metadata.api.Bucket;
import io.moraine.metadata.api.CompleteResult;
import io.moraine.metadata.api.CompletedPart;
import io.moraine.metadata.api.Credential;
import io.moraine.metadata.api.DeleteResult;
import io.moraine.metadata.api.ListPage;
import io.moraine.metadata.api.ListRequest;
import io.moraine.metadata.api.MetadataClient;
import io.moraine.metadata.api.MetadataError;
import io.moraine.metadata.api.MetadataException;
import io.moraine.metadata.api.MultipartUpload;
import io.moraine.metadata.api.ObjectVersion;
import io.moraine.metadata.api.PartRecord;
import io.moraine.metadata.api.PutResult;
import io.moraine.metadata.api.UploadListPage;
import io.moraine.metadata.api.VersionListPage;
import io.moraine.metadata.api.VersionListRequest;
import io.moraine.metadata.api.VersioningStatus;
import io.moraine.metadata.api.WriteCondition;
import io.moraine.metadata.core.ApplyResult;
import io.moraine.metadata.core.Command;
import io.moraine.metadata.server.MetaGroup;
import io.moraine.metadata.server.MetaPeer;
import io.moraine.proto.meta.v1.AbortMultipartUpload;
import io.moraine.proto.meta.v1.CompleteMultipartUpload;
import io.moraine.proto.meta.v1.CompleteReply;
import io.moraine.proto.meta.v1.CreateAccount;
import io.moraine.proto.meta.v1.CreateBucket;
import io.moraine.proto.meta.v1.CreateMultipartUpload;
import io.moraine.proto.meta.v1.CredentialReply;
import io.moraine.proto.meta.v1.DeleteBucket;
import io.moraine.proto.meta.v1.DeleteObject;
import io.moraine.proto.meta.v1.DeleteObjectReply;
import io.moraine.proto.meta.v1.EnsureRootAccount;
import io.moraine.proto.meta.v1.FindCredential;
import io.moraine.proto.meta.v1.GetBucket;
import io.moraine.proto.meta.v1.GetObject;
import io.moraine.proto.meta.v1.ListBuckets;
import io.moraine.proto.meta.v1.ListMultipartUploads;
import io.moraine.proto.meta.v1.ListObjectVersions;
import io.moraine.proto.meta.v1.ListObjects;
import io.moraine.proto.meta.v1.ListObjectsReply;
import io.moraine.proto.meta.v1.ListParts;
import io.moraine.proto.meta.v1.ListVersionsReply;
import io.moraine.proto.meta.v1.MetaReply;
import io.moraine.proto.meta.v1.MetaRequest;
import io.moraine.proto.meta.v1.PutBucketVersioning;
import io.moraine.proto.meta.v1.PutObject;
import io.moraine.proto.meta.v1.PutObjectReply;
import io.moraine.proto.meta.v1.PutPart;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.rpc.SupportedRpcType;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.TimeDuration;

/**
 * {@link MetadataClient} over a Ratis group. Thread-safe: one instance serves every gateway
 * thread (a RaftClient multiplexes concurrent calls).
 *
 * <p>Mutations go through the Raft log ({@code io().send}); Ratis retries them across leader
 * changes with the same call id, and the servers' retry cache answers a retried call from the
 * first application, so a retried commit applies once. Reads use {@code sendReadOnly}, which the
 * servers run as ReadIndex (linearizable). Fault model: after {@code retryTotalMillis} without a
 * majority a call throws {@link UncheckedIOException} — the outcome of a mutation is then unknown.
 */
public final class RaftMetadataClient implements MetadataClient {
  private final RaftClient client;
  private final CommitBatcher batcher; // null: every mutation is its own log entry
  private final InProcessCore local; // non-null: no Ratis, commands go to a core in this process

  private RaftMetadataClient(InProcessCore local) {
    this.client = null;
    this.batcher = null;
    this.local = local;
  }

  /**
   * This client over a core in this process, without Raft (tests and single-process fakes):
   * the same API-to-command mapping and the same core semantics, times from {@code clock}.
   */
  public static RaftMetadataClient inProcess(io.moraine.metadata.core.MetadataCore core,
      java.time.InstantSource clock, int maxBucketsPerAccount) {
    return new RaftMetadataClient(new InProcessCore(core, clock, maxBucketsPerAccount));
  }

  private RaftMetadataClient(RaftClient client, RaftMetadataClientConfig cfg) {
    this.local = null;
    this.client = client;
    this.batcher = cfg.commitSenders() == 0 ? null
        : new CommitBatcher(this::sendWrite, cfg.commitSenders(), cfg.maxBatchCommands(), cfg.maxBatchBytes(),
            "meta-client-" + client.getId());
  }

  /** Connects with a client id drawn from a fresh SecureRandom (the real randomness source). */
  public static RaftMetadataClient connect(List<MetaPeer> peers, RaftMetadataClientConfig cfg) {
    return connect(peers, cfg, new SecureRandom());
  }

  /** Connects with a client id drawn from {@code random}; ids must differ between live clients. */
  public static RaftMetadataClient connect(List<MetaPeer> peers, RaftMetadataClientConfig cfg, RandomGenerator random) {
    cfg.validate();
    RaftProperties p = new RaftProperties();
    RaftConfigKeys.Rpc.setType(p, SupportedRpcType.GRPC);
    RaftClientConfigKeys.Rpc.setRequestTimeout(p, TimeDuration.valueOf(cfg.requestTimeoutMillis(), TimeUnit.MILLISECONDS));
    RaftClient client = RaftClient.newBuilder()
        .setClientId(ClientId.valueOf(new UUID(random.nextLong(), random.nextLong())))
        .setRaftGroup(MetaGroup.group(cfg.groupName(), peers))
        .setProperties(p)
        .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(
            cfg.maxAttempts(), TimeDuration.valueOf(cfg.retrySleepMillis(), TimeUnit.MILLISECONDS)))
        .build();
    return new RaftMetadataClient(client, cfg);
  }

  // ---- accounts -----------------------------------------------------------------------------

  @Override
  public Account ensureRootAccount(String accessKeyId, String secretKey) {
    return Codec.account(write(MetaRequest.newBuilder().setEnsureRootAccount(
        EnsureRootAccount.newBuilder().setAccessKeyId(accessKeyId).setSecretKey(secretKey))).getAccount());
  }

  @Override
  public Account createAccount(String userName, String accessKeyId, String secretKey) {
    return Codec.account(write(MetaRequest.newBuilder().setCreateAccount(
        CreateAccount.newBuilder().setUserName(userName).setAccessKeyId(accessKeyId).setSecretKey(secretKey))).getAccount());
  }

  @Override
  public Optional<Credential> findCredential(String accessKeyId) {
    CredentialReply c = read(MetaRequest.newBuilder().setFindCredential(
        FindCredential.newBuilder().setAccessKeyId(accessKeyId))).getCredential();
    return c.getFound()
        ? Optional.of(new Credential(c.getAccessKeyId(), c.getSecretKey(), c.getAccountId(), c.getUserName()))
        : Optional.empty();
  }

  // ---- buckets ------------------------------------------------------------------------------

  @Override
  public Bucket createBucket(String ownerAccountId, String bucketName, String region) {
    return Codec.bucket(write(MetaRequest.newBuilder().setCreateBucket(
        CreateBucket.newBuilder().setOwnerAccountId(ownerAccountId).setBucket(bucketName).setRegion(region))).getBucket());
  }

  @Override
  public Optional<Bucket> getBucket(String bucketName) {
    try {
      return Optional.of(Codec.bucket(read(MetaRequest.newBuilder().setGetBucket(
          GetBucket.newBuilder().setBucket(bucketName))).getBucket()));
    } catch (MetadataException e) {
      if (e.error() == MetadataError.NO_SUCH_BUCKET) {
        return Optional.empty();
      }
      throw e;
    }
  }

  @Override
  public List<Bucket> listBuckets(String ownerAccountId) {
    return read(MetaRequest.newBuilder().setListBuckets(ListBuckets.newBuilder().setOwnerAccountId(ownerAccountId)))
        .getBuckets().getBucketsList().stream().map(Codec::bucket).toList();
  }

  @Override
  public List<Bucket> listAllBuckets() {
    return read(MetaRequest.newBuilder().setListBuckets(ListBuckets.newBuilder().setAllAccounts(true)))
        .getBuckets().getBucketsList().stream().map(Codec::bucket).toList();
  }

  @Override
  public void deleteBucket(String bucketName) {
    write(MetaRequest.newBuilder().setDeleteBucket(DeleteBucket.newBuilder().setBucket(bucketName)));
  }

  // ---- objects ------------------------------------------------------------------------------

  @Override
  public PutResult putObject(String bucketName, ObjectVersion version) {
    return putObject(bucketName, version, WriteCondition.NONE);
  }

  @Override
  public PutResult putObject(String bucketName, ObjectVersion version, WriteCondition condition) {
    PutObjectReply r = write(MetaRequest.newBuilder().setPutObject(
        PutObject.newBuilder().setBucket(bucketName).setVersion(Codec.object(version))
            .setIfMatch(condition.ifMatchEtag() == null ? "" : condition.ifMatchEtag())
            .setIfNoneMatch(condition.ifNoneMatch()))).getPutObject();
    return new PutResult(Codec.object(r.getCommitted()),
        r.hasReplaced() ? Optional.of(Codec.object(r.getReplaced())) : Optional.empty());
  }

  @Override
  public Optional<ObjectVersion> getObject(String bucketName, String key) {
    var r = read(MetaRequest.newBuilder().setGetObject(GetObject.newBuilder().setBucket(bucketName).setKey(key))).getObject();
    return r.hasObject() ? Optional.of(Codec.object(r.getObject())) : Optional.empty();
  }

  @Override
  public Optional<ObjectVersion> deleteObject(String bucketName, String key) {
    return deleteObject(bucketName, key, null).removed();
  }

  @Override
  public DeleteResult deleteObject(String bucketName, String key, String versionId) {
    DeleteObjectReply r = write(MetaRequest.newBuilder().setDeleteObject(DeleteObject.newBuilder()
        .setBucket(bucketName).setKey(key).setVersionId(versionId == null ? "" : versionId))).getDeleteObject();
    return new DeleteResult(r.hasRemoved() ? Optional.of(Codec.object(r.getRemoved())) : Optional.empty(),
        r.getDeleteMarker(), r.getVersionId().isEmpty() ? null : r.getVersionId());
  }

  @Override
  public Bucket setBucketVersioning(String bucketName, VersioningStatus status) {
    if (status == VersioningStatus.UNVERSIONED) {
      throw new IllegalArgumentException("a bucket never returns to unversioned: " + bucketName);
    }
    return Codec.bucket(write(MetaRequest.newBuilder().setPutBucketVersioning(PutBucketVersioning.newBuilder()
        .setBucket(bucketName).setStatus(Codec.versioning(status)))).getBucket());
  }

  @Override
  public Optional<ObjectVersion> getObjectVersion(String bucketName, String key, String versionId) {
    var r = read(MetaRequest.newBuilder().setGetObject(GetObject.newBuilder().setBucket(bucketName).setKey(key)
        .setVersionId(versionId == null ? "" : versionId).setIncludeDeleteMarkers(true))).getObject();
    return r.hasObject() ? Optional.of(Codec.object(r.getObject())) : Optional.empty();
  }

  @Override
  public VersionListPage listObjectVersions(String bucketName, VersionListRequest q) {
    ListVersionsReply r = read(MetaRequest.newBuilder().setListObjectVersions(ListObjectVersions.newBuilder()
        .setBucket(bucketName).setPrefix(q.prefix()).setDelimiter(q.delimiter()).setKeyMarker(q.keyMarker())
        .setVersionIdMarker(q.versionIdMarker()).setMaxKeys(q.maxKeys()))).getListVersions();
    return new VersionListPage(r.getVersionsList().stream().map(Codec::versionEntry).toList(), r.getCommonPrefixesList(),
        r.getTruncated(), r.getTruncated() ? r.getNextKeyMarker() : null,
        r.getTruncated() && !r.getNextVersionIdMarker().isEmpty() ? r.getNextVersionIdMarker() : null);
  }

  @Override
  public boolean relocateShard(String bucketName, String key, String versionId, String dataId, int shardIndex,
      String expectedNode, String newNode, boolean misplaced) {
    return write(MetaRequest.newBuilder().setRelocateShard(io.moraine.proto.meta.v1.RelocateShard.newBuilder()
        .setBucket(bucketName).setKey(key).setVersionId(versionId == null ? "" : versionId).setDataId(dataId)
        .setShardIndex(shardIndex).setExpectedNode(expectedNode).setNewNode(newNode).setMisplaced(misplaced)))
        .getRelocateShard().getApplied();
  }

  @Override
  public boolean relocatePartShard(String bucketName, String key, String uploadId, int partNumber, String dataId,
      int shardIndex, String expectedNode, String newNode, boolean misplaced) {
    return write(MetaRequest.newBuilder().setRelocateShard(io.moraine.proto.meta.v1.RelocateShard.newBuilder()
        .setBucket(bucketName).setKey(key).setUploadId(uploadId).setPartNumber(partNumber).setDataId(dataId)
        .setShardIndex(shardIndex).setExpectedNode(expectedNode).setNewNode(newNode).setMisplaced(misplaced)))
        .getRelocateShard().getApplied();
  }

  @Override
  public ListPage listObjects(String bucketName, ListRequest request) {
    ListObjectsReply r = read(MetaRequest.newBuilder().setListObjects(ListObjects.newBuilder()
        .setBucket(bucketName).setPrefix(request.prefix()).setDelimiter(request.delimiter())
        .setStartAfter(request.startAfter()).setMaxKeys(request.maxKeys()))).getListObjects();
    return new ListPage(r.getContentsList().stream().map(Codec::summary).toList(), r.getCommonPrefixesList(),
        r.getTruncated(), r.getTruncated() ? r.getNextMarker() : null);
  }

  // ---- multipart ----------------------------------------------------------------------------

  @Override
  public MultipartUpload createMultipartUpload(String bucketName, MultipartUpload upload) {
    return Codec.upload(write(MetaRequest.newBuilder().setCreateMultipartUpload(
        CreateMultipartUpload.newBuilder().setBucket(bucketName).setUpload(Codec.upload(upload)))).getUpload());
  }

  @Override
  public Optional<PartRecord> putPart(String bucketName, String key, String uploadId, PartRecord part) {
    var r = write(MetaRequest.newBuilder().setPutPart(PutPart.newBuilder()
        .setBucket(bucketName).setKey(key).setUploadId(uploadId).setPart(Codec.part(part)))).getPart();
    return r.hasReplaced() ? Optional.of(Codec.part(r.getReplaced())) : Optional.empty();
  }

  @Override
  public List<PartRecord> listParts(String bucketName, String key, String uploadId) {
    return read(MetaRequest.newBuilder().setListParts(ListParts.newBuilder()
        .setBucket(bucketName).setKey(key).setUploadId(uploadId)))
        .getParts().getPartsList().stream().map(Codec::part).toList();
  }

  @Override
  public CompleteResult completeMultipartUpload(String bucketName, String key, String uploadId,
      List<CompletedPart> parts, long minPartSizeBytes) {
    return completeMultipartUpload(bucketName, key, uploadId, parts, minPartSizeBytes, WriteCondition.NONE);
  }

  @Override
  public CompleteResult completeMultipartUpload(String bucketName, String key, String uploadId,
      List<CompletedPart> parts, long minPartSizeBytes, WriteCondition condition) {
    return completeMultipartUpload(bucketName, key, uploadId, parts, minPartSizeBytes, condition, new java.util.TreeMap<>());
  }

  @Override
  public CompleteResult completeMultipartUpload(String bucketName, String key, String uploadId,
      List<CompletedPart> parts, long minPartSizeBytes, WriteCondition condition,
      java.util.SortedMap<String, String> extraHeaders) {
    CompleteMultipartUpload.Builder c = CompleteMultipartUpload.newBuilder()
        .addAllExtraHeaders(Codec.headers(extraHeaders))
        .setBucket(bucketName).setKey(key).setUploadId(uploadId).setMinPartSizeBytes(minPartSizeBytes)
        .setIfMatch(condition.ifMatchEtag() == null ? "" : condition.ifMatchEtag())
        .setIfNoneMatch(condition.ifNoneMatch());
    for (CompletedPart p : parts) {
      c.addParts(io.moraine.proto.meta.v1.CompletedPart.newBuilder().setPartNumber(p.partNumber()).setEtag(p.etag()));
    }
    CompleteReply r = write(MetaRequest.newBuilder().setCompleteMultipartUpload(c)).getComplete();
    return new CompleteResult(Codec.object(r.getCommitted()),
        r.hasReplaced() ? Optional.of(Codec.object(r.getReplaced())) : Optional.empty(),
        r.getUnusedPartsList().stream().map(Codec::part).toList());
  }

  @Override
  public List<PartRecord> abortMultipartUpload(String bucketName, String key, String uploadId) {
    return write(MetaRequest.newBuilder().setAbortMultipartUpload(AbortMultipartUpload.newBuilder()
        .setBucket(bucketName).setKey(key).setUploadId(uploadId)))
        .getParts().getPartsList().stream().map(Codec::part).toList();
  }

  @Override
  public List<MultipartUpload> listMultipartUploads(String bucketName, String prefix, int maxUploads) {
    return read(MetaRequest.newBuilder().setListMultipartUploads(ListMultipartUploads.newBuilder()
        .setBucket(bucketName).setPrefix(prefix).setMaxUploads(maxUploads)))
        .getUploads().getUploadsList().stream().map(Codec::upload).toList();
  }

  @Override
  public UploadListPage listMultipartUploads(String bucketName, String prefix, String delimiter, String keyMarker,
      String uploadIdMarker, int maxUploads) {
    if (maxUploads < 1 || maxUploads > 1000) {
      throw new IllegalArgumentException("maxUploads must be 1..1000, not " + maxUploads);
    }
    var list = read(MetaRequest.newBuilder().setListMultipartUploads(ListMultipartUploads.newBuilder()
        .setBucket(bucketName).setPrefix(prefix).setDelimiter(delimiter).setKeyMarker(keyMarker)
        .setUploadIdMarker(uploadIdMarker).setMaxUploads(maxUploads)))
        .getUploads();
    return new UploadListPage(list.getUploadsList().stream().map(Codec::upload).toList(), list.getCommonPrefixesList(),
        list.getTruncated(), list.getTruncated() ? list.getNextKeyMarker() : null,
        list.getTruncated() && !list.getNextUploadIdMarker().isEmpty() ? list.getNextUploadIdMarker() : null);
  }

  // ---- transport ----------------------------------------------------------------------------

  private MetaReply write(MetaRequest.Builder request) {
    MetaRequest r = request.setFormatVersion(Command.FORMAT_VERSION).build();
    MetaReply reply;
    try {
      reply = batcher == null ? sendWrite(r) : batcher.commit(r);
    } catch (IOException e) {
      throw new UncheckedIOException("metadata commit failed, outcome unknown: " + r.getBodyCase(), e);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("metadata commit interrupted, outcome unknown: " + r.getBodyCase(), e);
    }
    return checked(reply);
  }

  /** One Ratis write call; the reply may carry an error (checked by the caller). */
  private MetaReply sendWrite(MetaRequest r) throws IOException {
    if (local != null) {
      return local.write(r);
    }
    return decodeReply(client.io().send(Message.valueOf(ByteString.copyFrom(r.toByteArray()))));
  }

  private MetaReply read(MetaRequest.Builder request) {
    if (local != null) {
      return checked(local.read(request.setFormatVersion(Command.FORMAT_VERSION).build()));
    }
    Message m = message(request);
    try {
      return decode(client.io().sendReadOnly(m));
    } catch (IOException e) {
      throw new UncheckedIOException("metadata read failed: " + request.getBodyCase(), e);
    }
  }

  private static Message message(MetaRequest.Builder request) {
    return Message.valueOf(ByteString.copyFrom(request.setFormatVersion(Command.FORMAT_VERSION).build().toByteArray()));
  }

  private static MetaReply decode(RaftClientReply reply) throws IOException {
    return checked(decodeReply(reply));
  }

  private static MetaReply decodeReply(RaftClientReply reply) throws IOException {
    if (!reply.isSuccess()) {
      throw reply.getException() != null ? reply.getException() : new IOException("unsuccessful reply " + reply);
    }
    MetaReply r;
    try {
      r = MetaReply.parseFrom(reply.getMessage().getContent().toByteArray());
    } catch (InvalidProtocolBufferException e) {
      throw new IOException("unreadable metadata reply", e);
    }
    if (r.getFormatVersion() != ApplyResult.REPLY_FORMAT_VERSION) {
      throw new IOException("unsupported metadata reply format version " + r.getFormatVersion());
    }
    return r;
  }

  private static MetaReply checked(MetaReply r) {
    if (r.getFormatVersion() != ApplyResult.REPLY_FORMAT_VERSION) {
      throw new IllegalStateException("unsupported metadata reply format version " + r.getFormatVersion());
    }
    if (r.hasError()) {
      throw toException(r.getError());
    }
    return r;
  }

  private static RuntimeException toException(io.moraine.proto.meta.v1.Error e) {
    if (e.getCode().equals(ApplyResult.INVALID_REQUEST)) {
      return new IllegalArgumentException("metadata rejected the request: " + e.getMessage());
    }
    MetadataError code;
    try {
      code = MetadataError.valueOf(e.getCode());
    } catch (IllegalArgumentException unknown) {
      // ALREADY_APPLIED or a code from a newer server: the outcome is not known to this client.
      return new IllegalStateException("metadata outcome unknown: " + e.getCode() + ": " + e.getMessage(), unknown);
    }
    return new MetadataException(code, e.getMessage());
  }

  /** The underlying Ratis client (for admin and tests). */
  public RaftClient raftClient() {
    return client;
  }

  @Override
  public void close() {
    if (batcher != null) {
      batcher.close();
    }
    try {
      if (client != null) {
        client.close();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("closing metadata client", e);
    }
  }
}
