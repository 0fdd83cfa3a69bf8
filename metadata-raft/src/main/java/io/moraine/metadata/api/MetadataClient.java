package io.moraine.metadata.api;

import java.util.List;
import java.util.Optional;

/**
 * The metadata tier as the gateway and the background services see it. Every mutation is one
 * Raft log entry and is linearizable; every read is linearizable (ReadIndex), so a read that
 * starts after a mutation was acknowledged observes it.
 *
 * <p>Business failures (no such bucket, bucket not empty, invalid part…) are thrown as
 * {@link MetadataException} with a {@link MetadataError} code; anything else thrown means the
 * outcome is unknown (the mutation may or may not have been applied; retries with the same
 * request id apply at most once).
 *
 * <p>Wall-clock times in returned records are assigned by the Raft leader when it accepts the
 * mutation, never by the caller; ids (data ids, upload ids, version ids) are chosen by the caller
 * from its injected randomness so that retries are idempotent.
 */
public interface MetadataClient extends AutoCloseable {

  // ---- accounts and credentials -------------------------------------------------------------

  /** Idempotently creates the root account with this access key (start-up of every gateway). */
  Account ensureRootAccount(String accessKeyId, String secretKey);

  /** Creates a new account with one access key. Fails with USER_ALREADY_EXISTS. */
  Account createAccount(String userName, String accessKeyId, String secretKey);

  Optional<Credential> findCredential(String accessKeyId);

  /**
   * Creates an account with an email (empty for none) and one access key; its 12-digit id is
   * assigned in the commit. Fails with USER_ALREADY_EXISTS (name or email taken).
   */
  Account createAccount(String userName, String email, String accessKeyId, String secretKey);

  // ---- identity and access management (directory group) --------------------------------------
  // IAM records cross this boundary as their moraine.meta.v1 messages: immutable value types
  // the gateway renders as IAM XML; defining a parallel record family would only copy them.

  /** Applies one IAM command (users, keys, groups, policies, roles, sessions, MFA). Fails with the IAM errors. */
  io.moraine.proto.meta.v1.IamReply iam(io.moraine.proto.meta.v1.IamCommand command);

  /** Answers one IAM query, linearizably. */
  io.moraine.proto.meta.v1.IamReply iamQuery(io.moraine.proto.meta.v1.IamQuery query);

  // ---- SSE-S3 keyring (directory group) --------------------------------------------------------
  // Master-key records cross this boundary as their moraine.meta.v1 messages, as IAM's do.

  /** Applies one keyring command (add a master key, set a key's material); see meta.proto. */
  io.moraine.proto.meta.v1.KeyringReply keyring(io.moraine.proto.meta.v1.KeyringCommand command);

  /**
   * The background re-wrap's conditional commit of one object version's new wrapped data key, in
   * the bucket's group; returns whether it applied (see meta.proto RewrapDataKey). Fails with NO_SUCH_BUCKET.
   */
  boolean rewrapDataKey(io.moraine.proto.meta.v1.RewrapDataKey command);

  /** Answers one keyring query (the active key, one key, every key), linearizably. */
  io.moraine.proto.meta.v1.KeyringReply keyringQuery(io.moraine.proto.meta.v1.KeyringQuery query);

  // ---- built-in KMS (directory group) ----------------------------------------------------------
  // Key, alias and audit records cross this boundary as their moraine.meta.v1 messages (kms.proto).

  /** Applies one KMS command (create/update a key, put/delete an alias, append audit entries). */
  io.moraine.proto.meta.v1.KmsReply kms(io.moraine.proto.meta.v1.KmsCommand command);

  /** Answers one KMS query (a key, an alias, an account's keys or aliases, the audit log), linearizably. */
  io.moraine.proto.meta.v1.KmsReply kmsQuery(io.moraine.proto.meta.v1.KmsQuery query);

  /** Event-notification targets (group g1): add or remove one. */
  io.moraine.proto.meta.v1.NotifyTargetReply notifyTarget(io.moraine.proto.meta.v1.NotifyTargetCommand command);

  /** Event-notification targets (group g1): one by name, or all. */
  io.moraine.proto.meta.v1.NotifyTargetReply notifyTargetQuery(io.moraine.proto.meta.v1.NotifyTargetQuery query);

  // ---- buckets ------------------------------------------------------------------------------

  /** Fails with BUCKET_ALREADY_EXISTS (other owner) or BUCKET_ALREADY_OWNED_BY_YOU, TOO_MANY_BUCKETS. */
  Bucket createBucket(String ownerAccountId, String bucketName, String region);

  Optional<Bucket> getBucket(String bucketName);

  /** The buckets owned by an account, sorted by name. */
  List<Bucket> listBuckets(String ownerAccountId);

