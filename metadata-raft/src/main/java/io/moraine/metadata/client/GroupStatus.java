package io.moraine.metadata.client;

import java.util.List;
import java.util.Optional;

/**
 * The state of one metadata group as {@code bin/moraine admin status} prints it.
 *
 * @param groupName the group name ({@code g1} for the first group, the directory)
 * @param groupId the Raft group id (a UUID derived from the name)
 * @param leader the node id of the current leader, empty while none is known
 * @param peers the member node ids, sorted
 */
public record GroupStatus(String groupName, String groupId, Optional<String> leader, List<String> peers) {
  /** {@code group g1 leader meta-2 peers meta-1,meta-2,meta-3}; leader "none" when unknown. */
  public String line() {
    return "group " + groupName + " leader " + leader.orElse("none") + " peers " + String.join(",", peers);
  }
}
