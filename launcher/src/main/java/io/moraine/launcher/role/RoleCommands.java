package io.moraine.launcher.role;

import io.moraine.launcher.config.RoleConfig;
import io.moraine.launcher.config.RoleConfig.Keys;
import io.moraine.launcher.ops.AdminEndpoints;
import io.moraine.launcher.ops.AdminHttpServer;
import io.moraine.launcher.ops.Logs;
import io.moraine.launcher.ops.ProcessMetrics;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

/**
 * {@code bin/moraine zk|meta|storage|gateway --config FILE [--key value ...]}: one role per
 * process, as deployed. Each runs until SIGTERM/SIGINT, then closes its components in reverse
 * order of start.
 */
public final class RoleCommands {

  private RoleCommands() {}

  private static final Logger LOG = LoggerFactory.getLogger(RoleCommands.class);

  abstract static class RoleCommand implements Callable<Integer> {
    @Option(names = "--config", description = "the role's configuration file (docs/configuration.md)")
    Path config;

    @Unmatched
    List<String> overrides = new ArrayList<>();

    abstract String portKey();

    abstract Roles.Started start(RoleConfig config, ProcessMetrics metrics) throws Exception;

    /** What the role adds to its admin server (the gateway's web console); closed with the role. */
    AutoCloseable mountOnAdmin(RoleConfig cfg, Roles.Started started, AdminHttpServer admin, String zkConnect)
        throws Exception {
      return () -> { };
    }

