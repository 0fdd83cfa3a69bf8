package io.moraine.metadata.core;

import static io.moraine.metadata.api.MetadataError.ACCESS_KEY_ALREADY_EXISTS;
import static io.moraine.metadata.api.MetadataError.BUCKET_ALREADY_EXISTS;
import static io.moraine.metadata.api.MetadataError.BUCKET_ALREADY_OWNED_BY_YOU;
import static io.moraine.metadata.api.MetadataError.BUCKET_NOT_EMPTY;
import static io.moraine.metadata.api.MetadataError.ENTITY_TOO_SMALL;
import static io.moraine.metadata.api.MetadataError.INVALID_PART;
import static io.moraine.metadata.api.MetadataError.INVALID_PART_ORDER;
import static io.moraine.metadata.api.MetadataError.NO_SUCH_BUCKET;
import static io.moraine.metadata.api.MetadataError.NO_SUCH_UPLOAD;
import static io.moraine.metadata.api.MetadataError.TOO_MANY_BUCKETS;
import static io.moraine.metadata.api.MetadataError.USER_ALREADY_EXISTS;

import com.google.protobuf.Parser;
import io.moraine.metadata.store.AppliedPosition;
import io.moraine.metadata.store.OverlayStore;
import io.moraine.metadata.store.StateStore;
import io.moraine.metadata.store.StoreBatch;
import io.moraine.proto.meta.v1.AbortMultipartUpload;
import io.moraine.proto.meta.v1.AccessKeyRecord;
import io.moraine.proto.meta.v1.AccountRecord;
import io.moraine.proto.meta.v1.BatchReply;
import io.moraine.proto.meta.v1.BucketDirRecord;
import io.moraine.proto.meta.v1.BucketDirReply;
import io.moraine.proto.meta.v1.BucketList;
import io.moraine.proto.meta.v1.ReleaseBucketName;
import io.moraine.proto.meta.v1.ReserveBucketName;
import io.moraine.proto.meta.v1.BucketRecord;
import io.moraine.proto.meta.v1.CompleteMultipartUpload;
import io.moraine.proto.meta.v1.CompleteReply;
import io.moraine.proto.meta.v1.CompletedPart;
import io.moraine.proto.meta.v1.CreateAccount;
import io.moraine.proto.meta.v1.CreateBucket;
import io.moraine.proto.meta.v1.CreateMultipartUpload;
import io.moraine.proto.meta.v1.CredentialReply;
import io.moraine.proto.meta.v1.DeleteBucket;
import io.moraine.proto.meta.v1.DeleteObject;
import io.moraine.proto.meta.v1.EmptyReply;
import io.moraine.proto.meta.v1.EnsureRootAccount;
import io.moraine.proto.meta.v1.LayoutRecord;
import io.moraine.proto.meta.v1.ListMultipartUploads;
import io.moraine.proto.meta.v1.ListObjects;
import io.moraine.proto.meta.v1.ListObjectsReply;
import io.moraine.proto.meta.v1.MetaReply;
import io.moraine.proto.meta.v1.MetaRequest;
import io.moraine.proto.meta.v1.ObjectRecord;
import io.moraine.proto.meta.v1.ObjectReply;
import io.moraine.proto.meta.v1.PartList;
import io.moraine.proto.meta.v1.PartRecord;
import io.moraine.proto.meta.v1.PartReply;
import io.moraine.proto.meta.v1.PutBucketVersioning;
import io.moraine.proto.meta.v1.PutObject;
import io.moraine.proto.meta.v1.PutObjectReply;
import io.moraine.proto.meta.v1.PutPart;
import io.moraine.proto.meta.v1.RelocateShard;
import io.moraine.proto.meta.v1.RelocateShardReply;
import io.moraine.proto.meta.v1.Segments;
import io.moraine.proto.meta.v1.UploadList;
import io.moraine.proto.meta.v1.UploadRecord;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeMap;

/**
 * The metadata state machine's pure core: {@link #apply} is a function of the store's prior state
 * and one log entry; {@link #query} reads the store. No clock (times come from the entry), no
 * randomness, no I/O beyond the store, no hash-ordered iteration reaching bytes.
 *
 * <p>Fault model: business failures are returned as {@link ApplyResult.Failed} and change nothing
 * but the applied position. A thrown exception means corruption (unreadable record, store write
 * failure): the caller (Ratis) must stop rather than let this peer diverge. Every apply commits
 * exactly one atomic batch that includes the applied position, so replaying from the store's
 * position after a crash applies each entry exactly once.
 */
public final class MetadataCore {

  /** User name of the root account that {@code ensureRootAccount} creates. */
  public static final String ROOT_USER_NAME = "root";

  public static final int MAX_KEYS_LIMIT = 1000;
  public static final int MAX_PART_NUMBER = 10000;

