package io.moraine.launcher.admin;

import io.moraine.metadata.api.DataLayout;
import io.moraine.metadata.api.MetadataError;
import io.moraine.metadata.api.MetadataException;
import io.moraine.metadata.api.ObjectVersion;
import io.moraine.metadata.api.Segment;
import io.moraine.metadata.client.RaftMetadataClient;
import io.moraine.placement.NodeInfo;
import io.moraine.placement.zk.ZkPlacementView;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.curator.framework.CuratorFramework;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code admin object info BUCKET KEY [--version-id V]}: where an object version's bytes live —
 * its storage class and, per segment, the erasure profile, the failure-domain rule (the zone of a
 * ONEZONE_IA segment) and the node and AZ of every shard (docs/storage-classes.md).
 */
final class ObjectCommands {
  private ObjectCommands() {}

  @Command(name = "object", mixinStandardHelpOptions = true, description = "Objects.", subcommands = {ObjectInfo.class})
  static final class ObjectGroup implements Runnable {
    @ParentCommand
    AdminCommand admin;

    @Override
    public void run() {
      new picocli.CommandLine(this).usage(System.out);
    }
  }

  @Command(name = "info", mixinStandardHelpOptions = true,
      description = "An object version's layout: bucket=B key=K version_id=V class=C size=N layout=inline|segments, "
          + "then per segment segment=I data_id=D profile=K+M zone=AZ|- max_per_az=N size=N, then per shard "
          + "shard=I.J node=NODE az=AZ misplaced=true|false.")
  static final class ObjectInfo implements Callable<Integer> {
    @ParentCommand
    ObjectGroup group;

    @Parameters(index = "0", description = "the bucket")
    String bucket;

    @Parameters(index = "1", description = "the key")
    String key;

    @Option(names = "--version-id", description = "a version other than the current one")
    String versionId;

    @Override
    public Integer call() throws Exception {
      AdminCommand admin = group.admin;
      try (CuratorFramework client = admin.connect(); RaftMetadataClient meta = admin.metadata(client);
          ZkPlacementView view = new ZkPlacementView(client)) {
        Optional<ObjectVersion> v;
        try {
          v = versionId == null ? meta.getObject(bucket, key) : meta.getObjectVersion(bucket, key, versionId);
        } catch (MetadataException e) {
          if (e.error() == MetadataError.NO_SUCH_BUCKET) {
            System.err.println("no bucket named " + bucket);
            return 1;
          }
          throw e;
        }
        if (v.isEmpty()) {
          System.err.println("no object " + bucket + "/" + key + (versionId == null ? "" : " version " + versionId));
          return 1;
        }
        view.start();
        view.awaitMap(Duration.ofSeconds(10));
        Map<String, String> azOf = new HashMap<>();
        for (NodeInfo n : view.nodes()) {
          azOf.put(n.nodeId(), n.az());
        }
        admin.out().print(lines(bucket, v.get(), azOf));
      }
      return 0;
    }
  }

  /** The lines of {@code object info}; a node no longer a member has AZ "-". */
  static List<Line> lines(String bucket, ObjectVersion v, Map<String, String> azOf) {
    List<Line> lines = new ArrayList<>();
    boolean inline = v.layout() instanceof DataLayout.Inline;
    List<Segment> segments = inline ? List.of() : ((DataLayout.Segments) v.layout()).segments();
    lines.add(new Line.ObjectRow(bucket, v.key(), v.versionId(), v.storageClass(), v.size(),
        inline ? "inline" : "segments", segments.size()));
    if ("INTELLIGENT_TIERING".equals(v.storageClass())) {
      String tier = v.accessTier().isEmpty() ? "FREQUENT" : v.accessTier();
      lines.add(new Line.ObjectTiering(tier,
          v.lastAccessMillis() > 0 ? java.time.Instant.ofEpochMilli(v.lastAccessMillis()).toString() : "-",
          tier.equals("ARCHIVE_ACCESS") || tier.equals("DEEP_ARCHIVE_ACCESS") ? tier : "-"));
    }
    for (int s = 0; s < segments.size(); s++) {
      Segment seg = segments.get(s);
      lines.add(new Line.ObjectSegment(s, seg.dataId(), seg.dataShards() + "+" + seg.parityShards(),
          seg.oneZone() ? seg.zone() : "-", seg.shardsPerAzMax(), seg.size()));
      for (int i = 0; i < seg.shardNodes().size(); i++) {
        String node = seg.shardNodes().get(i);
        boolean misplaced = i < seg.misplaced().size() && seg.misplaced().get(i);
        lines.add(new Line.ObjectShard(s + "." + i, node, azOf.getOrDefault(node, "-"), misplaced));
      }
    }
    return lines;
  }
}
