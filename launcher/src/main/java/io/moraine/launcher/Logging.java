package io.moraine.launcher;

import io.moraine.launcher.ops.Logs;

/**
 * Logging set-up at start: logback reads the launcher's {@code logback.xml} (JSON lines on
 * stderr, INFO, the chatty libraries — Ratis, ZooKeeper, Curator, gRPC, Jetty — at WARN; cluster
 * start redirects stderr to DIR/logs/NODE.log). Commands that print results (admin, cluster,
 * --help) log only warnings, so their output stays parseable.
 */
final class Logging {

  private Logging() {}

  static void configure(String[] args) {
    String mode = args.length == 0 ? "" : args[0];
    boolean server = switch (mode) {
      case "dev", "zk", "meta", "storage", "gateway" -> true;
      default -> false;
    };
    if (!server) {
      Logs.quiet();
    } else if (mode.equals("dev")) {
      Logs.node("dev");
    }
  }
}
