package io.moraine.launcher.admin;

import io.grpc.ManagedChannel;
import io.moraine.metadata.client.MetadataAdmin;
import io.moraine.metadata.client.RaftMetadataClient;
import io.moraine.metadata.server.MetaPeer;
import io.moraine.metadata.client.GroupStatus;
import io.moraine.placement.NodeInfo;
import io.moraine.placement.zk.ZkPlacementView;
import io.moraine.proto.storage.v1.DiskInfo;
import io.moraine.proto.storage.v1.HealthRequest;
import io.moraine.proto.storage.v1.HealthResponse;
import io.moraine.proto.storage.v1.ShardServiceGrpc;
import io.moraine.repair.RepairProgress;
import io.moraine.repair.RepairService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;

/**
 * The lines of `admin status` (DESIGN.md, Contracts): one {@code group G leader NODE_ID peers ...}
 * per metadata group, one {@code node NODE_ID az AZ state up|down|draining used BYTES total BYTES}
 * per storage node, and exactly one redundancy line, then the repair service's progress
 * ({@code repair leader ...}, {@code scrub passes ...}) from its record in ZooKeeper. Missing shards
 * are counted by walking every manifest now ({@link Inventory#shardsByNode}: every stored version
 * and upload part; a shard is missing when the node holding it is down), so the line is exact
 * even between repair passes. Also the lines of {@code node list}.
 */
final class ClusterStatus {

  private final CuratorFramework zk;
  private final RaftMetadataClient meta;
  private final List<MetaPeer> peers;
  private final int groups;

  private final io.moraine.tls.TlsFiles shardTls; // null: plaintext shard gRPC

  ClusterStatus(CuratorFramework zk, RaftMetadataClient meta, List<MetaPeer> peers, int groups) {
    this(zk, meta, peers, groups, null);
  }

  /** {@code shardTlsOrNull}: the certificate to ask storage nodes for their usage over mutual TLS. */
  ClusterStatus(CuratorFramework zk, RaftMetadataClient meta, List<MetaPeer> peers, int groups,
      io.moraine.tls.TlsFiles shardTlsOrNull) {
    this.shardTls = shardTlsOrNull;
    this.zk = zk;
    this.meta = meta;
    this.peers = peers;
    this.groups = groups;
  }

  List<Line> lines() throws Exception {
    List<Line> lines = new ArrayList<>();
    for (GroupStatus group : MetadataAdmin.status(meta.tls(), peers, groups, 3_000)) {
      lines.add(Line.Group.of(group));
    }
    Set<String> down = new TreeSet<>();
    Set<String> draining = new TreeSet<>();
    for (Polled p : pollNodes()) {
      if (p.info().state() == NodeInfo.NodeState.DOWN) {
        down.add(p.info().nodeId());
      } else if (p.info().state() == NodeInfo.NodeState.DRAINING) {
        draining.add(p.info().nodeId());
      }
      lines.add(p.line());
    }
    // Walk the manifests only when a node is down or draining: a healthy cluster's status stays cheap.
    java.util.Map<String, Long> shardsOn = down.isEmpty() && draining.isEmpty() ? java.util.Map.of()
        : new Inventory(meta).shardsByNode();
    long missing = down.stream().mapToLong(n -> shardsOn.getOrDefault(n, 0L)).sum();
    lines.add(new Line.Redundancy(missing));
    for (String node : draining) {
      // Drain progress: the node may be removed once this reaches 0.
      lines.add(new Line.Drain(node, shardsOn.getOrDefault(node, 0L)));
    }
    RepairProgress repair = RepairService.readProgress(zk).orElse(RepairProgress.empty());
    lines.addAll(Line.of(repair));
    lines.add(Line.Lifecycle.of(io.moraine.launcher.role.LifecycleService.readProgress(zk)
        .orElse(io.moraine.gateway.lifecycle.LifecycleProgress.empty())));
    lines.add(Line.SseRewrap.of(io.moraine.launcher.role.SseRewrapService.readProgress(zk)
        .orElse(io.moraine.gateway.crypto.RewrapProgress.empty())));
    lines.add(Line.Tiering.of(io.moraine.launcher.role.TieringService.readProgress(zk)
        .orElse(io.moraine.gateway.tiering.TieringProgress.empty())));
    // Pending and kept counts straight from the restore index (current); totals from the leader's record.
    io.moraine.proto.meta.v1.RestoreReply index = meta.listRestoreJobs(
        io.moraine.proto.meta.v1.ListRestoreJobs.newBuilder().setDueBeforeMillis(1).setLimit(1).build());
    io.moraine.launcher.role.RestoreService.Progress restore = io.moraine.launcher.role.RestoreService.progressFields(zk);
    lines.add(new Line.Restore(restore.leader(), index.getOngoingCount(), index.getRestoredCount(),
        restore.counters().completed(), restore.counters().expired(), restore.counters().bytesRestored()));
    return lines;
  }

