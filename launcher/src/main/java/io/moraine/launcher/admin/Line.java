package io.moraine.launcher.admin;

import io.moraine.repair.RepairProgress;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/**
 * One output line of a {@code bin/moraine admin} command. Each record holds the line's values
 * once; {@link #text()} is the line operators and scripts parse (DESIGN.md Contracts fix several
 * of them byte for byte) and {@link #fields()} is what {@code --json} prints, so the two cannot
 * drift apart. Field names are the words the text line uses for them.
 *
 * <p>Most lines are regular: {@link Style#SPACED} ({@code name value name value ...}, the
 * {@code status} style) or {@link Style#PAIRS} ({@code name=value ...}, the style of the feature
 * wave's commands). The few irregular ones (redundancy, repair, gc, ...) spell their text by
 * hand; {@code LineTest} pins every text against its contract.
 */
public sealed interface Line {

  /** How {@link #text()} joins the fields when the line is regular. */
  enum Style { SPACED, PAIRS }

  /**
   * One value: a String, long, boolean, {@code List<String>} (text: comma-joined; "-" when empty
   * if {@code dashWhenEmpty}) or BigDecimal (text: its plain form).
   */
  record Field(String name, Object value) {}

  /** The JSON {@code type} of the line (a stream such as {@code status} mixes several). */
  String type();

  List<Field> fields();

  Style style();

  default String text() {
    StringBuilder s = new StringBuilder();
    for (Field f : fields()) {
      if (!s.isEmpty()) {
        s.append(' ');
      }
      s.append(f.name()).append(style() == Style.PAIRS ? "=" : " ").append(textOf(f.value()));
    }
    return s.toString();
  }

  static String textOf(Object value) {
    if (value instanceof List<?> list) {
      List<String> items = new ArrayList<>();
      list.forEach(i -> items.add(String.valueOf(i)));
      return String.join(",", items);
    }
    if (value instanceof BigDecimal d) {
      return d.toPlainString();
    }
    return String.valueOf(value);
  }

  private static Field f(String name, Object value) {
    return new Field(name, value);
  }

  /** A rate as {@code %.1f} prints it (HALF_UP on the shortest decimal form of the double), as a number JSON keeps. */
  static BigDecimal oneDecimal(double v) {
    return BigDecimal.valueOf(v).setScale(1, RoundingMode.HALF_UP);
  }

  // ---- status, meta add|remove ----------------------------------------------------------------

  /** {@code group g1 leader meta-2 peers meta-1,meta-2,meta-3} (Contracts); leader "none" when unknown. */
  record Group(String group, String leader, List<String> peers) implements Line {
    public Group {
      peers = List.copyOf(peers);
    }

    static Group of(io.moraine.metadata.client.GroupStatus s) {
      return new Group(s.groupName(), s.leader().orElse("none"), s.peers());
    }

    public String type() {
      return "group";
    }

    public Style style() {
      return Style.SPACED;
    }

    public List<Field> fields() {
      return List.of(f("group", group), f("leader", leader), f("peers", peers));
    }
  }

  /** {@code node ID az AZ state up|down|draining used BYTES total BYTES} (Contracts: admin status). */
  record Node(String node, String az, String state, long usedBytes, long totalBytes) implements Line {
    public String type() {
      return "node";
    }

    public Style style() {
      return Style.SPACED;
    }

    public List<Field> fields() {
      return List.of(f("node", node), f("az", az), f("state", state), f("used", usedBytes), f("total", totalBytes));
    }
  }

  /**
   * {@code node ID az AZ state S used BYTES total BYTES addr HOST:PORT shards N} ({@code node list}):
   * the status line plus the node's gRPC address and the shards the manifests place on it.
   */
  record NodeDetail(Node node, String addr, long shards) implements Line {
    public String type() {
      return "node";
    }

    public Style style() {
      return Style.SPACED;
    }

    public List<Field> fields() {
      List<Field> all = new ArrayList<>(node.fields());
      all.add(f("addr", addr));
      all.add(f("shards", shards));
      return List.copyOf(all);
    }
  }

  /** Exactly one of {@code redundancy: full} or {@code redundancy: degraded (N shards missing)} (Contracts). */
  record Redundancy(long missingShards) implements Line {
    public String type() {
      return "redundancy";
    }

    public Style style() {
      return Style.SPACED;
    }

    public List<Field> fields() {
      return List.of(f("redundancy", missingShards == 0 ? "full" : "degraded"), f("missing", missingShards));
    }

