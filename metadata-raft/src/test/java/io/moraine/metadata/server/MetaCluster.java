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

/** A 3-peer metadata group on loopback for tests: free ports, one data dir per peer. */
final class MetaCluster implements AutoCloseable {
  final List<MetaPeer> peers = new ArrayList<>();
  final MetadataServer[] servers;
  private final Path root;
  private final List<RaftMetadataClient> clients = new ArrayList<>();
  private final SplittableRandom random = new SplittableRandom(42);
  long snapshotThreshold = 100_000;
  long segmentBytes = 8L << 20;

  MetaCluster(Path root, int size) {
    this.root = root;
    this.servers = new MetadataServer[size];
    for (int i = 1; i <= size; i++) {
      peers.add(new MetaPeer("meta-" + i, "127.0.0.1", freePort()));
    }
  }

  MetaCluster startAll() {
    for (int i = 0; i < servers.length; i++) {
      start(i);
    }
    return this;
  }

  MetadataServer start(int i) {
    MetaPeer p = peers.get(i);
    MetadataServerConfig cfg = new MetadataServerConfig(p.nodeId(), p.host(), p.port(), root.resolve(p.nodeId()),
        peers, MetadataServerConfig.DEFAULT_GROUP_NAME, 100, 300, 600, snapshotThreshold, segmentBytes).validate();
    servers[i] = new MetadataServer(cfg, InstantSource.system()).start();
    return servers[i];
  }

  void stop(int i) {
    if (servers[i] != null) {
      servers[i].close();
      servers[i] = null;
    }
  }

  RaftMetadataClient client() {
    return client(new RaftMetadataClientConfig(MetadataServerConfig.DEFAULT_GROUP_NAME, 2_000, 100, 30_000));
  }

  RaftMetadataClient client(RaftMetadataClientConfig cfg) {
    RaftMetadataClient c = RaftMetadataClient.connect(peers, cfg, random.split());
    clients.add(c);
    return c;
  }

  /** Index of the current leader, or -1. */
  int leaderIndex() {
    for (int i = 0; i < servers.length; i++) {
      if (servers[i] != null) {
        try {
          var division = servers[i].raftServer().getDivision(MetaGroup.groupId(MetadataServerConfig.DEFAULT_GROUP_NAME));
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
