package io.moraine.placement.zk;

/** The ZooKeeper paths placement uses; placement/README.md documents them for operators. */
public final class ZkPaths {

  public static final String ROOT = "/moraine";
  public static final String STORAGE = ROOT + "/storage";
  /** Persistent member records, one per storage node ever registered (until removed). */
  public static final String NODES = STORAGE + "/nodes";
  /** Ephemeral liveness nodes: present while the node's ZooKeeper session lives. */
  public static final String LIVE = STORAGE + "/live";
  public static final String PLACEMENT = ROOT + "/placement";
  /** The current placement map. */
  public static final String MAP = PLACEMENT + "/map";
  /** Every map ever published, by epoch. */
  public static final String HISTORY = PLACEMENT + "/history";
  /** LeaderLatch of the placement coordinators. */
  public static final String LEADER = PLACEMENT + "/leader";

  private ZkPaths() {}

  public static String node(String nodeId) {
    return NODES + "/" + checkId(nodeId);
  }

  public static String live(String nodeId) {
    return LIVE + "/" + checkId(nodeId);
  }

  /** Zero-padded so that ZooKeeper's lexical child order is epoch order. */
  public static String history(long epoch) {
    if (epoch < 1) {
      throw new IllegalArgumentException("epoch must be positive: " + epoch);
    }
    return HISTORY + "/" + String.format("%020d", epoch);
  }

  private static String checkId(String nodeId) {
    if (nodeId == null || nodeId.isEmpty() || nodeId.contains("/") || nodeId.equals(".") || nodeId.equals("..")) {
      throw new IllegalArgumentException("not a usable node id: " + nodeId);
    }
    return nodeId;
  }
}
