package io.moraine.launcher;

/**
 * Logging set-up before the first logger exists (slf4j-simple reads system properties once).
 * Server roles log at INFO to stderr (cluster start redirects it to DIR/logs/NODE.log); the
 * chatty libraries (Ratis, ZooKeeper, Curator, gRPC) log at WARN. Commands that print results
 * (admin, cluster, --help) log only warnings, so their output stays parseable.
 */
final class Logging {

  private Logging() {}

  static void configure(String[] args) {
    String mode = args.length == 0 ? "" : args[0];
    boolean server = switch (mode) {
      case "dev", "zk", "meta", "storage", "gateway" -> true;
      default -> false;
    };
    setDefault("org.slf4j.simpleLogger.defaultLogLevel", server ? "info" : "warn");
    setDefault("org.slf4j.simpleLogger.showDateTime", "true");
    setDefault("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSZ");
    setDefault("org.slf4j.simpleLogger.showShortLogName", "true");
    for (String noisy : new String[] {"org.apache.ratis", "org.apache.zookeeper", "org.apache.curator",
        "io.grpc", "org.eclipse.jetty", "org.apache.ratis.thirdparty"}) {
      setDefault("org.slf4j.simpleLogger.log." + noisy, "warn");
    }
  }

  private static void setDefault(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }
}
