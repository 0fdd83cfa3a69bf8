package io.moraine.metadata.client;

import io.moraine.metadata.server.MetaGroup;
import io.moraine.metadata.server.MetaPeer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.GroupInfoReply;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.AlreadyExistsException;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.retry.RetryPolicy;
import org.apache.ratis.rpc.SupportedRpcType;
import org.apache.ratis.util.TimeDuration;

/**
 * Operator actions on the metadata groups {@code g1..gN}: status, and online membership changes.
 *
 * <p>Status asks every known peer for its role in each group (one attempt each, short timeout, so
 * a dead peer costs one timeout, not a retry loop); the leader is the peer that says LEADER, and
 * the members are that group's own current configuration as its peers report it (it may differ
 * between groups while a change is half-way). During an election there may be no leader.
 *
 * <p>Fault model of add/remove: each group changes on its own (Raft setConfiguration, committed
 * through that group's log), one group after the other; a failure part-way leaves some groups
 * changed and others not, and rerunning the same command finishes it (each step is skipped when
 * already done).
 */
public final class MetadataAdmin {
  /** A configuration change waits for the new peer to catch up (maybe by snapshot install). */
  private static final long CHANGE_TIMEOUT_MILLIS = 60_000;

  private MetadataAdmin() {}

  /** One group's status, as {@link #status(List, int, long)} reports it. */
  public static GroupStatus status(List<MetaPeer> peers, String groupName, long timeoutMillis) {
    return status(null, peers, groupName, timeoutMillis);
  }

