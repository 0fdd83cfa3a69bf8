package io.moraine.storage.store;

import java.nio.file.Path;
import java.util.List;

/**
 * Configuration of one node's shard store.
 *
 * @param diskPaths one directory per disk; shards of one node spread over them. A path listed twice
 *     would double-count capacity, so duplicates are rejected.
 * @param capacityBytesOverride total capacity of the node split evenly over its disks; 0 takes each
 *     disk's size from its filesystem. Set it when several nodes share one filesystem (dev cluster),
 *     otherwise every node would claim the whole filesystem and placement weights would lie.
 * @param blockSizeBytes CRC32C block size of new shard files; too small wastes space and CPU on
 *     checksums, too large makes a small ranged read verify (and read) a lot of bytes.
 */
public record ShardStoreConfig(List<Path> diskPaths, long capacityBytesOverride, int blockSizeBytes) {

  public ShardStoreConfig {
    diskPaths = List.copyOf(diskPaths);
  }

  public ShardStoreConfig validate() {
    if (diskPaths.isEmpty()) {
      throw new IllegalArgumentException("a storage node needs at least one disk");
    }
    List<Path> normalized = diskPaths.stream().map(p -> p.toAbsolutePath().normalize()).toList();
    if (normalized.stream().distinct().count() != normalized.size()) {
      throw new IllegalArgumentException("disk paths listed twice: " + diskPaths);
    }
    if (capacityBytesOverride < 0) {
      throw new IllegalArgumentException("capacityBytesOverride must be >= 0, got " + capacityBytesOverride);
    }
    if (blockSizeBytes < 512 || blockSizeBytes > 16 * 1024 * 1024) {
      throw new IllegalArgumentException("blockSizeBytes must be in [512, 16 MiB], got " + blockSizeBytes);
    }
    return this;
  }
}
