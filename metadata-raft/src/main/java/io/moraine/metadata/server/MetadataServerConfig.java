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
 * @param peers every member of the group, this one included (3 or 5; the same list on every peer,
 *     or they form different groups)
 * @param groupName name the Raft group id is derived from; every peer and client must agree
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
    String groupName,
    int maxBucketsPerAccount,
    long electionTimeoutMinMillis,
    long electionTimeoutMaxMillis,
    long snapshotThresholdEntries,
    long logSegmentSizeMaxBytes) {

  public static final String DEFAULT_GROUP_NAME = "meta-1";
  public static final int DEFAULT_MAX_BUCKETS_PER_ACCOUNT = 100;

  public MetadataServerConfig {
    peers = List.copyOf(peers);
  }

  /** The usual settings: group {@value #DEFAULT_GROUP_NAME}, 100 buckets, 1–2 s elections. */
  public static MetadataServerConfig of(String nodeId, String host, int raftPort, Path dataDir, List<MetaPeer> peers) {
    return new MetadataServerConfig(nodeId, host, raftPort, dataDir, peers, DEFAULT_GROUP_NAME,
        DEFAULT_MAX_BUCKETS_PER_ACCOUNT, 1000, 2000, 100_000, 8L << 20).validate();
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
    if (groupName == null || groupName.isEmpty()) {
      throw new IllegalArgumentException("groupName is empty");
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
