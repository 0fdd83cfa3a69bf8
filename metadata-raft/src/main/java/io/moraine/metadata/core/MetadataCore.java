package io.moraine.metadata.core;

import static io.moraine.metadata.api.MetadataError.NO_SUCH_BUCKET;

import io.moraine.metadata.core.account.Accounts;
import io.moraine.metadata.core.bucket.Buckets;
import io.moraine.metadata.core.config.BucketConfigs;
import io.moraine.metadata.core.iam.IamCommands;
import io.moraine.metadata.core.iam.IamQueries;
import io.moraine.metadata.core.keyring.Keyring;
import io.moraine.metadata.core.kms.KmsStore;
import io.moraine.metadata.core.multipart.Multipart;
import io.moraine.metadata.core.object.Listing;
import io.moraine.metadata.core.object.Objects;
import io.moraine.metadata.core.object.Versions;
import io.moraine.metadata.core.restore.Restores;
import io.moraine.metadata.store.AppliedPosition;
import io.moraine.metadata.store.OverlayStore;
import io.moraine.metadata.store.StateStore;
import io.moraine.metadata.store.StoreBatch;
import io.moraine.proto.meta.v1.BatchReply;
import io.moraine.proto.meta.v1.BucketDirRecord;
import io.moraine.proto.meta.v1.BucketDirReply;
import io.moraine.proto.meta.v1.BucketRecord;
import io.moraine.proto.meta.v1.MetaReply;
import io.moraine.proto.meta.v1.MetaRequest;

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
  public static final String ROOT_USER_NAME = Accounts.ROOT_USER_NAME;

  public static final int MAX_KEYS_LIMIT = Listing.MAX_KEYS_LIMIT;
  public static final int MAX_PART_NUMBER = Multipart.MAX_PART_NUMBER;

  private final StateStore store;
  private final Tables tables;
  private final Accounts accounts;
  private final Buckets buckets;
  private final Objects objects;
  private final Multipart multipart;
  private final BucketConfigs configs;
  private final IamCommands iam;
  private final IamQueries iamQueries;
  private final Keyring keyring;
  private final KmsStore kms;
  private final io.moraine.metadata.core.notify.NotifyTargets notifyTargets;
  private final io.moraine.metadata.core.lifecycle.Transitions transitions;
  private final Restores restores;
  private final io.moraine.metadata.core.tiering.Tiering tiering;

  public MetadataCore(StateStore store) {
    this.store = store;
    this.tables = new Tables(store);
    this.accounts = new Accounts(tables);
    this.buckets = new Buckets(tables);
    this.objects = new Objects(tables);
    this.multipart = new Multipart(tables);
    this.configs = new BucketConfigs(tables);
    this.iam = new IamCommands(tables);
    this.iamQueries = new IamQueries(tables);
    this.keyring = new Keyring(tables);
    this.kms = new KmsStore(tables);
    this.notifyTargets = new io.moraine.metadata.core.notify.NotifyTargets(tables);
    this.transitions = new io.moraine.metadata.core.lifecycle.Transitions(tables);
    this.restores = new Restores(tables);
    this.tiering = new io.moraine.metadata.core.tiering.Tiering(tables);
  }

  public StateStore store() {
    return store;
  }

  public AppliedPosition applied() {
    return store.applied();
  }

  /** The canonical account id of a user name: deterministic, S3-style 64 hex characters. */
  public static String accountIdFor(String userName) {
    return Accounts.accountIdFor(userName);
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
      case ENSURE_ROOT_ACCOUNT -> accounts.ensureRootAccount(c, r.getEnsureRootAccount(), batch);
      case CREATE_ACCOUNT -> accounts.createAccount(c, r.getCreateAccount(), batch);
      case CREATE_BUCKET -> buckets.createBucket(Versions.seq(logIndex, slot), c, r.getCreateBucket(), batch);
      case DELETE_BUCKET -> buckets.deleteBucket(r.getDeleteBucket(), batch);
      case PUT_OBJECT -> objects.putObject(logIndex, slot, c, r.getPutObject(), batch);
      case DELETE_OBJECT -> objects.deleteObject(Versions.seq(logIndex, slot), c, r.getDeleteObject(), batch);
      case PUT_BUCKET_VERSIONING -> buckets.putBucketVersioning(Versions.seq(logIndex, slot), r.getPutBucketVersioning(), batch);
      case PUT_BUCKET_CONFIG -> configs.put(Versions.seq(logIndex, slot), c, r.getPutBucketConfig(), batch);
      case DELETE_BUCKET_CONFIG -> configs.delete(Versions.seq(logIndex, slot), r.getDeleteBucketConfig(), batch);
      case SET_OBJECT_SUBRESOURCE -> configs.setObjectSubresource(r.getSetObjectSubresource(), batch);
      case IAM_COMMAND -> iam.apply(c, r.getIamCommand(), batch);
      case KEYRING_COMMAND -> r.getKeyringCommand().hasRewrapDataKey()
          ? objects.rewrapDataKey(r.getKeyringCommand().getRewrapDataKey(), batch)
          : keyring.apply(Versions.seq(logIndex, slot), c, r.getKeyringCommand(), batch);
      case KMS_COMMAND -> kms.apply(Versions.seq(logIndex, slot), c, r.getKmsCommand(), batch);
      case NOTIFY_TARGET_COMMAND -> notifyTargets.apply(c, r.getNotifyTargetCommand(), batch);
      case CREATE_MULTIPART_UPLOAD -> multipart.createUpload(c, r.getCreateMultipartUpload(), batch);
      case PUT_PART -> multipart.putPart(c, r.getPutPart(), batch);
      case BEGIN_PART -> multipart.beginPart(Versions.seq(logIndex, slot), r.getBeginPart());
      case COMPLETE_MULTIPART_UPLOAD -> multipart.complete(logIndex, slot, c, r.getCompleteMultipartUpload(), batch);
      case ABORT_MULTIPART_UPLOAD -> multipart.abort(r.getAbortMultipartUpload(), batch);
      case START_RESTORE -> restores.start(c, r.getStartRestore(), batch);
      case COMPLETE_RESTORE -> restores.complete(c, r.getCompleteRestore(), batch);
      case EXPIRE_RESTORE -> restores.expire(c, r.getExpireRestore(), batch);
      case RELOCATE_SHARD -> objects.relocateShard(r.getRelocateShard(), batch);
      case TRANSITION_OBJECT -> transitions.transition(r.getTransitionObject(), batch);
      case RECORD_ACCESS -> tiering.recordAccess(r.getRecordAccess(), batch);
      case TIER_OBJECT -> tiering.tierObject(r.getTierObject(), batch);
      case LIFECYCLE_DELETE -> transitions.lifecycleDelete(r.getLifecycleDelete(),
          d -> objects.deleteObject(Versions.seq(logIndex, slot), c, d, batch));
      case RESERVE_BUCKET_NAME -> buckets.reserveBucketName(c, r.getReserveBucketName(), batch);
      case RELEASE_BUCKET_NAME -> buckets.releaseBucketName(r.getReleaseBucketName(), batch);
      case RECORD_RETRIEVAL -> io.moraine.metadata.core.usage.Usage.recordRetrieval(tables, r.getRecordRetrieval(), batch);
      case RECOUNT_USAGE -> io.moraine.metadata.core.usage.Usage.recount(tables, r.getRecountUsage(), batch);
      default -> new ApplyResult.Invalid("not a command: " + r.getBodyCase());
    };
  }

  /** Serves a read-only request from the current state. */
  public ApplyResult query(MetaRequest r) {
    return switch (r.getBodyCase()) {
      case FIND_CREDENTIAL -> accounts.findCredential(r.getFindCredential().getAccessKeyId());
      case GET_BUCKET -> {
        BucketRecord b = tables.bucket(r.getGetBucket().getBucket());
        yield b == null ? new ApplyResult.Failed(NO_SUCH_BUCKET, r.getGetBucket().getBucket()) : ok(reply().setBucket(b));
      }
      case LIST_BUCKETS -> r.getListBuckets().getAllAccounts()
          ? buckets.listAllBuckets() : buckets.listBuckets(r.getListBuckets().getOwnerAccountId());
      case GET_OBJECT -> objects.getObject(r.getGetObject());
      case LIST_OBJECT_VERSIONS -> {
        if (store.get(Keys.bucket(r.getListObjectVersions().getBucket())) == null) {
          yield new ApplyResult.Failed(NO_SUCH_BUCKET, r.getListObjectVersions().getBucket());
        }
        yield ok(reply().setListVersions(Versions.list(store, r.getListObjectVersions())));
      }
      case LIST_OBJECTS -> Listing.listObjects(store, r.getListObjects());
      case LIST_PARTS -> multipart.listParts(r.getListParts().getBucket(), r.getListParts().getKey(), r.getListParts().getUploadId());
      case LIST_MULTIPART_UPLOADS -> multipart.listUploads(r.getListMultipartUploads());
      case GET_BUCKET_CONFIGS -> configs.get(r.getGetBucketConfigs().getBucket());
      case IAM_QUERY -> iamQueries.query(r.getIamQuery());
      case KEYRING_QUERY -> keyring.query(r.getKeyringQuery());
      case KMS_QUERY -> kms.query(r.getKmsQuery());
      case NOTIFY_TARGET_QUERY -> notifyTargets.query(r.getNotifyTargetQuery());
      case LIST_RESTORE_JOBS -> restores.listJobs(r.getListRestoreJobs());
      case USAGE_QUERY -> io.moraine.metadata.core.usage.Usage.query(tables, r.getUsageQuery());
      case LOOKUP_BUCKET_NAME -> {
        BucketDirRecord d = tables.read(Keys.bucketDir(r.getLookupBucketName().getBucket()), BucketDirRecord.parser());
        BucketDirReply.Builder b = BucketDirReply.newBuilder();
        if (d != null) {
          b.setRecord(d);
        }
        yield ok(reply().setBucketDir(b));
      }
      default -> new ApplyResult.Invalid("not a query: " + r.getBodyCase());
    };
  }

  // ---- helpers ------------------------------------------------------------------------------

  static MetaReply.Builder reply() {
    return Tables.reply();
  }

  static ApplyResult ok(MetaReply.Builder reply) {
    return Tables.ok(reply);
  }
}
