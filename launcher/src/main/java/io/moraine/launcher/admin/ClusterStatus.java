package io.moraine.launcher.admin;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.moraine.metadata.api.Bucket;
import io.moraine.metadata.api.DataLayout;
import io.moraine.metadata.api.ListPage;
import io.moraine.metadata.api.ListRequest;
import io.moraine.metadata.api.ObjectSummary;
import io.moraine.metadata.api.ObjectVersion;
import io.moraine.metadata.api.Segment;
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
 * are counted by walking every object's manifest now (a shard is missing when the node holding it
 * is down), so the line is exact even between repair passes.
 */
final class ClusterStatus {

  private final CuratorFramework zk;
  private final RaftMetadataClient meta;
  private final List<MetaPeer> peers;
  private final int groups;

  ClusterStatus(CuratorFramework zk, RaftMetadataClient meta, List<MetaPeer> peers, int groups) {
    this.zk = zk;
    this.meta = meta;
    this.peers = peers;
    this.groups = groups;
  }

  List<String> lines() throws Exception {
    List<String> lines = new ArrayList<>();
    for (GroupStatus group : MetadataAdmin.status(peers, groups, 3_000)) {
      lines.add(group.line());
    }
    Set<String> down = new TreeSet<>();
    Set<String> draining = new TreeSet<>();
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
        } else {
          down.add(node.nodeId());
        }
        if (node.state() == NodeInfo.NodeState.DRAINING) {
          draining.add(node.nodeId());
        }
        lines.add("node " + node.nodeId() + " az " + node.az() + " state " + state + " used " + used + " total " + total);
      }
    }
    Set<String> watched = new TreeSet<>(down);
    watched.addAll(draining);
    java.util.Map<String, Long> shardsOn = watched.isEmpty() ? java.util.Map.of() : countShardsOn(watched);
    long missing = down.stream().mapToLong(n -> shardsOn.getOrDefault(n, 0L)).sum();
    lines.add(missing == 0 ? "redundancy: full" : "redundancy: degraded (" + missing + " shards missing)");
    for (String node : draining) {
      // Drain progress: the node may be removed once this reaches 0.
      lines.add("drain " + node + " shards-left " + shardsOn.getOrDefault(node, 0L));
    }
    RepairProgress repair = RepairService.readProgress(zk).orElse(RepairProgress.empty());
    lines.addAll(repair.statusLines());
    return lines;
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
    long left = countShardsOn(Set.of(nodeId)).getOrDefault(nodeId, 0L);
    return left == 0 ? java.util.Optional.empty()
        : java.util.Optional.of("shards-left " + left + " (wait for shards-left 0)");
  }

  private static HealthResponse health(NodeInfo node) {
    ManagedChannel channel = NettyChannelBuilder.forAddress(node.host(), node.grpcPort()).usePlaintext().build();
    try {
      return ShardServiceGrpc.newBlockingStub(channel).withDeadlineAfter(3, TimeUnit.SECONDS)
          .health(HealthRequest.getDefaultInstance());
    } catch (RuntimeException unreachable) {
      return null;
    } finally {
      channel.shutdownNow();
    }
  }

  private java.util.Map<String, Long> countShardsOn(Set<String> nodes) {
    java.util.Map<String, Long> count = new java.util.TreeMap<>();
    for (Bucket bucket : meta.listAllBuckets()) {
      String after = "";
      while (true) {
        ListPage page = meta.listObjects(bucket.name(), new ListRequest("", "", after, 1000));
        for (ObjectSummary summary : page.contents()) {
          ObjectVersion v = meta.getObject(bucket.name(), summary.key()).orElse(null);
          if (v != null && v.layout() instanceof DataLayout.Segments segments) {
            for (Segment segment : segments.segments()) {
              segment.shardNodes().stream().filter(nodes::contains).forEach(n -> count.merge(n, 1L, Long::sum));
            }
          }
        }
        if (!page.truncated()) {
          break;
        }
        after = page.nextMarker();
      }
    }
    return count;
  }
}
