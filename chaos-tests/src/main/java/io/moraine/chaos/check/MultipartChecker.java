package io.moraine.chaos.check;

import io.moraine.chaos.history.History;
import io.moraine.chaos.history.Op;
import io.moraine.chaos.history.OpType;
import io.moraine.chaos.history.Outcome;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Multipart uploads are atomic: a key written by CompleteMultipartUpload reads either as it was
 * before or as the whole assembled object — never a prefix, a single part or a mix of uploads
 * (the workload's reader decodes the body and records {@code torn:WHY} for anything else), and
 * an upload whose Complete certainly failed never becomes visible.
 */
public final class MultipartChecker implements Checker {

  /** The value a reader records for a body that is not one whole object. */
  public static final String TORN_PREFIX = "torn:";

  @Override
  public String name() {
    return "multipart-atomic";
  }

  @Override
  public CheckResult check(History history) {
    List<Op> all = history.ops();
    Set<String> failedUploads = new HashSet<>();
    Set<String> possible = new HashSet<>();
    int completes = 0;
    for (Op op : all) {
      if (op.type() == OpType.MULTIPART_COMPLETE) {
        completes++;
        if (op.outcome() == Outcome.FAIL) {
          failedUploads.add(op.value());
        } else {
          possible.add(op.value());
        }
      }
    }
    failedUploads.removeAll(possible);
    List<Anomaly> anomalies = new ArrayList<>();
    int reads = 0;
    for (Op op : all) {
      if (op.type() != OpType.READ || op.outcome() != Outcome.OK || op.value() == null) {
        continue;
      }
      if (op.value().startsWith(TORN_PREFIX)) {
        anomalies.add(new Anomaly(name(), op.key(), "read a torn object: " + op.value().substring(TORN_PREFIX.length()),
            List.of(op)));
      } else if (failedUploads.contains(op.value())) {
        Op complete = all.stream()
            .filter(c -> c.type() == OpType.MULTIPART_COMPLETE && c.value().equals(op.value()))
            .findFirst().orElseThrow();
        anomalies.add(new Anomaly(name(), op.key(), "an upload whose Complete failed became visible",
            List.of(complete, op)));
      } else if (possible.contains(op.value())) {
        reads++;
      }
    }
    return CheckResult.of(name(), anomalies, true, completes + " completes, " + reads + " reads of multipart objects");
  }
}
