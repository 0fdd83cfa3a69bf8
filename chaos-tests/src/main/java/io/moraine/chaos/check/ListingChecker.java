package io.moraine.chaos.check;

import io.moraine.chaos.history.History;
import io.moraine.chaos.history.Op;
import io.moraine.chaos.history.OpType;
import io.moraine.chaos.history.Outcome;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Listings agree with the writes (DESIGN.md: lists are strongly consistent). For every OK LIST of
 * a prefix and every key under it, the key's presence must be possible during the list's window:
 * <ul>
 *   <li>listed ⇒ some PUT of the key (ok or unknown) was invoked before the list completed and no
 *       acknowledged DELETE certainly followed that PUT and completed before the list began;</li>
 *   <li>not listed ⇒ the key was empty at some point of the window: initially, or after a DELETE
 *       (ok or unknown, invoked before the list completed) that no acknowledged PUT certainly
 *       followed before the list began.</li>
 * </ul>
 * A listing is one page (the workload keeps prefixes under 1000 keys), so it is one atomic read.
 */
public final class ListingChecker implements Checker {

  @Override
  public String name() {
    return "listing-consistent";
  }

  @Override
  public CheckResult check(History history) {
    List<Op> all = history.ops();
    Map<String, List<Op>> mutationsByKey = new TreeMap<>();
    for (Op op : all) {
      if (op.isMutation() && op.outcome() != Outcome.FAIL) {
        mutationsByKey.computeIfAbsent(op.key(), k -> new ArrayList<>()).add(op);
      }
    }
    List<Anomaly> anomalies = new ArrayList<>();
    int lists = 0;
    for (Op list : all) {
      if (list.type() != OpType.LIST || list.outcome() != Outcome.OK) {
        continue;
      }
      lists++;
      Set<String> listed = new HashSet<>(list.listed());
      Set<String> universe = new TreeSet<>(listed);
      for (String key : mutationsByKey.keySet()) {
        if (key.startsWith(list.key())) {
          universe.add(key);
        }
      }
      for (String key : universe) {
        List<Op> muts = mutationsByKey.getOrDefault(key, List.of());
        Anomaly a = listed.contains(key) ? presentPossible(list, key, muts) : absentPossible(list, key, muts);
        if (a != null) {
          anomalies.add(a);
          break;
        }
      }
    }
    return CheckResult.of(name(), anomalies, true, lists + " listings checked");
  }

  private Anomaly presentPossible(Op list, String key, List<Op> muts) {
    Op rivalSeen = null;
    Op putSeen = null;
    for (Op put : muts) {
      if (put.writtenValue() == null || put.invokeNanos() > list.completeNanos()) {
        continue;
      }
      Op rival = certainlyFollowedBy(put.effectiveCompleteNanos(), list, muts, true);
      if (rival == null) {
        return null;
      }
      rivalSeen = rival;
      putSeen = put;
    }
    if (putSeen == null) {
      return new Anomaly(name(), key, "listing shows '" + key + "', which no PUT had written yet", List.of(list));
    }
    return new Anomaly(name(), key, "listing shows '" + key + "' after an acknowledged DELETE removed it",
        sorted(List.of(putSeen, rivalSeen, list)));
  }

  private Anomaly absentPossible(Op list, String key, List<Op> muts) {
    if (certainlyFollowedBy(Long.MIN_VALUE, list, muts, false) == null) {
      return null;
    }
    Op rivalSeen = null;
    for (Op del : muts) {
      if (del.writtenValue() != null || del.invokeNanos() > list.completeNanos()) {
        continue;
      }
      Op rival = certainlyFollowedBy(del.effectiveCompleteNanos(), list, muts, false);
      if (rival == null) {
        return null;
      }
      rivalSeen = rival;
    }
    Op put = rivalSeen != null ? rivalSeen : certainlyFollowedBy(Long.MIN_VALUE, list, muts, false);
    return new Anomaly(name(), key, "listing misses '" + key + "', written by acknowledged #" + put.id()
        + " before the listing began", sorted(List.of(put, list)));
  }

  /** An acknowledged mutation of the opposite kind invoked after {@code afterNanos} and completed before the list began. */
  private static Op certainlyFollowedBy(long afterNanos, Op list, List<Op> muts, boolean byDelete) {
    for (Op m : muts) {
      boolean kind = byDelete ? m.writtenValue() == null : m.writtenValue() != null;
      if (kind && m.outcome() == Outcome.OK && afterNanos != Long.MAX_VALUE && m.invokeNanos() > afterNanos
          && m.completeNanos() < list.invokeNanos()) {
        return m;
      }
    }
    return null;
  }

  private static List<Op> sorted(List<Op> ops) {
    List<Op> s = new ArrayList<>(ops);
    s.sort((a, b) -> Long.compare(a.invokeNanos(), b.invokeNanos()));
    return s;
  }
}
