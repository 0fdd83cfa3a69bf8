package io.moraine.launcher.dev;

import io.moraine.launcher.config.Credentials;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bin/moraine dev}: the whole cluster in one JVM. Prints exactly one ready line
 * (DESIGN.md, Contracts) on stdout when the gateway serves; stops cleanly on SIGINT/SIGTERM.
 */
@Command(name = "dev", mixinStandardHelpOptions = true,
    description = "Run the whole cluster in one JVM: ZooKeeper, 3 metadata peers, 6 storage nodes in 3 AZs, one gateway.")
public final class DevCommand implements Callable<Integer> {

  @Option(names = "--data-dir", defaultValue = "./moraine-data", description = "data directory, kept across restarts (default ${DEFAULT-VALUE})")
  Path dataDir;

  @Option(names = "--port", defaultValue = "9000", description = "S3 port of the gateway (default ${DEFAULT-VALUE})")
  int port;

  @Option(names = "--zk-port", defaultValue = "2181", description = "ZooKeeper client port (default ${DEFAULT-VALUE})")
  int zkPort;

  @Option(names = "--tls", description = "serve HTTPS on --port with a self-signed CA and certificate kept under DATA_DIR/tls/ (ca.pem)")
  boolean tls;

  @Option(names = "--internal-tls", description = "internal traffic (shard gRPC, Ratis, ZooKeeper) over mutual TLS with a CA "
      + "and certificates kept under DATA_DIR/tls-internal/ (then `admin --internal-tls DATA_DIR/tls-internal`; docs/tls.md)")
  boolean internalTls;

  @Option(names = "--region", defaultValue = DevCluster.DEFAULT_REGION, description = "region of the cluster: signatures, new buckets, the ready line (default ${DEFAULT-VALUE})")
  String region;

  @Option(names = "--day-seconds", defaultValue = "86400", description = "seconds in one lifecycle/restore \"day\" (time.day.seconds; default ${DEFAULT-VALUE}; tests use 1)")
  long daySeconds;

  @Override
  public Integer call() throws Exception {
    DevCluster cluster = DevCluster.start(new DevCluster.Options(dataDir, port, zkPort, tls, region, daySeconds,
        internalTls ? DevCluster.internalTlsSettings(dataDir) : java.util.Map.of()));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      cluster.close();
      stopped.countDown();
    }, "shutdown"));
    Credentials creds = Credentials.fromEnvironment(System.getenv());
    System.out.println(readyLine(cluster, creds));
    System.out.println(websiteLine(cluster));
    cluster.consoleUrl().ifPresent(url -> System.out.println("moraine console url=" + url));
    if (internalTls) {
      System.out.println("moraine internal-tls dir=" + dataDir.toAbsolutePath().resolve(DevCluster.INTERNAL_TLS_DIR));
    }
    System.out.flush();
    stopped.await();
    return 0;
  }

  /** Where the website endpoint listens: any bucket with a website configuration, by its host name. */
  static String websiteLine(DevCluster cluster) {
    return "moraine website endpoint=http://BUCKET.s3-website.localhost:" + cluster.websitePort() + "/ port="
        + cluster.websitePort();
  }

  /** The ready line of DESIGN.md (Contracts); with TLS the endpoint is https and {@code ca=} names the CA file. */
  static String readyLine(DevCluster cluster, Credentials creds) {
    return "moraine ready endpoint=" + (cluster.tls() ? "https" : "http") + "://127.0.0.1:" + cluster.gatewayPort()
        + " access_key=" + creds.accessKey() + " secret_key=" + creds.secretKey()
        + " region=" + cluster.region() + " data_dir=" + cluster.dataDir()
        + (cluster.tls() ? " ca=" + cluster.tlsFiles().caFile() : "");
  }
}
