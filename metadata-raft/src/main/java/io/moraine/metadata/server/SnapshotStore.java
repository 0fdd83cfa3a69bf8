package io.moraine.metadata.server;

import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.SnapshotInfo;
import org.apache.ratis.statemachine.SnapshotRetentionPolicy;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.impl.FileListSnapshotInfo;

/**
 * The state machine's directory layout under Ratis's state machine dir:
 *
 * <pre>
 *   db/                          live RocksDB (state + applied position)
 *   snapshots/snapshot.TERM_INDEX/   RocksDB checkpoints, one directory each
 *   tmp/                         checkpoints being written; Ratis's snapshot-install staging
 * </pre>
 *
 * Fault model: a snapshot directory appears under {@code snapshots/} only by an atomic rename
 * of a complete checkpoint (followed by a directory fsync), so a crash mid-write leaves garbage
 * in {@code tmp/} only, and a failed checkpoint is never published. Installed snapshots arrive
 * the same way (Ratis writes into tmp and renames). Snapshot files are relative to
 * {@code snapshots/}, so a leader's files land at the same relative paths on a follower.
 */
final class SnapshotStore implements StateMachineStorage {
  private static final Pattern NAME = Pattern.compile("snapshot\\.(\\d+)_(\\d+)");

  private volatile Path smDir;
  private volatile SnapshotInfo latest;

  @Override
  public void init(RaftStorage raftStorage) throws IOException {
    smDir = raftStorage.getStorageDir().getStateMachineDir().toPath();
    Files.createDirectories(snapshotsDir());
    Files.createDirectories(tmpDir());
    latest = scan();
  }

  Path dbDir() {
    return smDir.resolve("db");
  }

  Path snapshotsDir() {
    return smDir.resolve("snapshots");
  }

  Path tmpDir() {
    return smDir.resolve("tmp");
  }

  @Override
  public File getSnapshotDir() {
    return snapshotsDir().toFile();
  }

  @Override
  public File getTmpDir() {
    return tmpDir().toFile();
  }

  @Override
  public SnapshotInfo getLatestSnapshot() {
    return latest;
  }

  /** Re-reads the snapshots directory (after a snapshot was taken or installed). */
  SnapshotInfo refresh() throws IOException {
    latest = scan();
    return latest;
  }

  Path dirOf(TermIndex ti) {
    return snapshotsDir().resolve("snapshot." + ti.getTerm() + "_" + ti.getIndex());
  }

  /** Publishes a complete checkpoint written at {@code source} as the snapshot at {@code ti}. */
  void publish(Path source, TermIndex ti) throws IOException {
    fsyncTree(source);
    Files.move(source, dirOf(ti), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    fsyncDir(snapshotsDir());
    latest = scan();
  }

  private SnapshotInfo scan() throws IOException {
    Path best = null;
    TermIndex bestTi = null;
    if (!Files.isDirectory(snapshotsDir())) {
      return null;
    }
    try (Stream<Path> dirs = Files.list(snapshotsDir())) {
      for (Path d : dirs.toList()) {
        Matcher m = NAME.matcher(d.getFileName().toString());
        if (m.matches() && Files.isDirectory(d)) {
          TermIndex ti = TermIndex.valueOf(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)));
          if (bestTi == null || ti.getIndex() > bestTi.getIndex()) {
            best = d;
            bestTi = ti;
          }
        }
      }
    }
    if (best == null) {
      return null;
    }
    List<FileInfo> files = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(best)) {
      for (Path f : walk.filter(Files::isRegularFile).sorted().toList()) {
        files.add(new FileInfo(f, null));
      }
    }
    return new FileListSnapshotInfo(files, bestTi);
  }

  @Override
  public void format() {}

  @Override
  public void cleanupOldSnapshots(SnapshotRetentionPolicy policy) throws IOException {
    int keep = Math.max(1, policy == null ? 2 : policy.getNumSnapshotsRetained());
    List<Path> dirs;
    try (Stream<Path> s = Files.list(snapshotsDir())) {
      dirs = s.filter(d -> NAME.matcher(d.getFileName().toString()).matches())
          .sorted(Comparator.comparingLong(SnapshotStore::indexOf).reversed()).toList();
    }
    for (Path d : dirs.subList(Math.min(keep, dirs.size()), dirs.size())) {
      deleteTree(d);
    }
  }

  private static long indexOf(Path d) {
    Matcher m = NAME.matcher(d.getFileName().toString());
    if (!m.matches()) {
      throw new IllegalStateException("not a snapshot dir: " + d);
    }
    return Long.parseLong(m.group(2));
  }

  static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(p)) {
      for (Path f : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(f);
      }
    }
  }

  /** Copies a snapshot directory to {@code target}, hard-linking SST files. */
  static void copyTree(Path source, Path target) throws IOException {
    Files.createDirectories(target);
    try (Stream<Path> walk = Files.walk(source)) {
      for (Path f : walk.sorted().toList()) {
        Path t = target.resolve(source.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(t);
        } else {
          // SST files are immutable, so sharing them is safe; anything RocksDB might append to
          // (MANIFEST, WAL) is copied so the snapshot never changes under the live store.
          if (f.getFileName().toString().endsWith(".sst")) {
            Files.createLink(t, f);
          } else {
            Files.copy(f, t);
          }
        }
      }
    }
    fsyncTree(target);
  }

  static void fsyncTree(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path f : walk.toList()) {
        if (Files.isRegularFile(f)) {
          try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
            ch.force(true);
          }
        }
      }
    }
    fsyncDir(root);
  }

  static void fsyncDir(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }
}
