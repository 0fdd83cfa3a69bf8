package io.moraine.metadata.server;

import java.nio.file.Path;
import java.util.List;

/**
 * Configuration of one metadata peer.
 *
 * @param nodeId this peer's id ({@code meta-N}); must be one of {@code peers}
 * @param host address the Raft gRPC server binds to
 * @param raftPort port of the Raft gRPC server (clients and peers); must match this peer's entry
 * @param dataDir the peer's durable state (Ratis log, RocksDB, snapshots); reused across restarts.
 *     Two peers sharing one dir corrupt each other.
 * @param peers the initial members of every group, this one included (3 or 5; the same list on
 *     every peer). Used only when a group is first created on this peer: after that, membership
 *     comes from the group's log (online changes through the admin commands)
 * @param groups number of Raft groups ({@code g1..gN}) every peer hosts on its one server and
 *     port; g1 is also the bucket directory. Every peer and client must agree; it can not shrink
 * @param join start with no group: an operator adds this peer to every group online
 *     ({@code bin/moraine admin meta add}). Ignored once the peer holds groups on disk
 * @param maxBucketsPerAccount bucket limit the leader writes into each CreateBucket entry
 * @param electionTimeoutMinMillis lower bound of the randomized election timeout: too low and a
 *     GC pause on a busy box triggers needless elections; too high and failover is slow
 * @param electionTimeoutMaxMillis upper bound; must exceed the min
 * @param snapshotThresholdEntries log entries between automatic snapshots (a checkpoint each)
 * @param logSegmentSizeMaxBytes size of one Raft log segment file; the log is purged a whole
 *     closed segment at a time once a snapshot covers it, so this bounds the log kept beyond the
 *     snapshot (too small: many files; too large: slow restarts replaying it)
 */
public record MetadataServerConfig(
    String nodeId,
    String host,
    int raftPort,
    Path dataDir,
    List<MetaPeer> peers,
    int groups,
    boolean join,
    int maxBucketsPerAccount,
    long electionTimeoutMinMillis,
    long electionTimeoutMaxMillis,
    long snapshotThresholdEntries,
    long logSegmentSizeMaxBytes) {

  public static final int DEFAULT_GROUPS = 2;
  /** More groups would each add a log, a RocksDB and election traffic per peer. */
  public static final int MAX_GROUPS = 64;
  public static final int DEFAULT_MAX_BUCKETS_PER_ACCOUNT = 100;

  public MetadataServerConfig {
    peers = List.copyOf(peers);
  }

  /** The usual settings: {@value #DEFAULT_GROUPS} groups, 100 buckets, 1–2 s elections. */
  public static MetadataServerConfig of(String nodeId, String host, int raftPort, Path dataDir, List<MetaPeer> peers) {
    return new MetadataServerConfig(nodeId, host, raftPort, dataDir, peers, DEFAULT_GROUPS, false,
        DEFAULT_MAX_BUCKETS_PER_ACCOUNT, 1000, 2000, 100_000, 8L << 20).validate();
  }

  public MetadataServerConfig withGroups(int newGroups) {
    return new MetadataServerConfig(nodeId, host, raftPort, dataDir, peers, newGroups, join, maxBucketsPerAccount,
        electionTimeoutMinMillis, electionTimeoutMaxMillis, snapshotThresholdEntries, logSegmentSizeMaxBytes).validate();
  }

  public MetadataServerConfig withJoin(boolean newJoin) {
    return new MetadataServerConfig(nodeId, host, raftPort, dataDir, peers, groups, newJoin, maxBucketsPerAccount,
        electionTimeoutMinMillis, electionTimeoutMaxMillis, snapshotThresholdEntries, logSegmentSizeMaxBytes).validate();
  }

  public MetadataServerConfig withMaxBucketsPerAccount(int max) {
    return new MetadataServerConfig(nodeId, host, raftPort, dataDir, peers, groups, join, max,
        electionTimeoutMinMillis, electionTimeoutMaxMillis, snapshotThresholdEntries, logSegmentSizeMaxBytes).validate();
  }

  public MetadataServerConfig withSnapshotThresholdEntries(long entries) {
    return new MetadataServerConfig(nodeId, host, raftPort, dataDir, peers, groups, join, maxBucketsPerAccount,
        electionTimeoutMinMillis, electionTimeoutMaxMillis, entries, logSegmentSizeMaxBytes).validate();
  }

  public MetadataServerConfig validate() {
    if (nodeId == null || nodeId.isEmpty()) {
      throw new IllegalArgumentException("nodeId is empty");
    }
    MetaPeer self = peers.stream().filter(p -> p.nodeId().equals(nodeId)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException(nodeId + " is not among peers " + peers));
    if (self.port() != raftPort) {
      throw new IllegalArgumentException(nodeId + ": raftPort " + raftPort + " differs from its peer entry " + self);
    }
    if (peers.stream().map(MetaPeer::nodeId).distinct().count() != peers.size()) {
      throw new IllegalArgumentException("duplicate node ids in " + peers);
    }
    if (dataDir == null) {
      throw new IllegalArgumentException("dataDir is null");
    }
    if (groups < 1 || groups > MAX_GROUPS) {
      throw new IllegalArgumentException("groups " + groups + " not in 1.." + MAX_GROUPS);
    }
    if (maxBucketsPerAccount < 1) {
      throw new IllegalArgumentException("maxBucketsPerAccount " + maxBucketsPerAccount + " < 1");
    }
    if (electionTimeoutMinMillis < 50 || electionTimeoutMaxMillis <= electionTimeoutMinMillis) {
      throw new IllegalArgumentException("election timeout " + electionTimeoutMinMillis + ".." + electionTimeoutMaxMillis + " ms");
    }
    if (snapshotThresholdEntries < 1) {
      throw new IllegalArgumentException("snapshotThresholdEntries " + snapshotThresholdEntries + " < 1");
    }
    if (logSegmentSizeMaxBytes < 4096) {
      throw new IllegalArgumentException("logSegmentSizeMaxBytes " + logSegmentSizeMaxBytes + " < 4096");
    }
    return this;
  }
}