    @Override
    public String text() {
      return missingShards == 0 ? "redundancy: full" : "redundancy: degraded (" + missingShards + " shards missing)";
    }
  }

  /** {@code drain NODE_ID shards-left N}: the node may be removed once N is 0. */
  record Drain(String node, long shardsLeft) implements Line {
    public String type() {
      return "drain";
    }

    public Style style() {
      return Style.SPACED;
    }

    public List<Field> fields() {
      return List.of(f("drain", node), f("shards-left", shardsLeft));
    }
  }

  /** The repair service's line of {@code admin status}, as {@link RepairProgress#statusLines()} spells it. */
  record Repair(String leader, long passes, long rebuiltShards, long rebuiltBytes, long moved, long missing,
      long misplaced, long unrecoverable, long lastPassMillis, long lastPassRebuildMillis, long rebuildMillis,
      List<String> downNodes) implements Line {
    public Repair {
      downNodes = List.copyOf(downNodes);
    }

    public String type() {
      return "repair";
    }

    public Style style() {
      return Style.SPACED;
    }

    public List<Field> fields() {
      return List.of(f("leader", leader), f("passes", passes), f("rebuilt-shards", rebuiltShards),
          f("rebuilt-bytes", rebuiltBytes), f("moved", moved), f("missing", missing), f("misplaced", misplaced),
          f("unrecoverable", unrecoverable), f("last-pass-ms", lastPassMillis),
          f("last-pass-rebuild-ms", lastPassRebuildMillis), f("rebuild-ms", rebuildMillis), f("down-nodes", downNodes));
    }

    @Override
    public String text() {
      return "repair leader " + leader + " passes " + passes + " rebuilt " + rebuiltShards + " shards " + rebuiltBytes
          + " bytes moved " + moved + " missing " + missing + " misplaced " + misplaced + " unrecoverable "
          + unrecoverable + " last-pass-ms " + lastPassMillis + " last-pass-rebuild-ms " + lastPassRebuildMillis
          + " rebuild-ms " + rebuildMillis + " down-nodes " + (downNodes.isEmpty() ? "-" : String.join(",", downNodes));
    }
  }

  /** {@code scrub passes N verified N corrupt N missing N requests-handled N}. */
  record Scrub(long passes, long verified, long corrupt, long missing, long requestsHandled) implements Line {
    public String type() {
      return "scrub";
    }

    public Style style() {
      return Style.SPACED;
    }

    public List<Field> fields() {
      return List.of(f("passes", passes), f("verified", verified), f("corrupt", corrupt), f("missing", missing),
          f("requests-handled", requestsHandled));
    }

    @Override
    public String text() {
      return "scrub " + Line.super.text();
    }
  }

  /** {@code gc rounds N unreferenced N deleted N shards N bytes}. */
  record Gc(long rounds, long unreferenced, long deletedShards, long deletedBytes) implements Line {
    public String type() {
      return "gc";
    }

    public Style style() {
      return Style.SPACED;
    }

    public List<Field> fields() {
      return List.of(f("rounds", rounds), f("unreferenced", unreferenced), f("deleted-shards", deletedShards),
          f("deleted-bytes", deletedBytes));
    }

    @Override
    public String text() {
      return "gc rounds " + rounds + " unreferenced " + unreferenced + " deleted " + deletedShards + " shards "
          + deletedBytes + " bytes";
    }
  }

  /**
   * {@code restore leader NODE pending N restored N completed N expired N bytes N}: archive restores
   * in progress and copies kept (the restore index), and the restore leaders' running totals.
   */
  record Restore(String leader, long pending, long restored, long completed, long expired, long bytes) implements Line {
    public String type() {
      return "restore";
    }

    public Style style() {
      return Style.SPACED;
    }

    public List<Field> fields() {
      return List.of(f("leader", leader), f("pending", pending), f("restored", restored), f("completed", completed),
          f("expired", expired), f("bytes", bytes));
    }

    @Override
    public String text() {
      return "restore " + Line.super.text();
    }
  }