  private static final HexFormat HEX = HexFormat.of();
  private static final java.util.regex.Pattern MD5_HEX = java.util.regex.Pattern.compile("[0-9a-fA-F]{32}");

  private final StateStore store;

  public MetadataCore(StateStore store) {
    this.store = store;
  }

  public StateStore store() {
    return store;
  }

  public AppliedPosition applied() {
    return store.applied();
  }

  /** The canonical account id of a user name: deterministic, S3-style 64 hex characters. */
  public static String accountIdFor(String userName) {
    return HEX.formatHex(sha256(("moraine-account-v1:" + userName).getBytes(StandardCharsets.UTF_8)));
  }

  /** Applies one log entry (term unknown: pure tests). */
  public ApplyResult apply(long logIndex, Command command) {
    return apply(0, logIndex, command);
  }

  /**
   * Applies the entry at {@code (term, logIndex)}. Entries at or below the store's applied index
   * were applied before a restart (Ratis replays from its last snapshot, the store may be ahead):
   * they are skipped, never applied twice.
   */
  public ApplyResult apply(long term, long logIndex, Command command) {
    AppliedPosition prior = store.applied();
    if (logIndex <= prior.index()) {
      return new ApplyResult.Invalid("log index " + logIndex + " already applied (store at " + prior.index() + ")");
    }
    AppliedPosition position = new AppliedPosition(term, logIndex);
    if (command.request().hasBatch()) {
      return applyBatch(position, command);
    }
    StoreBatch batch = new StoreBatch();
    ApplyResult result = dispatch(logIndex, 0, command, batch);
    // A failure must leave no trace but the position.
    store.commit(result instanceof ApplyResult.Ok ? batch : new StoreBatch(), position);
    return result;
  }

  /**
   * Applies the commands of a group-committed entry in order over an overlay, so each sees the
   * ones before it, then commits all their writes with the position in one batch: a crash
   * leaves all of them applied or none.
   */
  private ApplyResult applyBatch(AppliedPosition position, Command command) {
    OverlayStore overlay = new OverlayStore(store);
    MetadataCore inner = new MetadataCore(overlay);
    BatchReply.Builder replies = BatchReply.newBuilder();
    int slot = 0;
    for (MetaRequest sub : command.request().getBatch().getRequestsList()) {
      ApplyResult r;
      if (sub.hasBatch()) {
        r = new ApplyResult.Invalid("nested batch");
      } else if (slot >= Versions.MAX_SLOTS) {
        r = new ApplyResult.Invalid("more than " + Versions.MAX_SLOTS + " commands in one batch");
      } else {
        StoreBatch writes = new StoreBatch();
        r = inner.dispatch(position.index(), slot, new Command(command.leaderTimeMillis(), command.maxBucketsPerAccount(), command.metaGroups(), sub), writes);
        if (r instanceof ApplyResult.Ok) {
          overlay.commit(writes, position);
        }
      }
      replies.addReplies(r.toReply());
      slot++;
    }
    store.commit(overlay.pending(), position);
    return ok(reply().setBatch(replies));
  }

  /** {@code slot}: the command's position in a batch entry (0 for a lone command). */
  private ApplyResult dispatch(long logIndex, int slot, Command c, StoreBatch batch) {
    MetaRequest r = c.request();
    return switch (r.getBodyCase()) {
      case ENSURE_ROOT_ACCOUNT -> ensureRootAccount(c, r.getEnsureRootAccount(), batch);
      case CREATE_ACCOUNT -> createAccount(c, r.getCreateAccount(), batch);
      case CREATE_BUCKET -> createBucket(c, r.getCreateBucket(), batch);
      case DELETE_BUCKET -> deleteBucket(r.getDeleteBucket(), batch);
      case PUT_OBJECT -> putObject(logIndex, slot, c, r.getPutObject(), batch);
      case DELETE_OBJECT -> deleteObject(Versions.seq(logIndex, slot), c, r.getDeleteObject(), batch);
      case PUT_BUCKET_VERSIONING -> putBucketVersioning(r.getPutBucketVersioning(), batch);
      case CREATE_MULTIPART_UPLOAD -> createUpload(c, r.getCreateMultipartUpload(), batch);
      case PUT_PART -> putPart(c, r.getPutPart(), batch);
      case COMPLETE_MULTIPART_UPLOAD -> complete(logIndex, slot, c, r.getCompleteMultipartUpload(), batch);
      case ABORT_MULTIPART_UPLOAD -> abort(r.getAbortMultipartUpload(), batch);
      case RELOCATE_SHARD -> relocateShard(r.getRelocateShard(), batch);
      case RESERVE_BUCKET_NAME -> reserveBucketName(c, r.getReserveBucketName(), batch);
      case RELEASE_BUCKET_NAME -> releaseBucketName(r.getReleaseBucketName(), batch);
      default -> new ApplyResult.Invalid("not a command: " + r.getBodyCase());
    };
  }

