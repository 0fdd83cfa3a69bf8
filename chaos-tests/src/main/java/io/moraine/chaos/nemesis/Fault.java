package io.moraine.chaos.nemesis;

import java.io.IOException;
import java.util.List;

/**
 * One planned fault: what it does, to whom, what it costs in the fault budget, and how to inject
 * and heal it.
 */
public record Fault(String nemesis, String description, List<String> nodes, Impact impact, Action inject, Action heal) {

  /** A step that talks to processes or the network. */
  @FunctionalInterface
  public interface Action {
    void run() throws IOException, InterruptedException;
  }

  public Fault {
    nodes = List.copyOf(nodes);
  }
}