  /** The lifecycle engine's line of {@code admin status} (docs/lifecycle.md). */
  record Lifecycle(String leader, long passes, long evaluated, long expired, long noncurrentExpired,
      long markersRemoved, long aborted, long transitioned, long failed, long backlog) implements Line {
    public String type() {
      return "lifecycle";
    }

    public Style style() {
      return Style.SPACED;
    }

    public List<Field> fields() {
      return List.of(f("leader", leader), f("passes", passes), f("evaluated", evaluated),
          f("expired", expired), f("noncurrent_expired", noncurrentExpired), f("markers_removed", markersRemoved),
          f("aborted", aborted), f("transitioned", transitioned), f("failed", failed), f("backlog", backlog));
    }

    @Override
    public String text() {
      return "lifecycle " + Line.super.text();
    }

    static Lifecycle of(io.moraine.gateway.lifecycle.LifecycleProgress p) {
      return new Lifecycle(p.leader().isEmpty() ? "none" : p.leader(), p.passes(), p.evaluated(), p.expired(),
          p.noncurrentExpired(), p.markersRemoved(), p.aborted(), p.transitioned(), p.failed(), p.backlog());
    }
  }

  /** The Intelligent-Tiering service's line of {@code admin status} (docs/storage-classes.md). */
  record Tiering(String leader, long passes, long evaluated, long moved, long toInfrequent, long toArchiveInstant,
      long toArchiveAccess, long toDeepArchiveAccess, long failed, long backlog) implements Line {
    public String type() {
      return "tiering";
    }

    public Style style() {
      return Style.SPACED;
    }

    public List<Field> fields() {
      return List.of(f("leader", leader), f("passes", passes), f("evaluated", evaluated), f("moved", moved),
          f("infrequent", toInfrequent), f("archive_instant", toArchiveInstant), f("archive", toArchiveAccess),
          f("deep_archive", toDeepArchiveAccess), f("failed", failed), f("backlog", backlog));
    }

    @Override
    public String text() {
      return "tiering " + Line.super.text();
    }

    static Tiering of(io.moraine.gateway.tiering.TieringProgress p) {
      return new Tiering(p.leader().isEmpty() ? "none" : p.leader(), p.passes(), p.evaluated(), p.moved(),
          p.toInfrequent(), p.toArchiveInstant(), p.toArchiveAccess(), p.toDeepArchiveAccess(), p.failed(),
          p.backlog());
    }
  }

  /** The SSE-S3 re-wrap's line of {@code admin status} (docs/encryption.md). */
  record SseRewrap(String leader, String master, String state, long passes, long seen, long rewrapped, long raced)
      implements Line {
    public String type() {
      return "sse-rewrap";
    }

    public Style style() {
      return Style.SPACED;
    }

    public List<Field> fields() {
      return List.of(f("leader", leader), f("master", master), f("state", state), f("passes", passes),
          f("seen", seen), f("rewrapped", rewrapped), f("raced", raced));
    }

    @Override
    public String text() {
      return "sse-rewrap " + Line.super.text();
    }

    /**
     * {@code state}: {@code none} before any walk, {@code walking} while a walk towards
     * {@code master} is under way or due, {@code done} once one found every key under it.
     */
    static SseRewrap of(io.moraine.gateway.crypto.RewrapProgress p) {
      String state = p.target().isEmpty() ? "none"
          : p.done().equals(p.target()) && p.cursorBucket().isEmpty() ? "done" : "walking";
      return new SseRewrap(p.leader().isEmpty() ? "none" : p.leader(), p.target().isEmpty() ? "none" : p.target(),
          state, p.passes(), p.seen(), p.rewrapped(), p.raced());
    }
  }

  /** The repair, scrub and gc lines of {@code admin status}. */
  static List<Line> of(RepairProgress p) {
    String leader = p.leader().isEmpty() ? "none" : p.leader();
    return List.of(
        new Repair(leader, p.passes(), p.shardsRebuilt(), p.bytesRebuilt(), p.shardsMoved(), p.shardsMissing(),
            p.shardsMisplaced(), p.shardsUnrecoverable(), p.lastPassEndMillis() - p.lastPassStartMillis(),
            p.lastPassRebuildMillis(), p.rebuildMillis(), List.copyOf(p.downSinceMillis().keySet())),
        new Scrub(p.scrubPasses(), p.scrubShardsVerified(), p.scrubCorruptFound(), p.scrubMissingFound(),
            p.scrubRequestsHandled()),
        new Gc(p.gcRounds(), p.gcUnreferenced(), p.gcShardsDeleted(), p.gcBytesDeleted()));
  }

  // ---- scrub, drain, remove-storage -----------------------------------------------------------

  /** {@code scrub requested (request N)}. */
  record ScrubRequested(long request) implements Line {
    public String type() {
      return "scrub-requested";
    }

