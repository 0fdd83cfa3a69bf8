package io.moraine.launcher.admin;

import io.moraine.launcher.role.MetaDirectory;
import io.moraine.metadata.api.Bucket;
import io.moraine.metadata.api.BucketConfigs;
import io.moraine.metadata.api.MetadataError;
import io.moraine.metadata.api.MetadataException;
import io.moraine.metadata.client.RaftMetadataClient;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.curator.framework.CuratorFramework;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code admin node list}, {@code admin bucket list|info} and {@code admin usage}: what the
 * cluster holds, read from ZooKeeper (membership), the storage nodes (Health) and the metadata
 * tier ({@link Inventory}). Line formats: {@link Line} and docs/monitoring.md.
 */
final class InventoryCommands {
  private InventoryCommands() {}

  @Command(name = "node", mixinStandardHelpOptions = true, description = "Storage nodes.", subcommands = {NodeList.class})
  static final class NodeGroup implements Runnable {
    @ParentCommand
    AdminCommand admin;

    @Override
    public void run() {
      new picocli.CommandLine(this).usage(System.out);
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "One line per storage node: node ID az AZ state up|down|draining used BYTES total BYTES "
          + "addr HOST:PORT shards N (shards: what the manifests place on it).")
  static final class NodeList implements Callable<Integer> {
    @ParentCommand
    NodeGroup group;

    @Override
    public Integer call() throws Exception {
      AdminCommand admin = group.admin;
      try (CuratorFramework client = admin.connect(); RaftMetadataClient meta = admin.metadata(client)) {
        admin.out().print(new ClusterStatus(client, meta, MetaDirectory.read(client), MetaDirectory.readGroups(client),
            admin.tlsFiles()).nodeList());
      }
      return 0;
    }
  }

  @Command(name = "bucket", mixinStandardHelpOptions = true, description = "Buckets.",
      subcommands = {BucketList.class, BucketInfo.class})
  static final class BucketGroup implements Runnable {
    @ParentCommand
    AdminCommand admin;

    @Override
    public void run() {
      new picocli.CommandLine(this).usage(System.out);
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "One line per bucket: bucket NAME owner ACCOUNT created TIME versioning unversioned|enabled|suspended "
          + "objects N bytes N (current objects).")
  static final class BucketList implements Callable<Integer> {
    @ParentCommand
    BucketGroup group;

    @Option(names = "--account", description = "only this account's buckets (its name)")
    String account;

    @Override
    public Integer call() throws Exception {
      AdminCommand admin = group.admin;
      try (CuratorFramework client = admin.connect(); RaftMetadataClient meta = admin.metadata(client)) {
        Inventory inventory = new Inventory(meta);
        Optional<Optional<String>> owner = owner(inventory, account);
        if (owner.isEmpty()) {
          return 1;
        }
        List<Line> lines = new ArrayList<>();
        Names names = new Names(inventory);
        for (Bucket b : inventory.buckets(owner.get())) {
          Inventory.Tally tally;
          try {
            tally = inventory.tally(b.name());
          } catch (MetadataException e) {
            if (e.error() == MetadataError.NO_SUCH_BUCKET) {
              continue; // deleted since the listing
            }
            throw e;
          }
          lines.add(new Line.BucketRow(b.name(), names.of(b.ownerAccountId()), created(b), versioning(b),
              tally.currentObjects(), tally.currentBytes()));
        }
        admin.out().print(lines);
      }
      return 0;
    }
  }

  @Command(name = "info", mixinStandardHelpOptions = true,
      description = "A bucket's owner, creation time, region, versioning and totals (bucket=... line), its current "
          + "objects per storage class (class=... lines) and its configured sub-resources (subresource=... lines).")
  static final class BucketInfo implements Callable<Integer> {
    @ParentCommand
    BucketGroup group;

    @Parameters(index = "0", description = "the bucket")
    String bucket;

    @Override
    public Integer call() throws Exception {
      AdminCommand admin = group.admin;
      try (CuratorFramework client = admin.connect(); RaftMetadataClient meta = admin.metadata(client)) {
        Inventory inventory = new Inventory(meta);
        BucketConfigs configs;
        Inventory.Tally tally;
        try {
          configs = meta.getBucketConfigs(bucket);
          tally = inventory.tally(bucket);
        } catch (MetadataException e) {
          if (e.error() == MetadataError.NO_SUCH_BUCKET) {
            System.err.println("no bucket named " + bucket);
            return 1;
          }
          throw e;
        }
        admin.out().print(infoLines(configs, new Names(inventory).of(configs.bucket().ownerAccountId()), tally));
      }
      return 0;
    }
  }