  /** Serves a read-only request from the current state. */
  public ApplyResult query(MetaRequest r) {
    return switch (r.getBodyCase()) {
      case FIND_CREDENTIAL -> findCredential(r.getFindCredential().getAccessKeyId());
      case GET_BUCKET -> {
        BucketRecord b = read(Keys.bucket(r.getGetBucket().getBucket()), BucketRecord.parser());
        yield b == null ? new ApplyResult.Failed(NO_SUCH_BUCKET, r.getGetBucket().getBucket()) : ok(reply().setBucket(b));
      }
      case LIST_BUCKETS -> r.getListBuckets().getAllAccounts()
          ? listAllBuckets() : listBuckets(r.getListBuckets().getOwnerAccountId());
      case GET_OBJECT -> getObject(r.getGetObject());
      case LIST_OBJECT_VERSIONS -> {
        if (store.get(Keys.bucket(r.getListObjectVersions().getBucket())) == null) {
          yield new ApplyResult.Failed(NO_SUCH_BUCKET, r.getListObjectVersions().getBucket());
        }
        yield ok(reply().setListVersions(Versions.list(store, r.getListObjectVersions())));
      }
      case LIST_OBJECTS -> Listing.listObjects(this, r.getListObjects());
      case LIST_PARTS -> listParts(r.getListParts().getBucket(), r.getListParts().getKey(), r.getListParts().getUploadId());
      case LIST_MULTIPART_UPLOADS -> listUploads(r.getListMultipartUploads());
      case LOOKUP_BUCKET_NAME -> {
        BucketDirRecord d = read(Keys.bucketDir(r.getLookupBucketName().getBucket()), BucketDirRecord.parser());
        BucketDirReply.Builder b = BucketDirReply.newBuilder();
        if (d != null) {
          b.setRecord(d);
        }
        yield ok(reply().setBucketDir(b));
      }
      default -> new ApplyResult.Invalid("not a query: " + r.getBodyCase());
    };
  }

  // ---- accounts -----------------------------------------------------------------------------

  private ApplyResult ensureRootAccount(Command c, EnsureRootAccount cmd, StoreBatch batch) {
    if (!validName(cmd.getAccessKeyId()) || cmd.getSecretKey().isEmpty()) {
      return new ApplyResult.Invalid("root access key and secret must be non-empty");
    }
    String rootId = accountIdFor(ROOT_USER_NAME);
    AccountRecord root = read(Keys.account(rootId), AccountRecord.parser());
    AccessKeyRecord key = read(Keys.accessKey(cmd.getAccessKeyId()), AccessKeyRecord.parser());
    if (key != null && !key.getAccountId().equals(rootId)) {
      return new ApplyResult.Failed(ACCESS_KEY_ALREADY_EXISTS, cmd.getAccessKeyId() + " belongs to another account");
    }
    if (root == null) {
      root = AccountRecord.newBuilder()
          .setAccountId(rootId).setUserName(ROOT_USER_NAME).setCreatedMillis(c.leaderTimeMillis()).build();
      batch.put(Keys.account(rootId), Records.encode(root));
      batch.put(Keys.userName(ROOT_USER_NAME), Records.encode(root));
    }
    if (key == null || !key.getSecretKey().equals(cmd.getSecretKey())) {
      // The configured root secret wins: operators rotate it through the environment.
      batch.put(Keys.accessKey(cmd.getAccessKeyId()), Records.encode(AccessKeyRecord.newBuilder()
          .setAccessKeyId(cmd.getAccessKeyId()).setSecretKey(cmd.getSecretKey()).setAccountId(rootId).build()));
    }
    return ok(reply().setAccount(root));
  }

  private ApplyResult createAccount(Command c, CreateAccount cmd, StoreBatch batch) {
    if (!validName(cmd.getUserName()) || !validName(cmd.getAccessKeyId()) || cmd.getSecretKey().isEmpty()) {
      return new ApplyResult.Invalid("user name, access key and secret must be non-empty, without NUL");
    }
    if (store.get(Keys.userName(cmd.getUserName())) != null) {
      return new ApplyResult.Failed(USER_ALREADY_EXISTS, cmd.getUserName());
    }
    if (store.get(Keys.accessKey(cmd.getAccessKeyId())) != null) {
      return new ApplyResult.Failed(ACCESS_KEY_ALREADY_EXISTS, cmd.getAccessKeyId());
    }
    String accountId = accountIdFor(cmd.getUserName());
    AccountRecord account = AccountRecord.newBuilder()
        .setAccountId(accountId).setUserName(cmd.getUserName()).setCreatedMillis(c.leaderTimeMillis()).build();
    batch.put(Keys.account(accountId), Records.encode(account));
    batch.put(Keys.userName(cmd.getUserName()), Records.encode(account));
    batch.put(Keys.accessKey(cmd.getAccessKeyId()), Records.encode(AccessKeyRecord.newBuilder()
        .setAccessKeyId(cmd.getAccessKeyId()).setSecretKey(cmd.getSecretKey()).setAccountId(accountId).build()));
    return ok(reply().setAccount(account));
  }

