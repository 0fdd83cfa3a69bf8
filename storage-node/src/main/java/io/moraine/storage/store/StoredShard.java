package io.moraine.storage.store;

import io.moraine.storage.api.ShardId;

/**
 * A published shard as the store's index knows it.
 *
 * @param placementGroupDir the placement group modulo 256 (the directory the file lives in)
 * @param diskIndex position of its disk in the store's configuration
 * @param payloadLengthBytes shard bytes (without framing); -1 when the file's header is unreadable
 * @param fileLengthBytes bytes the framed file occupies on disk
 */
public record StoredShard(ShardId shard, int placementGroupDir, int diskIndex, long payloadLengthBytes, long fileLengthBytes) {}
