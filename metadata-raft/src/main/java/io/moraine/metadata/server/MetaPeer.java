package io.moraine.metadata.server;

/** One metadata peer: its node id ({@code meta-N}, also the Raft peer id) and Raft address. */
public record MetaPeer(String nodeId, String host, int port) {
  public MetaPeer {
    if (nodeId == null || nodeId.isEmpty() || host == null || host.isEmpty() || port <= 0 || port > 65535) {
      throw new IllegalArgumentException("bad metadata peer: " + nodeId + " " + host + ":" + port);
    }
  }

  public String address() {
    return host + ":" + port;
  }
}