  private ApplyResult findCredential(String accessKeyId) {
    AccessKeyRecord key = read(Keys.accessKey(accessKeyId), AccessKeyRecord.parser());
    if (key == null) {
      return ok(reply().setCredential(CredentialReply.newBuilder().setFound(false)));
    }
    AccountRecord account = read(Keys.account(key.getAccountId()), AccountRecord.parser());
    if (account == null) {
      throw new IllegalStateException("access key " + accessKeyId + " names missing account " + key.getAccountId());
    }
    return ok(reply().setCredential(CredentialReply.newBuilder().setFound(true)
        .setAccessKeyId(key.getAccessKeyId()).setSecretKey(key.getSecretKey())
        .setAccountId(account.getAccountId()).setUserName(account.getUserName())));
  }

  // ---- buckets ------------------------------------------------------------------------------

  private ApplyResult createBucket(Command c, CreateBucket cmd, StoreBatch batch) {
    if (!validName(cmd.getBucket()) || !validName(cmd.getOwnerAccountId())) {
      return new ApplyResult.Invalid("bucket and owner must be non-empty, without NUL");
    }
    BucketRecord existing = read(Keys.bucket(cmd.getBucket()), BucketRecord.parser());
    if (existing != null) {
      return existing.getOwnerAccountId().equals(cmd.getOwnerAccountId())
          ? new ApplyResult.Failed(BUCKET_ALREADY_OWNED_BY_YOU, cmd.getBucket())
          : new ApplyResult.Failed(BUCKET_ALREADY_EXISTS, cmd.getBucket());
    }
    // A reserved name had its uniqueness and the owner's limit decided by the directory (g1),
    // whose count spans every group; this group's own 'C' rows would undercount.
    int owned = cmd.getReserved() ? 0 : countPrefix(Keys.ownerBucketPrefix(cmd.getOwnerAccountId()), c.maxBucketsPerAccount());
    if (owned >= c.maxBucketsPerAccount()) {
      return new ApplyResult.Failed(TOO_MANY_BUCKETS,
          cmd.getOwnerAccountId() + " already owns " + owned + " buckets (limit " + c.maxBucketsPerAccount() + ")");
    }
    BucketRecord bucket = BucketRecord.newBuilder()
        .setName(cmd.getBucket()).setOwnerAccountId(cmd.getOwnerAccountId())
        .setRegion(cmd.getRegion()).setCreatedMillis(c.leaderTimeMillis()).build();
    batch.put(Keys.bucket(cmd.getBucket()), Records.encode(bucket));
    batch.put(Keys.ownerBucket(cmd.getOwnerAccountId(), cmd.getBucket()), Records.encode(EmptyReply.getDefaultInstance()));
    return ok(reply().setBucket(bucket));
  }

  // ---- bucket directory (multi-raft; applied in group g1 only) ---------------------------------

  /**
   * Reserves a bucket name in the directory: uniqueness (BUCKET_ALREADY_EXISTS for another owner)
   * and the per-account limit are decided here, atomically, across every group. The owner
   * already holding the name gets its row back with {@code created = false} rather than an
   * error: the client then (re)creates the bucket in that group, which completes a CreateBucket
   * that crashed between its two steps, or answers BUCKET_ALREADY_OWNED_BY_YOU from the group
   * when the bucket is really there. The group is chosen here, deterministically from the
   * replicated state and the group count the leader logged: the one with the fewest names
   * (lowest number on ties), so buckets spread evenly and every peer picks the same.
   */
  private ApplyResult reserveBucketName(Command c, ReserveBucketName cmd, StoreBatch batch) {
    if (!validName(cmd.getBucket()) || !validName(cmd.getOwnerAccountId())) {
      return new ApplyResult.Invalid("bucket and owner must be non-empty, without NUL");
    }
    BucketDirRecord existing = read(Keys.bucketDir(cmd.getBucket()), BucketDirRecord.parser());
    if (existing != null) {
      if (!existing.getOwnerAccountId().equals(cmd.getOwnerAccountId())) {
        return new ApplyResult.Failed(BUCKET_ALREADY_EXISTS, cmd.getBucket());
      }
      return ok(reply().setBucketDir(BucketDirReply.newBuilder().setRecord(existing).setCreated(false)));
    }
    int owned = countPrefix(Keys.ownerDirPrefix(cmd.getOwnerAccountId()), c.maxBucketsPerAccount());
    if (owned >= c.maxBucketsPerAccount()) {
      return new ApplyResult.Failed(TOO_MANY_BUCKETS,
          cmd.getOwnerAccountId() + " already owns " + owned + " buckets (limit " + c.maxBucketsPerAccount() + ")");
    }
    int chosen = 1;
    long fewest = Long.MAX_VALUE;
    for (int g = 1; g <= c.metaGroups(); g++) {
      long n = groupCount(g);
      if (n < fewest) {
        fewest = n;
        chosen = g;
      }
    }
    BucketDirRecord row = BucketDirRecord.newBuilder().setBucket(cmd.getBucket())
        .setOwnerAccountId(cmd.getOwnerAccountId()).setGroup(chosen).setReservedMillis(c.leaderTimeMillis()).build();
    batch.put(Keys.bucketDir(cmd.getBucket()), Records.encode(row));
    batch.put(Keys.ownerDir(cmd.getOwnerAccountId(), cmd.getBucket()), Records.encode(EmptyReply.getDefaultInstance()));
    batch.put(Keys.groupDir(chosen, cmd.getBucket()), Records.encode(EmptyReply.getDefaultInstance()));
    return ok(reply().setBucketDir(BucketDirReply.newBuilder().setRecord(row).setCreated(true)));
  }

