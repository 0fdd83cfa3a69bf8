package io.moraine.chaos.nemesis;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The nemesis names of {@code --nemesis}, and {@code mixed} = all of them. */
public final class Nemeses {

  public static final List<String> NAMES = List.of("kill", "pause", "partition", "latency", "loss", "bitrot", "mixed");

  private Nemeses() {}

  public static List<Nemesis> parse(String list) {
    Set<String> names = new LinkedHashSet<>();
    for (String raw : list.split(",")) {
      String n = raw.trim();
      if (n.isEmpty()) {
        continue;
      }
      if (!NAMES.contains(n)) {
        throw new IllegalArgumentException("unknown nemesis '" + n + "'; known: " + String.join(", ", NAMES));
      }
      if (n.equals("mixed")) {
        names.addAll(NAMES.subList(0, NAMES.size() - 1));
      } else {
        names.add(n);
      }
    }
    if (names.isEmpty()) {
      throw new IllegalArgumentException("--nemesis needs at least one of " + String.join(", ", NAMES));
    }
    List<Nemesis> out = new ArrayList<>();
    for (String n : names) {
      out.add(switch (n) {
        case "kill" -> ProcessNemesis.kill();
        case "pause" -> ProcessNemesis.pause();
        case "partition" -> new PartitionNemesis();
        case "latency" -> new LatencyNemesis();
        case "loss" -> new LossNemesis();
        case "bitrot" -> new BitrotNemesis(5);
        default -> throw new IllegalStateException("unhandled nemesis " + n);
      });
    }
    return out;
  }
}
