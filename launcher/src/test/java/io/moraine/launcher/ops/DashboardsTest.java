package io.moraine.launcher.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboards of ops/grafana are valid for current Grafana (schemaVersion ≥ 39,
 * unique ids, the data source as the DS_PROMETHEUS variable) and query only metric names that
 * docs/metrics.md documents — so renaming a metric without its dashboards fails here.
 */
class DashboardsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** PromQL functions, aggregations and keywords the dashboards may use. */
  private static final Set<String> PROMQL = Set.of("sum", "max", "min", "avg", "count", "rate", "irate", "increase",
      "deriv", "changes", "histogram_quantile", "by", "without", "on", "ignoring", "group_left", "group_right", "or",
      "and", "unless", "vector", "time", "le", "abs", "clamp_min", "topk", "bool");
  private static final Pattern IDENT = Pattern.compile("[A-Za-z_:][A-Za-z0-9_:]*");

  static List<Path> dashboards() throws Exception {
    try (Stream<Path> files = Files.list(MetricsDoc.repoRoot().resolve("ops").resolve("grafana"))) {
      return files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
    }
  }

  @Test
  void theFiveDashboardsExist() throws Exception {
    assertThat(dashboards()).extracting(p -> p.getFileName().toString()).containsExactly("background-services.json",
        "cluster-overview.json", "metadata-raft.json", "s3-api.json", "storage-redundancy.json");
  }

  @Test
  void everyDashboardIsValidForCurrentGrafana() throws Exception {
    Set<String> uids = new HashSet<>();
    for (Path file : dashboards()) {
      JsonNode d = JSON.readTree(file.toFile());
      assertThat(d.path("schemaVersion").asInt()).as(file + " schemaVersion").isGreaterThanOrEqualTo(39);
      assertThat(uids.add(d.path("uid").asText())).as(file + " uid unique").isTrue();
      assertThat(d.path("title").asText()).as(file.toString()).startsWith("Moraine / ");
      boolean dsVariable = false;
      for (JsonNode v : d.path("templating").path("list")) {
        dsVariable |= v.path("name").asText().equals("DS_PROMETHEUS") && v.path("type").asText().equals("datasource")
            && v.path("query").asText().equals("prometheus");
      }
      assertThat(dsVariable).as(file + " has the DS_PROMETHEUS data source variable").isTrue();
      Set<Integer> ids = new HashSet<>();
      for (JsonNode p : d.path("panels")) {
        assertThat(ids.add(p.path("id").asInt())).as(file + " panel id " + p.path("id")).isTrue();
        JsonNode grid = p.path("gridPos");
        assertThat(grid.path("x").asInt() + grid.path("w").asInt()).as(file + " " + p.path("title")).isLessThanOrEqualTo(24);
        if (p.path("type").asText().equals("row")) {
          continue;
        }
        assertThat(p.path("datasource").path("uid").asText()).as(file + " " + p.path("title")).isEqualTo("${DS_PROMETHEUS}");
        assertThat(p.path("targets").size()).as(file + " " + p.path("title") + " has queries").isPositive();
        for (JsonNode t : p.path("targets")) {
          assertThat(t.path("datasource").path("uid").asText()).isEqualTo("${DS_PROMETHEUS}");
          assertThat(t.path("expr").asText()).as(file + " " + p.path("title")).isNotBlank();
        }
      }
    }
  }

  @Test
  void everyQueryUsesOnlyDocumentedMetrics() throws Exception {
    Map<String, MetricsDoc.Entry> documented = MetricsDoc.documented();
    List<String> unknown = new ArrayList<>();
    Set<String> used = new HashSet<>();
    for (Path file : dashboards()) {
      JsonNode d = JSON.readTree(file.toFile());
      List<String> exprs = new ArrayList<>();
      for (JsonNode p : d.path("panels")) {
        p.path("targets").forEach(t -> exprs.add(t.path("expr").asText()));
      }
      d.path("templating").path("list").forEach(v -> {
        if (v.path("type").asText().equals("query")) {
          exprs.add(v.path("definition").asText());
        }
      });
      for (String expr : exprs) {
        for (String name : metricNames(expr)) {
          String family = MetricsDoc.familyOf(name, documented);
          if (family == null) {
            unknown.add(file.getFileName() + ": " + name + " in " + expr);
          } else {
            used.add(family);
          }
        }
      }
    }
    assertThat(unknown).as("names not documented in docs/metrics.md").isEmpty();
    assertThat(used).as("the dashboards graph the main families")
        .contains("moraine_s3_requests_total", "moraine_s3_request_duration_seconds", "moraine_storage_fsync_duration_seconds",
            "moraine_raft_leader", "moraine_repair_shards_missing", "moraine_erasure_reconstructed_stripes_total");
  }

  @Test
  void theNameExtractionSeesThroughLabelsAndClauses() {
    assertThat(metricNames("histogram_quantile(0.99, sum by (operation, le) (rate(moraine_s3_first_byte_seconds_bucket"
        + "{node_id=~\"$node\",status_class=\"5xx\"}[$__rate_interval]))) / on(group) group_left moraine_x"))
        .containsExactly("moraine_s3_first_byte_seconds_bucket", "moraine_x");
    assertThat(metricNames("label_values(moraine_node_up, node_id)")).containsExactly("moraine_node_up");
    assertThat(MetricsDoc.familyOf("moraine_nope_total", Map.of())).isNull();
  }

  /** The series names of a PromQL expression (or a label_values(...) variable query). */
  static List<String> metricNames(String expr) {
    String e = expr.replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"")          // string literals
        .replaceAll("\\{[^}]*}", " ")                                     // label matchers
        .replaceAll("\\[[^]]*]", " ")                                     // range selectors
        .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ")
        .replaceAll("\\$[A-Za-z_]+", " ");
    Matcher lv = Pattern.compile("^label_values\\(\\s*([A-Za-z_:][A-Za-z0-9_:]*)\\s*,.*\\)$").matcher(e.strip());
    if (lv.matches()) {
      return List.of(lv.group(1));
    }
    List<String> names = new ArrayList<>();
    Matcher m = IDENT.matcher(e);
    while (m.find()) {
      String id = m.group();
      int before = m.start() - 1;
      boolean number = before >= 0 && (Character.isDigit(e.charAt(before)) || e.charAt(before) == '.');
      if (!PROMQL.contains(id) && !number) {
        names.add(id);
      }
    }
    return names;
  }
}