  /** Forgets a name once its bucket is gone from {@code group}; a no-op if it maps elsewhere now. */
  private ApplyResult releaseBucketName(ReleaseBucketName cmd, StoreBatch batch) {
    BucketDirRecord existing = read(Keys.bucketDir(cmd.getBucket()), BucketDirRecord.parser());
    if (existing == null || existing.getGroup() != cmd.getGroup()) {
      return ok(reply().setBucketDir(BucketDirReply.newBuilder()));
    }
    batch.delete(Keys.bucketDir(cmd.getBucket()));
    batch.delete(Keys.ownerDir(existing.getOwnerAccountId(), cmd.getBucket()));
    batch.delete(Keys.groupDir(existing.getGroup(), cmd.getBucket()));
    return ok(reply().setBucketDir(BucketDirReply.newBuilder().setRecord(existing)));
  }

  /** Names the directory maps to {@code group}: a scan of its index rows (CreateBucket is rare). */
  private long groupCount(int group) {
    return countPrefix(Keys.groupDirPrefix(group), Integer.MAX_VALUE);
  }

  private ApplyResult deleteBucket(DeleteBucket cmd, StoreBatch batch) {
    BucketRecord bucket = read(Keys.bucket(cmd.getBucket()), BucketRecord.parser());
    if (bucket == null) {
      return new ApplyResult.Failed(NO_SUCH_BUCKET, cmd.getBucket());
    }
    if (countPrefix(Keys.objectPrefix(cmd.getBucket()), 1) > 0
        || countPrefix(Keys.versionBucketPrefix(cmd.getBucket()), 1) > 0) {
      return new ApplyResult.Failed(BUCKET_NOT_EMPTY, cmd.getBucket() + " has objects");
    }
    if (countPrefix(Keys.uploadBucketPrefix(cmd.getBucket()), 1) > 0) {
      return new ApplyResult.Failed(BUCKET_NOT_EMPTY, cmd.getBucket() + " has multipart uploads in progress");
    }
    batch.delete(Keys.bucket(cmd.getBucket()));
    batch.delete(Keys.ownerBucket(bucket.getOwnerAccountId(), cmd.getBucket()));
    return ok(reply().setEmpty(EmptyReply.getDefaultInstance()));
  }

  private ApplyResult listAllBuckets() {
    byte[] prefix = Keys.bucketPrefix();
    BucketList.Builder list = BucketList.newBuilder();
    try (StateStore.Cursor cur = store.cursor()) {
      for (cur.seek(prefix); cur.valid() && Keys.startsWith(cur.key(), prefix); cur.next()) {
        list.addBuckets(Records.decode(cur.value(), BucketRecord.parser()));
      }
    }
    return ok(reply().setBuckets(list));
  }

  private ApplyResult listBuckets(String ownerAccountId) {
    byte[] prefix = Keys.ownerBucketPrefix(ownerAccountId);
    BucketList.Builder list = BucketList.newBuilder();
    try (StateStore.Cursor cur = store.cursor()) {
      for (cur.seek(prefix); cur.valid() && Keys.startsWith(cur.key(), prefix); cur.next()) {
        String name = new String(cur.key(), prefix.length, cur.key().length - prefix.length, StandardCharsets.UTF_8);
        BucketRecord b = read(Keys.bucket(name), BucketRecord.parser());
        if (b == null) {
          throw new IllegalStateException("owner index names missing bucket " + name + " of " + ownerAccountId);
        }
        list.addBuckets(b);
      }
    }
    return ok(reply().setBuckets(list));
  }

  // ---- objects ------------------------------------------------------------------------------