  /** Every bucket of every account, sorted by name (operators: status, repair). */
  List<Bucket> listAllBuckets();

  /** Fails with NO_SUCH_BUCKET or BUCKET_NOT_EMPTY (objects or in-progress multipart uploads). */
  void deleteBucket(String bucketName);

  // ---- objects ------------------------------------------------------------------------------

  /**
   * Commits an object version: the linearization point of a PUT/COPY. It becomes the current
   * version; with versioning Enabled it gets a new version id and older versions stay, otherwise
   * it is the "null" version and replaces the previous null version (returned as replaced). The returned result carries the committed record
   * (with the leader's lastModified) and the version it replaced, whose data the caller may
   * collect. Fails with NO_SUCH_BUCKET.
   */
  PutResult putObject(String bucketName, ObjectVersion version);

  /**
   * {@link #putObject(String, ObjectVersion)} if {@code condition} holds when the commit applies;
   * fails with PRECONDITION_FAILED or NO_SUCH_KEY (If-Match without a current version).
   */
  PutResult putObject(String bucketName, ObjectVersion version, WriteCondition condition);

  /** The current version of a key, or empty (no such key). Fails with NO_SUCH_BUCKET. */
  Optional<ObjectVersion> getObject(String bucketName, String key);

  /**
   * {@code deleteObject(bucket, key, null)}: the version removed for good, if any, is returned
   * for data collection (on a versioned bucket a delete marker is added and nothing is removed).
   */
  Optional<ObjectVersion> deleteObject(String bucketName, String key);

  /**
   * Repair's commit: shard {@code shardIndex} of segment {@code dataId} of the current version of
   * {@code key} now lives on {@code newNode} (flagged {@code misplaced} when that is not its home).
   * Applied only when that version ({@code versionId}, null for any) is still current and its
   * manifest still names {@code expectedNode} for the shard; returns whether it was applied, so a
   * concurrent overwrite or delete wins and the caller deletes the copy it made. Fails with
   * NO_SUCH_BUCKET.
   */
  boolean relocateShard(String bucketName, String key, String versionId, String dataId, int shardIndex,
      String expectedNode, String newNode, boolean misplaced);

  /**
   * As {@link #relocateShard}, for a shard of part {@code partNumber} of the upload in progress
   * {@code uploadId} of {@code key}: applied only while that part record exists and still names
   * {@code expectedNode} for the shard (a completed, aborted or re-uploaded part wins).
   */
  boolean relocatePartShard(String bucketName, String key, String uploadId, int partNumber, String dataId,
      int shardIndex, String expectedNode, String newNode, boolean misplaced);

  /**
   * Lifecycle's commit of a transition: version {@code versionId} of {@code key} (current or not)
   * moves to {@code storageClass} with its data re-encoded into {@code layout}. Applied only while
   * that version exists and its layout names exactly {@code expectedDataIds} (in order; empty for
   * inline data), so an overwrite, delete or concurrent transition wins. Returns the version's
   * previous layout when applied (its shards are then garbage), empty when not (the caller
   * collects {@code layout}). Fails with NO_SUCH_BUCKET.
   */
  Optional<DataLayout> transitionObject(String bucketName, String key, String versionId, java.util.List<String> expectedDataIds,
      String storageClass, DataLayout layout, long transitionedMillis, String ruleId);

  /**
   * A lifecycle action that deletes, marked as such in the log: {@code deleteObject(bucket, key,
   * versionId)} applied only while the evaluated version ({@code expectedVersionId} with that
   * last-modified time and ETag) is still current (versionId null: expiration; action 3: an expired
   * delete marker) or still exists (a noncurrent removal). Empty when a write came in between.
   *
   * @param action 1 expiration, 2 noncurrent expiration, 3 expired delete marker
   */
  Optional<DeleteResult> lifecycleDelete(String bucketName, String key, String versionId, String expectedVersionId,
      long expectedLastModifiedMillis, String expectedEtag, String ruleId, int action);

  /** One page of ListObjects, served from sorted iteration. Fails with NO_SUCH_BUCKET. */
  ListPage listObjects(String bucketName, ListRequest request);

  // ---- versioning ---------------------------------------------------------------------------

  /** Sets Enabled or Suspended (never UNVERSIONED: IllegalArgumentException). Fails with NO_SUCH_BUCKET. */
  Bucket setBucketVersioning(String bucketName, VersioningStatus status);

  /**
   * One version of a key: {@code versionId} null means the latest one, which may be a delete
   * marker (unlike {@link #getObject}); "null" is the null version. Empty when there is no such
   * key or version. Fails with NO_SUCH_BUCKET.
   */
  Optional<ObjectVersion> getObjectVersion(String bucketName, String key, String versionId);

