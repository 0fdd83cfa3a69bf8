package io.moraine.launcher.ops;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names docs/metrics.md documents (its table rows {@code | `name` | type | ...}), and
 * the family names of a Prometheus text scrape ({@code # TYPE name type} lines).
 */
public final class MetricsDoc {
  private static final Pattern ROW = Pattern.compile("^\\| `([a-z_:][a-z0-9_:]*)` \\| (counter|gauge|histogram|summary) \\|(.*)$");
  private static final Pattern TYPE = Pattern.compile("^# TYPE (\\S+) (\\S+)$", Pattern.MULTILINE);

  /** One documented family. */
  public record Entry(String name, String type, boolean mayBeAbsent) {}

  private MetricsDoc() {}

  /** The repository root (the directory holding docs/metrics.md), from the module's working dir. */
  public static Path repoRoot() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.isRegularFile(p.resolve("docs").resolve("metrics.md"))) {
      p = p.getParent();
    }
    if (p == null) {
      throw new IllegalStateException("docs/metrics.md not found above " + Path.of("").toAbsolutePath());
    }
    return p;
  }

  public static Map<String, Entry> documented() throws IOException {
    Map<String, Entry> out = new LinkedHashMap<>();
    for (String line : Files.readAllLines(repoRoot().resolve("docs").resolve("metrics.md"))) {
      Matcher m = ROW.matcher(line);
      if (m.matches()) {
        if (out.put(m.group(1), new Entry(m.group(1), m.group(2), m.group(3).contains("absent until"))) != null) {
          throw new IllegalStateException("docs/metrics.md lists " + m.group(1) + " twice");
        }
      }
    }
    return out;
  }

  /** Family name → type of every {@code # TYPE} line of a scrape. */
  public static Map<String, String> families(String scrape) {
    Map<String, String> out = new LinkedHashMap<>();
    Matcher m = TYPE.matcher(scrape);
    while (m.find()) {
      out.put(m.group(1), m.group(2));
    }
    return out;
  }

  /**
   * The family a PromQL series name belongs to among {@code known}: itself, or a histogram's or
   * summary's {@code _bucket}/{@code _sum}/{@code _count} series. Null when none.
   */
  public static String familyOf(String series, Map<String, Entry> known) {
    if (known.containsKey(series)) {
      return series;
    }
    for (String suffix : new String[] {"_bucket", "_sum", "_count"}) {
      if (series.endsWith(suffix)) {
        Entry e = known.get(series.substring(0, series.length() - suffix.length()));
        if (e != null && (e.type().equals("histogram") || e.type().equals("summary"))
            && (!suffix.equals("_bucket") || e.type().equals("histogram"))) {
          return e.name();
        }
      }
    }
    return null;
  }

  public static Set<String> sorted(Iterable<String> names) {
    Set<String> s = new TreeSet<>();
    names.forEach(s::add);
    return s;
  }
}