    public Style style() {
      return Style.SPACED;
    }

    public List<Field> fields() {
      return List.of(f("request", request));
    }

    @Override
    public String text() {
      return "scrub requested (request " + request + ")";
    }
  }

  /** {@code node ID draining} or {@code node ID no longer draining}. */
  record DrainSet(String node, boolean draining) implements Line {
    public String type() {
      return "drain-set";
    }

    public Style style() {
      return Style.SPACED;
    }

    public List<Field> fields() {
      return List.of(f("node", node), f("draining", draining));
    }

    @Override
    public String text() {
      return "node " + node + (draining ? " draining" : " no longer draining");
    }
  }

  /** {@code node ID removed}. */
  record NodeRemoved(String node) implements Line {
    public String type() {
      return "node-removed";
    }

    public Style style() {
      return Style.SPACED;
    }

    public List<Field> fields() {
      return List.of(f("node", node), f("removed", true));
    }

    @Override
    public String text() {
      return "node " + node + " removed";
    }
  }

  // ---- accounts --------------------------------------------------------------------------------

  /** {@code access_key=AK secret_key=SK} (Contracts: user create). */
  /** {@code admin kms rotate-master}: the new active SSE-S3 master key. */
  record MasterKey(String id) implements Line {
    public String type() {
      return "master_key";
    }

    public Style style() {
      return Style.PAIRS;
    }

    public List<Field> fields() {
      return List.of(f("master_key", id));
    }
  }

  /** {@code admin notify target add}: {@code arn=…} (Contracts of the feature wave). */
  record NotifyTargetAdded(String arn) implements Line {
    public String type() {
      return "notify_target_added";
    }

    public Style style() {
      return Style.PAIRS;
    }

    public List<Field> fields() {
      return List.of(f("arn", arn));
    }
  }

  /** {@code admin notify target list}: one registered target. */
  record NotifyTarget(String name, String arn, String targetType, String destination) implements Line {
    public String type() {
      return "notify_target";
    }

    public Style style() {
      return Style.PAIRS;
    }

    public List<Field> fields() {
      return List.of(f("name", name), f("arn", arn), f("type", targetType), f("destination", destination));
    }
  }

  /** {@code admin kms audit}: one use of a KMS key. */
  record KmsUse(String keyId, String op, String principal, String resource, String time) implements Line {
    public String type() {
      return "kms_use";
    }

    public Style style() {
      return Style.PAIRS;
    }

    public List<Field> fields() {
      return List.of(f("key_id", keyId), f("op", op), f("principal", principal), f("resource", resource),
          f("time", time));
    }
  }

  record Credentials(String accessKey, String secretKey) implements Line {
    public String type() {
      return "credentials";
    }

    public Style style() {
      return Style.PAIRS;
    }

    public List<Field> fields() {
      return List.of(f("access_key", accessKey), f("secret_key", secretKey));
    }
  }

  /** {@code account_id=… canonical_id=… access_key=… secret_key=…} (Contracts of the feature wave). */
  record AccountCreated(String accountId, String canonicalId, String accessKey, String secretKey) implements Line {
    public String type() {
      return "account";
    }

    public Style style() {
      return Style.PAIRS;
    }

    public List<Field> fields() {
      return List.of(f("account_id", accountId), f("canonical_id", canonicalId), f("access_key", accessKey),
          f("secret_key", secretKey));
    }
  }

  /** {@code serial=… otpauth=…} (Contracts of the feature wave). */
  record MfaCreated(String serial, String otpauth) implements Line {
    public String type() {
      return "mfa";
    }

    public Style style() {
      return Style.PAIRS;
    }

    public List<Field> fields() {
      return List.of(f("serial", serial), f("otpauth", otpauth));
    }
  }

  // ---- log-level, top ----------------------------------------------------------------------------

  /** {@code NODE_ID LOGGER LEVEL}: the level now in effect in that process. */
  record LogLevelSet(String node, String logger, String level) implements Line {
    public String type() {
      return "log-level";
    }

    public Style style() {
      return Style.SPACED;
    }

    public List<Field> fields() {
      return List.of(f("node", node), f("logger", logger), f("level", level));
    }

    @Override
    public String text() {
      return node + " " + logger + " " + level;
    }
  }

  /** {@code NODE_ID error MESSAGE}: the process refused or did not answer. */
  record LogLevelError(String node, String error) implements Line {
    public String type() {
      return "log-level-error";
    }

