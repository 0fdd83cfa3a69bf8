package io.moraine.repair;

import io.moraine.metadata.api.ProgressText;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What the repair service has done and where its walk stands, kept in ZooKeeper so that a new
 * leader resumes instead of starting over (and `admin status` can print it).
 *
 * <p>Format (version 1): UTF-8 lines {@code key=value}, first line {@code format=1}; readers
 * reject any other format. Node ids, bucket names and keys are stored %-escaped so a '=' or a
 * newline in a key cannot break the record.
 *
 * @param leader node id of the instance that wrote this record
 * @param passes completed repair passes
 * @param shardsRebuilt shards reconstructed from k others (lost nodes, corrupt or missing shards)
 * @param bytesRebuilt their bytes
 * @param shardsMoved misplaced shards moved home
 * @param shardsMissing at the end of the last pass: shards whose node was down
 * @param shardsMisplaced at the end of the last pass: shards still on a fallback node
 * @param shardsUnrecoverable at the end of the last pass: shards that could not be rebuilt now (fewer than k sources)
 * @param lastPassStartMillis wall time the last complete pass started (0 never)
 * @param lastPassEndMillis wall time it ended
 * @param lastPassRebuildMillis wall time of the last pass if it rebuilt anything, else 0
 * @param rebuildMillis wall time of every pass that rebuilt something (with bytesRebuilt: the rebuild rate)
 * @param cursorBucket the walk resumes after (cursorBucket, cursorKey); "" = from the start
 * @param scrubPasses completed scrub passes
 * @param scrubShardsVerified shards read end to end and found intact, over all scrub passes
 * @param scrubCorruptFound shards found corrupt (and repaired)
 * @param scrubMissingFound shards found missing on a live node (and repaired)
 * @param scrubRequestsHandled the scrub-request counter value the last scrub pass started for
 * @param lastScrubEndMillis wall time the last scrub pass ended
 * @param downSinceMillis for every node currently seen down: since when (wall time)
 * @param savedAtMillis when the record was written; a new leader that finds it stale (nobody was
 *     watching, e.g. the whole cluster was stopped) does not count the unobserved gap as down time
 * @param gcRounds garbage collection rounds run (after complete repair walks)
 * @param gcUnreferenced shards no manifest named in the last round (deleted once old enough and
 *     unreferenced two rounds in a row)
 * @param gcShardsDeleted / gcBytesDeleted unreferenced shards deleted so far, and their payload bytes
 *     (keys absent in records written before garbage collection existed read as 0)
 */