  private ApplyResult putBucketVersioning(PutBucketVersioning cmd, StoreBatch batch) {
    if (cmd.getStatus() != Versions.ENABLED && cmd.getStatus() != Versions.SUSPENDED) {
      return new ApplyResult.Invalid("versioning status must be Enabled (1) or Suspended (2), not " + cmd.getStatus());
    }
    BucketRecord bucket = read(Keys.bucket(cmd.getBucket()), BucketRecord.parser());
    if (bucket == null) {
      return new ApplyResult.Failed(NO_SUCH_BUCKET, cmd.getBucket());
    }
    BucketRecord updated = bucket.toBuilder().setVersioning(cmd.getStatus()).build();
    batch.put(Keys.bucket(cmd.getBucket()), Records.encode(updated));
    return ok(reply().setBucket(updated));
  }

  private ApplyResult putObject(long logIndex, int slot, Command c, PutObject cmd, StoreBatch batch) {
    BucketRecord bucket = read(Keys.bucket(cmd.getBucket()), BucketRecord.parser());
    if (bucket == null) {
      return new ApplyResult.Failed(NO_SUCH_BUCKET, cmd.getBucket());
    }
    ObjectRecord v = cmd.getVersion();
    if (v.getKey().isEmpty()) {
      return new ApplyResult.Invalid("empty object key");
    }
    byte[] key = Keys.object(cmd.getBucket(), v.getKey());
    ObjectRecord current = read(key, ObjectRecord.parser());
    if (current != null && isSameWrite(current, v)) {
      // A retry of a put already applied (e.g. resent after every peer restarted and the retry
      // cache was lost): reporting the current record as "replaced" would get its live data
      // collected, so report it as committed with nothing replaced.
      return ok(reply().setPutObject(PutObjectReply.newBuilder().setCommitted(current)));
    }
    ApplyResult unmet = Versions.conditionFails(current, cmd.getIfMatch(), cmd.getIfNoneMatch(), v.getKey());
    if (unmet != null) {
      return unmet;
    }
    Versions.Committed done = Versions.commit(store, bucket, v.toBuilder()
        .setLastModifiedMillis(c.leaderTimeMillis())
        .setCommitIndex(logIndex)
        .setOwnerAccountId(bucket.getOwnerAccountId()), Versions.seq(logIndex, slot), batch);
    PutObjectReply.Builder r = PutObjectReply.newBuilder().setCommitted(done.committed());
    if (done.replaced() != null) {
      r.setReplaced(done.replaced());
    }
    return ok(reply().setPutObject(r));
  }

  /** The same data written twice: only possible for a retried command, since data ids are unique. */
  private static boolean isSameWrite(ObjectRecord current, ObjectRecord incoming) {
    return current.getLayout().hasSegments()
        && current.getLayout().getSegments().getSegmentsCount() > 0
        && current.getLayout().equals(incoming.getLayout())
        && current.getEtag().equals(incoming.getEtag());
  }

  private ApplyResult deleteObject(long seq, Command c, DeleteObject cmd, StoreBatch batch) {
    BucketRecord bucket = read(Keys.bucket(cmd.getBucket()), BucketRecord.parser());
    if (bucket == null) {
      return new ApplyResult.Failed(NO_SUCH_BUCKET, cmd.getBucket());
    }
    if (cmd.getKey().isEmpty()) {
      return new ApplyResult.Invalid("empty object key");
    }
    return ok(reply().setDeleteObject(
        Versions.delete(store, bucket, cmd.getKey(), cmd.getVersionId(), seq, c.leaderTimeMillis(), batch)));
  }