    public Style style() {
      return Style.SPACED;
    }

    public List<Field> fields() {
      return List.of(f("node", node), f("error", error));
    }

    @Override
    public String text() {
      return node + " error " + error;
    }
  }

  /** {@code OPERATION rps R 4xx R 5xx R} (rates to one decimal). */
  record TopOperation(String operation, BigDecimal rps, BigDecimal rps4xx, BigDecimal rps5xx) implements Line {
    public String type() {
      return "top-operation";
    }

    public Style style() {
      return Style.SPACED;
    }

    public List<Field> fields() {
      return List.of(f("operation", operation), f("rps", rps), f("4xx", rps4xx), f("5xx", rps5xx));
    }

    @Override
    public String text() {
      return operation + " rps " + rps.toPlainString() + " 4xx " + rps4xx.toPlainString() + " 5xx "
          + rps5xx.toPlainString();
    }
  }

  /** {@code total rps R in_flight N gateways G}. */
  record TopTotal(BigDecimal rps, long inFlight, int gateways) implements Line {
    public String type() {
      return "top-total";
    }

    public Style style() {
      return Style.SPACED;
    }

    public List<Field> fields() {
      return List.of(f("rps", rps), f("in_flight", inFlight), f("gateways", gateways));
    }

    @Override
    public String text() {
      return "total " + Line.super.text();
    }
  }

  // ---- buckets and usage -------------------------------------------------------------------------

  /**
   * {@code bucket B owner ACCOUNT created ISO-8601 versioning unversioned|enabled|suspended objects N bytes N}
   * ({@code bucket list}): current objects and their bytes.
   */
  record BucketRow(String bucket, String owner, String created, String versioning, long objects, long bytes)
      implements Line {
    public String type() {
      return "bucket";
    }

    public Style style() {
      return Style.SPACED;
    }

    public List<Field> fields() {
      return List.of(f("bucket", bucket), f("owner", owner), f("created", created), f("versioning", versioning),
          f("objects", objects), f("bytes", bytes));
    }
  }

  /** The first line of {@code bucket info}: the bucket row and its totals. */
  record BucketInfo(String bucket, String owner, String ownerId, String created, String region, String versioning,
      boolean mfaDelete, long objects, long bytes, long noncurrentVersions, long noncurrentBytes, long uploads)
      implements Line {
    public String type() {
      return "bucket-info";
    }

    public Style style() {
      return Style.PAIRS;
    }

    public List<Field> fields() {
      return List.of(f("bucket", bucket), f("owner", owner), f("owner_id", ownerId), f("created", created),
          f("region", region), f("versioning", versioning), f("mfa_delete", mfaDelete), f("objects", objects),
          f("bytes", bytes), f("noncurrent_versions", noncurrentVersions), f("noncurrent_bytes", noncurrentBytes),
          f("uploads", uploads));
    }
  }

  /** {@code class=C objects=N bytes=N} ({@code bucket info}): current objects of one storage class. */
  /** {@code bucket=B key=K version_id=V class=C size=N layout=inline|segments segments=N} (object info). */
  record ObjectRow(String bucket, String key, String versionId, String storageClass, long size, String layout,
      int segments) implements Line {
    public String type() {
      return "object";
    }

    public Style style() {
      return Style.PAIRS;
    }

    public List<Field> fields() {
      return List.of(f("bucket", bucket), f("key", key), f("version_id", versionId), f("class", storageClass),
          f("size", size), f("layout", layout), f("segments", segments));
    }
  }

  /**
   * {@code tier=T last_access=ISO|- archive_status=ARCHIVE_ACCESS|DEEP_ARCHIVE_ACCESS|-} (object info of an
   * INTELLIGENT_TIERING version, after its object line): its access tier and the last read counted.
   */
  record ObjectTiering(String tier, String lastAccess, String archiveStatus) implements Line {
    public String type() {
      return "object-tiering";
    }

    public Style style() {
      return Style.PAIRS;
    }

    public List<Field> fields() {
      return List.of(f("tier", tier), f("last_access", lastAccess), f("archive_status", archiveStatus));
    }
  }

  /** {@code segment=I data_id=D profile=K+M zone=AZ|- max_per_az=N size=N} (object info). */
  record ObjectSegment(int segment, String dataId, String profile, String zone, int maxPerAz, long size)
      implements Line {
    public String type() {
      return "object-segment";
    }

    public Style style() {
      return Style.PAIRS;
    }

    public List<Field> fields() {
      return List.of(f("segment", segment), f("data_id", dataId), f("profile", profile), f("zone", zone),
          f("max_per_az", maxPerAz), f("size", size));
    }
  }

