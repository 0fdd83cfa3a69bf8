package io.moraine.metadata.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.protocol.RaftGroup;
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
 * One metadata peer: a Ratis server (gRPC) running {@link MetadataStateMachine} for the group
 * derived from {@link MetadataServerConfig#groupName()}.
 *
 * <p>Fault model: all state is under {@code dataDir} ({@code ratis/} holds the Raft log and the
 * state machine dir with RocksDB and snapshots). Starting again on the same dir recovers: the
 * Ratis storage is opened with RECOVER when it exists, FORMAT only when it does not. Reads are
 * linearizable (ReadIndex, {@code raft.server.read.option=LINEARIZABLE}).
 */
public final class MetadataServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MetadataServer.class);

  private final MetadataServerConfig config;
  private final InstantSource clock;
  private RaftServer server;

  public MetadataServer(MetadataServerConfig config, InstantSource clock) {
    this.config = config.validate();
    this.clock = clock;
  }

  public MetadataServerConfig config() {
    return config;
  }

  /** Starts the peer; returns once its RPC server is listening (the group elects a leader soon after). */
  public synchronized MetadataServer start() {
    if (server != null) {
      throw new IllegalStateException(config.nodeId() + " already started");
    }
    RaftGroup group = MetaGroup.group(config.groupName(), config.peers());
    Path ratisDir = config.dataDir().resolve("ratis");
    Path groupDir = ratisDir.resolve(group.getGroupId().getUuid().toString());
    RaftStorage.StartupOption startup = Files.isDirectory(groupDir)
        ? RaftStorage.StartupOption.RECOVER : RaftStorage.StartupOption.FORMAT;
    try {
      Files.createDirectories(ratisDir);
      server = RaftServer.newBuilder()
          .setServerId(RaftPeerId.valueOf(config.nodeId()))
          .setGroup(group)
          .setProperties(properties(ratisDir))
          .setStateMachine(new MetadataStateMachine(clock, config.maxBucketsPerAccount()))
          .setOption(startup)
          .build();
      server.start();
    } catch (IOException e) {
      throw new UncheckedIOException(config.nodeId() + ": cannot start metadata peer in " + config.dataDir(), e);
    }
    LOG.info("{}: metadata peer started on {}:{} ({} storage, group {} = {})", config.nodeId(), config.host(),
        config.raftPort(), startup, config.groupName(), group.getGroupId());
    return this;
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
