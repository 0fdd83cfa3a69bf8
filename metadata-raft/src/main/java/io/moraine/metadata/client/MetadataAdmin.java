package io.moraine.metadata.client;

import io.moraine.metadata.server.MetaGroup;
import io.moraine.metadata.server.MetaPeer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.util.List;
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
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.rpc.SupportedRpcType;
import org.apache.ratis.util.TimeDuration;

/**
 * Operator queries on a metadata group. Asks every peer for its role (one attempt each, short
 * timeout, so a dead peer costs one timeout, not a retry loop); the leader is the peer that says
 * it is LEADER. During an election there may be none.
 */
public final class MetadataAdmin {
  private MetadataAdmin() {}

  public static GroupStatus status(List<MetaPeer> peers, String groupName, long timeoutMillis) {
    RaftGroup group = MetaGroup.group(groupName, peers);
    RaftProperties p = new RaftProperties();
    RaftConfigKeys.Rpc.setType(p, SupportedRpcType.GRPC);
    RaftClientConfigKeys.Rpc.setRequestTimeout(p, TimeDuration.valueOf(timeoutMillis, TimeUnit.MILLISECONDS));
    SecureRandom random = new SecureRandom();
    Optional<String> leader = Optional.empty();
    try (RaftClient client = RaftClient.newBuilder()
        .setClientId(ClientId.valueOf(new UUID(random.nextLong(), random.nextLong())))
        .setRaftGroup(group).setProperties(p).setRetryPolicy(RetryPolicies.noRetry()).build()) {
      for (MetaPeer peer : peers) {
        try {
          GroupInfoReply info = client.getGroupManagementApi(RaftPeerId.valueOf(peer.nodeId())).info(group.getGroupId());
          if (info.isSuccess() && info.getRoleInfoProto().getRole() == RaftPeerRole.LEADER) {
            leader = Optional.of(peer.nodeId());
            break;
          }
        } catch (IOException unreachable) {
          // A down peer is an expected state here, not an error: status reports what is up.
          continue;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("closing admin client", e);
    }
    List<String> ids = peers.stream().map(MetaPeer::nodeId).sorted().toList();
    return new GroupStatus(groupName, group.getGroupId().getUuid().toString(), leader, ids);
  }
}