  /**
   * {@code node list}: every storage node's status line with its gRPC address and the shards the
   * manifests place on it (every stored version and upload part; for a down node, the shards
   * counted missing).
   */
  List<Line> nodeList() throws Exception {
    List<Polled> nodes = pollNodes();
    java.util.Map<String, Long> shardsOn = new Inventory(meta).shardsByNode();
    List<Line> lines = new ArrayList<>();
    for (Polled p : nodes) {
      lines.add(new Line.NodeDetail(p.line(), p.info().host() + ":" + p.info().grpcPort(),
          shardsOn.getOrDefault(p.info().nodeId(), 0L)));
    }
    return lines;
  }

  /** A member and its line: disk usage from its Health answer (0 used and its registered capacity when it does not answer). */
  private record Polled(NodeInfo info, Line.Node line) {}

  private List<Polled> pollNodes() throws Exception {
    List<Polled> polled = new ArrayList<>();
    try (ZkPlacementView view = new ZkPlacementView(zk)) {
      view.start();
      view.awaitMap(Duration.ofSeconds(10));
      for (NodeInfo node : view.nodes()) {
        String state = node.state().name().toLowerCase(java.util.Locale.ROOT);
        long used = 0;
        long total = node.capacityBytes();
        if (node.state() != NodeInfo.NodeState.DOWN) {
          HealthResponse health = health(node);
          if (health != null) {
            used = health.getDisksList().stream().mapToLong(DiskInfo::getUsedBytes).sum();
            total = health.getDisksList().stream().mapToLong(DiskInfo::getTotalBytes).sum();
          }
        }
        polled.add(new Polled(node, new Line.Node(node.nodeId(), node.az(), state, used, total)));
      }
    }
    return polled;
  }

  /** Why {@code nodeId} may not leave the membership yet, or empty when it is draining and holds no shard. */
  java.util.Optional<String> removalRefusal(String nodeId) throws Exception {
    NodeInfo node;
    try (ZkPlacementView view = new ZkPlacementView(zk)) {
      view.start();
      view.awaitMap(Duration.ofSeconds(10));
      node = view.nodes().stream().filter(n -> n.nodeId().equals(nodeId)).findFirst().orElse(null);
    }
    if (node == null) {
      return java.util.Optional.of("it is not a member");
    }
    if (node.state() != NodeInfo.NodeState.DRAINING) {
      return java.util.Optional.of("it is not draining (admin drain " + nodeId + " first)");
    }
    long left = new Inventory(meta).shardsByNode().getOrDefault(nodeId, 0L);
    return left == 0 ? java.util.Optional.empty()
        : java.util.Optional.of("shards-left " + left + " (wait for shards-left 0)");
  }

  private HealthResponse health(NodeInfo node) {
    ManagedChannel channel = io.grpc.Grpc.newChannelBuilderForAddress(node.host(), node.grpcPort(),
        io.moraine.storage.tls.GrpcTls.channel(shardTls)).build();
    try {
      return ShardServiceGrpc.newBlockingStub(channel).withDeadlineAfter(3, TimeUnit.SECONDS)
          .health(HealthRequest.getDefaultInstance());
    } catch (RuntimeException unreachable) {
      return null;
    } finally {
      channel.shutdownNow();
    }
  }
}
