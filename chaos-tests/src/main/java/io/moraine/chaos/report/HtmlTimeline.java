package io.moraine.chaos.report;

import io.moraine.chaos.check.Anomaly;
import io.moraine.chaos.history.FaultEvent;
import io.moraine.chaos.history.History;
import io.moraine.chaos.history.Op;
import io.moraine.chaos.history.Outcome;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * A self-contained HTML page (inline SVG, no scripts from anywhere): one row per client process,
 * each operation a bar from invocation to completion (green ok, red fail, orange unknown), fault
 * windows shaded across all rows with their description, operations of anomalies outlined in
 * black. Hovering a bar shows the operation.
 */
public final class HtmlTimeline {

  private static final int ROW_PX = 18;
  private static final int LEFT_PX = 60;
  private static final int WIDTH_PX = 1600;
  private static final int FAULT_LANE_PX = 16;

  private HtmlTimeline() {}

  public static String render(String title, History history, List<Anomaly> anomalies) {
    List<Op> ops = history.ops();
    List<FaultEvent> faults = history.faults();
    Set<Long> flagged = new HashSet<>();
    for (Anomaly a : anomalies) {
      a.ops().forEach(op -> flagged.add(op.id()));
    }
    long end = 1;
    for (Op op : ops) {
      end = Math.max(end, op.completeNanos());
    }
    for (FaultEvent f : faults) {
      end = Math.max(end, f.endNanos() == Long.MAX_VALUE ? f.startNanos() : f.endNanos());
    }
    TreeSet<Integer> processes = new TreeSet<>();
    ops.forEach(op -> processes.add(op.process()));
    int faultLanes = Math.max(1, faults.size());
    int top = 20 + Math.min(faultLanes, 12) * FAULT_LANE_PX;
    int height = top + processes.size() * ROW_PX + 30;
    double scale = (WIDTH_PX - LEFT_PX - 10) / (double) end;

    StringBuilder s = new StringBuilder();
    s.append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>").append(esc(title)).append("</title>\n")
        .append("<style>body{font-family:sans-serif;font-size:12px} rect.ok{fill:#4caf50} rect.fail{fill:#e53935}")
        .append(" rect.info{fill:#fb8c00} rect.bad{stroke:#000;stroke-width:2} rect.fault{fill:#1e88e5;fill-opacity:.12}")
        .append(" rect.outside{fill:#8e24aa;fill-opacity:.18} text{font-size:10px} pre{white-space:pre-wrap}</style></head><body>\n")
        .append("<h2>").append(esc(title)).append("</h2>\n<p>")
        .append(ops.size()).append(" operations, ").append(faults.size()).append(" faults, ")
        .append(anomalies.size()).append(" anomalies. Bars: green ok, red fail, orange unknown; black outline: part of an")
        .append(" anomaly. Shaded: fault windows (blue inside the fault budget, purple outside); dashed: start of the final reads.</p>\n");
    s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(WIDTH_PX).append("\" height=\"").append(height)
        .append("\">\n");
    // Time axis, one tick per second or coarser.
    long seconds = Math.max(1, end / 1_000_000_000L);
    long step = seconds <= 20 ? 1 : seconds <= 120 ? 10 : 60;
    for (long t = 0; t <= seconds; t += step) {
      double x = LEFT_PX + t * 1e9 * scale;
      s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>"
          + "<text x=\"%.1f\" y=\"%d\">%ds</text>\n", x, 15, x, height - 15, x, height - 3, t));
    }
    int lane = 0;
    for (FaultEvent f : faults) {
      double x0 = LEFT_PX + f.startNanos() * scale;
      double x1 = LEFT_PX + (f.endNanos() == Long.MAX_VALUE ? end : f.endNanos()) * scale;
      int y = 20 + (lane % 12) * FAULT_LANE_PX;
      String cls = f.withinBudget() ? "fault" : "outside";
      s.append(String.format(Locale.ROOT, "<rect class=\"%s\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\">"
          + "<title>%s</title></rect>", cls, x0, y, Math.max(1, x1 - x0), height - y - 20, esc(faultText(f))));
      s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\">%s</text>\n", x0 + 2, y + 11,
          esc(f.nemesis() + ": " + f.description())));
      lane++;
    }
    if (history.finalPhaseNanos() != Long.MAX_VALUE) {
      double x = LEFT_PX + history.finalPhaseNanos() * scale;
      s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#000\""
          + " stroke-dasharray=\"4,3\"/><text x=\"%.1f\" y=\"%d\">final reads after heal</text>%n",
          x, 15, x, height - 15, x + 3, 12));
    }
    int row = 0;
    java.util.Map<Integer, Integer> rowOf = new java.util.HashMap<>();
    for (int p : processes) {
      rowOf.put(p, row);
      s.append(String.format(Locale.ROOT, "<text x=\"2\" y=\"%d\">p%d</text>\n", top + row * ROW_PX + 12, p));
      row++;
    }
    for (Op op : ops) {
      double x0 = LEFT_PX + op.invokeNanos() * scale;
      double x1 = LEFT_PX + op.completeNanos() * scale;
      int y = top + rowOf.get(op.process()) * ROW_PX + 2;
      String cls = op.outcome() == Outcome.OK ? "ok" : op.outcome() == Outcome.FAIL ? "fail" : "info";
      if (flagged.contains(op.id())) {
        cls += " bad";
      }
      s.append(String.format(Locale.ROOT, "<rect class=\"%s\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\">"
          + "<title>%s</title></rect>\n", cls, x0, y, Math.max(1.0, x1 - x0), ROW_PX - 4, esc(op.describe())));
    }
    s.append("</svg>\n");
    if (!anomalies.isEmpty()) {
      s.append("<h3>Anomalies (smallest witness first)</h3>\n<pre>");
      for (Anomaly a : anomalies) {
        s.append(esc(a.describe())).append("\n\n");
      }
      s.append("</pre>\n");
    }
    s.append("<h3>Faults</h3>\n<pre>");
    for (FaultEvent f : faults) {
      s.append(esc(faultText(f))).append('\n');
    }
    s.append("</pre>\n</body></html>\n");
    return s.toString();
  }

  static String faultText(FaultEvent f) {
    return String.format(Locale.ROOT, "%s [%.3fs..%s] %s on %s%s", f.nemesis(), f.startNanos() / 1e9,
        f.endNanos() == Long.MAX_VALUE ? "?" : String.format(Locale.ROOT, "%.3fs", f.endNanos() / 1e9),
        f.description(), f.nodes(), f.withinBudget() ? "" : " (OUTSIDE the fault budget)");
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
