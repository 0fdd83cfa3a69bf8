package io.moraine.metadata.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.GroupManagementRequest;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.rpc.SupportedRpcType;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One metadata peer: a Ratis server (gRPC, one port) hosting every metadata group {@code g1..gN},
 * each a {@link MetadataStateMachine} made by a {@code StateMachine.Registry}, each with its own
 * log, RocksDB and snapshots under {@code dataDir/ratis/<group-uuid>/}.
 *
 * <p>Fault model: all state is under {@code dataDir}. On start Ratis loads every group directory
 * it finds (RECOVER), with the membership recorded in that group's log, not the configured peers.
 * A group with no directory here is created from the configured peers (first start, or a peer
 * whose disk was wiped: it then catches up from the leader, by snapshot install when the log was
 * purged) — unless the peer starts with {@code join}, when it waits for an operator to add it
 * to each group online. Reads are linearizable (ReadIndex, {@code raft.server.read.option=LINEARIZABLE}).
 */
public final class MetadataServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MetadataServer.class);

  private final MetadataServerConfig config;
  private final InstantSource clock;
  private final AtomicLong callIds = new AtomicLong();
  private final io.moraine.metadata.tls.RaftTls tls;
  private RaftServer server;

  public MetadataServer(MetadataServerConfig config, InstantSource clock) {
    this(config, clock, null);
  }

  /** {@code tlsOrNull}: serve (and talk to the other peers over) mutual TLS only; null: plaintext. */
  public MetadataServer(MetadataServerConfig config, InstantSource clock, io.moraine.metadata.tls.RaftTls tlsOrNull) {
    this.config = config.validate();
    this.clock = clock;
    this.tls = tlsOrNull;
  }

  public MetadataServerConfig config() {
    return config;
  }

  /** Starts the peer; returns once its RPC server is listening (the groups elect leaders soon after). */
  public synchronized MetadataServer start() {
    if (server != null) {
      throw new IllegalStateException(config.nodeId() + " already started");
    }
    Path ratisDir = config.dataDir().resolve("ratis");
    List<String> created = new ArrayList<>();
    try {
      Files.createDirectories(ratisDir);
      // No group in the builder: Ratis loads every group dir it finds (membership from its log);
      // missing groups are added below through the group management API.
      server = RaftServer.newBuilder()
          .setServerId(RaftPeerId.valueOf(config.nodeId()))
          .setProperties(properties(ratisDir))
          .setParameters(io.moraine.metadata.tls.RaftTls.parameters(tls))
          .setStateMachineRegistry(groupId -> new MetadataStateMachine(clock, config.maxBucketsPerAccount(), config.groups()))
          .setOption(RaftStorage.StartupOption.RECOVER)
          .build();
      server.start();
      boolean holdsAny = false;
      for (String name : MetaGroup.names(config.groups())) {
        holdsAny |= Files.isDirectory(groupDir(ratisDir, name));
      }
      // A joining peer, or one that already holds groups (it was joined, or started before),
      // never creates groups from config: that could form a second group with a stale membership.
      if (!config.join() && !holdsAny) {
        for (String name : MetaGroup.names(config.groups())) {
          addGroup(MetaGroup.group(name, config.peers()));
          created.add(name);
        }
      }
    } catch (IOException e) {
      closeQuietlyAfter(e);
      throw new UncheckedIOException(config.nodeId() + ": cannot start metadata peer in " + config.dataDir(), e);
    }
    LOG.info("{}: metadata peer started on {}:{} with {} groups (created from config: {}; join {})", config.nodeId(),
        config.host(), config.raftPort(), config.groups(), created, config.join());
    return this;
  }

  private static Path groupDir(Path ratisDir, String name) {
    return ratisDir.resolve(MetaGroup.groupId(name).getUuid().toString());
  }

  private void addGroup(RaftGroup group) throws IOException {
    RaftClientReply reply = server.groupManagement(GroupManagementRequest.newAdd(ClientId.emptyClientId(),
        server.getId(), callIds.incrementAndGet(), group));
    if (!reply.isSuccess()) {
      throw reply.getException() != null ? reply.getException() : new IOException("adding group " + group + " failed: " + reply);
    }
  }

  private void closeQuietlyAfter(IOException cause) {
    if (server != null) {
      try {
        server.close();
      } catch (IOException e) {
        cause.addSuppressed(e);
      } finally {
        server = null;
      }
    }
  }

  private RaftProperties properties(Path ratisDir) {
    RaftProperties p = new RaftProperties();
    RaftConfigKeys.Rpc.setType(p, SupportedRpcType.GRPC);
    GrpcConfigKeys.Server.setHost(p, config.host());
    GrpcConfigKeys.Server.setPort(p, config.raftPort());
    RaftServerConfigKeys.setStorageDir(p, List.of(ratisDir.toFile()));
    // Ratis 3.x defaults to DEFAULT (leader answers from its own state, without confirming it is
    // still leader): a deposed leader could serve stale reads. LINEARIZABLE = ReadIndex.
    RaftServerConfigKeys.Read.setOption(p, RaftServerConfigKeys.Read.Option.LINEARIZABLE);
    RaftServerConfigKeys.Rpc.setTimeoutMin(p, TimeDuration.valueOf(config.electionTimeoutMinMillis(), TimeUnit.MILLISECONDS));
    RaftServerConfigKeys.Rpc.setTimeoutMax(p, TimeDuration.valueOf(config.electionTimeoutMaxMillis(), TimeUnit.MILLISECONDS));
    RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, true);
    RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(p, config.snapshotThresholdEntries());
    RaftServerConfigKeys.Snapshot.setRetentionFileNum(p, 2);
    // Keep the log until a snapshot covers it; lagging peers beyond that catch up by install.
    RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(p, true);
    // Purge at most once per snapshot interval (Ratis's default gap is 1024 entries).
    RaftServerConfigKeys.Log.setPurgeGap(p, (int) Math.min(1024, config.snapshotThresholdEntries()));
    RaftServerConfigKeys.Log.Appender.setInstallSnapshotEnabled(p, true);
    RaftServerConfigKeys.Log.setSegmentSizeMax(p, SizeInBytes.valueOf(config.logSegmentSizeMaxBytes()));
    return p;
  }

  /** The underlying Ratis server (for status and tests). */
  public synchronized RaftServer raftServer() {
    if (server == null) {
      throw new IllegalStateException(config.nodeId() + " not started");
    }
    return server;
  }

  /** The groups this peer currently hosts. */
  public synchronized List<RaftGroupId> groupIds() {
    List<RaftGroupId> ids = new ArrayList<>();
    raftServer().getGroupIds().forEach(ids::add);
    return ids;
  }

  @Override
  public synchronized void close() {
    if (server == null) {
      return;
    }
    try {
      server.close();
    } catch (IOException e) {
      throw new UncheckedIOException(config.nodeId() + ": error closing metadata peer", e);
    } finally {
      server = null;
    }
    LOG.info("{}: metadata peer stopped", config.nodeId());
  }
}
