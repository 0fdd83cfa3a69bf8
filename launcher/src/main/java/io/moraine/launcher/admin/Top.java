package io.moraine.launcher.admin;

import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.curator.framework.CuratorFramework;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code admin top [--interval S] [--count N]}: live S3 requests per second by operation, summed
 * over every gateway, from two scrapes of their metrics {@code --interval} apart
 * (moraine_s3_requests_total). Per sample, one line per operation seen, busiest first:
 * {@code OPERATION rps R 4xx R 5xx R}, then {@code total rps R in_flight N gateways G}.
 */
@Command(name = "top", mixinStandardHelpOptions = true,
    description = "Live S3 requests/s by operation over every gateway (from their /metrics).")
final class Top implements Callable<Integer> {
  private static final Pattern REQUESTS = Pattern.compile(
      "^moraine_s3_requests_total\\{([^}]*)\\} (\\S+)$", Pattern.MULTILINE);
  private static final Pattern IN_FLIGHT = Pattern.compile("^moraine_s3_requests_in_flight\\{[^}]*\\} (\\S+)$",
      Pattern.MULTILINE);

  @ParentCommand
  AdminCommand admin;

  @Option(names = "--interval", defaultValue = "2", description = "seconds between the two scrapes of a sample (default ${DEFAULT-VALUE})")
  double interval;

  @Option(names = "--count", defaultValue = "1", description = "samples to print (default ${DEFAULT-VALUE}); 0 = until interrupted")
  int count;

  @Override
  public Integer call() throws Exception {
    List<String> gateways;
    try (CuratorFramework client = admin.connect()) {
      gateways = GatewayScrapes.gateways(client);
    }
    if (gateways.isEmpty()) {
      System.err.println("no gateway has published its admin port in ZooKeeper");
      return 1;
    }
    HttpClient http = GatewayScrapes.http();
    Sample before = sample(http, gateways);
    for (int n = 0; count == 0 || n < count; n++) {
      Thread.sleep((long) (interval * 1000));
      Sample after = sample(http, gateways);
      print(admin.out(), before, after, (after.nanos - before.nanos) / 1e9, gateways.size());
      before = after;
    }
    return 0;
  }

  /** Per operation: [all, 4xx, 5xx] request counts; and the requests in flight. */
  record Sample(long nanos, Map<String, double[]> byOperation, double inFlight) {}

  static Sample parse(long nanos, List<String> scrapes) {
    Map<String, double[]> ops = new TreeMap<>();
    double inFlight = 0;
    for (String text : scrapes) {
      Matcher m = REQUESTS.matcher(text);
      while (m.find()) {
        String op = label(m.group(1), "operation");
        String cls = label(m.group(1), "status_class");
        double v = Double.parseDouble(m.group(2));
        double[] f = ops.computeIfAbsent(op, k -> new double[3]);
        f[0] += v;
        if ("4xx".equals(cls)) {
          f[1] += v;
        } else if ("5xx".equals(cls)) {
          f[2] += v;
        }
      }
      Matcher g = IN_FLIGHT.matcher(text);
      while (g.find()) {
        inFlight += Double.parseDouble(g.group(1));
      }
    }
    return new Sample(nanos, ops, inFlight);
  }

  private static String label(String labels, String name) {
    return GatewayScrapes.label(labels, name);
  }

  private static Sample sample(HttpClient http, List<String> gateways) throws Exception {
    return parse(System.nanoTime(), GatewayScrapes.scrape(http, gateways));
  }

  static List<Line> lines(Sample before, Sample after, double seconds, int gateways) {
    record Row(String op, double rps, double r4, double r5) {}
    List<Row> rows = new ArrayList<>();
    double total = 0;
    for (Map.Entry<String, double[]> e : after.byOperation().entrySet()) {
      double[] b = before.byOperation().getOrDefault(e.getKey(), new double[3]);
      double[] a = e.getValue();
      // A gateway restarted between the scrapes restarts its counters: clamp at 0.
      Row r = new Row(e.getKey(), Math.max(0, a[0] - b[0]) / seconds, Math.max(0, a[1] - b[1]) / seconds,
          Math.max(0, a[2] - b[2]) / seconds);
      total += r.rps();
      if (r.rps() > 0) {
        rows.add(r);
      }
    }
    rows.sort((x, y) -> Double.compare(y.rps(), x.rps()));
    List<Line> out = new ArrayList<>();
    for (Row r : rows) {
      out.add(new Line.TopOperation(r.op(), Line.oneDecimal(r.rps()), Line.oneDecimal(r.r4()), Line.oneDecimal(r.r5())));
    }
    out.add(new Line.TopTotal(Line.oneDecimal(total), Math.round(after.inFlight()), gateways));
    return out;
  }

  private static void print(Output out, Sample before, Sample after, double seconds, int gateways) {
    out.print(lines(before, after, seconds, gateways));
    out.separator();
  }
}
