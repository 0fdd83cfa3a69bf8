package io.moraine.chaos.report;

import io.moraine.chaos.check.Anomaly;
import io.moraine.chaos.check.CheckResult;
import io.moraine.chaos.check.Checkers;
import io.moraine.chaos.check.Validity;
import io.moraine.chaos.history.FaultEvent;
import io.moraine.chaos.history.History;
import io.moraine.chaos.history.Op;
import io.moraine.chaos.history.Outcome;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report of one run under {@code chaos-results/<run-id>/}: {@code report.txt} (verdict,
 * figures, each checker's result, the smallest anomaly first), {@code history.tsv} (every
 * operation and fault, re-readable), {@code timeline.html}, and the node logs the caller copies in.
 *
 * @param runId the directory name
 * @param description how the run was asked for (flags, seed)
 * @param outsideBudget whether any fault went beyond DESIGN.md's fault budget
 * @param results every checker's result
 * @param history the whole history
 */
public record RunReport(String runId, String description, boolean outsideBudget, List<CheckResult> results,
    History history) {

  public Validity validity() {
    return Checkers.verdict(results);
  }

  public List<Anomaly> anomalies() {
    List<Anomaly> all = new ArrayList<>();
    results.forEach(r -> all.addAll(r.anomalies()));
    all.sort((a, b) -> Integer.compare(a.ops().size(), b.ops().size()));
    return all;
  }

  /** The final line the command prints: {@code verdict: valid …} or {@code verdict: invalid …}. */
  public String verdictLine(Path dir) {
    List<Op> ops = history.ops();
    long ok = ops.stream().filter(o -> o.outcome() == Outcome.OK).count();
    String figures = ops.size() + " ops (" + ok + " ok), " + history.faults().size() + " faults"
        + (outsideBudget ? ", OUTSIDE the fault budget" : "") + ", report " + dir;
    return switch (validity()) {
      case VALID -> "verdict: valid (" + figures + ")";
      case INVALID -> "verdict: invalid (" + anomalies().size() + " anomalies; smallest: "
          + anomalies().get(0).summary() + "; " + figures + ")";
      case UNKNOWN -> "verdict: invalid (inconclusive: " + unknownReasons() + "; " + figures + ")";
    };
  }

  private String unknownReasons() {
    List<String> r = new ArrayList<>();
    for (CheckResult c : results) {
      if (c.validity() == Validity.UNKNOWN) {
        r.add(c.checker() + ": " + c.notes());
      }
    }
    return String.join("; ", r);
  }

  public String text() {
    StringBuilder b = new StringBuilder();
    b.append("moraine chaos run ").append(runId).append('\n').append(description).append('\n');
    b.append("verdict: ").append(validity().name().toLowerCase(Locale.ROOT)).append('\n');
    if (outsideBudget) {
      b.append("NOTE: this run injected faults OUTSIDE the fault budget of DESIGN.md (--exceed-budget);")
          .append(" data loss it finds is expected, not a bug.\n");
    }
    List<Op> ops = history.ops();
    b.append("\noperations: ").append(ops.size());
    for (Outcome o : Outcome.values()) {
      b.append(", ").append(o.name().toLowerCase(Locale.ROOT)).append(' ')
          .append(ops.stream().filter(x -> x.outcome() == o).count());
    }
    b.append("\nfaults: ").append(history.faults().size()).append('\n');
    b.append("\navailability (share of ok operations overlapping each fault class):\n");
    for (Map.Entry<String, Availability.Share> e : Availability.byFaultClass(history).entrySet()) {
      b.append(String.format(Locale.ROOT, "  %-10s %6.1f%%  (%d of %d)%n", e.getKey(), 100 * e.getValue().ratio(),
          e.getValue().ok(), e.getValue().total()));
    }
    b.append("\ncheckers:\n");
    for (CheckResult r : results) {
      b.append("  ").append(r.checker()).append(": ").append(r.validity().name().toLowerCase(Locale.ROOT))
          .append(" — ").append(r.notes()).append('\n');
    }
    List<Anomaly> anomalies = anomalies();
    if (!anomalies.isEmpty()) {
      b.append("\nanomalies (").append(anomalies.size()).append("), smallest first:\n");
      for (Anomaly a : anomalies) {
        b.append("  ").append(a.describe().replace("\n", "\n  ")).append('\n');
      }
    }
    b.append("\nfaults:\n");
    for (FaultEvent f : history.faults()) {
      b.append("  ").append(HtmlTimeline.faultText(f)).append('\n');
    }
    return b.toString();
  }

  /** Writes report.txt, history.tsv and timeline.html into {@code dir} (created). */
  public void write(Path dir) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("report.txt"), text(), StandardCharsets.UTF_8);
    HistoryFile.write(history, dir.resolve("history.tsv"));
    Files.writeString(dir.resolve("timeline.html"),
        HtmlTimeline.render("moraine chaos " + runId + " — " + validity().name().toLowerCase(Locale.ROOT),
            history, anomalies()), StandardCharsets.UTF_8);
  }
}
