package io.moraine.launcher.it;

import static io.moraine.launcher.it.S3TestClients.sha256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A `bin/moraine cluster` of real processes for the self-healing suites (RepairIT, RebalanceIT):
 * start/stop, pids from `cluster status`, `admin` commands, and the shard files under each storage
 * node's disk. Logs are kept when a suite fails.
 */
final class ClusterFixture implements AutoCloseable {
  final Path dir;
  final int gatewayPort;
  final int zkPort;
  boolean keepLogs;

  private ClusterFixture(Path dir, int gatewayPort, int zkPort) {
    this.dir = dir;
    this.gatewayPort = gatewayPort;
    this.zkPort = zkPort;
  }

  /**
   * `cluster start --storage-per-az N` with {@code env} passed to every process of the cluster and
   * {@code extraArgs} added to the command (e.g. --day-seconds N, --internal-tls).
   */
  static ClusterFixture start(String name, int storagePerAz, Map<String, String> env, String... extraArgs) throws Exception {
    ClusterFixture f = new ClusterFixture(Files.createTempDirectory(name), S3TestClients.freePort(), S3TestClients.freePort());
    List<String> args = new ArrayList<>(List.of("cluster", "start", "--dir", f.dir.toString(),
        "--storage-per-az", Integer.toString(storagePerAz), "--gateway-port", Integer.toString(f.gatewayPort),
        "--zk-port", Integer.toString(f.zkPort)));
    args.addAll(List.of(extraArgs));
    ProcessBuilder pb = new ProcessBuilder(Launcher.command(args.toArray(String[]::new)))
        .redirectError(ProcessBuilder.Redirect.INHERIT);
    pb.environment().putAll(env);
    Process p = pb.start();
    p.getInputStream().transferTo(System.out);
    assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("cluster start; logs under %s", f.dir.resolve("logs")).isZero();
    return f;
  }

  @Override
  public void close() throws Exception {
    Launcher.Result r = Launcher.run(120, "cluster", "stop", "--dir", dir.toString());
    assertThat(r.exitCode()).isZero();
    if (keepLogs) {
      System.err.println("the cluster's logs are kept under " + dir.resolve("logs"));
    } else {
      TestDirs.deleteRecursively(dir);
    }
  }

  S3Client s3() {
    return S3TestClients.rootClient(gatewayPort);
  }

  /** Node id -> recorded pid, from `cluster status`. */
  Map<String, String> pids() throws Exception {
    Map<String, String> pids = new TreeMap<>();
    for (String line : Launcher.run(60, "cluster", "status", "--dir", dir.toString()).stdout().strip().split("\n")) {
      String[] row = line.split(" ");
      pids.put(row[0], row[3]);
    }
    return pids;
  }

  /** `moraine cluster ARGS... --dir DIR` with the cluster's env; returns stdout, asserts exit 0. */
  String cluster(Map<String, String> env, String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of("cluster"));
    all.addAll(List.of(args));
    all.add("--dir");
    all.add(dir.toString());
    Launcher.Result r = Launcher.run(env, 180, all.toArray(String[]::new));
    assertThat(r.exitCode()).as("cluster %s", String.join(" ", args)).isZero();
    return r.stdout();
  }

  /** `moraine admin --zk ... ARGS...`; returns stdout, asserts exit 0. */
  String admin(String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of("admin", "--zk", "127.0.0.1:" + zkPort));
    all.addAll(List.of(args));
    Launcher.Result r = Launcher.run(60, all.toArray(String[]::new));
    assertThat(r.exitCode()).as("admin %s", String.join(" ", args)).isZero();
    return r.stdout();
  }

  String adminStatus() throws Exception {
    return admin("status");
  }

  void kill(String nodeId) throws Exception {
    String pid = pids().get(nodeId);
    new ProcessBuilder("kill", "-9", pid).start().waitFor();
  }

  /** Published shard files per storage node (DISK/moraine-shards/v1/HH/DATAID.INDEX.shard). */
  Map<String, List<Path>> shardFiles() throws IOException {
    Map<String, List<Path>> files = new TreeMap<>();
    try (Stream<Path> nodes = Files.list(dir.resolve("data"))) {
      for (Path node : nodes.filter(n -> n.getFileName().toString().startsWith("storage-")).toList()) {
        Path root = node.resolve("disk1").resolve("moraine-shards").resolve("v1");
        List<Path> list = new ArrayList<>();
        if (Files.isDirectory(root)) {
          try (Stream<Path> walk = Files.walk(root)) {
            walk.filter(f -> f.toString().endsWith(".shard")).forEach(list::add);
          }
        }
        files.put(node.getFileName().toString(), list);
      }
    }
    return files;
  }

  /** Shard (DATAID.INDEX) -> node holding its file; a shard on two nodes (a copy in flight) keeps the first. */
  Map<String, String> shardLocations() throws IOException {
    Map<String, String> where = new TreeMap<>();
    shardFiles().forEach((node, files) -> files.forEach(f -> where.putIfAbsent(shardName(f), node)));
    return where;
  }

  static String shardName(Path shardFile) {
    String name = shardFile.getFileName().toString();
    return name.substring(0, name.length() - ".shard".length());
  }

  static String dataIdOf(Path shardFile) {
    String withoutSuffix = shardName(shardFile);
    return withoutSuffix.substring(0, withoutSuffix.lastIndexOf('.'));
  }

  void awaitStatus(String expected, int seconds) {
    await().atMost(Duration.ofSeconds(seconds)).pollInterval(Duration.ofSeconds(2))
        .until(() -> adminStatus().contains(expected));
  }

  static void assertEveryObjectReads(S3Client s3, String bucket, Map<String, String> written) throws IOException {
    for (Map.Entry<String, String> e : written.entrySet()) {
      assertThat(sha256(s3.getObject(b -> b.bucket(bucket).key(e.getKey())))).as(e.getKey()).isEqualTo(e.getValue());
    }
  }
}