    @Override
    public Integer call() throws Exception {
      RoleConfig cfg = RoleConfig.load(config, overrides, portKey());
      cfg.get(Keys.NODE_ID).ifPresent(Logs::node);
      Optional<String> level = cfg.get(Keys.LOG_LEVEL);
      if (level.isPresent()) {
        Logs.setLevel(org.slf4j.Logger.ROOT_LOGGER_NAME, level.get());
      }
      ProcessMetrics metrics = ProcessMetrics.withJvm(new io.prometheus.metrics.model.registry.PrometheusRegistry());
      Roles.Started started = start(cfg, metrics);
      started.metrics().accept(metrics.registry());
      String host = cfg.get(Keys.HOST, Roles.DEFAULT_HOST);
      AdminHttpServer admin = new AdminHttpServer(host, cfg.getInt(Keys.ADMIN_PORT, 0),
          metrics.registry(), List.of(started.health()));
      String zkConnect = cfg.get(Keys.ZK_CONNECT).orElseGet(() -> this instanceof Zk
          ? host + ":" + cfg.getInt(Keys.ZK_CLIENT_PORT, 2181) : Roles.DEFAULT_ZK);
      AutoCloseable endpoint = publishAdmin(zkConnect, started.health().nodeId(), host, admin.port(),
          io.moraine.launcher.config.InternalTls.filesOrNull(cfg));
      AutoCloseable mounted = mountOnAdmin(cfg, started, admin, zkConnect);
      RunningRole role = new RunningRole(started.health().nodeId(),
          () -> Roles.closeAll(endpoint, mounted, started.component()),
          admin);
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        LOG.info("{} stopping", role.nodeId());
        role.close();
        stopped.countDown();
      }, "shutdown"));
      LOG.info("{} started; admin port {}", role.nodeId(), role.adminPort());
      stopped.await();
      return 0;
    }
  }

  /**
   * Publishes the admin endpoint in ZooKeeper (AdminEndpoints) on its own connection, in the
   * background: a ZooKeeper that is not up yet (the zk role's own ensemble) delays it, never the role.
   */
  public static AutoCloseable publishAdmin(String zkConnect, String nodeId, String host, int port) {
    return publishAdmin(zkConnect, nodeId, host, port, null);
  }

  /** As above, over mutual TLS to ZooKeeper when {@code internalTlsOrNull} is given. */
  public static AutoCloseable publishAdmin(String zkConnect, String nodeId, String host, int port,
      io.moraine.tls.TlsFiles internalTlsOrNull) {
    org.apache.curator.framework.CuratorFrameworkFactory.Builder b = org.apache.curator.framework.CuratorFrameworkFactory.builder()
        .connectString(zkConnect).sessionTimeoutMs(io.moraine.launcher.role.Zk.SESSION_TIMEOUT_MILLIS).connectionTimeoutMs(5_000)
        .retryPolicy(new org.apache.curator.retry.ExponentialBackoffRetry(500, 10, 5_000));
    if (internalTlsOrNull != null) {
      b.zkClientConfig(ZkTls.clientConfig(internalTlsOrNull));
    }
    org.apache.curator.framework.CuratorFramework zk = b.build();
    zk.start();
    var node = AdminEndpoints.publish(zk, nodeId, host, port);
    return () -> Roles.closeAll(node, zk::close);
  }

  /** A started role and its admin server; close() stops both. */
  public record RunningRole(String nodeId, AutoCloseable role, AdminHttpServer admin) implements AutoCloseable {
    public int adminPort() {
      return admin.port();
    }

    @Override
    public void close() {
      try {
        role.close();
      } catch (Exception e) {
        LOG.warn("{} did not close cleanly", nodeId, e);
      }
      admin.close();
    }
  }

  @Command(name = "zk", mixinStandardHelpOptions = true, description = "Run a ZooKeeper server.")
  public static final class Zk extends RoleCommand {
    @Override
    String portKey() {
      return Keys.ZK_CLIENT_PORT;
    }

    @Override
    Roles.Started start(RoleConfig cfg, ProcessMetrics metrics) throws Exception {
      return Roles.startZk(cfg);
    }
  }

  @Command(name = "meta", mixinStandardHelpOptions = true, description = "Run a metadata (Raft) peer.")
  public static final class Meta extends RoleCommand {
    @Option(names = "--join", description = "start hosting no group; then add it online with "
        + "`bin/moraine admin meta add NODE_ID HOST:PORT` (same as meta.join=true)")
    boolean join;

    @Override
    String portKey() {
      return Keys.META_PORT;
    }

    @Override
    Roles.Started start(RoleConfig cfg, ProcessMetrics metrics) throws Exception {
      return Roles.startMeta(cfg, join, metrics);
    }
  }

  @Command(name = "storage", mixinStandardHelpOptions = true, description = "Run a storage node.")
  public static final class Storage extends RoleCommand {
    @Override
    String portKey() {
      return Keys.STORAGE_PORT;
    }

    @Override
    Roles.Started start(RoleConfig cfg, ProcessMetrics metrics) throws Exception {
      return Roles.startStorage(cfg, metrics);
    }
  }

  @Command(name = "gateway", mixinStandardHelpOptions = true, description = "Run an S3 gateway.")
  public static final class Gateway extends RoleCommand {
    @Override
    String portKey() {
      return Keys.GATEWAY_PORT;
    }

    @Override
    Roles.Started start(RoleConfig cfg, ProcessMetrics metrics) throws Exception {
      return Roles.startGateway(cfg, metrics);
    }

    /** The web console at /console/ on the admin port, a client of this gateway over plain HTTP (none with TLS). */
    @Override
    AutoCloseable mountOnAdmin(RoleConfig cfg, Roles.Started started, AdminHttpServer admin, String zkConnect)
        throws Exception {
      if (Roles.gatewayTls(cfg) != null) {
        return () -> { };
      }
      String host = cfg.get(Keys.HOST, Roles.DEFAULT_HOST);
      String reach = host.equals("0.0.0.0") ? Roles.DEFAULT_HOST : host;
      io.moraine.launcher.console.Console console = io.moraine.launcher.console.Console.open(zkConnect,
          java.net.URI.create("http://" + reach + ":" + started.servicePort()), cfg.get(Keys.REGION, "us-east-1"),
          io.moraine.launcher.config.Credentials.fromEnvironment(System.getenv()).accessKey(),
          io.moraine.launcher.config.InternalTls.filesOrNull(cfg));
      admin.mount("/console", console);
      LOG.info("web console at http://{}:{}/console/", reach, admin.port());
      return console;
    }
  }
}
