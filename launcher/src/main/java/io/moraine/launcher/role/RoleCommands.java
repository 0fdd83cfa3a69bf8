package io.moraine.launcher.role;

import io.moraine.launcher.config.RoleConfig;
import io.moraine.launcher.config.RoleConfig.Keys;
import io.moraine.launcher.ops.AdminHttpServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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

    abstract Roles.Started start(RoleConfig config) throws Exception;

    @Override
    public Integer call() throws Exception {
      RoleConfig cfg = RoleConfig.load(config, overrides, portKey());
      Roles.Started started = start(cfg);
      var registry = new io.prometheus.metrics.model.registry.PrometheusRegistry();
      started.metrics().accept(registry);
      AdminHttpServer admin = new AdminHttpServer(cfg.get(Keys.HOST, Roles.DEFAULT_HOST), cfg.getInt(Keys.ADMIN_PORT, 0),
          registry, List.of(started.health()));
      RunningRole role = new RunningRole(started.health().nodeId(), started.component(), admin);
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
    Roles.Started start(RoleConfig cfg) throws Exception {
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
    Roles.Started start(RoleConfig cfg) throws Exception {
      return Roles.startMeta(cfg, join);
    }
  }

  @Command(name = "storage", mixinStandardHelpOptions = true, description = "Run a storage node.")
  public static final class Storage extends RoleCommand {
    @Override
    String portKey() {
      return Keys.STORAGE_PORT;
    }

    @Override
    Roles.Started start(RoleConfig cfg) throws Exception {
      return Roles.startStorage(cfg);
    }
  }

  @Command(name = "gateway", mixinStandardHelpOptions = true, description = "Run an S3 gateway.")
  public static final class Gateway extends RoleCommand {
    @Override
    String portKey() {
      return Keys.GATEWAY_PORT;
    }

    @Override
    Roles.Started start(RoleConfig cfg) throws Exception {
      return Roles.startGateway(cfg);
    }
  }
}