  /** The lines of {@code bucket info}: the bucket=... line, one class=... line per class, one subresource=... per kind. */
  static List<Line> infoLines(BucketConfigs configs, String ownerName, Inventory.Tally tally) {
    Bucket b = configs.bucket();
    List<Line> lines = new ArrayList<>();
    lines.add(new Line.BucketInfo(b.name(), ownerName, b.ownerAccountId(), created(b), b.region(), versioning(b),
        b.mfaDelete(), tally.currentObjects(), tally.currentBytes(), tally.noncurrentVersions(), tally.noncurrentBytes(),
        tally.uploadCount()));
    tally.current().forEach((c, t) -> lines.add(new Line.BucketClass(c, t.objects, t.bytes)));
    for (String kind : configs.configs().kinds()) {
      lines.add(new Line.BucketSubresource(kind));
    }
    return lines;
  }

  @Command(name = "usage", mixinStandardHelpOptions = true,
      description = "One line per bucket and storage class: bucket B class C objects N bytes N billable N, then "
          + "delete_markers, upload_parts, upload_bytes, restored_copies, restored_bytes, early_delete_objects, "
          + "early_delete_byte_days, retrieval_bytes. The metadata tier's counters (kept with every change, no walk): "
          + "every stored version, current and noncurrent; billable applies S3's minimum sizes (128 KiB for "
          + "STANDARD_IA, ONEZONE_IA, GLACIER_IR; +40 KiB per GLACIER, DEEP_ARCHIVE object) and adds upload parts.")
  static final class Usage implements Callable<Integer> {
    @ParentCommand
    AdminCommand admin;

    @Parameters(index = "0", arity = "0..1", description = "one bucket (default: every bucket of the root account)")
    String bucket;

    @Option(names = "--all", description = "every bucket of every account")
    boolean all;

    @Option(names = "--account", description = "only this account's buckets (its name)")
    String account;

    @Option(names = "--recount", description = "first set each listed bucket's counters to a walk of it (history "
        + "kept; for buckets written before the counters, or as a check; holds the bucket's metadata group for the "
        + "walk) and print one line per bucket: recount bucket B corrected none|CLASS,CLASS")
    boolean recount;

    @Option(names = "--requester-pays", description = "instead: the requests and body bytes requesters accepted to pay "
        + "for on Requester Pays buckets, summed over every gateway since it started: "
        + "payer ACCOUNT bucket B requests N bytes_in N bytes_out N")
    boolean requesterPays;

    @Override
    public Integer call() throws Exception {
      if (requesterPays) {
        try (CuratorFramework client = admin.connect()) {
          List<String> gateways = GatewayScrapes.gateways(client);
          if (gateways.isEmpty()) {
            System.err.println("no gateway has published its admin port in ZooKeeper");
            return 1;
          }
          admin.out().print(charges(GatewayScrapes.scrape(GatewayScrapes.http(), gateways), bucket));
        }
        return 0;
      }
      try (CuratorFramework client = admin.connect(); RaftMetadataClient meta = admin.metadata(client)) {
        Inventory inventory = new Inventory(meta);
        // Default: the root account's buckets (the operator's own); --all: every account's.
        Optional<Optional<String>> owner = account != null ? owner(inventory, account)
            : all || bucket != null ? Optional.of(Optional.empty())
            : Optional.of(Optional.of(io.moraine.metadata.core.MetadataCore.accountIdFor(
                io.moraine.metadata.core.MetadataCore.ROOT_USER_NAME)));
        if (owner.isEmpty()) {
          return 1;
        }
        List<String> buckets = new ArrayList<>();
        if (bucket != null) {
          Optional<Bucket> b = meta.getBucket(bucket);
          if (b.isEmpty() || owner.get().isPresent() && !owner.get().get().equals(b.get().ownerAccountId())) {
            System.err.println("no bucket named " + bucket + (account == null ? "" : " owned by " + account));
            return 1;
          }
          buckets.add(bucket);
        } else {
          inventory.buckets(owner.get()).forEach(b -> buckets.add(b.name()));
        }
        List<Line> lines = new ArrayList<>();
        if (recount) {
          for (String b : buckets) {
            try {
              lines.add(new Line.UsageRecount(b, meta.recountUsage(b).getRecountCorrectedList()));
            } catch (MetadataException e) {
              if (e.error() != MetadataError.NO_SUCH_BUCKET || bucket != null) {
                throw e;
              }
            }
          }
        }
        io.moraine.proto.meta.v1.UsageReply reply = meta.usage(bucket == null ? "" : bucket);
        lines.addAll(usageLines(reply.getUsageList(), buckets));
        admin.out().print(lines);
      }
      return 0;
    }
  }

