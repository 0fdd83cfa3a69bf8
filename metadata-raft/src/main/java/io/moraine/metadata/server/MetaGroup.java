package io.moraine.metadata.server;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;

/** Derives the Raft group (id and peers) from a group name and the peer list, the same everywhere. */
public final class MetaGroup {
  private MetaGroup() {}

  /** {@code moraine-meta-group-<name>} hashed (UUID v3): stable across restarts and processes. */
  public static RaftGroupId groupId(String groupName) {
    return RaftGroupId.valueOf(UUID.nameUUIDFromBytes(("moraine-meta-group-" + groupName).getBytes(StandardCharsets.UTF_8)));
  }

  public static RaftGroup group(String groupName, List<MetaPeer> peers) {
    return RaftGroup.valueOf(groupId(groupName), peers.stream().map(MetaGroup::peer).toList());
  }

  public static RaftPeer peer(MetaPeer p) {
    return RaftPeer.newBuilder().setId(RaftPeerId.valueOf(p.nodeId())).setAddress(p.address()).build();
  }
}
