package io.moraine.storage.store;

import io.moraine.storage.api.ShardId;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * On-disk layout of shard files (format version 1 of the layout; the file format itself is the
 * erasure module's BlockFrame, which carries its own magic and version):
 *
 * <pre>
 * DISK/moraine-shards/v1/HH/DATAID.INDEX.shard   published shards; HH = placement group % 256, two lower-case hex digits
 * DISK/moraine-shards/tmp/DATAID.INDEX.SEQ.tmp   shards being written; deleted at start-up
 * </pre>
 *
 * A shard becomes visible only by an atomic rename from tmp into its group directory, after the
 * file and before the directory were fsynced, so a reader never sees half a shard.
 */
public final class ShardLayout {

  public static final String ROOT_DIR = "moraine-shards";
  public static final String LAYOUT_DIR = "v1";
  public static final String TMP_DIR = "tmp";
  public static final String SHARD_SUFFIX = ".shard";
  public static final String TMP_SUFFIX = ".tmp";
  public static final int GROUP_DIRS = 256;
  public static final int MAX_SHARD_INDEX = 255;
  public static final int MAX_DATA_ID_LENGTH = 200;

  /** File-name safe and never "." / ".." (no leading dot), so an id can never escape its directory. */
  private static final Pattern DATA_ID = Pattern.compile("[A-Za-z0-9_\\-][A-Za-z0-9_.\\-]{0,199}");

  private ShardLayout() {}

  public static Path layoutDir(Path disk) {
    return disk.resolve(ROOT_DIR).resolve(LAYOUT_DIR);
  }

  public static Path tmpDir(Path disk) {
    return disk.resolve(ROOT_DIR).resolve(TMP_DIR);
  }

  public static int groupDir(int placementGroup) {
    if (placementGroup < 0) {
      throw new IllegalArgumentException("placement group must be >= 0, got " + placementGroup);
    }
    return placementGroup % GROUP_DIRS;
  }

  public static String groupDirName(int groupDir) {
    return String.format(Locale.ROOT, "%02x", groupDir);
  }

  public static Path shardPath(Path disk, int groupDir, ShardId id) {
    return layoutDir(disk).resolve(groupDirName(groupDir)).resolve(fileName(id));
  }

  public static String fileName(ShardId id) {
    return id.dataId() + "." + id.index() + SHARD_SUFFIX;
  }

  /** Rejects ids that are not file-name safe; they come from the network. */
  public static void checkShardId(ShardId id) {
    if (id.dataId() == null || !DATA_ID.matcher(id.dataId()).matches()) {
      throw new IllegalArgumentException("invalid data id (want [A-Za-z0-9_.-], no leading dot, <= "
          + MAX_DATA_ID_LENGTH + " chars): " + id.dataId());
    }
    if (id.index() < 0 || id.index() > MAX_SHARD_INDEX) {
      throw new IllegalArgumentException("shard index out of [0, " + MAX_SHARD_INDEX + "]: " + id.index());
    }
  }

  /** The shard id a published file name stands for, or empty when the name is not one of ours. */
  public static Optional<ShardId> parseFileName(String name) {
    if (!name.endsWith(SHARD_SUFFIX)) {
      return Optional.empty();
    }
    String stem = name.substring(0, name.length() - SHARD_SUFFIX.length());
    int dot = stem.lastIndexOf('.');
    if (dot <= 0 || dot == stem.length() - 1) {
      return Optional.empty();
    }
    try {
      ShardId id = new ShardId(stem.substring(0, dot), Integer.parseInt(stem.substring(dot + 1)));
      checkShardId(id);
      // "x.01.shard" would parse to the id of "x.1.shard": only the canonical name is ours.
      return fileName(id).equals(name) ? Optional.of(id) : Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
