package io.moraine.metadata.server;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;

/**
 * Derives the Raft groups (ids and peers) from group names and the peer list, the same
 * everywhere. Groups are named {@code g1..gN}; g1 is also the bucket directory.
 */
public final class MetaGroup {
  private MetaGroup() {}

  /** The name of group number {@code n} (1-based): {@code gN}. */
  public static String name(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("group number " + n + " < 1");
    }
    return "g" + n;
  }

  /** {@code g1..gN}. */
  public static List<String> names(int groups) {
    return java.util.stream.IntStream.rangeClosed(1, groups).mapToObj(MetaGroup::name).toList();
  }

  /** The group number of a name from {@link #name}, or -1 when it is not one. */
  public static int number(RaftGroupId id, int maxGroups) {
    for (int n = 1; n <= maxGroups; n++) {
      if (groupId(name(n)).equals(id)) {
        return n;
      }
    }
    return -1;
  }

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