  /**
   * Repair's commit: one shard of one segment of an object version (current or not) or of a part
   * of an upload in progress moves to another node. A no-op (applied = false) unless the record
   * still exists and names the expected node, so an overwrite, delete, abort/complete or a
   * concurrent relocation always wins over a repair that started before it.
   */
  private ApplyResult relocateShard(RelocateShard cmd, StoreBatch batch) {
    if (cmd.getNewNode().isEmpty() || cmd.getExpectedNode().isEmpty() || cmd.getDataId().isEmpty()) {
      return new ApplyResult.Invalid("relocate needs a data id, an expected and a new node");
    }
    if (store.get(Keys.bucket(cmd.getBucket())) == null) {
      return new ApplyResult.Failed(NO_SUCH_BUCKET, cmd.getBucket());
    }
    MetaReply.Builder notApplied = reply().setRelocateShard(RelocateShardReply.newBuilder().setApplied(false));
    if (!cmd.getUploadId().isEmpty()) {
      byte[] partKey = Keys.part(cmd.getBucket(), cmd.getKey(), cmd.getUploadId(), cmd.getPartNumber());
      PartRecord part = read(partKey, PartRecord.parser());
      LayoutRecord moved = part == null ? null : relocated(part.getLayout(), cmd);
      if (moved == null) {
        return ok(notApplied);
      }
      batch.put(partKey, Records.encode(part.toBuilder().setLayout(moved).build()));
      return ok(reply().setRelocateShard(RelocateShardReply.newBuilder().setApplied(true)));
    }
    byte[] key = Keys.object(cmd.getBucket(), cmd.getKey());
    ObjectRecord current = read(key, ObjectRecord.parser());
    boolean isCurrent = current != null
        && (cmd.getVersionId().isEmpty() || cmd.getVersionId().equals(current.getVersionId()));
    ObjectRecord target = isCurrent ? current
        : cmd.getVersionId().isEmpty() ? null : Versions.find(store, cmd.getBucket(), cmd.getKey(), cmd.getVersionId());
    LayoutRecord moved = target == null ? null : relocated(target.getLayout(), cmd);
    if (moved == null) {
      return ok(notApplied);
    }
    ObjectRecord updated = target.toBuilder().setLayout(moved).build();
    if (isCurrent) {
      batch.put(key, Records.encode(updated));
    }
    if (updated.getVersionSeq() > 0) {
      batch.put(Keys.version(cmd.getBucket(), updated.getKey(), updated.getVersionSeq()), Records.encode(updated));
    }
    return ok(reply().setRelocateShard(RelocateShardReply.newBuilder().setApplied(true)));
  }

  /** The layout with the shard moved, or null when it does not name the expected node there. */
  private static LayoutRecord relocated(LayoutRecord layout, RelocateShard cmd) {
    if (!layout.hasSegments()) {
      return null;
    }
    Segments.Builder segments = layout.getSegments().toBuilder();
    for (int s = 0; s < segments.getSegmentsCount(); s++) {
      var seg = segments.getSegments(s);
      if (!seg.getDataId().equals(cmd.getDataId())) {
        continue;
      }
      int i = cmd.getShardIndex();
      if (i >= seg.getShardNodesCount() || !seg.getShardNodes(i).equals(cmd.getExpectedNode())) {
        return null;
      }
      var moved = seg.toBuilder().setShardNodes(i, cmd.getNewNode());
      if (i < moved.getMisplacedCount()) {
        moved.setMisplaced(i, cmd.getMisplaced());
      }
      segments.setSegments(s, moved);
      return layout.toBuilder().setSegments(segments).build();
    }
    return null;
  }

  private ApplyResult getObject(io.moraine.proto.meta.v1.GetObject q) {
    String bucket = q.getBucket();
    String key = q.getKey();
    if (store.get(Keys.bucket(bucket)) == null) {
      return new ApplyResult.Failed(NO_SUCH_BUCKET, bucket);
    }
    ObjectRecord current = !q.getVersionId().isEmpty() ? Versions.find(store, bucket, key, q.getVersionId())
        : q.getIncludeDeleteMarkers() ? Versions.latest(store, bucket, key)
        : read(Keys.object(bucket, key), ObjectRecord.parser());
    ObjectReply.Builder r = ObjectReply.newBuilder();
    if (current != null) {
      r.setObject(current);
    }
    return ok(reply().setObject(r));
  }

  // ---- multipart ----------------------------------------------------------------------------

  private ApplyResult createUpload(Command c, CreateMultipartUpload cmd, StoreBatch batch) {
    UploadRecord u = cmd.getUpload();
    if (u.getKey().isEmpty() || !validName(u.getUploadId())) {
      return new ApplyResult.Invalid("upload needs a key and an upload id without NUL");
    }
    if (store.get(Keys.bucket(cmd.getBucket())) == null) {
      return new ApplyResult.Failed(NO_SUCH_BUCKET, cmd.getBucket());
    }
    byte[] key = Keys.upload(cmd.getBucket(), u.getKey(), u.getUploadId());
    UploadRecord existing = read(key, UploadRecord.parser());
    if (existing != null) {
      return ok(reply().setUpload(existing)); // a retried create: upload ids are caller-unique
    }
    UploadRecord stored = u.toBuilder().setInitiatedMillis(c.leaderTimeMillis()).build();
    batch.put(key, Records.encode(stored));
    return ok(reply().setUpload(stored));
  }

  private ApplyResult putPart(Command c, PutPart cmd, StoreBatch batch) {
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
    if (store.get(Keys.bucket(cmd.getBucket())) == null) {
      return new ApplyResult.Failed(NO_SUCH_BUCKET, cmd.getBucket());
    }
    if (store.get(Keys.upload(cmd.getBucket(), cmd.getKey(), cmd.getUploadId())) == null) {
      return new ApplyResult.Failed(NO_SUCH_UPLOAD, cmd.getUploadId());
    }
    byte[] key = Keys.part(cmd.getBucket(), cmd.getKey(), cmd.getUploadId(), p.getPartNumber());
    PartRecord existing = read(key, PartRecord.parser());
    PartReply.Builder r = PartReply.newBuilder();
    if (existing != null && existing.getLayout().equals(p.getLayout()) && existing.getEtag().equals(p.getEtag())) {
      return ok(reply().setPart(r)); // a retried put of the same part: nothing to collect
    }
    batch.put(key, Records.encode(p.toBuilder().setLastModifiedMillis(c.leaderTimeMillis()).build()));
    if (existing != null) {
      r.setReplaced(existing);
    }
    return ok(reply().setPart(r));
  }

