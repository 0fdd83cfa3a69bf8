package io.moraine.launcher.admin;

import io.moraine.launcher.ops.AdminEndpoints;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.curator.framework.CuratorFramework;

/**
 * The gateways' Prometheus text, for admin commands that sum request counters over the cluster
 * ({@code top}, {@code usage --requester-pays}): every gateway's admin port is published in
 * ZooKeeper ({@link AdminEndpoints}); {@code dev} publishes one for all its roles.
 */
final class GatewayScrapes {
  private GatewayScrapes() {}

  /** HOST:PORT of every gateway's admin port. */
  static List<String> gateways(CuratorFramework client) throws Exception {
    List<String> gateways = new ArrayList<>();
    for (Map.Entry<String, String> e : AdminEndpoints.read(client).entrySet()) {
      if (e.getKey().startsWith("gateway") || e.getKey().equals("dev")) {
        gateways.add(e.getValue());
      }
    }
    return gateways;
  }

  /** One scrape of each gateway's /metrics; one that does not answer is reported on stderr and left out. */
  static List<String> scrape(HttpClient http, List<String> gateways) throws InterruptedException {
    List<String> scrapes = new ArrayList<>();
    for (String g : gateways) {
      try {
        scrapes.add(http.send(HttpRequest.newBuilder(URI.create("http://" + g + "/metrics")).timeout(Duration.ofSeconds(5))
            .build(), HttpResponse.BodyHandlers.ofString()).body());
      } catch (java.io.IOException e) {
        System.err.println("gateway at " + g + " did not answer: " + e);
      }
    }
    return scrapes;
  }

  static HttpClient http() {
    return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
  }

  /** The value of label {@code name} in a sample's label text ({@code a="x",b="y"}), or "". */
  static String label(String labels, String name) {
    Matcher m = Pattern.compile("(?:^|,)" + name + "=\"([^\"]*)\"").matcher(labels);
    return m.find() ? m.group(1) : "";
  }
}
