package io.moraine.chaos.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.moraine.chaos.check.Checkers;
import io.moraine.chaos.history.FaultEvent;
import io.moraine.chaos.history.History;
import io.moraine.chaos.history.Op;
import io.moraine.chaos.history.OpType;
import io.moraine.chaos.history.Outcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunReportTest {

  private static Op op(long id, int p, OpType t, String k, String v, long fromMs, long toMs, Outcome o) {
    return new Op(id, p, t, k, v, List.of(), fromMs * 1_000_000, toMs * 1_000_000, o, o == Outcome.OK ? "" : "timeout\there");
  }

  private static History lostWrite() {
    History h = History.of(List.of(
        op(0, 1, OpType.WRITE, "k", "a", 0, 10, Outcome.OK),
        op(1, 2, OpType.WRITE, "k", "b", 20, 30, Outcome.OK),
        op(2, 3, OpType.WRITE, "j", "x", 20, 1030, Outcome.INFO),
        op(3, 1, OpType.READ, "k", "a", 2000, 2010, Outcome.OK)));
    h.fault(new FaultEvent("partition", "isolate leader meta-2", List.of("meta-2"), 15_000_000, 1_500_000_000, true));
    h.markFinalPhase(1_900_000_000);
    return h;
  }

  @Test
  void invalidRunWritesReportTimelineAndReReadableHistory(@TempDir Path dir) throws Exception {
    History h = lostWrite();
    RunReport report = new RunReport("test-run", "--nemesis partition --seed 1", false,
        Checkers.standard(System::nanoTime, 1_000_000_000L).checkAll(h), h);

    report.write(dir);

    assertThat(report.verdictLine(dir)).startsWith("verdict: invalid");
    assertThat(Files.readString(dir.resolve("report.txt"))).contains("no-lost-writes: invalid", "partition");
    String html = Files.readString(dir.resolve("timeline.html"));
    assertThat(html).contains("<svg", "isolate leader meta-2", "class=\"ok bad\"");
    History back = HistoryFile.read(dir.resolve("history.tsv"));
    assertThat(back.ops()).isEqualTo(h.ops());
    assertThat(back.faults()).isEqualTo(h.faults());
    assertThat(back.finalPhaseNanos()).isEqualTo(h.finalPhaseNanos());
  }

  @Test
  void availabilityIsCountedPerFaultClass() {
    var shares = Availability.byFaultClass(lostWrite());
    assertThat(shares.get("partition").total()).isEqualTo(2);  // the write of b and the unknown write of j
    assertThat(shares.get("partition").ok()).isEqualTo(1);
    assertThat(shares.get("none").total()).isEqualTo(1);
  }
}
