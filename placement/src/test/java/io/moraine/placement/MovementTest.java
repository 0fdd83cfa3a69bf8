package io.moraine.placement;

import static io.moraine.placement.Clusters.GIB;
import static io.moraine.placement.Clusters.node;
import static io.moraine.placement.Clusters.uniform;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Data moved when a node joins or leaves, for STANDARD 4+2 (the first 6 slots of each group),
 * against two ideals: 1/(n+1) of all shards on a join (1/n on a leave) if placement were free, and
 * the AZ-constrained ideal — the AZ's 2 shards per group are shared among its nodes only, so a
 * node joining an AZ of a nodes ideally takes 2/(a+1) shards per group of 6.
 * Figures are printed to the test output (target/surefire-reports/*MovementTest-output.txt).
 */
class MovementTest {

  private static final int WIDTH = 6;
  private static final PlacementConfig CONFIG = new PlacementConfig(4096, 16, GIB);

  /** Fraction of (group, shard index < WIDTH) whose node differs between the maps. */
  static double movedFraction(PlacementMap before, PlacementMap after) {
    long moved = 0;
    long total = 0;
    for (int g = 0; g < before.placementGroupCount(); g++) {
      for (int i = 0; i < WIDTH; i++) {
        total++;
        if (!before.groups().get(g).get(i).equals(after.groups().get(g).get(i))) {
          moved++;
        }
      }
    }
    return (double) moved / total;
  }

  private static PlacementMap map(List<NodeInfo> members) {
    return PlacementCalculator.compute(Optional.empty(), members, CONFIG);
  }

  private static String row(String what, double moved, double ideal, double azIdeal) {
    return String.format("%-44s moved %6.2f%%  ideal %6.2f%% (x%.2f)  AZ-ideal %6.2f%% (x%.2f)",
        what, moved * 100, ideal * 100, moved / ideal, azIdeal * 100, moved / azIdeal);
  }

  @Test
  void joinAndLeaveMoveCloseToTheMinimum() {
    List<String> report = new ArrayList<>();
    for (int perAz : new int[] {2, 3, 4, 10}) {
      List<NodeInfo> before = uniform(3, perAz);
      List<NodeInfo> after = new ArrayList<>(before);
      after.add(node(1, perAz + 1, 100));
      int n = before.size();
      double join = movedFraction(map(before), map(after));
      double joinAzIdeal = 2.0 / (perAz + 1) / WIDTH;
      report.add(row("join: 3x" + perAz + " -> +1 in az1 (n=" + n + ")", join, 1.0 / (n + 1), joinAzIdeal));
      double leave = movedFraction(map(after), map(before));
      report.add(row("leave: back to 3x" + perAz + " (n=" + (n + 1) + ")", leave, 1.0 / (n + 1), joinAzIdeal));
      assertThat(join).as("join 3x%d", perAz).isLessThanOrEqualTo(1.3 * joinAzIdeal);
      assertThat(leave).as("leave 3x%d", perAz).isLessThanOrEqualTo(1.3 * joinAzIdeal);
    }
    // A node twice as large takes twice the share of its AZ: ideal 2*2/(a+2) per group of 6.
    List<NodeInfo> before = uniform(3, 3);
    List<NodeInfo> after = new ArrayList<>(before);
    after.add(node(2, 4, 200));
    double big = movedFraction(map(before), map(after));
    report.add(row("join of a 2x node: 3x3 -> +1 in az2", big, 2.0 / 11, 4.0 / 5 / WIDTH));
    // Weight change of one node (100 -> 150 GiB).
    List<NodeInfo> grown = new ArrayList<>(before);
    grown.set(0, node(1, 1, 150));
    double grow = movedFraction(map(before), map(grown));
    report.add(row("weight change 100->150 GiB: 3x3", grow, 0.5 / 9.5, (1.5 / 3.5 - 1.0 / 3) * 2 / WIDTH));
    report.forEach(System.out::println);
    // Unrelated AZs never move: the join in az2 above changes no slot held by an az1/az3 node.
    PlacementMap b = map(uniform(3, 3));
    PlacementMap a = map(after);
    for (int g = 0; g < b.placementGroupCount(); g++) {
      for (int i = 0; i < b.groups().get(g).size(); i++) {
        String was = b.groups().get(g).get(i);
        if (was.startsWith("storage-az2-")) {
          continue;
        }
        assertThat(a.groups().get(g).get(i)).as("group %d slot %d", g, i).isEqualTo(was);
      }
    }
  }
}