  /**
   * DeleteObject as S3 defines it: without {@code versionId} (null) it removes the null version
   * of an unversioned bucket, or puts a delete marker on a versioned one (replacing the null
   * version when suspended); with one it removes that version for good, and the next newest
   * becomes current. Fails with NO_SUCH_BUCKET.
   */
  DeleteResult deleteObject(String bucketName, String key, String versionId);

  /** One page of ListObjectVersions. Fails with NO_SUCH_BUCKET. */
  VersionListPage listObjectVersions(String bucketName, VersionListRequest request);

  /**
   * As {@link #setBucketVersioning(String, VersioningStatus)}, also setting MFA delete when
   * {@code mfaDelete} is non-null, and applied only while the bucket's generation is
   * {@code expectedGeneration} (0: unconditionally). Fails with NO_SUCH_BUCKET, OPERATION_ABORTED.
   */
  Bucket setBucketVersioning(String bucketName, VersioningStatus status, Boolean mfaDelete, long expectedGeneration);

  // ---- sub-resources --------------------------------------------------------------------------

  /** The bucket and all its sub-resources, in one linearizable read. Fails with NO_SUCH_BUCKET. */
  BucketConfigs getBucketConfigs(String bucketName);

  /**
   * Stores one sub-resource of a bucket (replacing the previous body of that kind); applied only
   * while the bucket's generation is {@code expectedGeneration} (0: unconditionally). Returns the
   * bucket with its new generation. Fails with NO_SUCH_BUCKET or OPERATION_ABORTED.
   */
  Bucket putBucketConfig(String bucketName, String kind, byte[] body, long expectedGeneration);

  /** Removes one sub-resource of a bucket (no-op when absent), conditional like {@link #putBucketConfig}. */
  Bucket deleteBucketConfig(String bucketName, String kind, long expectedGeneration);

  /**
   * Sets (or with a null body removes) one sub-resource of an object version: the current one
   * when {@code versionId} is null. Returns the updated version. Fails with NO_SUCH_BUCKET,
   * NO_SUCH_KEY, NO_SUCH_VERSION, or METHOD_NOT_ALLOWED for a delete marker.
   */
  ObjectVersion setObjectSubresource(String bucketName, String key, String versionId, String kind, byte[] body);

  // ---- archive restore ----------------------------------------------------------------------
  // Commands and replies cross this boundary as their moraine.meta.v1 messages (see meta.proto
  // StartRestore ...), as the keyring's do; the versions inside come back through getObjectVersion.

  /**
   * RestoreObject's commit: starts a restore (reply applied = true: 202) or extends a done one
   * (applied = false: 200). Fails with NO_SUCH_BUCKET, NO_SUCH_KEY, NO_SUCH_VERSION,
   * METHOD_NOT_ALLOWED (delete marker), INVALID_OBJECT_STATE (not archived),
   * RESTORE_ALREADY_IN_PROGRESS.
   */
  io.moraine.proto.meta.v1.RestoreReply startRestore(io.moraine.proto.meta.v1.StartRestore command);

  /**
   * Intelligent-Tiering (docs/storage-classes.md): a gateway's batch of reads that count as
   * access, committed as one {@code RecordAccess} per metadata group (entries of buckets gone are
   * dropped). Returns the number of commands sent.
   */
  int recordAccess(io.moraine.proto.meta.v1.RecordAccess command);

  /**
   * The tiering pass's conditional move of one INTELLIGENT_TIERING version to another access tier
   * (applied only while its last access and data ids are still the expected ones; newLayout null
   * keeps the layout). Fails with
   * NO_SUCH_BUCKET.
   */
  TierResult tierObject(String bucketName, String key, String versionId, java.util.List<String> expectedDataIds,
      long expectedLastAccessMillis, String accessTier, DataLayout newLayout, long tieredMillis);

  /**
   * A tierObject's outcome: applied or not (a read or an overwrite won) and, when applied with a
   * new layout, the one replaced (garbage now; null otherwise).
   */
  record TierResult(boolean applied, DataLayout previousLayout) {}


  /** The restore service's conditional commit of a made copy; applied = false when the version moved on. */
  io.moraine.proto.meta.v1.RestoreReply completeRestore(io.moraine.proto.meta.v1.CompleteRestore command);

  /** Removes an expired copy (conditional); the reply's object still names the copy to delete. */
  io.moraine.proto.meta.v1.RestoreReply expireRestore(io.moraine.proto.meta.v1.ExpireRestore command);

  /** The restore index of every group: due jobs earliest first, and the counts of all rows. */
  io.moraine.proto.meta.v1.RestoreReply listRestoreJobs(io.moraine.proto.meta.v1.ListRestoreJobs query);

