package io.moraine.gateway.tiering;

import io.moraine.metadata.api.ProgressText;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Intelligent-Tiering service's totals over every pass; the launcher keeps them in ZooKeeper
 * ({@code /moraine/services/tiering/progress}) so a new leader continues them, {@code admin status}
 * prints them and every gateway's {@code /metrics} shows them (docs/storage-classes.md).
 *
 * <p>Format (version 1): {@link ProgressText} lines, first line {@code format=1}; absent counters read 0.
 *
 * @param leader node id of the instance that wrote it ("" none yet)
 * @param passes completed passes over every bucket
 * @param evaluated INTELLIGENT_TIERING versions evaluated, over all passes
 * @param toInfrequent moves Frequent → Infrequent Access
 * @param toArchiveInstant moves to Archive Instant Access
 * @param toArchiveAccess moves to the opt-in Archive Access tier (re-encoded)
 * @param toDeepArchiveAccess moves to the opt-in Deep Archive Access tier (re-encoded)
 * @param failed moves that failed (retried by a later pass)
 * @param backlog moves found due in the last pass and not applied (failed or raced); 0 when it caught up
 */
public record TieringProgress(String leader, long passes, long evaluated, long toInfrequent, long toArchiveInstant,
    long toArchiveAccess, long toDeepArchiveAccess, long failed, long backlog) {

  public static final int FORMAT_VERSION = 1;

  public static TieringProgress empty() {
    return new TieringProgress("", 0, 0, 0, 0, 0, 0, 0, 0);
  }

  /** These totals with one more pass of {@code leader}'s added. */
  public TieringProgress plus(String leader, TieringWorker.Pass p) {
    return new TieringProgress(leader, passes + 1, evaluated + p.evaluated(), toInfrequent + p.toInfrequent(),
        toArchiveInstant + p.toArchiveInstant(), toArchiveAccess + p.toArchiveAccess(),
        toDeepArchiveAccess + p.toDeepArchiveAccess(), failed + p.failed(), p.notApplied() + p.failed());
  }

  public long moved() {
    return toInfrequent + toArchiveInstant + toArchiveAccess + toDeepArchiveAccess;
  }

  public byte[] encode() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("format", Integer.toString(FORMAT_VERSION));
    m.put("leader", leader);
    m.put("passes", Long.toString(passes));
    m.put("evaluated", Long.toString(evaluated));
    m.put("to.infrequent", Long.toString(toInfrequent));
    m.put("to.archive.instant", Long.toString(toArchiveInstant));
    m.put("to.archive.access", Long.toString(toArchiveAccess));
    m.put("to.deep.archive.access", Long.toString(toDeepArchiveAccess));
    m.put("failed", Long.toString(failed));
    m.put("backlog", Long.toString(backlog));
    return ProgressText.encode(m);
  }

  public static TieringProgress decode(byte[] bytes) {
    Map<String, String> m = ProgressText.decode(bytes, "tiering progress", FORMAT_VERSION);
    return new TieringProgress(m.getOrDefault("leader", ""), ProgressText.num(m, "passes"),
        ProgressText.num(m, "evaluated"), ProgressText.num(m, "to.infrequent"), ProgressText.num(m, "to.archive.instant"),
        ProgressText.num(m, "to.archive.access"), ProgressText.num(m, "to.deep.archive.access"),
        ProgressText.num(m, "failed"), ProgressText.num(m, "backlog"));
  }
}
