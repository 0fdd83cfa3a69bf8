package io.moraine.launcher.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.util.List;

/**
 * Where an admin command's {@link Line}s go: their text, or with {@code --json} one JSON object
 * per line ({@code {"type":...}} then the line's fields in text order, numbers as numbers, lists
 * as arrays). Errors stay plain text on stderr either way.
 */
final class Output {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final PrintStream out;
  private final boolean json;

  Output(PrintStream out, boolean json) {
    this.out = out;
    this.json = json;
  }

  void print(Line line) {
    out.println(json ? json(line) : line.text());
  }

  void print(List<? extends Line> lines) {
    lines.forEach(this::print);
  }

  /** Between samples of a repeating command (top): a blank line in text, nothing in JSON. */
  void separator() {
    if (!json) {
      out.println();
    }
  }

  static String json(Line line) {
    ObjectNode node = JSON.createObjectNode();
    node.put("type", line.type());
    for (Line.Field f : line.fields()) {
      switch (f.value()) {
        case String s -> node.put(f.name(), s);
        case Long l -> node.put(f.name(), l);
        case Integer i -> node.put(f.name(), i);
        case Boolean b -> node.put(f.name(), b);
        case BigDecimal d -> node.put(f.name(), d);
        case List<?> list -> {
          ArrayNode array = node.putArray(f.name());
          list.forEach(v -> array.add(String.valueOf(v)));
        }
        default -> throw new IllegalStateException("field " + f.name() + " of " + line.type() + " has a value of type "
            + f.value().getClass().getName() + ", which JSON output does not know");
      }
    }
    try {
      return JSON.writeValueAsString(node);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("a tree of strings and numbers did not serialize: " + node, e);
    }
  }
}
