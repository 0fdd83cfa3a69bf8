package io.moraine.chaos.cluster;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The nodes of a chaos cluster and their configuration, the same keys `moraine cluster` uses
 * (ClusterLayout in the launcher): 3 ZooKeeper servers (one per AZ), 3 meta peers, storage nodes
 * in 3 AZs, gateways. Every node has its own address, so every node uses the same fixed ports.
 *
 * @param zkServers 1 or 3
 * @param storagePerAz storage nodes per AZ (≥ 2 for RS 4+2 across 3 AZs)
 * @param gateways gateways (gateway-N lives in az((N-1) mod 3 + 1))
 * @param dataRoot where node data directories go (deleted after the run)
 */
public record ClusterShape(int zkServers, int storagePerAz, int gateways, Path dataRoot) {

  public static final int ZK_CLIENT_PORT = 12181;
  public static final int ZK_PEER_PORT = 12888;
  public static final int ZK_ELECTION_PORT = 13888;
  public static final int META_PORT = 17001;
  public static final int STORAGE_PORT = 17101;
  public static final int GATEWAY_PORT = 19000;
  public static final int ADMIN_PORT = 19100;

  public ClusterShape validate() {
    if (zkServers != 1 && zkServers != 3) {
      throw new IllegalArgumentException("zkServers must be 1 or 3, got " + zkServers);
    }
    if (storagePerAz < 1 || gateways < 1) {
      throw new IllegalArgumentException("storagePerAz and gateways must be >= 1, got " + storagePerAz + ", " + gateways);
    }
    return this;
  }

  /** Node ids in start order. */
  public List<String> nodeIds() {
    List<String> ids = new ArrayList<>();
    for (int z = 1; z <= zkServers; z++) {
      ids.add("zk-" + z);
    }
    for (int n = 1; n <= 3; n++) {
      ids.add("meta-" + n);
    }
    for (int az = 1; az <= 3; az++) {
      for (int n = 1; n <= storagePerAz; n++) {
        ids.add("storage-az" + az + "-" + n);
      }
    }
    for (int n = 1; n <= gateways; n++) {
      ids.add("gateway-" + n);
    }
    return ids;
  }

  public static String roleOf(String nodeId) {
    return nodeId.substring(0, nodeId.indexOf('-'));
  }

  public static String azOf(String nodeId) {
    String role = roleOf(nodeId);
    if (role.equals("storage")) {
      return nodeId.substring("storage-".length(), "storage-azN".length());
    }
    int n = Integer.parseInt(nodeId.substring(nodeId.lastIndexOf('-') + 1));
    return "az" + ((n - 1) % 3 + 1);
  }

  /** The specs, given each node's address; {@code extra} is added to every node's config (e.g. unsafe). */
  public List<NodeSpec> specs(Function<String, String> addressOf, Map<String, String> extra) {
    List<String> zkConnect = new ArrayList<>();
    List<String> zkServerList = new ArrayList<>();
    for (int z = 1; z <= zkServers; z++) {
      String a = addressOf.apply("zk-" + z);
      zkConnect.add(a + ":" + ZK_CLIENT_PORT);
      zkServerList.add("zk-" + z + "=" + a + ":" + ZK_PEER_PORT + ":" + ZK_ELECTION_PORT);
    }
    List<String> peers = new ArrayList<>();
    for (int n = 1; n <= 3; n++) {
      peers.add("meta-" + n + "=" + addressOf.apply("meta-" + n) + ":" + META_PORT);
    }
    List<NodeSpec> specs = new ArrayList<>();
    for (String id : nodeIds()) {
      String role = roleOf(id);
      String host = addressOf.apply(id);
      Map<String, String> c = new LinkedHashMap<>();
      c.put("node.id", id);
      c.put("az", azOf(id));
      c.put("host", host);
      c.put("admin.port", Integer.toString(ADMIN_PORT));
      c.put("data.dir", dataRoot.resolve(id).toAbsolutePath().toString());
      int port;
      switch (role) {
        case "zk" -> {
          port = ZK_CLIENT_PORT;
          c.put("zk.client.port", Integer.toString(port));
          if (zkServers > 1) {
            c.put("zk.servers", String.join(",", zkServerList));
          }
        }
        case "meta" -> {
          port = META_PORT;
          c.put("zk.connect", String.join(",", zkConnect));
          c.put("meta.port", Integer.toString(port));
          c.put("meta.peers", String.join(",", peers));
          c.put("meta.groups", "2");
        }
        case "storage" -> {
          port = STORAGE_PORT;
          c.put("zk.connect", String.join(",", zkConnect));
          c.put("storage.port", Integer.toString(port));
          c.put("storage.disks", dataRoot.resolve(id).resolve("disk1").toAbsolutePath().toString());
        }
        case "gateway" -> {
          port = GATEWAY_PORT;
          c.put("zk.connect", String.join(",", zkConnect));
          c.put("gateway.port", Integer.toString(port));
        }
        default -> throw new IllegalStateException("unknown role of " + id);
      }
      c.putAll(extra);
      specs.add(new NodeSpec(id, role, azOf(id), host, port, ADMIN_PORT, c));
    }
    return specs;
  }
}