public record RepairProgress(
    String leader,
    long passes,
    long shardsRebuilt,
    long bytesRebuilt,
    long shardsMoved,
    long shardsMissing,
    long shardsMisplaced,
    long shardsUnrecoverable,
    long lastPassStartMillis,
    long lastPassEndMillis,
    long lastPassRebuildMillis,
    long rebuildMillis,
    String cursorBucket,
    String cursorKey,
    long scrubPasses,
    long scrubShardsVerified,
    long scrubCorruptFound,
    long scrubMissingFound,
    long scrubRequestsHandled,
    long lastScrubEndMillis,
    SortedMap<String, Long> downSinceMillis,
    long savedAtMillis,
    long gcRounds,
    long gcUnreferenced,
    long gcShardsDeleted,
    long gcBytesDeleted) {

  public static final int FORMAT_VERSION = 1;

  public RepairProgress {
    downSinceMillis = Collections.unmodifiableSortedMap(new TreeMap<>(downSinceMillis));
  }

  /** Without garbage-collection counters (all 0). */
  public RepairProgress(String leader, long passes, long shardsRebuilt, long bytesRebuilt, long shardsMoved,
      long shardsMissing, long shardsMisplaced, long shardsUnrecoverable, long lastPassStartMillis,
      long lastPassEndMillis, long lastPassRebuildMillis, long rebuildMillis, String cursorBucket, String cursorKey,
      long scrubPasses, long scrubShardsVerified, long scrubCorruptFound, long scrubMissingFound,
      long scrubRequestsHandled, long lastScrubEndMillis, SortedMap<String, Long> downSinceMillis, long savedAtMillis) {
    this(leader, passes, shardsRebuilt, bytesRebuilt, shardsMoved, shardsMissing, shardsMisplaced, shardsUnrecoverable,
        lastPassStartMillis, lastPassEndMillis, lastPassRebuildMillis, rebuildMillis, cursorBucket, cursorKey,
        scrubPasses, scrubShardsVerified, scrubCorruptFound, scrubMissingFound, scrubRequestsHandled,
        lastScrubEndMillis, downSinceMillis, savedAtMillis, 0, 0, 0, 0);
  }

  public static RepairProgress empty() {
    return new RepairProgress("", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, "", "", 0, 0, 0, 0, 0, 0, new TreeMap<>(), 0);
  }

  /** This record with one more garbage-collection round's figures added. */
  public RepairProgress withGcRound(long unreferenced, long deleted, long bytesDeleted) {
    return new RepairProgress(leader, passes, shardsRebuilt, bytesRebuilt, shardsMoved, shardsMissing, shardsMisplaced,
        shardsUnrecoverable, lastPassStartMillis, lastPassEndMillis, lastPassRebuildMillis, rebuildMillis, cursorBucket,
        cursorKey, scrubPasses, scrubShardsVerified, scrubCorruptFound, scrubMissingFound, scrubRequestsHandled,
        lastScrubEndMillis, downSinceMillis, savedAtMillis, gcRounds + 1, unreferenced, gcShardsDeleted + deleted,
        gcBytesDeleted + bytesDeleted);
  }

  /** This record with the garbage-collection figures of {@code other} (carried from pass to pass). */
  RepairProgress withGcOf(RepairProgress other) {
    return new RepairProgress(leader, passes, shardsRebuilt, bytesRebuilt, shardsMoved, shardsMissing, shardsMisplaced,
        shardsUnrecoverable, lastPassStartMillis, lastPassEndMillis, lastPassRebuildMillis, rebuildMillis, cursorBucket,
        cursorKey, scrubPasses, scrubShardsVerified, scrubCorruptFound, scrubMissingFound, scrubRequestsHandled,
        lastScrubEndMillis, downSinceMillis, savedAtMillis, other.gcRounds, other.gcUnreferenced, other.gcShardsDeleted,
        other.gcBytesDeleted);
  }

  public byte[] encode() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("format", Integer.toString(FORMAT_VERSION));
    m.put("leader", leader);
    m.put("passes", Long.toString(passes));
    m.put("shards.rebuilt", Long.toString(shardsRebuilt));
    m.put("bytes.rebuilt", Long.toString(bytesRebuilt));
    m.put("shards.moved", Long.toString(shardsMoved));
    m.put("shards.missing", Long.toString(shardsMissing));
    m.put("shards.misplaced", Long.toString(shardsMisplaced));
    m.put("shards.unrecoverable", Long.toString(shardsUnrecoverable));
    m.put("last.pass.start.millis", Long.toString(lastPassStartMillis));
    m.put("last.pass.end.millis", Long.toString(lastPassEndMillis));
    m.put("last.pass.rebuild.millis", Long.toString(lastPassRebuildMillis));
    m.put("rebuild.millis", Long.toString(rebuildMillis));
    m.put("cursor.bucket", cursorBucket);
    m.put("cursor.key", cursorKey);
    m.put("scrub.passes", Long.toString(scrubPasses));
    m.put("scrub.verified", Long.toString(scrubShardsVerified));
    m.put("scrub.corrupt", Long.toString(scrubCorruptFound));
    m.put("scrub.missing", Long.toString(scrubMissingFound));
    m.put("scrub.requests.handled", Long.toString(scrubRequestsHandled));
    m.put("last.scrub.end.millis", Long.toString(lastScrubEndMillis));
    m.put("saved.at.millis", Long.toString(savedAtMillis));
    m.put("gc.rounds", Long.toString(gcRounds));
    m.put("gc.unreferenced", Long.toString(gcUnreferenced));
    m.put("gc.shards.deleted", Long.toString(gcShardsDeleted));
    m.put("gc.bytes.deleted", Long.toString(gcBytesDeleted));
    downSinceMillis.forEach((node, since) -> m.put("down." + node, Long.toString(since)));
    return ProgressText.encode(m);
  }

  public static RepairProgress decode(byte[] bytes) {
    Map<String, String> m = ProgressText.decode(bytes, "repair progress", FORMAT_VERSION);
    SortedMap<String, Long> down = new TreeMap<>();
    m.forEach((k, v) -> {
      if (k.startsWith("down.")) {
        down.put(k.substring(5), Long.parseLong(v));
      }
    });
    return new RepairProgress(m.getOrDefault("leader", ""), ProgressText.num(m, "passes"), ProgressText.num(m, "shards.rebuilt"),
        ProgressText.num(m, "bytes.rebuilt"), ProgressText.num(m, "shards.moved"), ProgressText.num(m, "shards.missing"), ProgressText.num(m, "shards.misplaced"),
        ProgressText.num(m, "shards.unrecoverable"), ProgressText.num(m, "last.pass.start.millis"), ProgressText.num(m, "last.pass.end.millis"),
        ProgressText.num(m, "last.pass.rebuild.millis"), ProgressText.num(m, "rebuild.millis"), m.getOrDefault("cursor.bucket", ""), m.getOrDefault("cursor.key", ""),
        ProgressText.num(m, "scrub.passes"), ProgressText.num(m, "scrub.verified"), ProgressText.num(m, "scrub.corrupt"), ProgressText.num(m, "scrub.missing"),
        ProgressText.num(m, "scrub.requests.handled"), ProgressText.num(m, "last.scrub.end.millis"), down, ProgressText.num(m, "saved.at.millis"),
        ProgressText.num(m, "gc.rounds"), ProgressText.num(m, "gc.unreferenced"), ProgressText.num(m, "gc.shards.deleted"), ProgressText.num(m, "gc.bytes.deleted"));
  }




  /**
   * The down-since times a new leader should use at {@code nowMillis}: when this record is older
   * than {@code staleAfterMillis} nobody watched the nodes in between, so that gap is not counted
   * towards their grace period (a whole-cluster restart must not look like nodes long dead).
   */
  public SortedMap<String, Long> downSinceFor(long nowMillis, long staleAfterMillis) {
    long gap = nowMillis - savedAtMillis;
    if (savedAtMillis == 0 || gap <= staleAfterMillis) {
      return downSinceMillis;
    }
    SortedMap<String, Long> shifted = new TreeMap<>();
    downSinceMillis.forEach((node, since) -> shifted.put(node, since + gap));
    return shifted;
  }

  /** Human-readable lines for `admin status` (after the contract lines). */
  public java.util.List<String> statusLines() {
    return java.util.List.of(
        "repair leader " + (leader.isEmpty() ? "none" : leader) + " passes " + passes + " rebuilt " + shardsRebuilt
            + " shards " + bytesRebuilt + " bytes moved " + shardsMoved + " missing " + shardsMissing
            + " misplaced " + shardsMisplaced + " unrecoverable " + shardsUnrecoverable
            + " last-pass-ms " + (lastPassEndMillis - lastPassStartMillis) + " last-pass-rebuild-ms " + lastPassRebuildMillis
            + " rebuild-ms " + rebuildMillis
            + " down-nodes " + (downSinceMillis.isEmpty() ? "-" : String.join(",", downSinceMillis.keySet())),
        "scrub passes " + scrubPasses + " verified " + scrubShardsVerified + " corrupt " + scrubCorruptFound
            + " missing " + scrubMissingFound + " requests-handled " + scrubRequestsHandled,
        "gc rounds " + gcRounds + " unreferenced " + gcUnreferenced + " deleted " + gcShardsDeleted + " shards "
            + gcBytesDeleted + " bytes");
  }
}
