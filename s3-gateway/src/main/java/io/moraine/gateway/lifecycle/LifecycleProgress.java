package io.moraine.gateway.lifecycle;

import io.moraine.metadata.api.ProgressText;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the lifecycle engine has done and where its walk stands; the launcher keeps it in
 * ZooKeeper ({@code /moraine/services/lifecycle/progress}) so that a new leader resumes the walk
 * after (cursorBucket, cursorKey) instead of starting over, and {@code admin status} prints it.
 *
 * <p>Format (version 1): UTF-8 lines {@code key=value}, first line {@code format=1}, values
 * %-escaped (as repair's progress record); other formats are rejected; absent counters read 0.
 *
 * @param leader node id of the instance that wrote it
 * @param passes completed walks over every bucket
 * @param evaluated versions (and uploads) evaluated against a rule set, over all passes
 * @param expired current versions expired (deleted, or hidden by a delete marker)
 * @param noncurrentExpired noncurrent versions removed
 * @param markersRemoved expired object delete markers removed
 * @param aborted incomplete multipart uploads aborted
 * @param transitioned versions re-encoded into another storage class
 * @param failed actions that failed (retried by a later pass)
 * @param backlog actions found due in the last complete pass that were not applied (failed,
 *     lost a race, or not supported yet); 0 when the last pass caught up
 * @param cursorBucket the walk resumes after (cursorBucket, cursorKey); "" = from the start
 * @param lastPassEndMillis wall time the last complete pass ended (0 never)
 */
public record LifecycleProgress(String leader, long passes, long evaluated, long expired, long noncurrentExpired,
    long markersRemoved, long aborted, long transitioned, long failed, long backlog, String cursorBucket,
    String cursorKey, long lastPassEndMillis) {

  public static final int FORMAT_VERSION = 1;

  public static LifecycleProgress empty() {
    return new LifecycleProgress("", 0, 0, 0, 0, 0, 0, 0, 0, 0, "", "", 0);
  }

  public LifecycleProgress withCursor(String leader, String bucket, String key) {
    return new LifecycleProgress(leader, passes, evaluated, expired, noncurrentExpired, markersRemoved, aborted,
        transitioned, failed, backlog, bucket, key, lastPassEndMillis);
  }

  /** Adds one stretch of work's counts. */
  public LifecycleProgress plus(Counts c) {
    return new LifecycleProgress(leader, passes, evaluated + c.evaluated, expired + c.expired,
        noncurrentExpired + c.noncurrentExpired, markersRemoved + c.markersRemoved, aborted + c.aborted,
        transitioned + c.transitioned, failed + c.failed, backlog, cursorBucket, cursorKey, lastPassEndMillis);
  }

  public LifecycleProgress passDone(long backlog, long endMillis) {
    return new LifecycleProgress(leader, passes + 1, evaluated, expired, noncurrentExpired, markersRemoved, aborted,
        transitioned, failed, backlog, "", "", endMillis);
  }

  /** Mutable counts of one stretch of a pass (one thread). */
  public static final class Counts {
    public long evaluated;
    public long expired;
    public long noncurrentExpired;
    public long markersRemoved;
    public long aborted;
    public long transitioned;
    public long failed;
    /** Due actions not applied in this pass so far. */
    public long notApplied;
  }

  public byte[] encode() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("format", Integer.toString(FORMAT_VERSION));
    m.put("leader", leader);
    m.put("passes", Long.toString(passes));
    m.put("evaluated", Long.toString(evaluated));
    m.put("expired", Long.toString(expired));
    m.put("noncurrent.expired", Long.toString(noncurrentExpired));
    m.put("markers.removed", Long.toString(markersRemoved));
    m.put("aborted", Long.toString(aborted));
    m.put("transitioned", Long.toString(transitioned));
    m.put("failed", Long.toString(failed));
    m.put("backlog", Long.toString(backlog));
    m.put("cursor.bucket", cursorBucket);
    m.put("cursor.key", cursorKey);
    m.put("last.pass.end.millis", Long.toString(lastPassEndMillis));
    return ProgressText.encode(m);
  }

  public static LifecycleProgress decode(byte[] bytes) {
    Map<String, String> m = ProgressText.decode(bytes, "lifecycle progress", FORMAT_VERSION);
    return new LifecycleProgress(m.getOrDefault("leader", ""), ProgressText.num(m, "passes"), ProgressText.num(m, "evaluated"),
        ProgressText.num(m, "expired"), ProgressText.num(m, "noncurrent.expired"), ProgressText.num(m, "markers.removed"), ProgressText.num(m, "aborted"),
        ProgressText.num(m, "transitioned"), ProgressText.num(m, "failed"), ProgressText.num(m, "backlog"), m.getOrDefault("cursor.bucket", ""),
        m.getOrDefault("cursor.key", ""), ProgressText.num(m, "last.pass.end.millis"));
  }



}
