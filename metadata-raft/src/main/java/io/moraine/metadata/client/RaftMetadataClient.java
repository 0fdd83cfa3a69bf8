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
import io.moraine.proto.meta.v1.BucketDirRecord;
import io.moraine.proto.meta.v1.BucketDirReply;
import io.moraine.proto.meta.v1.LookupBucketName;
import io.moraine.proto.meta.v1.ReleaseBucketName;
import io.moraine.proto.meta.v1.ReserveBucketName;
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
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.rpc.SupportedRpcType;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.TimeDuration;

/**
 * {@link MetadataClient} over the metadata groups {@code g1..gN}. Thread-safe: one instance serves
 * every gateway thread (a RaftClient per group multiplexes concurrent calls).
 *
 * <p>Routing: accounts, credentials and the bucket-name directory live in g1; everything about a
 * bucket lives in the group the directory assigned it. A bucket's group is found with one g1 read
 * and cached; a NO_SUCH_BUCKET from a cached group (the bucket was deleted and maybe recreated in
 * another group by another client) drops the entry and re-resolves once. Invariant kept by the
 * two-step create/delete below: a bucket row exists in group g only while the directory maps its
 * name to g (create reserves first, delete releases last).
 *
 * <p>Mutations go through the Raft log ({@code io().send}); Ratis retries them across leader
 * changes with the same call id, and the servers' retry cache answers a retried call from the
 * first application, so a retried commit applies once. Reads use {@code sendReadOnly}, which the
 * servers run as ReadIndex (linearizable). Fault model: after {@code retryTotalMillis} without a
 * majority a call throws {@link UncheckedIOException} — the outcome of a mutation is then unknown.
 */
