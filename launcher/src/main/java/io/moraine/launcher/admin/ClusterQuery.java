package io.moraine.launcher.admin;

import io.moraine.launcher.role.MetaDirectory;
import io.moraine.metadata.client.RaftMetadataClient;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;

/**
 * The questions `admin` answers, as one reusable object over a ZooKeeper connection and a
 * metadata client, for callers other than the CLI (the web console): the {@code admin status}
 * lines (groups and leaders, storage nodes, redundancy, repair / scrub / gc progress) and a
 * bucket's usage. Every call is a fresh walk (no cache), exactly what the CLI prints at that moment.
 */
public final class ClusterQuery {

  /** A bucket's figures: current objects and bytes, noncurrent versions and bytes, uploads in progress. */
  public record BucketUsage(long objects, long bytes, long noncurrentVersions, long noncurrentBytes, long uploads) {}

  private final CuratorFramework zk;
  private final RaftMetadataClient meta;

  private final io.moraine.tls.TlsFiles internalTls;

  public ClusterQuery(CuratorFramework zk, RaftMetadataClient meta) {
    this(zk, meta, null);
  }

  /** {@code internalTlsOrNull}: the certificate for storage nodes' usage over mutual TLS (docs/tls.md). */
  public ClusterQuery(CuratorFramework zk, RaftMetadataClient meta, io.moraine.tls.TlsFiles internalTlsOrNull) {
    this.zk = zk;
    this.meta = meta;
    this.internalTls = internalTlsOrNull;
  }

  /** The lines of {@code admin status}, in its order. */
  public List<Line> status() throws Exception {
    return new ClusterStatus(zk, meta, MetaDirectory.read(zk), MetaDirectory.readGroups(zk), internalTls).lines();
  }

  /** {@code bucket info}'s totals of one bucket (a MetadataException NO_SUCH_BUCKET when it is gone). */
  public BucketUsage usage(String bucket) {
    Inventory.Tally t = new Inventory(meta).tally(bucket);
    return new BucketUsage(t.currentObjects(), t.currentBytes(), t.noncurrentVersions(), t.noncurrentBytes(),
        t.uploadCount());
  }
}