  /** {@code shard=I.J node=NODE az=AZ misplaced=true|false} (object info). */
  record ObjectShard(String shard, String node, String az, boolean misplaced) implements Line {
    public String type() {
      return "object-shard";
    }

    public Style style() {
      return Style.PAIRS;
    }

    public List<Field> fields() {
      return List.of(f("shard", shard), f("node", node), f("az", az), f("misplaced", misplaced));
    }
  }

  record BucketClass(String storageClass, long objects, long bytes) implements Line {
    public String type() {
      return "bucket-class";
    }

    public Style style() {
      return Style.PAIRS;
    }

    public List<Field> fields() {
      return List.of(f("class", storageClass), f("objects", objects), f("bytes", bytes));
    }
  }

  /** {@code subresource=KIND} ({@code bucket info}): one configured sub-resource (cors, policy, ...). */
  record BucketSubresource(String kind) implements Line {
    public String type() {
      return "bucket-subresource";
    }

    public Style style() {
      return Style.PAIRS;
    }

    public List<Field> fields() {
      return List.of(f("subresource", kind));
    }
  }

  /** {@code bucket B class C objects N bytes N billable N} (Contracts of the feature wave: usage). */
  record Usage(String bucket, String storageClass, long objects, long bytes, long billable,
      io.moraine.proto.meta.v1.UsageRecord counters) implements Line {
    /** The contract's five fields only. */
    Usage(String bucket, String storageClass, long objects, long bytes, long billable) {
      this(bucket, storageClass, objects, bytes, billable, null);
    }

    /**
     * One counters row (docs/operations.md, admin usage): billable adds the parts of uploads in
     * progress to the versions' billable bytes; retrieval_bytes sums restores and IA/IR GETs.
     */
    static Usage of(io.moraine.proto.meta.v1.UsageRecord r) {
      return new Usage(r.getBucket(), r.getStorageClass(), r.getObjects(), r.getBytes(),
          r.getBillableBytes() + r.getUploadBytes(), r);
    }

    public String type() {
      return "usage";
    }

    public Style style() {
      return Style.SPACED;
    }

    public List<Field> fields() {
      List<Field> fields = new java.util.ArrayList<>(List.of(f("bucket", bucket), f("class", storageClass),
          f("objects", objects), f("bytes", bytes), f("billable", billable)));
      if (counters != null) {
        var r = counters;
        fields.addAll(List.of(f("delete_markers", r.getDeleteMarkers()), f("upload_parts", r.getUploadParts()),
            f("upload_bytes", r.getUploadBytes()), f("restored_copies", r.getRestoredCopies()),
            f("restored_bytes", r.getRestoredBytes()), f("early_delete_objects", r.getEarlyDeleteObjects()),
            f("early_delete_byte_days", r.getEarlyDeleteByteDays()),
            f("retrieval_bytes", r.getRestoreRetrievalBytes() + r.getGetRetrievalBytes())));
      }
      return fields;
    }
  }

  /** {@code recount bucket B corrected none|CLASS,CLASS} ({@code usage --recount}): what the walk changed. */
  record UsageRecount(String bucket, List<String> corrected) implements Line {
    public String type() {
      return "usage-recount";
    }

    public Style style() {
      return Style.SPACED;
    }

    public String text() {
      return "recount bucket " + bucket + " corrected " + (corrected.isEmpty() ? "none" : String.join(",", corrected));
    }

    public List<Field> fields() {
      return List.of(f("bucket", bucket), f("corrected", corrected));
    }
  }

  /**
   * {@code payer ACCOUNT bucket B requests N bytes_in N bytes_out N} ({@code usage --requester-pays}):
   * what a requester accepted to pay for on a Requester Pays bucket, summed over the gateways.
   */
  record RequesterCharge(String payer, String bucket, long requests, long bytesIn, long bytesOut) implements Line {
    public String type() {
      return "requester-charge";
    }

    public Style style() {
      return Style.SPACED;
    }

    public List<Field> fields() {
      return List.of(f("payer", payer), f("bucket", bucket), f("requests", requests), f("bytes_in", bytesIn),
          f("bytes_out", bytesOut));
    }
  }
}
