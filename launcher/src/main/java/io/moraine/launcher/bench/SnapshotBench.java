package io.moraine.launcher.bench;

import io.moraine.metadata.client.RaftMetadataClient;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.stream.Stream;
import org.apache.ratis.protocol.RaftClientReply;

/**
 * Size and time of a snapshot of the group holding a bucket, on the real cluster: asks the
 * group's leader to snapshot now (Ratis snapshot management: the state machine takes a RocksDB
 * checkpoint) and, given the cluster directory, measures the newest snapshot directory on disk.
 */
final class SnapshotBench {

  private SnapshotBench() {}

  static void run(RaftMetadataClient meta, String bucket, Path clusterDir, LongSupplier ticker, PrintStream out)
      throws IOException {
    int group = meta.groupOf(bucket).orElseThrow(() -> new IllegalArgumentException("no such bucket: " + bucket));
    long start = ticker.getAsLong();
    RaftClientReply reply = meta.raftClient(group).getSnapshotManagementApi().create(300_000);
    long nanos = ticker.getAsLong() - start;
    if (!reply.isSuccess()) {
      throw new IllegalStateException("snapshot of group " + group + " failed: " + reply.getException());
    }
    out.printf(Locale.ROOT, "snapshot: group g%d (bucket %s) snapshot at log index %d taken in %.2f s (request to reply)%n",
        group, bucket, reply.getLogIndex(), nanos / 1e9);
    if (clusterDir != null) {
      Optional<Path> newest = newestSnapshot(clusterDir);
      if (newest.isEmpty()) {
        out.printf("snapshot: no snapshot.* directory under %s%n", clusterDir);
        return;
      }
      out.printf(Locale.ROOT, "snapshot: newest on disk %s: %.1f MiB%n", newest.get(), size(newest.get()) / 1048576.0);
    }
  }

  static Optional<Path> newestSnapshot(Path root) throws IOException {
    try (Stream<Path> all = Files.walk(root)) {
      return all.filter(p -> Files.isDirectory(p) && p.getFileName().toString().startsWith("snapshot.")
              && p.getParent().getFileName().toString().equals("snapshots"))
          .max(Comparator.comparingLong(SnapshotBench::modified));
    }
  }

  private static long modified(Path p) {
    try {
      return Files.getLastModifiedTime(p).toMillis();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static long size(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
  }
}
