package io.moraine.gateway.crypto;

import io.moraine.metadata.api.ProgressText;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where the SSE-S3 re-wrap stands and what it has done; the launcher keeps it in ZooKeeper
 * ({@code /moraine/services/sse-rewrap/progress}) so that a new leader resumes a walk after
 * (cursorBucket, cursorKey, cursorVersion) instead of starting over, and {@code admin status}
 * prints it.
 *
 * <p>Format (version 1): UTF-8 lines {@code key=value}, first line {@code format=1}, values
 * %-escaped ({@link ProgressText}); other formats are rejected; absent counters read 0.
 *
 * @param leader node id of the instance that wrote it
 * @param target the master key the walk in progress moves data keys to ("" = no walk yet)
 * @param done the master key a complete walk found every SSE-S3 data key already under ("" =
 *     none): while it is the active key there is nothing to do and no walk runs
 * @param passes complete walks
 * @param seen versions looked at, over all walks
 * @param rewrapped data keys re-wrapped, over all walks
 * @param raced re-wraps lost to a concurrent change (overwrite, delete), over all walks
 * @param walkChanged whether the walk in progress has re-wrapped or lost a race so far (a walk
 *     that changed something is followed by another before the key counts as done)
 * @param cursorBucket the walk resumes after (cursorBucket, cursorKey, cursorVersion); "" = from the start
 * @param lastPassEndMillis wall time the last complete walk ended (0 never)
 */
public record RewrapProgress(String leader, String target, String done, long passes, long seen, long rewrapped,
    long raced, boolean walkChanged, String cursorBucket, String cursorKey, String cursorVersion,
    long lastPassEndMillis) {

  public static final int FORMAT_VERSION = 1;

  public static RewrapProgress empty() {
    return new RewrapProgress("", "", "", 0, 0, 0, 0, false, "", "", "", 0);
  }

  /** A new walk towards {@code target}, from the start (counters kept). */
  RewrapProgress startWalk(String leader, String target) {
    return new RewrapProgress(leader, target, done, passes, seen, rewrapped, raced, false, "", "", "", lastPassEndMillis);
  }

  /** The walk has handled everything up to and including the cursor. */
  RewrapProgress advanced(String bucket, String key, String version, long seenNow, long rewrappedNow, long racedNow) {
    return new RewrapProgress(leader, target, done, passes, seen + seenNow, rewrapped + rewrappedNow, raced + racedNow,
        walkChanged || rewrappedNow > 0 || racedNow > 0, bucket, key, version, lastPassEndMillis);
  }

  /** The walk reached the end: the target is done when the walk changed nothing. */
  RewrapProgress walkDone(long endMillis) {
    return new RewrapProgress(leader, target, walkChanged ? done : target, passes + 1, seen, rewrapped, raced, false,
        "", "", "", endMillis);
  }

  RewrapProgress withLeader(String leader) {
    return new RewrapProgress(leader, target, done, passes, seen, rewrapped, raced, walkChanged, cursorBucket,
        cursorKey, cursorVersion, lastPassEndMillis);
  }

  public byte[] encode() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("format", Integer.toString(FORMAT_VERSION));
    m.put("leader", leader);
    m.put("target", target);
    m.put("done", done);
    m.put("passes", Long.toString(passes));
    m.put("seen", Long.toString(seen));
    m.put("rewrapped", Long.toString(rewrapped));
    m.put("raced", Long.toString(raced));
    m.put("walk.changed", Boolean.toString(walkChanged));
    m.put("cursor.bucket", cursorBucket);
    m.put("cursor.key", cursorKey);
    m.put("cursor.version", cursorVersion);
    m.put("last.pass.end.millis", Long.toString(lastPassEndMillis));
    return ProgressText.encode(m);
  }

  public static RewrapProgress decode(byte[] bytes) {
    Map<String, String> m = ProgressText.decode(bytes, "sse re-wrap progress", FORMAT_VERSION);
    return new RewrapProgress(m.getOrDefault("leader", ""), m.getOrDefault("target", ""), m.getOrDefault("done", ""),
        ProgressText.num(m, "passes"), ProgressText.num(m, "seen"), ProgressText.num(m, "rewrapped"),
        ProgressText.num(m, "raced"), Boolean.parseBoolean(m.getOrDefault("walk.changed", "false")),
        m.getOrDefault("cursor.bucket", ""), m.getOrDefault("cursor.key", ""), m.getOrDefault("cursor.version", ""),
        ProgressText.num(m, "last.pass.end.millis"));
  }
}
