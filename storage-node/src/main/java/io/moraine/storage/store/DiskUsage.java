package io.moraine.storage.store;

import java.nio.file.Path;

/** Capacity accounting of one disk: bytes held by published shards, and the disk's (configured) size. */
public record DiskUsage(Path path, long usedBytes, long totalBytes) {}
