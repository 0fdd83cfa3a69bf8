package io.moraine.launcher.role;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.apache.zookeeper.server.embedded.ExitHandler;
import org.apache.zookeeper.server.embedded.ZooKeeperServerEmbedded;

/**
 * A ZooKeeper server: standalone, or one member of an ensemble (one per AZ). Runs ZooKeeper's own
 * embedded server, so `dev` and the `zk` role are the same code. Session timeouts are allowed down
 * to 2 s so that storage nodes, which ask for a short one, count as down within 10 s of dying.
 *
 * @param servers ensemble members as {@code zk-N=host:peerPort:electionPort}; empty = standalone
 */
public final class ZkRole implements AutoCloseable {

  private static final int TICK_MILLIS = 1000;

  private final ZooKeeperServerEmbedded server;
  private final int clientPort;

  public ZkRole(String nodeId, String host, int clientPort, Path dataDir, List<String> servers) throws Exception {
    this(nodeId, host, clientPort, dataDir, servers, null);
  }

  /**
   * @param internalTlsOrNull with internal TLS, {@code clientPort} is served over mutual TLS only
   *     (no plaintext port) and an ensemble's quorum traffic is TLS too (see {@link ZkTls})
   */
  public ZkRole(String nodeId, String host, int clientPort, Path dataDir, List<String> servers,
      io.moraine.tls.TlsFiles internalTlsOrNull) throws Exception {
    this.clientPort = clientPort;
    Path data = dataDir.resolve("data");
    Files.createDirectories(data);
    Properties p = new Properties();
    p.setProperty("tickTime", Integer.toString(TICK_MILLIS));
    p.setProperty("minSessionTimeout", Integer.toString(2 * TICK_MILLIS));
    p.setProperty("maxSessionTimeout", Integer.toString(60 * TICK_MILLIS));
    p.setProperty("initLimit", "20");
    p.setProperty("syncLimit", "5");
    p.setProperty("dataDir", data.toAbsolutePath().toString());
    if (internalTlsOrNull == null) {
      p.setProperty("clientPort", Integer.toString(clientPort));
      p.setProperty("clientPortAddress", host);
    } else {
      ZkTls.serverProperties(p, internalTlsOrNull, host, clientPort);
    }
    p.setProperty("admin.enableServer", "false");
    p.setProperty("4lw.commands.whitelist", "ruok,srvr,stat,mntr");
    p.setProperty("autopurge.snapRetainCount", "3");
    p.setProperty("autopurge.purgeInterval", "1");
    if (!servers.isEmpty()) {
      int myId = -1;
      for (String server : servers) {
        int eq = server.indexOf('=');
        if (eq < 0) {
          throw new IllegalArgumentException("zk.servers entry '" + server + "' must be zk-N=host:peerPort:electionPort");
        }
        String id = server.substring(0, eq);
        int n = serverNumber(id);
        p.setProperty("server." + n, server.substring(eq + 1));
        if (id.equals(nodeId)) {
          myId = n;
        }
      }
      if (myId < 0) {
        throw new IllegalArgumentException("node.id " + nodeId + " is not among zk.servers " + servers);
      }
      Files.writeString(data.resolve("myid"), Integer.toString(myId));
    }
    server = ZooKeeperServerEmbedded.builder()
        .baseDir(dataDir)
        .configuration(p)
        .exitHandler(ExitHandler.LOG_ONLY)
        .build();
  }

  private static int serverNumber(String id) {
    if (!id.matches("zk-[0-9]+")) {
      throw new IllegalArgumentException("ZooKeeper node ids are zk-N, got " + id);
    }
    return Integer.parseInt(id.substring(3));
  }

  public void start() throws Exception {
    server.start();
  }

  public int clientPort() {
    return clientPort;
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