  private static final java.util.regex.Pattern CHARGED = java.util.regex.Pattern.compile(
      "^moraine_s3_requester_paid_(requests|bytes)_total\\{([^}]*)\\} (\\S+)$", java.util.regex.Pattern.MULTILINE);

  /**
   * The Requester Pays lines of the gateways' scrapes (moraine_s3_requester_paid_*): one per
   * payer and bucket, summed over gateways, sorted; only {@code bucket} when it is given.
   */
  static List<Line> charges(List<String> scrapes, String bucket) {
    java.util.TreeMap<String, long[]> sums = new java.util.TreeMap<>();
    for (String text : scrapes) {
      java.util.regex.Matcher m = CHARGED.matcher(text);
      while (m.find()) {
        String labels = m.group(2);
        String b = GatewayScrapes.label(labels, "bucket");
        if (bucket != null && !bucket.equals(b)) {
          continue;
        }
        long[] sum = sums.computeIfAbsent(GatewayScrapes.label(labels, "payer") + "\n" + b, k -> new long[3]);
        long v = Math.round(Double.parseDouble(m.group(3)));
        int i = m.group(1).equals("requests") ? 0 : GatewayScrapes.label(labels, "direction").equals("in") ? 1 : 2;
        sum[i] += v;
      }
    }
    List<Line> lines = new ArrayList<>();
    sums.forEach((k, v) -> {
      int nl = k.indexOf('\n');
      lines.add(new Line.RequesterCharge(k.substring(0, nl), k.substring(nl + 1), v[0], v[1], v[2]));
    });
    return lines;
  }

  /**
   * The usage lines of {@code buckets} (sorted) from the counters' rows: one per row, classes in
   * order; a bucket with no row prints one STANDARD line of zeros.
   */
  static List<Line> usageLines(List<io.moraine.proto.meta.v1.UsageRecord> rows, List<String> buckets) {
    java.util.TreeMap<String, List<Line>> byBucket = new java.util.TreeMap<>();
    buckets.forEach(b -> byBucket.put(b, new ArrayList<>()));
    for (io.moraine.proto.meta.v1.UsageRecord r : rows) {
      List<Line> lines = byBucket.get(r.getBucket());
      if (lines != null) {
        lines.add(Line.Usage.of(r));
      }
    }
    List<Line> out = new ArrayList<>();
    byBucket.forEach((b, lines) -> {
      if (lines.isEmpty()) {
        out.add(Line.Usage.of(io.moraine.proto.meta.v1.UsageRecord.newBuilder().setBucket(b)
            .setStorageClass(Inventory.DEFAULT_CLASS).build()));
      } else {
        out.addAll(lines);
      }
    });
    return out;
  }

  /** Empty (after telling why on stderr) when {@code --account NAME} names no account; else the owner filter. */
  private static Optional<Optional<String>> owner(Inventory inventory, String account) {
    if (account == null) {
      return Optional.of(Optional.empty());
    }
    Optional<String> id = inventory.accountIdNamed(account);
    if (id.isEmpty()) {
      System.err.println("no account named " + account);
      return Optional.empty();
    }
    return Optional.of(id);
  }

  static String created(Bucket b) {
    return Instant.ofEpochMilli(b.createdMillis()).toString();
  }

  static String versioning(Bucket b) {
    return b.versioning().name().toLowerCase(Locale.ROOT);
  }

  /** Account names by canonical id, each looked up once; the id itself when no account has it. */
  private static final class Names {
    private final Inventory inventory;
    private final Map<String, String> byId = new HashMap<>();

    Names(Inventory inventory) {
      this.inventory = inventory;
    }

    String of(String canonicalId) {
      return byId.computeIfAbsent(canonicalId, id -> inventory.accountName(id).orElse(id));
    }
  }
}
