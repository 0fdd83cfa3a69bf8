package io.moraine.chaos.cluster;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One node of a chaos cluster: its id (DESIGN.md: {@code zk-N}, {@code meta-N},
 * {@code storage-azA-N}, {@code gateway-N}), role, AZ, address, ports, and the role config it is
 * started with (docs/configuration.md keys). The same spec is used for every restart, so a meta
 * peer keeps its address and data.
 *
 * @param nodeId the node id
 * @param role zk, meta, storage or gateway
 * @param az az1..az3
 * @param host the address the node binds and advertises
 * @param servicePort the role's main port (client port, Raft port, gRPC port, S3 port)
 * @param adminPort {@code /health} and {@code /metrics}
 * @param config every config key, in file order
 */
public record NodeSpec(String nodeId, String role, String az, String host, int servicePort, int adminPort,
    Map<String, String> config) {

  public NodeSpec {
    config = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(config));
  }

  public String propertiesText() {
    StringBuilder b = new StringBuilder("# written by moraine chaos; see docs/configuration.md\n");
    config.forEach((k, v) -> b.append(k).append(" = ").append(v).append('\n'));
    return b.toString();
  }

  public boolean isStorage() {
    return role.equals("storage");
  }

  public boolean isMeta() {
    return role.equals("meta");
  }
}
