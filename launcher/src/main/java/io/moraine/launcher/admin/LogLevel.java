package io.moraine.launcher.admin;

import io.moraine.launcher.ops.AdminEndpoints;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.curator.framework.CuratorFramework;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code admin log-level LOGGER LEVEL [--node ID]}: sets a logger's level in every running
 * process (or one), through each process's admin port as published in ZooKeeper
 * ({@code /moraine/admin}). Prints one line per process: {@code NODE_ID LOGGER LEVEL}, or
 * {@code NODE_ID error MESSAGE}; exits 1 when any process failed.
 */
@Command(name = "log-level", mixinStandardHelpOptions = true,
    description = "Change a logger's level at run time in every process (or --node ID). LEVEL: TRACE, DEBUG, INFO, "
        + "WARN, ERROR, OFF, or INHERIT (the parent's); LOGGER: a name such as io.moraine.gateway, or ROOT.")
final class LogLevel implements Callable<Integer> {
  @ParentCommand
  AdminCommand admin;

  @Parameters(index = "0", description = "the logger, e.g. io.moraine.gateway or ROOT")
  String logger;

  @Parameters(index = "1", description = "TRACE, DEBUG, INFO, WARN, ERROR, OFF or INHERIT")
  String level;

  @Option(names = "--node", description = "only this process (its node id, e.g. gateway-1; `dev` for bin/moraine dev)")
  String node;

  @Override
  public Integer call() throws Exception {
    Map<String, String> endpoints;
    try (CuratorFramework client = admin.connect()) {
      endpoints = AdminEndpoints.read(client);
    }
    if (node != null) {
      if (!endpoints.containsKey(node)) {
        System.err.println("no running process " + node + " (known: " + String.join(", ", endpoints.keySet()) + ")");
        return 1;
      }
      endpoints = Map.of(node, endpoints.get(node));
    }
    if (endpoints.isEmpty()) {
      System.err.println("no process has published its admin port in ZooKeeper");
      return 1;
    }
    Output out = admin.out();
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    int failures = 0;
    for (Map.Entry<String, String> e : new java.util.TreeMap<>(endpoints).entrySet()) {
      URI uri = URI.create("http://" + e.getValue() + "/log-level?logger=" + URLEncoder.encode(logger, StandardCharsets.UTF_8)
          + "&level=" + URLEncoder.encode(level, StandardCharsets.UTF_8));
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5))
            .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        String body = r.body().strip();
        int space = body.indexOf(' ');
        if (r.statusCode() == 200 && space > 0) {
          // The process answers "LOGGER EFFECTIVE_LEVEL".
          out.print(new Line.LogLevelSet(e.getKey(), body.substring(0, space), body.substring(space + 1)));
        } else {
          out.print(new Line.LogLevelError(e.getKey(), body));
          failures++;
        }
      } catch (java.io.IOException ex) {
        out.print(new Line.LogLevelError(e.getKey(), ex.toString()));
        failures++;
      }
    }
    return failures == 0 ? 0 : 1;
  }
}