  /** As above, over mutual TLS when {@code tlsOrNull} is given (docs/tls.md). */
  public static GroupStatus status(io.moraine.metadata.tls.RaftTls tlsOrNull, List<MetaPeer> peers, String groupName, long timeoutMillis) {
    RaftGroup group = MetaGroup.group(groupName, peers);
    Optional<String> leader = Optional.empty();
    List<String> members = null;
    try (RaftClient client = client(tlsOrNull, group, timeoutMillis, RetryPolicies.noRetry())) {
      for (MetaPeer peer : peers) {
        GroupInfoReply info;
        try {
          info = client.getGroupManagementApi(RaftPeerId.valueOf(peer.nodeId())).info(group.getGroupId());
        } catch (IOException | RuntimeException unreachable) {
          // A down peer (or one that does not host this group) is an expected state here: status
          // reports what is up. (Ratis's gRPC transport throws an unchecked UNAVAILABLE for a refused connection.)
          continue;
        }
        if (!info.isSuccess()) {
          continue;
        }
        boolean isLeader = info.getRoleInfoProto().getRole() == RaftPeerRole.LEADER;
        if (members == null || isLeader) {
          members = info.getGroup().getPeers().stream().map(p -> p.getId().toString()).sorted().toList();
        }
        if (isLeader) {
          leader = Optional.of(peer.nodeId());
          break;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("closing admin client", e);
    }
    if (members == null) {
      // Nobody answered: show the peers asked, so the line still says which group is down.
      members = peers.stream().map(MetaPeer::nodeId).sorted().toList();
    }
    return new GroupStatus(groupName, group.getGroupId().getUuid().toString(), leader, members);
  }

  /** One line per group ({@code g1..gN}), in order. */
  public static List<GroupStatus> status(List<MetaPeer> peers, int groups, long timeoutMillis) {
    return status(null, peers, groups, timeoutMillis);
  }

  /** As above, over mutual TLS when {@code tlsOrNull} is given. */
  public static List<GroupStatus> status(io.moraine.metadata.tls.RaftTls tlsOrNull, List<MetaPeer> peers, int groups, long timeoutMillis) {
    List<GroupStatus> out = new ArrayList<>();
    for (String name : MetaGroup.names(groups)) {
      out.add(status(tlsOrNull, peers, name, timeoutMillis));
    }
    return out;
  }

  /**
   * Adds {@code newPeer} (started with {@code --join}, so it hosts no group yet) to every group:
   * the group is first added on the new peer with the new membership (so it can accept the
   * leader's appends and snapshot), then the group's leader commits the new configuration.
   * {@code known}: some current members (to find each group's membership and leader).
   */
  public static void addPeer(List<MetaPeer> known, int groups, MetaPeer newPeer) {
    addPeer(null, known, groups, newPeer);
  }

  /** As above, over mutual TLS when {@code tlsOrNull} is given. */
  public static void addPeer(io.moraine.metadata.tls.RaftTls tlsOrNull, List<MetaPeer> known, int groups, MetaPeer newPeer) {
    for (String name : MetaGroup.names(groups)) {
      Map<String, RaftPeer> conf = currentConf(tlsOrNull, known, name);
      if (conf.containsKey(newPeer.nodeId())) {
        continue; // already a member: a rerun after a partial failure
      }
      conf.put(newPeer.nodeId(), MetaGroup.peer(newPeer));
      RaftGroup target = RaftGroup.valueOf(MetaGroup.groupId(name), conf.values());
      try (RaftClient client = client(tlsOrNull, target, CHANGE_TIMEOUT_MILLIS, changeRetries())) {
        try {
          check(client.getGroupManagementApi(RaftPeerId.valueOf(newPeer.nodeId())).add(target), "add " + name + " on " + newPeer.nodeId());
        } catch (AlreadyExistsException rerun) {
          // The new peer already hosts the group (a rerun): go on to the configuration change.
          org.slf4j.LoggerFactory.getLogger(MetadataAdmin.class).info("{} already hosts {}", newPeer.nodeId(), name);
        }
        check(client.admin().setConfiguration(new ArrayList<>(conf.values())), "setConfiguration " + name);
      } catch (IOException e) {
        throw new UncheckedIOException("adding " + newPeer.nodeId() + " to group " + name, e);
      }
    }
  }

  /**
   * Removes {@code nodeId} from every group: the group's leader commits the configuration without
   * it (a leader being removed hands over first), then the group is removed from the old peer
   * when it is reachable (its directory renamed aside, not deleted). Stop that process afterwards;
   * it may only come back with {@code --join} and be added again.
   */
  public static void removePeer(List<MetaPeer> known, int groups, String nodeId) {
    removePeer(null, known, groups, nodeId);
  }

  /** As above, over mutual TLS when {@code tlsOrNull} is given. */
  public static void removePeer(io.moraine.metadata.tls.RaftTls tlsOrNull, List<MetaPeer> known, int groups, String nodeId) {
    for (String name : MetaGroup.names(groups)) {
      Map<String, RaftPeer> conf = currentConf(tlsOrNull, known, name);
      RaftPeer removed = conf.remove(nodeId);
      if (removed == null) {
        continue;
      }
      if (conf.isEmpty()) {
        throw new IllegalArgumentException(nodeId + " is the last member of group " + name);
      }
      RaftGroup target = RaftGroup.valueOf(MetaGroup.groupId(name), conf.values());
      try (RaftClient client = client(tlsOrNull, target, CHANGE_TIMEOUT_MILLIS, changeRetries())) {
        check(client.admin().setConfiguration(new ArrayList<>(conf.values())), "setConfiguration " + name);
      } catch (IOException e) {
        throw new UncheckedIOException("removing " + nodeId + " from group " + name, e);
      }
      RaftGroup withOld = RaftGroup.valueOf(MetaGroup.groupId(name), List.of(removed));
      try (RaftClient client = client(tlsOrNull, withOld, 3_000, RetryPolicies.noRetry())) {
        client.getGroupManagementApi(removed.getId()).remove(withOld.getGroupId(), false, true);
      } catch (IOException | RuntimeException unreachable) {
        // The removed peer is down (often why it is removed): the group no longer counts it either way.
        org.slf4j.LoggerFactory.getLogger(MetadataAdmin.class).info("{} not reachable to drop {}: {}", nodeId, name,
            unreachable.toString());
      }
    }
  }

  /** The group's current members (id → peer with address), from the first member that answers. */
  private static Map<String, RaftPeer> currentConf(io.moraine.metadata.tls.RaftTls tlsOrNull, List<MetaPeer> known, String name) {
    RaftGroup group = MetaGroup.group(name, known);
    RaftGroupId id = group.getGroupId();
    IOException last = null;
    try (RaftClient client = client(tlsOrNull, group, 3_000, RetryPolicies.noRetry())) {
      for (MetaPeer peer : known) {
        try {
          GroupInfoReply info = client.getGroupManagementApi(RaftPeerId.valueOf(peer.nodeId())).info(id);
          if (info.isSuccess()) {
            Map<String, RaftPeer> conf = new LinkedHashMap<>();
            info.getGroup().getPeers().stream()
                .sorted(java.util.Comparator.comparing(p -> p.getId().toString()))
                .forEach(p -> conf.put(p.getId().toString(), p));
            return conf;
          }
        } catch (IOException e) {
          last = e;
        } catch (RuntimeException unavailable) {
          // Ratis's gRPC transport reports a refused connection unchecked; try the next peer.
          last = new IOException(peer.nodeId() + " unreachable", unavailable);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("closing admin client", e);
    }
    throw new IllegalStateException("no peer of " + known + " answered for group " + name, last);
  }

  private static void check(RaftClientReply reply, String what) throws IOException {
    if (!reply.isSuccess()) {
      throw reply.getException() != null ? reply.getException() : new IOException(what + " failed: " + reply);
    }
  }

  private static RetryPolicy changeRetries() {
    return RetryPolicies.retryUpToMaximumCountWithFixedSleep(20, TimeDuration.valueOf(500, TimeUnit.MILLISECONDS));
  }

  private static RaftClient client(io.moraine.metadata.tls.RaftTls tlsOrNull, RaftGroup group, long timeoutMillis, RetryPolicy retry) {
    RaftProperties p = new RaftProperties();
    RaftConfigKeys.Rpc.setType(p, SupportedRpcType.GRPC);
    RaftClientConfigKeys.Rpc.setRequestTimeout(p, TimeDuration.valueOf(timeoutMillis, TimeUnit.MILLISECONDS));
    SecureRandom random = new SecureRandom();
    return RaftClient.newBuilder()
        .setClientId(ClientId.valueOf(new UUID(random.nextLong(), random.nextLong())))
        .setRaftGroup(group).setProperties(p).setRetryPolicy(retry)
        .setParameters(io.moraine.metadata.tls.RaftTls.parameters(tlsOrNull)).build();
  }
}