  private ApplyResult listParts(String bucket, String key, String uploadId) {
    if (store.get(Keys.bucket(bucket)) == null) {
      return new ApplyResult.Failed(NO_SUCH_BUCKET, bucket);
    }
    if (store.get(Keys.upload(bucket, key, uploadId)) == null) {
      return new ApplyResult.Failed(NO_SUCH_UPLOAD, uploadId);
    }
    return ok(reply().setParts(PartList.newBuilder().addAllParts(parts(bucket, key, uploadId))));
  }

  private List<PartRecord> parts(String bucket, String key, String uploadId) {
    byte[] prefix = Keys.partPrefix(bucket, key, uploadId);
    List<PartRecord> parts = new ArrayList<>();
    try (StateStore.Cursor cur = store.cursor()) {
      for (cur.seek(prefix); cur.valid() && Keys.startsWith(cur.key(), prefix); cur.next()) {
        parts.add(Records.decode(cur.value(), PartRecord.parser()));
      }
    }
    return parts;
  }

  private ApplyResult complete(long logIndex, int slot, Command c, CompleteMultipartUpload cmd, StoreBatch batch) {
    BucketRecord bucket = read(Keys.bucket(cmd.getBucket()), BucketRecord.parser());
    if (bucket == null) {
      return new ApplyResult.Failed(NO_SUCH_BUCKET, cmd.getBucket());
    }
    byte[] uploadKey = Keys.upload(cmd.getBucket(), cmd.getKey(), cmd.getUploadId());
    UploadRecord upload = read(uploadKey, UploadRecord.parser());
    if (upload == null) {
      return new ApplyResult.Failed(NO_SUCH_UPLOAD, cmd.getUploadId());
    }
    ApplyResult unmet = Versions.conditionFails(read(Keys.object(cmd.getBucket(), cmd.getKey()), ObjectRecord.parser()),
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
        .setOwnerAccountId(bucket.getOwnerAccountId());
    Versions.Committed done = Versions.commit(store, bucket, version, Versions.seq(logIndex, slot), batch);
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

  private ApplyResult abort(AbortMultipartUpload cmd, StoreBatch batch) {
    if (store.get(Keys.bucket(cmd.getBucket())) == null) {
      return new ApplyResult.Failed(NO_SUCH_BUCKET, cmd.getBucket());
    }
    byte[] uploadKey = Keys.upload(cmd.getBucket(), cmd.getKey(), cmd.getUploadId());
    if (store.get(uploadKey) == null) {
      return new ApplyResult.Failed(NO_SUCH_UPLOAD, cmd.getUploadId());
    }
    List<PartRecord> parts = parts(cmd.getBucket(), cmd.getKey(), cmd.getUploadId());
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
  private ApplyResult listUploads(ListMultipartUploads q) {
    if (store.get(Keys.bucket(q.getBucket())) == null) {
      return new ApplyResult.Failed(NO_SUCH_BUCKET, q.getBucket());
    }
    int max = q.getMaxUploads() <= 0 || q.getMaxUploads() > MAX_KEYS_LIMIT ? MAX_KEYS_LIMIT : q.getMaxUploads();
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
    try (StateStore.Cursor cur = store.cursor()) {
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

  // ---- helpers ------------------------------------------------------------------------------

  <T> T read(byte[] key, Parser<T> parser) {
    byte[] v = store.get(key);
    return v == null ? null : Records.decode(v, parser);
  }

  /** Counts keys under {@code prefix}, stopping at {@code limit}. */
  private int countPrefix(byte[] prefix, int limit) {
    int n = 0;
    try (StateStore.Cursor cur = store.cursor()) {
      for (cur.seek(prefix); cur.valid() && Keys.startsWith(cur.key(), prefix) && n < limit; cur.next()) {
        n++;
      }
    }
    return n;
  }

  static MetaReply.Builder reply() {
    return MetaReply.newBuilder().setFormatVersion(ApplyResult.REPLY_FORMAT_VERSION);
  }

  static ApplyResult ok(MetaReply.Builder reply) {
    return new ApplyResult.Ok(reply.build());
  }

  private static boolean validName(String s) {
    return !s.isEmpty() && s.indexOf('\0') < 0;
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

  private static byte[] sha256(byte[] in) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(in);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("JDK without SHA-256", e);
    }
  }
}