public final class RaftMetadataClient implements MetadataClient {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RaftMetadataClient.class);

  /**
   * One group's transport: its Ratis client and its own group-commit queue. The Ratis client is
   * rebuilt (same client id, so the servers' retry cache still recognises its calls) when a peer
   * answers that it does not host the group: a peer removed from the group answers so, and a
   * Ratis client whose leader guess is that peer would otherwise keep asking it.
   */
  private static final class Group {
    final int number;
    final ClientId clientId;
    final RaftMetadataClientConfig cfg;
    final java.util.function.Supplier<List<MetaPeer>> peerSource;
    final io.moraine.metadata.tls.RaftTls tls; // null: plaintext
    volatile RaftClient client;
    final CommitBatcher batcher; // null: every mutation is its own log entry

    Group(int number, ClientId clientId, RaftMetadataClientConfig cfg, java.util.function.Supplier<List<MetaPeer>> peerSource,
        io.moraine.metadata.tls.RaftTls tls) {
      this.number = number;
      this.clientId = clientId;
      this.cfg = cfg;
      this.peerSource = peerSource;
      this.tls = tls;
      this.client = build(peerSource.get(), null);
      this.batcher = cfg.commitSenders() == 0 ? null
          : new CommitBatcher(this::sendWrite, cfg.commitSenders(), cfg.maxBatchCommands(), cfg.maxBatchBytes(),
              "meta-client-" + MetaGroup.name(number) + "-" + clientId);
    }

    RaftClient build(List<MetaPeer> peers, RaftPeerId leader) {
      RaftProperties p = new RaftProperties();
      RaftConfigKeys.Rpc.setType(p, SupportedRpcType.GRPC);
      RaftClientConfigKeys.Rpc.setRequestTimeout(p, TimeDuration.valueOf(cfg.requestTimeoutMillis(), TimeUnit.MILLISECONDS));
      RaftClient.Builder b = RaftClient.newBuilder()
          .setClientId(clientId)
          .setRaftGroup(MetaGroup.group(MetaGroup.name(number), peers))
          .setProperties(p)
          .setParameters(io.moraine.metadata.tls.RaftTls.parameters(tls))
          .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(
              cfg.maxAttempts(), TimeDuration.valueOf(cfg.retrySleepMillis(), TimeUnit.MILLISECONDS)));
      if (leader != null) {
        b.setLeaderId(leader);
      }
      return b.build();
    }

    /**
     * Rebuilds the Ratis client over the peers that host this group now (asked directly, one
     * attempt each), starting from the one that says it leads. Called after a GroupMismatch.
     */
    synchronized void refresh(RaftClient stale) {
      if (client != stale) {
        return; // another thread already did
      }
      List<MetaPeer> candidates = peerSource.get();
      List<MetaPeer> hosting = new java.util.ArrayList<>();
      RaftPeerId leader = null;
      try (RaftClient probe = build(candidates, null)) {
        for (MetaPeer peer : candidates) {
          try {
            var info = probe.getGroupManagementApi(RaftPeerId.valueOf(peer.nodeId())).info(MetaGroup.groupId(MetaGroup.name(number)));
            if (info.isSuccess()) {
              hosting.add(peer);
              if (info.getRoleInfoProto().getRole() == org.apache.ratis.proto.RaftProtos.RaftPeerRole.LEADER) {
                leader = RaftPeerId.valueOf(peer.nodeId());
              }
            }
          } catch (IOException | RuntimeException unreachable) {
            // Down or not hosting the group: not a candidate. (gRPC reports refusals unchecked.)
            LOG.debug("{} not usable for {}: {}", peer.nodeId(), MetaGroup.name(number), unreachable.toString());
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("closing probe client", e);
      }
      if (hosting.isEmpty()) {
        LOG.warn("no peer of {} hosts group {}; keeping the current client", candidates, MetaGroup.name(number));
        return;
      }
      LOG.info("group {}: peers refreshed to {} (leader {})", MetaGroup.name(number),
          hosting.stream().map(MetaPeer::nodeId).toList(), leader);
      client = build(hosting, leader);
      try {
        stale.close();
      } catch (IOException e) {
        LOG.warn("closing the replaced Ratis client of group {}", MetaGroup.name(number), e);
      }
    }

    MetaReply sendWrite(MetaRequest r) throws IOException {
      RaftClient c = client;
      try {
        return decodeReply(c.io().send(Message.valueOf(ByteString.copyFrom(r.toByteArray()))));
      } catch (IOException e) {
        if (isGroupMismatch(e)) {
          refresh(c);
        }
        throw e;
      }
    }

    MetaReply sendRead(Message m) throws IOException {
      RaftClient c = client;
      try {
        return decodeReply(c.io().sendReadOnly(m));
      } catch (IOException e) {
        if (!isGroupMismatch(e)) {
          throw e;
        }
        // A read changes nothing: ask again through the refreshed client.
        refresh(c);
        return decodeReply(client.io().sendReadOnly(m));
      }
    }
  }

  static boolean isGroupMismatch(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof org.apache.ratis.protocol.exceptions.GroupMismatchException) {
        return true;
      }
    }
    return false;
  }

  private final List<Group> groups; // index 0 is g1, the directory; empty in process
  private final InProcessCore local; // non-null: no Ratis, commands go to a core in this process
  private final java.util.concurrent.ConcurrentMap<String, Integer> bucketGroups = new java.util.concurrent.ConcurrentHashMap<>();

  private RaftMetadataClient(InProcessCore local) {
    this.groups = List.of();
    this.local = local;
  }

  /**
   * This client over a core in this process, without Raft (tests and single-process fakes):
   * the same API-to-command mapping and the same core semantics, times from {@code clock}.
   * One group, which is its own directory (CreateBucket checks name and limit in one command).
   */
  public static RaftMetadataClient inProcess(io.moraine.metadata.core.MetadataCore core,
      java.time.InstantSource clock, int maxBucketsPerAccount) {
    return new RaftMetadataClient(new InProcessCore(core, clock, maxBucketsPerAccount));
  }

  private RaftMetadataClient(List<Group> groups) {
    this.local = null;
    this.groups = List.copyOf(groups);
  }

  /** Connects with a client id drawn from a fresh SecureRandom (the real randomness source). */
  public static RaftMetadataClient connect(List<MetaPeer> peers, RaftMetadataClientConfig cfg) {
    return connect(peers, cfg, new SecureRandom());
  }

  /**
   * Connects with client ids drawn from {@code random} (one per group); ids must differ between
   * live clients. {@code peers} need only contain some current members: Ratis clients learn the
   * rest from NotLeader replies after membership changes.
   */
  public static RaftMetadataClient connect(List<MetaPeer> peers, RaftMetadataClientConfig cfg, RandomGenerator random) {
    List<MetaPeer> fixed = List.copyOf(peers);
    return connect(() -> fixed, cfg, random);
  }

  /**
   * As above, with the peers read from {@code peerSource} (e.g. the published directory in
   * ZooKeeper) at start and again whenever a peer turns out not to host a group any more
   * (removed online), so clients follow membership changes.
   */
  public static RaftMetadataClient connect(java.util.function.Supplier<List<MetaPeer>> peerSource,
      RaftMetadataClientConfig cfg, RandomGenerator random) {
    return connect(peerSource, cfg, random, null);
  }

  /** As above, over mutual TLS when {@code tlsOrNull} is given (docs/tls.md). */
  public static RaftMetadataClient connect(java.util.function.Supplier<List<MetaPeer>> peerSource,
      RaftMetadataClientConfig cfg, RandomGenerator random, io.moraine.metadata.tls.RaftTls tlsOrNull) {
    cfg.validate();
    List<Group> groups = new java.util.ArrayList<>();
    for (int n = 1; n <= cfg.groups(); n++) {
      groups.add(new Group(n, ClientId.valueOf(new UUID(random.nextLong(), random.nextLong())), cfg, peerSource, tlsOrNull));
    }
    return new RaftMetadataClient(groups);
  }

  /** The mutual TLS this client speaks (for admin calls to the same peers), or null: plaintext or in-process. */
  public io.moraine.metadata.tls.RaftTls tls() {
    return groups.isEmpty() ? null : groups.get(0).tls;
  }

  // ---- accounts -----------------------------------------------------------------------------

  @Override
  public Account ensureRootAccount(String accessKeyId, String secretKey) {
    return Codec.account(write(directory(), MetaRequest.newBuilder().setEnsureRootAccount(
        EnsureRootAccount.newBuilder().setAccessKeyId(accessKeyId).setSecretKey(secretKey))).getAccount());
  }

  @Override
  public Account createAccount(String userName, String accessKeyId, String secretKey) {
    return Codec.account(write(directory(), MetaRequest.newBuilder().setCreateAccount(
        CreateAccount.newBuilder().setUserName(userName).setAccessKeyId(accessKeyId).setSecretKey(secretKey))).getAccount());
  }

  @Override
  public Account createAccount(String userName, String email, String accessKeyId, String secretKey) {
    return Codec.account(write(directory(), MetaRequest.newBuilder().setCreateAccount(CreateAccount.newBuilder()
        .setUserName(userName).setEmail(email).setAccessKeyId(accessKeyId).setSecretKey(secretKey))).getAccount());
  }

  @Override
  public io.moraine.proto.meta.v1.IamReply iam(io.moraine.proto.meta.v1.IamCommand command) {
    MetaReply r = write(directory(), MetaRequest.newBuilder().setIamCommand(command));
    return r.hasIam() ? r.getIam() : io.moraine.proto.meta.v1.IamReply.getDefaultInstance();
  }

  @Override
  public io.moraine.proto.meta.v1.KeyringReply keyring(io.moraine.proto.meta.v1.KeyringCommand command) {
    return write(directory(), MetaRequest.newBuilder().setKeyringCommand(command)).getKeyring();
  }

  @Override
  public io.moraine.proto.meta.v1.KmsReply kms(io.moraine.proto.meta.v1.KmsCommand command) {
    return write(directory(), MetaRequest.newBuilder().setKmsCommand(command)).getKms();
  }

  @Override
  public io.moraine.proto.meta.v1.KmsReply kmsQuery(io.moraine.proto.meta.v1.KmsQuery query) {
    return read(directory(), MetaRequest.newBuilder().setKmsQuery(query)).getKms();
  }

  @Override
  public io.moraine.proto.meta.v1.NotifyTargetReply notifyTarget(io.moraine.proto.meta.v1.NotifyTargetCommand command) {
    return write(directory(), MetaRequest.newBuilder().setNotifyTargetCommand(command)).getNotifyTarget();
  }

  @Override
  public io.moraine.proto.meta.v1.NotifyTargetReply notifyTargetQuery(io.moraine.proto.meta.v1.NotifyTargetQuery query) {
    return read(directory(), MetaRequest.newBuilder().setNotifyTargetQuery(query)).getNotifyTarget();
  }

  @Override
  public boolean rewrapDataKey(io.moraine.proto.meta.v1.RewrapDataKey command) {
    return routedWrite(command.getBucket(), MetaRequest.newBuilder().setKeyringCommand(
        io.moraine.proto.meta.v1.KeyringCommand.newBuilder().setRewrapDataKey(command))).getKeyring().getApplied();
  }

  @Override
  public io.moraine.proto.meta.v1.RestoreReply startRestore(io.moraine.proto.meta.v1.StartRestore command) {
    return routedWrite(command.getBucket(), MetaRequest.newBuilder().setStartRestore(command)).getRestore();
  }

  @Override
  public io.moraine.proto.meta.v1.RestoreReply completeRestore(io.moraine.proto.meta.v1.CompleteRestore command) {
    return routedWrite(command.getBucket(), MetaRequest.newBuilder().setCompleteRestore(command)).getRestore();
  }

  @Override
  public io.moraine.proto.meta.v1.RestoreReply expireRestore(io.moraine.proto.meta.v1.ExpireRestore command) {
    return routedWrite(command.getBucket(), MetaRequest.newBuilder().setExpireRestore(command)).getRestore();
  }

  /** Each group keeps the index of its buckets: merged here, earliest first, counts summed. */
  @Override
  public io.moraine.proto.meta.v1.RestoreReply listRestoreJobs(io.moraine.proto.meta.v1.ListRestoreJobs query) {
    MetaRequest.Builder request = MetaRequest.newBuilder().setListRestoreJobs(query);
    if (local != null) {
      return read((Group) null, request).getRestore();
    }
    List<io.moraine.proto.meta.v1.RestoreJob> jobs = new java.util.ArrayList<>();
    long ongoing = 0;
    long restored = 0;
    for (Group g : groups) {
      io.moraine.proto.meta.v1.RestoreReply r = read(g, request.clone()).getRestore();
      jobs.addAll(r.getJobsList());
      ongoing += r.getOngoingCount();
      restored += r.getRestoredCount();
    }
    jobs.sort(java.util.Comparator.comparingLong(io.moraine.proto.meta.v1.RestoreJob::getDueMillis));
    int limit = query.getLimit() == 0 ? 1000 : query.getLimit();
    return io.moraine.proto.meta.v1.RestoreReply.newBuilder().addAllJobs(jobs.subList(0, Math.min(limit, jobs.size())))
        .setOngoingCount(ongoing).setRestoredCount(restored).build();
  }

  /** One bucket from its group; every bucket: each group's rows merged, sorted by bucket then class. */
  @Override
  public io.moraine.proto.meta.v1.UsageReply usage(String bucket) {
    MetaRequest.Builder request = MetaRequest.newBuilder()
        .setUsageQuery(io.moraine.proto.meta.v1.UsageQuery.newBuilder().setBucket(bucket));
    if (!bucket.isEmpty()) {
      return routedRead(bucket, request).getUsage();
    }
    if (local != null) {
      return read((Group) null, request).getUsage();
    }
    List<io.moraine.proto.meta.v1.UsageRecord> rows = new java.util.ArrayList<>();
    long dayMillis = 0;
    for (Group g : groups) {
      io.moraine.proto.meta.v1.UsageReply r = read(g, request.clone()).getUsage();
      rows.addAll(r.getUsageList());
      dayMillis = Math.max(dayMillis, r.getDayMillis());
    }
    rows.sort(java.util.Comparator.comparing(io.moraine.proto.meta.v1.UsageRecord::getBucket)
        .thenComparing(io.moraine.proto.meta.v1.UsageRecord::getStorageClass));
    return io.moraine.proto.meta.v1.UsageReply.newBuilder().addAllUsage(rows).setDayMillis(dayMillis).build();
  }

  @Override
  public io.moraine.proto.meta.v1.UsageReply recountUsage(String bucket) {
    return routedWrite(bucket, MetaRequest.newBuilder().setRecountUsage(
        io.moraine.proto.meta.v1.RecountUsage.newBuilder().setBucket(bucket))).getUsage();
  }

  @Override
  public void recordRetrieval(long dayMillis, List<io.moraine.proto.meta.v1.RetrievalCount> counts, boolean everyGroup) {
    if (local != null || groups.size() == 1) {
      write(directory(), MetaRequest.newBuilder().setRecordRetrieval(io.moraine.proto.meta.v1.RecordRetrieval.newBuilder()
          .setDayMillis(dayMillis).addAllCounts(counts)));
      return;
    }
    java.util.TreeMap<Integer, List<io.moraine.proto.meta.v1.RetrievalCount>> byGroup = new java.util.TreeMap<>();
    if (everyGroup) {
      for (int g = 1; g <= groups.size(); g++) {
        byGroup.put(g, new java.util.ArrayList<>());
      }
    }
    for (io.moraine.proto.meta.v1.RetrievalCount c : counts) {
      Integer number = bucketGroups.get(c.getBucket());
      if (number == null) {
        try {
          number = resolve(c.getBucket());
        } catch (MetadataException e) {
          if (e.error() != MetadataError.NO_SUCH_BUCKET) {
            throw e;
          }
          continue; // deleted since the GETs: nothing to charge
        }
      }
      byGroup.computeIfAbsent(number, n -> new java.util.ArrayList<>()).add(c);
    }
    byGroup.forEach((number, inGroup) -> write(group(number), MetaRequest.newBuilder().setRecordRetrieval(
        io.moraine.proto.meta.v1.RecordRetrieval.newBuilder().setDayMillis(dayMillis).addAllCounts(inGroup))));
  }

  @Override
  public io.moraine.proto.meta.v1.KeyringReply keyringQuery(io.moraine.proto.meta.v1.KeyringQuery query) {
    return read(directory(), MetaRequest.newBuilder().setKeyringQuery(query)).getKeyring();
  }

  @Override
  public io.moraine.proto.meta.v1.IamReply iamQuery(io.moraine.proto.meta.v1.IamQuery query) {
    return read(directory(), MetaRequest.newBuilder().setIamQuery(query)).getIam();
  }

  @Override
  public Optional<Credential> findCredential(String accessKeyId) {
    CredentialReply c = read(directory(), MetaRequest.newBuilder().setFindCredential(
        FindCredential.newBuilder().setAccessKeyId(accessKeyId))).getCredential();
    return c.getFound()
        ? Optional.of(new Credential(c.getAccessKeyId(), c.getSecretKey(), c.getAccountId(), c.getUserName()))
        : Optional.empty();
  }

  // ---- buckets ------------------------------------------------------------------------------

  /**
   * Two steps when there is more than one group: reserve the name in the directory (g1 decides
   * uniqueness, the per-account limit and the group, atomically), then create the bucket in its
   * group. Crash between the steps: the name stays reserved for its owner only; the owner's
   * retried CreateBucket gets its reservation back ({@code created = false}) and creates the
   * bucket in that group, completing it (or gets BUCKET_ALREADY_OWNED_BY_YOU from the group when
   * the first attempt had finished). Another owner gets BUCKET_ALREADY_EXISTS meanwhile, as it
   * would for a finished bucket.
   */
  @Override
  public Bucket createBucket(String ownerAccountId, String bucketName, String region) {
    CreateBucket.Builder create = CreateBucket.newBuilder().setOwnerAccountId(ownerAccountId).setBucket(bucketName).setRegion(region);
    if (local != null || groups.size() == 1) {
      return Codec.bucket(write(directory(), MetaRequest.newBuilder().setCreateBucket(create)).getBucket());
    }
    BucketDirReply reserved = write(directory(), MetaRequest.newBuilder().setReserveBucketName(ReserveBucketName.newBuilder()
        .setOwnerAccountId(ownerAccountId).setBucket(bucketName))).getBucketDir();
    BucketDirRecord row = reserved.getRecord();
    Group g = group(row.getGroup());
    Bucket b = Codec.bucket(write(g, MetaRequest.newBuilder().setCreateBucket(create.setReserved(true))).getBucket());
    if (!reserved.getCreated()) {
      confirmReservation(bucketName, ownerAccountId, g);
    }
    bucketGroups.put(bucketName, g.number);
    return b;
  }

  /**
   * A reservation we got back (not created) may belong to a bucket the same owner is deleting
   * right now: its DeleteBucket can delete the old row in g and release the name between our
   * reserve and our create, leaving our new row in g without a directory entry — a name another
   * owner could then take in another group. So after such a create, check the directory still
   * maps the name to g for this owner; if not, undo our row (it is new and empty) and answer
   * OPERATION_ABORTED (S3: 409 OperationAborted, retry) rather than break the invariant.
   */
  private void confirmReservation(String bucketName, String ownerAccountId, Group g) {
    BucketDirReply now = lookup(bucketName);
    if (now.hasRecord() && now.getRecord().getGroup() == g.number
        && now.getRecord().getOwnerAccountId().equals(ownerAccountId)) {
      return;
    }
    try {
      write(g, MetaRequest.newBuilder().setDeleteBucket(DeleteBucket.newBuilder().setBucket(bucketName)));
    } catch (MetadataException e) {
      // Gone already (its owner deleted it again) is the outcome we want; anything else leaves a
      // row the directory does not name, which the operator must see.
      if (e.error() != MetadataError.NO_SUCH_BUCKET) {
        LOG.error("bucket {} in {} lost its directory entry and could not be undone: {}", bucketName,
            MetaGroup.name(g.number), e.toString());
      }
    }
    bucketGroups.remove(bucketName);
    throw new MetadataException(MetadataError.OPERATION_ABORTED,
        "bucket " + bucketName + " was deleted while it was being created; retry");
  }

  @Override
  public Optional<Bucket> getBucket(String bucketName) {
    try {
      return Optional.of(Codec.bucket(routedRead(bucketName, MetaRequest.newBuilder().setGetBucket(
          GetBucket.newBuilder().setBucket(bucketName))).getBucket()));
    } catch (MetadataException e) {
      if (e.error() == MetadataError.NO_SUCH_BUCKET) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** Fan-out: each group lists its own buckets of the account; merged by name. */
  @Override
  public List<Bucket> listBuckets(String ownerAccountId) {
    return fanOutBuckets(MetaRequest.newBuilder().setListBuckets(ListBuckets.newBuilder().setOwnerAccountId(ownerAccountId)));
  }

  @Override
  public List<Bucket> listAllBuckets() {
    return fanOutBuckets(MetaRequest.newBuilder().setListBuckets(ListBuckets.newBuilder().setAllAccounts(true)));
  }

  /**
   * Listing the groups rather than the directory shows only buckets that exist (not names
   * reserved by a CreateBucket that crashed half-way) and carries each bucket's full record.
   */
  private List<Bucket> fanOutBuckets(MetaRequest.Builder request) {
    if (local != null) {
      return read((Group) null, request).getBuckets().getBucketsList().stream().map(Codec::bucket).toList();
    }
    List<Bucket> all = new java.util.ArrayList<>();
    for (Group g : groups) {
      read(g, request.clone()).getBuckets().getBucketsList().stream().map(Codec::bucket).forEach(all::add);
    }
    all.sort(java.util.Comparator.comparing(Bucket::name, RaftMetadataClient::compareUtf8));
    return all;
  }

  private static int compareUtf8(String a, String b) {
    return java.util.Arrays.compareUnsigned(a.getBytes(java.nio.charset.StandardCharsets.UTF_8),
        b.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /**
   * Delete in the bucket's group (emptiness is checked there, atomically with the delete), then
   * release the name in the directory. Crash between the steps: the directory keeps the name for
   * its owner, pointing at a group without the bucket; reads see NO_SUCH_BUCKET, and the owner's
   * next CreateBucket reuses the reservation (see {@link #createBucket}), so the name is never
   * lost to its owner. The release names the group, so it can not drop a newer reservation.
   */
  @Override
  public void deleteBucket(String bucketName) {
    if (local != null || groups.size() == 1) {
      write(directory(), MetaRequest.newBuilder().setDeleteBucket(DeleteBucket.newBuilder().setBucket(bucketName)));
      return;
    }
    int g = routed(bucketName, MetaRequest.newBuilder().setDeleteBucket(DeleteBucket.newBuilder().setBucket(bucketName)), true).group();
    bucketGroups.remove(bucketName);
    write(directory(), MetaRequest.newBuilder().setReleaseBucketName(ReleaseBucketName.newBuilder()
        .setBucket(bucketName).setGroup(g)));
  }

  /** The group number holding {@code bucketName} per the directory (tests, operators); empty when unknown. */
  public java.util.OptionalInt groupOf(String bucketName) {
    if (local != null || groups.size() == 1) {
      return java.util.OptionalInt.of(1);
    }
    BucketDirReply r = lookup(bucketName);
    return r.hasRecord() ? java.util.OptionalInt.of(r.getRecord().getGroup()) : java.util.OptionalInt.empty();
  }

  // ---- objects ------------------------------------------------------------------------------

  @Override
  public PutResult putObject(String bucketName, ObjectVersion version) {
    return putObject(bucketName, version, WriteCondition.NONE);
  }

  @Override
  public PutResult putObject(String bucketName, ObjectVersion version, WriteCondition condition) {
    PutObjectReply r = routedWrite(bucketName, MetaRequest.newBuilder().setPutObject(
        PutObject.newBuilder().setBucket(bucketName).setVersion(Codec.object(version))
            .setIfMatch(condition.ifMatchEtag() == null ? "" : condition.ifMatchEtag())
            .setIfNoneMatch(condition.ifNoneMatch()))).getPutObject();
    return new PutResult(Codec.object(r.getCommitted()),
        r.hasReplaced() ? Optional.of(Codec.object(r.getReplaced())) : Optional.empty());
  }

  @Override
  public Optional<ObjectVersion> getObject(String bucketName, String key) {
    var r = routedRead(bucketName, MetaRequest.newBuilder().setGetObject(GetObject.newBuilder().setBucket(bucketName).setKey(key))).getObject();
    return r.hasObject() ? Optional.of(Codec.object(r.getObject())) : Optional.empty();
  }

  @Override
  public Optional<ObjectVersion> deleteObject(String bucketName, String key) {
    return deleteObject(bucketName, key, null).removed();
  }

  @Override
  public DeleteResult deleteObject(String bucketName, String key, String versionId) {
    DeleteObjectReply r = routedWrite(bucketName, MetaRequest.newBuilder().setDeleteObject(DeleteObject.newBuilder()
        .setBucket(bucketName).setKey(key).setVersionId(versionId == null ? "" : versionId))).getDeleteObject();
    return new DeleteResult(r.hasRemoved() ? Optional.of(Codec.object(r.getRemoved())) : Optional.empty(),
        r.getDeleteMarker(), r.getVersionId().isEmpty() ? null : r.getVersionId());
  }

  @Override
  public Optional<DeleteResult> lifecycleDelete(String bucketName, String key, String versionId,
      String expectedVersionId, long expectedLastModifiedMillis, String expectedEtag, String ruleId, int action) {
    io.moraine.proto.meta.v1.LifecycleDeleteReply reply = routedWrite(bucketName, MetaRequest.newBuilder()
        .setLifecycleDelete(io.moraine.proto.meta.v1.LifecycleDelete.newBuilder()
            .setDelete(DeleteObject.newBuilder().setBucket(bucketName).setKey(key)
                .setVersionId(versionId == null ? "" : versionId))
            .setExpectedVersionId(expectedVersionId).setExpectedLastModifiedMillis(expectedLastModifiedMillis)
            .setExpectedEtag(expectedEtag).setRuleId(ruleId).setAction(action))).getLifecycleDelete();
    if (!reply.getApplied()) {
      return Optional.empty();
    }
    DeleteObjectReply r = reply.getDelete();
    return Optional.of(new DeleteResult(r.hasRemoved() ? Optional.of(Codec.object(r.getRemoved())) : Optional.empty(),
        r.getDeleteMarker(), r.getVersionId().isEmpty() ? null : r.getVersionId()));
  }

  @Override
  public Bucket setBucketVersioning(String bucketName, VersioningStatus status) {
    if (status == VersioningStatus.UNVERSIONED) {
      throw new IllegalArgumentException("a bucket never returns to unversioned: " + bucketName);
    }
    return Codec.bucket(routedWrite(bucketName, MetaRequest.newBuilder().setPutBucketVersioning(PutBucketVersioning.newBuilder()
        .setBucket(bucketName).setStatus(Codec.versioning(status)))).getBucket());
  }

  @Override
  public Bucket setBucketVersioning(String bucketName, VersioningStatus status, Boolean mfaDelete, long expectedGeneration) {
    if (status == VersioningStatus.UNVERSIONED) {
      throw new IllegalArgumentException("a bucket never returns to unversioned: " + bucketName);
    }
    return Codec.bucket(routedWrite(bucketName, MetaRequest.newBuilder().setPutBucketVersioning(PutBucketVersioning.newBuilder()
        .setBucket(bucketName).setStatus(Codec.versioning(status)).setExpectedGeneration(expectedGeneration)
        .setMfaDelete(mfaDelete == null ? 0 : mfaDelete ? 1 : 2))).getBucket());
  }

  // ---- sub-resources --------------------------------------------------------------------------

  @Override
  public io.moraine.metadata.api.BucketConfigs getBucketConfigs(String bucketName) {
    return Codec.bucketConfigs(routedRead(bucketName, MetaRequest.newBuilder().setGetBucketConfigs(
        io.moraine.proto.meta.v1.GetBucketConfigs.newBuilder().setBucket(bucketName))).getBucketConfigs());
  }

  @Override
  public Bucket putBucketConfig(String bucketName, String kind, byte[] body, long expectedGeneration) {
    return Codec.bucket(routedWrite(bucketName, MetaRequest.newBuilder().setPutBucketConfig(
        io.moraine.proto.meta.v1.PutBucketConfig.newBuilder().setBucket(bucketName).setExpectedGeneration(expectedGeneration)
            .setConfig(io.moraine.proto.meta.v1.BucketConfigRecord.newBuilder().setKind(kind)
                .setBody(com.google.protobuf.ByteString.copyFrom(body))))).getBucket());
  }

  @Override
  public Bucket deleteBucketConfig(String bucketName, String kind, long expectedGeneration) {
    return Codec.bucket(routedWrite(bucketName, MetaRequest.newBuilder().setDeleteBucketConfig(
        io.moraine.proto.meta.v1.DeleteBucketConfig.newBuilder().setBucket(bucketName).setKind(kind)
            .setExpectedGeneration(expectedGeneration))).getBucket());
  }

  @Override
  public ObjectVersion setObjectSubresource(String bucketName, String key, String versionId, String kind, byte[] body) {
    var cmd = io.moraine.proto.meta.v1.SetObjectSubresource.newBuilder().setBucket(bucketName).setKey(key)
        .setVersionId(versionId == null ? "" : versionId).setKind(kind);
    if (body == null) {
      cmd.setRemove(true);
    } else {
      cmd.setBody(com.google.protobuf.ByteString.copyFrom(body));
    }
    return Codec.object(routedWrite(bucketName, MetaRequest.newBuilder().setSetObjectSubresource(cmd)).getObject().getObject());
  }

  @Override
  public Optional<ObjectVersion> getObjectVersion(String bucketName, String key, String versionId) {
    var r = routedRead(bucketName, MetaRequest.newBuilder().setGetObject(GetObject.newBuilder().setBucket(bucketName).setKey(key)
        .setVersionId(versionId == null ? "" : versionId).setIncludeDeleteMarkers(true))).getObject();
    return r.hasObject() ? Optional.of(Codec.object(r.getObject())) : Optional.empty();
  }

  @Override
  public VersionListPage listObjectVersions(String bucketName, VersionListRequest q) {
    ListVersionsReply r = routedRead(bucketName, MetaRequest.newBuilder().setListObjectVersions(ListObjectVersions.newBuilder()
        .setBucket(bucketName).setPrefix(q.prefix()).setDelimiter(q.delimiter()).setKeyMarker(q.keyMarker())
        .setVersionIdMarker(q.versionIdMarker()).setMaxKeys(q.maxKeys()))).getListVersions();
    return new VersionListPage(r.getVersionsList().stream().map(Codec::versionEntry).toList(), r.getCommonPrefixesList(),
        r.getTruncated(), r.getTruncated() ? r.getNextKeyMarker() : null,
        r.getTruncated() && !r.getNextVersionIdMarker().isEmpty() ? r.getNextVersionIdMarker() : null);
  }

  @Override
  public boolean relocateShard(String bucketName, String key, String versionId, String dataId, int shardIndex,
      String expectedNode, String newNode, boolean misplaced) {
    return routedWrite(bucketName, MetaRequest.newBuilder().setRelocateShard(io.moraine.proto.meta.v1.RelocateShard.newBuilder()
        .setBucket(bucketName).setKey(key).setVersionId(versionId == null ? "" : versionId).setDataId(dataId)
        .setShardIndex(shardIndex).setExpectedNode(expectedNode).setNewNode(newNode).setMisplaced(misplaced)))
        .getRelocateShard().getApplied();
  }

  @Override
  public int recordAccess(io.moraine.proto.meta.v1.RecordAccess command) {
    // One command per group: the entries of every bucket the group holds, in the order given.
    java.util.Map<Integer, io.moraine.proto.meta.v1.RecordAccess.Builder> byGroup = new java.util.TreeMap<>();
    java.util.Map<Integer, String> someBucket = new java.util.TreeMap<>();
    java.util.Map<String, java.util.OptionalInt> resolved = new java.util.HashMap<>();
    for (io.moraine.proto.meta.v1.AccessEntry e : command.getEntriesList()) {
      java.util.OptionalInt g = resolved.computeIfAbsent(e.getBucket(), this::groupOf);
      if (g.isEmpty()) {
        continue; // bucket deleted since the read
      }
      byGroup.computeIfAbsent(g.getAsInt(), x -> io.moraine.proto.meta.v1.RecordAccess.newBuilder()).addEntries(e);
      someBucket.putIfAbsent(g.getAsInt(), e.getBucket());
    }
    int sent = 0;
    for (var entry : byGroup.entrySet()) {
      try {
        routedWrite(someBucket.get(entry.getKey()), MetaRequest.newBuilder().setRecordAccess(entry.getValue()));
        sent++;
      } catch (io.moraine.metadata.api.MetadataException e) {
        // the routing bucket went away between lookup and send: that group's reads are lost (best effort)
      }
    }
    return sent;
  }

  @Override
  public TierResult tierObject(String bucketName, String key, String versionId, List<String> expectedDataIds,
      long expectedLastAccessMillis, String accessTier, io.moraine.metadata.api.DataLayout newLayout, long tieredMillis) {
    io.moraine.proto.meta.v1.TierObject.Builder cmd = io.moraine.proto.meta.v1.TierObject.newBuilder()
        .setBucket(bucketName).setKey(key).setVersionId(versionId).addAllExpectedDataIds(expectedDataIds)
        .setExpectedLastAccessMillis(expectedLastAccessMillis).setAccessTier(accessTier).setTieredMillis(tieredMillis);
    if (newLayout != null) {
      cmd.setLayout(Codec.layout(newLayout));
    }
    io.moraine.proto.meta.v1.TierObjectReply r = routedWrite(bucketName, MetaRequest.newBuilder().setTierObject(cmd))
        .getTierObject();
    return new TierResult(r.getApplied(), r.hasPreviousLayout() ? Codec.layout(r.getPreviousLayout()) : null);
  }

  @Override
  public Optional<io.moraine.metadata.api.DataLayout> transitionObject(String bucketName, String key, String versionId,
      List<String> expectedDataIds, String storageClass, io.moraine.metadata.api.DataLayout layout, long transitionedMillis,
      String ruleId) {
    io.moraine.proto.meta.v1.TransitionObjectReply r = routedWrite(bucketName, MetaRequest.newBuilder()
        .setTransitionObject(io.moraine.proto.meta.v1.TransitionObject.newBuilder().setBucket(bucketName).setKey(key)
            .setVersionId(versionId).addAllExpectedDataIds(expectedDataIds).setStorageClass(storageClass)
            .setLayout(Codec.layout(layout)).setTransitionedMillis(transitionedMillis).setRuleId(ruleId)))
        .getTransitionObject();
    return r.getApplied() ? Optional.of(Codec.layout(r.getPreviousLayout())) : Optional.empty();
  }

  @Override
  public boolean relocatePartShard(String bucketName, String key, String uploadId, int partNumber, String dataId,
      int shardIndex, String expectedNode, String newNode, boolean misplaced) {
    return routedWrite(bucketName, MetaRequest.newBuilder().setRelocateShard(io.moraine.proto.meta.v1.RelocateShard.newBuilder()
        .setBucket(bucketName).setKey(key).setUploadId(uploadId).setPartNumber(partNumber).setDataId(dataId)
        .setShardIndex(shardIndex).setExpectedNode(expectedNode).setNewNode(newNode).setMisplaced(misplaced)))
        .getRelocateShard().getApplied();
  }

  @Override
  public ListPage listObjects(String bucketName, ListRequest request) {
    ListObjectsReply r = routedRead(bucketName, MetaRequest.newBuilder().setListObjects(ListObjects.newBuilder()
        .setBucket(bucketName).setPrefix(request.prefix()).setDelimiter(request.delimiter())
        .setStartAfter(request.startAfter()).setMaxKeys(request.maxKeys()))).getListObjects();
    return new ListPage(r.getContentsList().stream().map(Codec::summary).toList(), r.getCommonPrefixesList(),
        r.getTruncated(), r.getTruncated() ? r.getNextMarker() : null);
  }

  // ---- multipart ----------------------------------------------------------------------------

  @Override
  public MultipartUpload createMultipartUpload(String bucketName, MultipartUpload upload) {
    return Codec.upload(routedWrite(bucketName, MetaRequest.newBuilder().setCreateMultipartUpload(
        CreateMultipartUpload.newBuilder().setBucket(bucketName).setUpload(Codec.upload(upload)))).getUpload());
  }

  @Override
  public io.moraine.metadata.api.PartAttempt beginPart(String bucketName, String key, String uploadId) {
    var r = routedWrite(bucketName, MetaRequest.newBuilder().setBeginPart(io.moraine.proto.meta.v1.BeginPart.newBuilder()
        .setBucket(bucketName).setKey(key).setUploadId(uploadId))).getPartBegun();
    return new io.moraine.metadata.api.PartAttempt(Codec.upload(r.getUpload()), r.getSequence());
  }

  @Override
  public Optional<PartRecord> putPart(String bucketName, String key, String uploadId, PartRecord part) {
    var r = routedWrite(bucketName, MetaRequest.newBuilder().setPutPart(PutPart.newBuilder()
        .setBucket(bucketName).setKey(key).setUploadId(uploadId).setPart(Codec.part(part)))).getPart();
    return r.hasReplaced() ? Optional.of(Codec.part(r.getReplaced())) : Optional.empty();
  }

  @Override
  public List<PartRecord> listParts(String bucketName, String key, String uploadId) {
    return routedRead(bucketName, MetaRequest.newBuilder().setListParts(ListParts.newBuilder()
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
    CompleteReply r = routedWrite(bucketName, MetaRequest.newBuilder().setCompleteMultipartUpload(c)).getComplete();
    return new CompleteResult(Codec.object(r.getCommitted()),
        r.hasReplaced() ? Optional.of(Codec.object(r.getReplaced())) : Optional.empty(),
        r.getUnusedPartsList().stream().map(Codec::part).toList());
  }

  @Override
  public List<PartRecord> abortMultipartUpload(String bucketName, String key, String uploadId) {
    return routedWrite(bucketName, MetaRequest.newBuilder().setAbortMultipartUpload(AbortMultipartUpload.newBuilder()
        .setBucket(bucketName).setKey(key).setUploadId(uploadId)))
        .getParts().getPartsList().stream().map(Codec::part).toList();
  }

  @Override
  public List<MultipartUpload> listMultipartUploads(String bucketName, String prefix, int maxUploads) {
    return routedRead(bucketName, MetaRequest.newBuilder().setListMultipartUploads(ListMultipartUploads.newBuilder()
        .setBucket(bucketName).setPrefix(prefix).setMaxUploads(maxUploads)))
        .getUploads().getUploadsList().stream().map(Codec::upload).toList();
  }

  @Override
  public UploadListPage listMultipartUploads(String bucketName, String prefix, String delimiter, String keyMarker,
      String uploadIdMarker, int maxUploads) {
    if (maxUploads < 1 || maxUploads > 1000) {
      throw new IllegalArgumentException("maxUploads must be 1..1000, not " + maxUploads);
    }
    var list = routedRead(bucketName, MetaRequest.newBuilder().setListMultipartUploads(ListMultipartUploads.newBuilder()
        .setBucket(bucketName).setPrefix(prefix).setDelimiter(delimiter).setKeyMarker(keyMarker)
        .setUploadIdMarker(uploadIdMarker).setMaxUploads(maxUploads)))
        .getUploads();
    return new UploadListPage(list.getUploadsList().stream().map(Codec::upload).toList(), list.getCommonPrefixesList(),
        list.getTruncated(), list.getTruncated() ? list.getNextKeyMarker() : null,
        list.getTruncated() && !list.getNextUploadIdMarker().isEmpty() ? list.getNextUploadIdMarker() : null);
  }

  // ---- routing ------------------------------------------------------------------------------

  private Group directory() {
    return local != null ? null : groups.get(0);
  }

  private Group group(int number) {
    if (number < 1 || number > groups.size()) {
      throw new IllegalStateException("the directory names group " + number + " but this client knows "
          + groups.size() + " groups: meta.groups differs between client and servers");
    }
    return groups.get(number - 1);
  }

  private record Routed(MetaReply reply, int group) {}

  private MetaReply routedWrite(String bucketName, MetaRequest.Builder request) {
    return routed(bucketName, request, true).reply();
  }

  private MetaReply routedRead(String bucketName, MetaRequest.Builder request) {
    return routed(bucketName, request, false).reply();
  }

  /**
   * Sends a bucket's request to its group. The group comes from the cache, else from one
   * directory read. A NO_SUCH_BUCKET answer from a cached group may be stale (the bucket was
   * deleted, maybe recreated in another group by another client): the entry is dropped and the
   * name resolved again once; a write that failed with NO_SUCH_BUCKET changed nothing, so
   * resending it elsewhere is safe.
   */
  private Routed routed(String bucketName, MetaRequest.Builder request, boolean mutation) {
    if (local != null || groups.size() == 1) {
      return new Routed(send(directory(), request, mutation), 1);
    }
    Integer cached = bucketGroups.get(bucketName);
    int number = cached != null ? cached : resolve(bucketName);
    try {
      return new Routed(send(group(number), request, mutation), number);
    } catch (MetadataException e) {
      if (e.error() != MetadataError.NO_SUCH_BUCKET || cached == null) {
        throw e;
      }
      bucketGroups.remove(bucketName, cached);
      int again = resolve(bucketName);
      if (again == number) {
        throw e;
      }
      LOG.debug("bucket {} moved from group {} to {}: stale cache entry", bucketName, number, again);
      return new Routed(send(group(again), request, mutation), again);
    }
  }

  private MetaReply send(Group g, MetaRequest.Builder request, boolean mutation) {
    return mutation ? write(g, request) : read(g, request);
  }

  /** The directory's row for {@code bucketName} (absent when the name is free): one g1 read. */
  private BucketDirReply lookup(String bucketName) {
    return read(directory(), MetaRequest.newBuilder().setLookupBucketName(
        LookupBucketName.newBuilder().setBucket(bucketName))).getBucketDir();
  }

  /** One directory read; caches the answer. NO_SUCH_BUCKET when the name is not in the directory. */
  private int resolve(String bucketName) {
    BucketDirReply r = lookup(bucketName);
    if (!r.hasRecord()) {
      throw new MetadataException(MetadataError.NO_SUCH_BUCKET, bucketName);
    }
    int number = r.getRecord().getGroup();
    group(number); // fails loudly on a group count mismatch
    bucketGroups.put(bucketName, number);
    return number;
  }

  // ---- transport ----------------------------------------------------------------------------

  private MetaReply write(Group g, MetaRequest.Builder request) {
    MetaRequest r = request.setFormatVersion(Command.FORMAT_VERSION).build();
    MetaReply reply;
    try {
      if (local != null) {
        reply = local.write(r);
      } else {
        reply = g.batcher == null ? g.sendWrite(r) : g.batcher.commit(r);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("metadata commit failed, outcome unknown: " + r.getBodyCase(), e);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("metadata commit interrupted, outcome unknown: " + r.getBodyCase(), e);
    }
    return checked(reply);
  }

  private MetaReply read(Group g, MetaRequest.Builder request) {
    if (local != null) {
      return checked(local.read(request.setFormatVersion(Command.FORMAT_VERSION).build()));
    }
    Message m = message(request);
    try {
      return checked(g.sendRead(m));
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

  /** The Ratis client of group {@code number} (1-based; for admin and tests). */
  public RaftClient raftClient(int number) {
    return group(number).client;
  }

  /** The Ratis client of g1 (for admin and tests). */
  public RaftClient raftClient() {
    return raftClient(1);
  }

  @Override
  public void close() {
    UncheckedIOException failure = null;
    for (Group g : groups) {
      if (g.batcher != null) {
        g.batcher.close();
      }
      try {
        g.client.close();
      } catch (IOException e) {
        if (failure == null) {
          failure = new UncheckedIOException("closing metadata client", e);
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
