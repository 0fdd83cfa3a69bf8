package io.moraine.chaos.report;

import io.moraine.chaos.history.FaultEvent;
import io.moraine.chaos.history.History;
import io.moraine.chaos.history.Op;
import io.moraine.chaos.history.OpType;
import io.moraine.chaos.history.Outcome;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The history as a text file anyone can grep and the checkers can re-read
 * ({@code moraine chaos --check FILE} style replays): a versioned header line, then one
 * tab-separated line per operation or fault. Fields are escaped ({@code \t}, {@code \n}, {@code \\});
 * {@code -} stands for null.
 */
public final class HistoryFile {

  static final String HEADER = "# moraine-chaos-history v1";

  private HistoryFile() {}

  public static void write(History history, Path file) throws IOException {
    StringBuilder b = new StringBuilder(HEADER).append('\n');
    b.append("# final-phase\t").append(history.finalPhaseNanos()).append('\n');
    b.append("# op\tid\tprocess\ttype\tkey\tvalue\toutcome\tinvokeNanos\tcompleteNanos\tlisted\terror\n");
    for (Op op : history.ops()) {
      b.append("op\t").append(op.id()).append('\t').append(op.process()).append('\t').append(op.type()).append('\t')
          .append(esc(op.key())).append('\t').append(esc(op.value())).append('\t').append(op.outcome()).append('\t')
          .append(op.invokeNanos()).append('\t').append(op.completeNanos()).append('\t')
          .append(esc(String.join(",", op.listed()))).append('\t').append(esc(op.error())).append('\n');
    }
    for (FaultEvent f : history.faults()) {
      b.append("fault\t").append(esc(f.nemesis())).append('\t').append(esc(f.description())).append('\t')
          .append(esc(String.join(",", f.nodes()))).append('\t').append(f.startNanos()).append('\t')
          .append(f.endNanos()).append('\t').append(f.withinBudget()).append('\n');
    }
    Files.writeString(file, b, StandardCharsets.UTF_8);
  }

  public static History read(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    if (lines.isEmpty() || !lines.get(0).equals(HEADER)) {
      throw new IOException(file + " is not a moraine chaos history (want '" + HEADER + "' first, got '"
          + (lines.isEmpty() ? "" : lines.get(0)) + "')");
    }
    List<Op> ops = new ArrayList<>();
    List<FaultEvent> faults = new ArrayList<>();
    long finalPhase = Long.MAX_VALUE;
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split("\t", -1);
      if (f[0].equals("# final-phase")) {
        finalPhase = Long.parseLong(f[1]);
      } else if (f[0].equals("op")) {
        String listed = unesc(f[9]);
        ops.add(new Op(Long.parseLong(f[1]), Integer.parseInt(f[2]), OpType.valueOf(f[3]), unesc(f[4]), unesc(f[5]),
            listed == null || listed.isEmpty() ? List.of() : Arrays.asList(listed.split(",")),
            Long.parseLong(f[7]), Long.parseLong(f[8]), Outcome.valueOf(f[6]), unesc(f[10])));
      } else if (f[0].equals("fault")) {
        String nodes = unesc(f[3]);
        faults.add(new FaultEvent(unesc(f[1]), unesc(f[2]),
            nodes == null || nodes.isEmpty() ? List.of() : Arrays.asList(nodes.split(",")),
            Long.parseLong(f[4]), Long.parseLong(f[5]), Boolean.parseBoolean(f[6])));
      }
    }
    History h = History.of(ops);
    faults.forEach(h::fault);
    h.markFinalPhase(finalPhase);
    return h;
  }

  private static String esc(String s) {
    if (s == null) {
      return "-";
    }
    if (s.equals("-")) {
      return "\\-";
    }
    return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n");
  }

  private static String unesc(String s) {
    if (s.equals("-")) {
      return null;
    }
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length()) {
        char n = s.charAt(++i);
        b.append(switch (n) {
          case 't' -> '\t';
          case 'n' -> '\n';
          default -> n;
        });
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }
}
