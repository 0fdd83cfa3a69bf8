package io.moraine.launcher.it;

import io.moraine.launcher.dev.DevCluster;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A dev cluster in the test's JVM on a free ZooKeeper port and a temporary data dir, for the ITs
 * that drive it through the admin CLI and the SDK; closing it stops the cluster and deletes the dir.
 */
final class DevFixture implements AutoCloseable {
  final Path dataDir;
  final int zkPort;
  private final DevCluster.Options options;
  private DevCluster cluster;

  private DevFixture(Path dataDir, int zkPort, java.util.function.UnaryOperator<DevCluster.Options> customize)
      throws Exception {
    this.dataDir = dataDir;
    this.zkPort = zkPort;
    this.options = customize.apply(new DevCluster.Options(dataDir, 0, zkPort));
    this.cluster = DevCluster.start(options);
  }

  static DevFixture start(String name) throws Exception {
    return start(name, o -> o);
  }

  /** With options of the test's own ({@code o -> o.withDaySeconds(4).withSettings(...)}), kept across restarts. */
  static DevFixture start(String name, java.util.function.UnaryOperator<DevCluster.Options> customize) throws Exception {
    return new DevFixture(Files.createTempDirectory(name), S3TestClients.freePort(), customize);
  }

  DevCluster cluster() {
    return cluster;
  }

  /** {@code bin/moraine admin --zk 127.0.0.1:ZK ARGS...}. */
  Launcher.Result admin(int timeoutSeconds, String... args) throws Exception {
    String[] all = new String[args.length + 3];
    all[0] = "admin";
    all[1] = "--zk";
    all[2] = "127.0.0.1:" + zkPort;
    System.arraycopy(args, 0, all, 3, args.length);
    return Launcher.run(timeoutSeconds, all);
  }

  /** The whole cluster stopped and started again on the same data dir and ports. */
  void restart() throws Exception {
    cluster.close();
    cluster = DevCluster.start(options);
  }

  @Override
  public void close() throws Exception {
    try {
      cluster.close();
    } finally {
      TestDirs.deleteRecursively(dataDir);
    }
  }
}
