package io.moraine.metadata.server;

import com.google.protobuf.InvalidProtocolBufferException;
import io.moraine.metadata.core.ApplyResult;
import io.moraine.metadata.core.Command;
import io.moraine.metadata.core.MetadataCore;
import io.moraine.metadata.store.AppliedPosition;
import io.moraine.metadata.store.RocksStateStore;
import io.moraine.proto.meta.v1.MetaReply;
import io.moraine.proto.meta.v1.MetaRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.SnapshotInfo;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.LifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ratis adapter around {@link MetadataCore}, one instance per Raft group on a peer (each with
 * its own RocksDB and snapshots under the group's Ratis storage dir). The leader resolves nondeterministic inputs in
 * {@link #startTransaction} (its wall time from the injected {@link InstantSource}, the bucket
 * limit from its config) into the logged {@link Command}; {@link #applyTransaction} is the core's
 * pure apply, which commits the state and the applied (term, index) in one RocksDB batch.
 *
 * <p>Fault model: a crash at any point leaves RocksDB at some applied position ≥ the latest
 * snapshot; Ratis replays its log from the snapshot and entries the store already holds are
 * skipped, so each entry takes effect exactly once. Snapshots are RocksDB checkpoints published by
 * atomic rename only when complete. A corrupt entry or a store failure throws from apply, which
 * stops this peer rather than letting it diverge. Queries run concurrently with apply against
 * RocksDB's consistent views; a snapshot install swaps the store under the write lock.
 */
public final class MetadataStateMachine extends BaseStateMachine {
  private static final Logger LOG = LoggerFactory.getLogger(MetadataStateMachine.class);

  /** Reply code for a log entry replayed after a restart that the store already held. */
  public static final String ALREADY_APPLIED = "ALREADY_APPLIED";

  private final InstantSource clock;
  private final int maxBucketsPerAccount;
  private final int metaGroups;
  private final SnapshotStore snapshots = new SnapshotStore();
  private final ReentrantReadWriteLock storeLock = new ReentrantReadWriteLock();
  private volatile RocksStateStore store;
  private volatile MetadataCore core;

  public MetadataStateMachine(InstantSource clock, int maxBucketsPerAccount) {
    this(clock, maxBucketsPerAccount, 1);
  }

  /** {@code metaGroups}: the group count the leader logs with each entry (ReserveBucketName chooses among them). */
  public MetadataStateMachine(InstantSource clock, int maxBucketsPerAccount, int metaGroups) {
    this.clock = clock;
    this.maxBucketsPerAccount = maxBucketsPerAccount;
    this.metaGroups = metaGroups;
  }

  @Override
  public StateMachineStorage getStateMachineStorage() {
    return snapshots;
  }

  @Override
  public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
    getLifeCycle().startAndTransition(() -> {
      super.initialize(server, groupId, raftStorage);
      snapshots.init(raftStorage);
      loadState();
    });
  }

  /** Ratis pauses the machine before installing a snapshot; its updater requires PAUSED to reload. */
  @Override
  public synchronized void pause() {
    if (getLifeCycleState() == LifeCycle.State.RUNNING) {
      getLifeCycle().transition(LifeCycle.State.PAUSING);
      getLifeCycle().transition(LifeCycle.State.PAUSED);
    }
  }

  /** Called after a snapshot was installed from the leader: the store is rebuilt from it. */
  @Override
  public synchronized void reinitialize() throws IOException {
    if (getLifeCycleState() != LifeCycle.State.PAUSED) {
      throw new IllegalStateException(getId() + ": reinitialize in state " + getLifeCycleState() + ", expected PAUSED");
    }
    getLifeCycle().transition(LifeCycle.State.STARTING);
    snapshots.refresh();
    loadState();
    getLifeCycle().transition(LifeCycle.State.RUNNING);
  }

  /**
   * Entries without state machine content (configuration changes, a new leader's first entry)
   * still advance the applied position: it is recorded in the store too, so that the store's
   * position always equals Ratis's applied index and a checkpoint can be named by it.
   */
  @Override
  public void notifyTermIndexUpdated(long term, long index) {
    storeLock.readLock().lock();
    try {
      if (store != null && index > store.applied().index()) {
        store.commit(new io.moraine.metadata.store.StoreBatch(), new AppliedPosition(term, index));
      }
      super.notifyTermIndexUpdated(term, index);
    } finally {
      storeLock.readLock().unlock();
    }
  }

  /** Opens the store, first replacing it by the latest snapshot when that snapshot is newer. */
  private void loadState() throws IOException {
    storeLock.writeLock().lock();
    try {
      if (store != null) {
        store.close();
        store = null;
        core = null;
      }
      Path dbDir = snapshots.dbDir();
      RocksStateStore opened = RocksStateStore.open(dbDir);
      SnapshotInfo snap = snapshots.getLatestSnapshot();
      if (snap != null && snap.getIndex() > opened.applied().index()) {
        LOG.info("{}: store at {} is behind snapshot {}, restoring from it", getId(), opened.applied(), snap.getTermIndex());
        opened.close();
        Path staging = snapshots.tmpDir().resolve("restore-" + snap.getIndex());
        SnapshotStore.deleteTree(staging);
        SnapshotStore.copyTree(snapshots.dirOf(snap.getTermIndex()), staging);
        SnapshotStore.deleteTree(dbDir);
        Files.move(staging, dbDir, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        opened = RocksStateStore.open(dbDir);
        if (opened.applied().index() != snap.getIndex()) {
          throw new IllegalStateException("snapshot " + snap.getTermIndex() + " holds applied position " + opened.applied());
        }
      }
      store = opened;
      core = new MetadataCore(opened);
      if (snap != null) {
        // Ratis replays from the snapshot; the store may be further ahead and skips what it has.
        setLastAppliedTermIndex(snap.getTermIndex());
      }
      LOG.info("{}: metadata store open at {} (snapshot {})", getId(), opened.applied(), snap == null ? "none" : snap.getTermIndex());
    } finally {
      storeLock.writeLock().unlock();
    }
  }

  @Override
  public TransactionContext startTransaction(RaftClientRequest request) throws IOException {
    MetaRequest parsed = parse(request.getMessage().getContent().toByteArray());
    if (parsed.getFormatVersion() != Command.FORMAT_VERSION) {
      throw new IOException("unsupported metadata request format version " + parsed.getFormatVersion());
    }
    Command command = new Command(clock.millis(), maxBucketsPerAccount, metaGroups, parsed);
    return TransactionContext.newBuilder()
        .setStateMachine(this)
        .setClientRequest(request)
        .setLogData(ByteString.copyFrom(command.encode()))
        .build();
  }

  @Override
  @SuppressWarnings("deprecation")
  public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
    LogEntryProto entry = trx.getLogEntry();
    long term = entry.getTerm();
    long index = entry.getIndex();
    Command command = Command.decode(entry.getStateMachineLogEntry().getLogData().toByteArray());
    MetaReply reply;
    storeLock.readLock().lock();
    try {
      AppliedPosition held = store.applied();
      if (index <= held.index()) {
        reply = MetaReply.newBuilder().setFormatVersion(ApplyResult.REPLY_FORMAT_VERSION)
            .setError(io.moraine.proto.meta.v1.Error.newBuilder().setCode(ALREADY_APPLIED)
                .setMessage("entry " + index + " was applied before a restart; its reply was not kept"))
            .build();
      } else {
        reply = core.apply(term, index, command).toReply();
      }
      updateLastAppliedTermIndex(term, index);
    } finally {
      storeLock.readLock().unlock();
    }
    return CompletableFuture.completedFuture(Message.valueOf(ByteString.copyFrom(reply.toByteArray())));
  }

  @Override
  public CompletableFuture<Message> query(Message request) {
    try {
      MetaRequest parsed = parse(request.getContent().toByteArray());
      MetaReply reply;
      if (parsed.getFormatVersion() != Command.FORMAT_VERSION) {
        reply = new ApplyResult.Invalid("unsupported metadata request format version " + parsed.getFormatVersion()).toReply();
      } else {
        storeLock.readLock().lock();
        try {
          reply = core.query(parsed).toReply();
        } finally {
          storeLock.readLock().unlock();
        }
      }
      return CompletableFuture.completedFuture(Message.valueOf(ByteString.copyFrom(reply.toByteArray())));
    } catch (IOException | RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public long takeSnapshot() throws IOException {
    storeLock.readLock().lock();
    try {
      TermIndex last = getLastAppliedTermIndex();
      AppliedPosition held = store.applied();
      SnapshotInfo current = snapshots.getLatestSnapshot();
      if (last == null || held.index() != last.getIndex()) {
        // Still replaying entries the store already holds: the checkpoint would not match `last`.
        LOG.info("{}: snapshot skipped, store at {} while Ratis applied {}", getId(), held, last);
        return current == null ? NO_SNAPSHOT : current.getIndex();
      }
      if (current != null && current.getIndex() >= last.getIndex()) {
        return current.getIndex();
      }
      Path tmp = snapshots.tmpDir().resolve("checkpoint-" + last.getTerm() + "_" + last.getIndex());
      SnapshotStore.deleteTree(tmp);
      store.checkpoint(tmp); // throws on failure: nothing is published
      snapshots.publish(tmp, last);
      snapshots.cleanupOldSnapshots(null);
      LOG.info("{}: snapshot taken at {}", getId(), last);
      return last.getIndex();
    } finally {
      storeLock.readLock().unlock();
    }
  }

  private static final long NO_SNAPSHOT = -1;

  @Override
  public void close() throws IOException {
    storeLock.writeLock().lock();
    try {
      if (store != null) {
        store.close();
        store = null;
        core = null;
      }
    } finally {
      storeLock.writeLock().unlock();
    }
    super.close();
  }

  private static MetaRequest parse(byte[] bytes) throws InvalidProtocolBufferException {
    return MetaRequest.parseFrom(bytes);
  }
}
