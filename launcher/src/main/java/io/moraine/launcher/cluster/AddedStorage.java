package io.moraine.launcher.cluster;

import io.moraine.launcher.cluster.ClusterLayout.Node;
import io.moraine.launcher.config.RoleConfig;
import io.moraine.launcher.config.RoleConfig.Keys;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;

/**
 * Storage nodes added to a running local cluster by {@code cluster add-storage} (rebalance drills,
 * issue 5), recorded in {@code DIR/added-storage.properties} next to the cluster's fixed shape so
 * that {@code cluster start|stop|status} include them. Kept apart from {@code cluster.properties}
 * because that file's shape is chosen once at the first start and never rewritten.
 *
 * <p>Fault model: the record is rewritten through a temporary file and an atomic rename, so a
 * crash leaves the old or the new list, never half of one. Ports are chosen free at add time and
 * kept, as for every other node (a restarted node comes back at the same address).
 */
final class AddedStorage {
  static final String FILE = "added-storage.properties";

  private final Path dir;
  private final Properties props;

  private AddedStorage(Path dir, Properties props) {
    this.dir = dir;
    this.props = props;
  }

  static AddedStorage load(Path dir) throws IOException {
    Properties props = new Properties();
    Path file = dir.resolve(FILE);
    if (Files.exists(file)) {
      try (Reader r = Files.newBufferedReader(file)) {
        props.load(r);
      }
    }
    return new AddedStorage(dir, props);
  }

  /** Ids of the added nodes, in the order they were added. */
  List<String> ids() {
    String v = props.getProperty("nodes", "");
    List<String> ids = new ArrayList<>();
    for (String id : v.split(",")) {
      if (!id.isBlank()) {
        ids.add(id.trim());
      }
    }
    return ids;
  }

  boolean contains(String nodeId) {
    return ids().contains(nodeId);
  }

  /** The added nodes as cluster nodes (config built as ClusterLayout builds its storage nodes). */
  List<Node> nodes(ClusterLayout layout) {
    List<Node> nodes = new ArrayList<>();
    for (String id : ids()) {
      String az = require(id + ".az");
      Map<String, String> c = new LinkedHashMap<>();
      c.put(Keys.NODE_ID, id);
      c.put(Keys.AZ, az);
      c.put(Keys.HOST, ClusterLayout.HOST);
      c.put(Keys.ADMIN_PORT, require(id + ".admin.port"));
      c.put(Keys.DATA_DIR, dir.resolve("data").resolve(id).toAbsolutePath().toString());
      c.put(Keys.ZK_CONNECT, layout.zkConnect());
      c.put(Keys.STORAGE_PORT, require(id + ".port"));
      c.put(Keys.STORAGE_DISKS, require(id + ".disks"));
      layout.putTls(c, id);
      nodes.add(new Node(id, "storage", az, RoleConfig.of(c)));
    }
    return nodes;
  }

  /**
   * Records one more storage node in {@code az}: id {@code storage-AZ-N} with the first N not used
   * by the fixed layout nor an earlier addition; disks default to {@code data/ID/disk1}.
   */
  String add(ClusterLayout layout, String az, List<Path> disks) throws IOException {
    if (!az.matches("az[1-3]")) {
      throw new IllegalArgumentException("--az must be az1, az2 or az3 (the cluster's AZs), got '" + az + "'");
    }
    TreeSet<String> taken = new TreeSet<>(ids());
    layout.nodes().forEach(n -> taken.add(n.nodeId()));
    int n = 1;
    while (taken.contains("storage-" + az + "-" + n)) {
      n++;
    }
    String id = "storage-" + az + "-" + n;
    List<String> diskList = disks.isEmpty()
        ? List.of(dir.resolve("data").resolve(id).resolve("disk1").toAbsolutePath().toString())
        : disks.stream().map(d -> d.toAbsolutePath().normalize().toString()).toList();
    int[] ports = freePorts(2);
    props.setProperty(id + ".az", az);
    props.setProperty(id + ".port", Integer.toString(ports[0]));
    props.setProperty(id + ".admin.port", Integer.toString(ports[1]));
    props.setProperty(id + ".disks", String.join(",", diskList));
    List<String> ids = ids();
    ids.add(id);
    props.setProperty("nodes", String.join(",", ids));
    save();
    return id;
  }

  /** Forgets an added node (after it was drained and stopped); its data directory stays. */
  void remove(String nodeId) throws IOException {
    List<String> ids = ids();
    if (!ids.remove(nodeId)) {
      throw new IllegalArgumentException(nodeId + " was not added with `cluster add-storage`");
    }
    props.setProperty("nodes", String.join(",", ids));
    for (String suffix : List.of(".az", ".port", ".admin.port", ".disks")) {
      props.remove(nodeId + suffix);
    }
    save();
  }

  private String require(String key) {
    String v = props.getProperty(key);
    if (v == null) {
      throw new IllegalStateException(dir.resolve(FILE) + " has no " + key);
    }
    return v;
  }

  private void save() throws IOException {
    Path tmp = dir.resolve(FILE + ".tmp");
    try (Writer w = Files.newBufferedWriter(tmp)) {
      props.store(w, "storage nodes added by `moraine cluster add-storage`");
    }
    Files.move(tmp, dir.resolve(FILE), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  private static int[] freePorts(int count) throws IOException {
    List<ServerSocket> held = new ArrayList<>();
    int[] ports = new int[count];
    try {
      for (int i = 0; i < count; i++) {
        ServerSocket s = new ServerSocket(0);
        held.add(s);
        ports[i] = s.getLocalPort();
      }
    } finally {
      for (ServerSocket s : held) {
        s.close();
      }
    }
    return ports;
  }
}
