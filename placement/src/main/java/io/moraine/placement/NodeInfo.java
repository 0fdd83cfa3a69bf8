package io.moraine.placement;

/**
 * A storage node as membership knows it.
 *
 * @param nodeId {@code storage-azA-N}
 * @param az {@code az1}..{@code az3}
 * @param host address the node's gRPC service listens on
 * @param grpcPort its port
 * @param capacityBytes total capacity of its disks (the placement weight)
 * @param state up, draining or down (down: its ephemeral liveness node is gone)
 */
public record NodeInfo(String nodeId, String az, String host, int grpcPort, long capacityBytes, NodeState state) {

  public enum NodeState { UP, DRAINING, DOWN }
}
