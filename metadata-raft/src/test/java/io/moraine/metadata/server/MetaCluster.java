package io.moraine.metadata.server;

import io.moraine.metadata.client.RaftMetadataClient;
import io.moraine.metadata.client.RaftMetadataClientConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * 3 metadata peers hosting {@link #groups} groups on loopback for tests: free ports, one data
 * dir per peer; plus optional spare peers that start with {@code join} (for membership tests).
 */
final class MetaCluster implements AutoCloseable {
  /** The initial members of every group. */
  final List<MetaPeer> peers = new ArrayList<>();
  /** The members, then the spares. */
  final List<MetaPeer> all = new ArrayList<>();
  final MetadataServer[] servers;
  final int groups = 2;
  private final Path root;
  private final List<RaftMetadataClient> clients = new ArrayList<>();
  private final SplittableRandom random = new SplittableRandom(42);
  long snapshotThreshold = 100_000;
  long segmentBytes = 8L << 20;
  /** Mutual TLS of every peer and client made from now on (RaftTlsTest); null: plaintext. */
  io.moraine.metadata.tls.RaftTls tls;

  MetaCluster(Path root, int size) {
    this(root, size, 0);
  }

  MetaCluster(Path root, int size, int spares) {
    this.root = root;
    this.servers = new MetadataServer[size + spares];
    for (int i = 1; i <= size + spares; i++) {
      MetaPeer p = new MetaPeer("meta-" + i, "127.0.0.1", freePort());
      all.add(p);
      if (i <= size) {
        peers.add(p);
      }
    }
  }

  /** Starts the members (not the spares). */
  MetaCluster startAll() {
    for (int i = 0; i < peers.size(); i++) {
      start(i);
    }
    return this;
  }

  MetadataServer start(int i) {
    MetaPeer p = all.get(i);
    boolean spare = i >= peers.size();
    List<MetaPeer> configured = new ArrayList<>(peers);
    if (spare) {
      configured.add(p);
    }
    MetadataServerConfig cfg = new MetadataServerConfig(p.nodeId(), p.host(), p.port(), root.resolve(p.nodeId()),
        configured, groups, spare, 100, 300, 600, snapshotThreshold, segmentBytes).validate();
    servers[i] = new MetadataServer(cfg, InstantSource.system(), tls).start();
    return servers[i];
  }

  void stop(int i) {
    if (servers[i] != null) {
      servers[i].close();
      servers[i] = null;
    }
  }

  RaftMetadataClient client() {
    return client(new RaftMetadataClientConfig(groups, 2_000, 100, 30_000));
  }

  RaftMetadataClient client(RaftMetadataClientConfig cfg) {
    List<MetaPeer> fixed = List.copyOf(all);
    RaftMetadataClient c = RaftMetadataClient.connect(() -> fixed, cfg, random.split(), tls);
    clients.add(c);
    return c;
  }

  /** Index of the current leader of g1, or -1. */
  int leaderIndex() {
    return leaderIndex(1);
  }

  /** Index of the current leader of group {@code group} (1-based), or -1. */
  int leaderIndex(int group) {
    for (int i = 0; i < servers.length; i++) {
      if (servers[i] != null && hosts(i, group)) {
        try {
          var division = servers[i].raftServer().getDivision(MetaGroup.groupId(MetaGroup.name(group)));
          if (division.getInfo().isLeader() && division.getInfo().isLeaderReady()) {
            return i;
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    return -1;
  }

  boolean hosts(int i, int group) {
    return servers[i] != null && servers[i].groupIds().contains(MetaGroup.groupId(MetaGroup.name(group)));
  }

  /** The state machine dir of group {@code group} on peer {@code i}. */
  Path dbDir(int i, int group) {
    return root.resolve(all.get(i).nodeId()).resolve("ratis")
        .resolve(MetaGroup.groupId(MetaGroup.name(group)).getUuid().toString()).resolve("sm").resolve("db");
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    for (RaftMetadataClient c : clients) {
      c.close();
    }
    for (int i = 0; i < servers.length; i++) {
      stop(i);
    }
  }
}