  // ---- storage accounting (docs/storage-classes.md, Accounting) ------------------------------

  /**
   * The usage rows (moraine.meta.v1.UsageRecord) of one bucket, or ({@code bucket} empty) of every
   * bucket of every group, sorted by bucket then storage class. One linearizable read per group.
   * Fails with NO_SUCH_BUCKET for a named bucket the directory does not know.
   */
  io.moraine.proto.meta.v1.UsageReply usage(String bucket);

  /**
   * A gateway's GET retrieval bytes since its last report, with its day length: one command per
   * group holding any of the counts' buckets, or ({@code everyGroup}) to every group even with no
   * counts (a gateway announces its day length at start). Counts of unknown buckets are dropped.
   */
  void recordRetrieval(long dayMillis, java.util.List<io.moraine.proto.meta.v1.RetrievalCount> counts, boolean everyGroup);

  /**
   * Sets one bucket's state counters to a walk of it made in the apply (history kept): for buckets
   * written before the counters, and as a check. The reply names the classes corrected and holds
   * the rows after. Fails with NO_SUCH_BUCKET.
   */
  io.moraine.proto.meta.v1.UsageReply recountUsage(String bucket);

  // ---- multipart ----------------------------------------------------------------------------

  /** Starts an upload whose id the caller chose. Fails with NO_SUCH_BUCKET. */
  MultipartUpload createMultipartUpload(String bucketName, MultipartUpload upload);

  /**
   * Begins one part attempt (one committed entry that writes nothing): the upload, and the
   * attempt's sequence for {@link PartRecord#attemptSeq}. Fails with NO_SUCH_BUCKET, NO_SUCH_UPLOAD.
   */
  PartAttempt beginPart(String bucketName, String key, String uploadId);

  /**
   * Records an uploaded part, replacing an earlier upload of the same part number unless that one
   * began later (a higher {@link PartRecord#attemptSeq}): S3 keeps the attempt that began last.
   * Returns the record no longer referenced, for collection: the replaced part, or {@code part}
   * itself when a later attempt is already stored. Fails with NO_SUCH_UPLOAD.
   */
  Optional<PartRecord> putPart(String bucketName, String key, String uploadId, PartRecord part);

  /** Fails with NO_SUCH_UPLOAD. Sorted by part number. */
  List<PartRecord> listParts(String bucketName, String key, String uploadId);

  /**
   * Completes an upload: checks the list (INVALID_PART, INVALID_PART_ORDER, ENTITY_TOO_SMALL for
   * a non-last part under {@code minPartSizeBytes}), builds the object from the parts' segments
   * with the S3 multipart ETag (md5 of the binary part md5s, "-N"), commits it like putObject and
   * removes the upload. Parts not referenced are returned for collection.
   */
  CompleteResult completeMultipartUpload(String bucketName, String key, String uploadId,
      List<CompletedPart> parts, long minPartSizeBytes);

  /** {@link #completeMultipartUpload} if {@code condition} holds when the commit applies. */
  default CompleteResult completeMultipartUpload(String bucketName, String key, String uploadId,
      List<CompletedPart> parts, long minPartSizeBytes, WriteCondition condition) {
    return completeMultipartUpload(bucketName, key, uploadId, parts, minPartSizeBytes, condition,
        new java.util.TreeMap<>());
  }

  /**
   * As above, storing {@code extraHeaders} (e.g. the composite checksum the gateway derived from
   * the parts) with the object besides the upload's headers.
   */
  CompleteResult completeMultipartUpload(String bucketName, String key, String uploadId,
      List<CompletedPart> parts, long minPartSizeBytes, WriteCondition condition,
      java.util.SortedMap<String, String> extraHeaders);

  /** Removes an upload and returns its parts for collection. Fails with NO_SUCH_UPLOAD. */
  List<PartRecord> abortMultipartUpload(String bucketName, String key, String uploadId);

  /** In-progress uploads of a bucket, sorted by key then upload id. */
  List<MultipartUpload> listMultipartUploads(String bucketName, String prefix, int maxUploads);

  /**
   * One page of in-progress uploads, as S3's ListMultipartUploads: after {@code keyMarker} /
   * {@code uploadIdMarker} (a key marker alone skips every upload of that key; empty strings mean
   * none), rolled up by {@code delimiter} (empty for none), at most {@code maxUploads} (1..1000)
   * uploads and common prefixes together. Fails with NO_SUCH_BUCKET.
   */
  UploadListPage listMultipartUploads(String bucketName, String prefix, String delimiter, String keyMarker,
      String uploadIdMarker, int maxUploads);

  @Override
  void close();
}
