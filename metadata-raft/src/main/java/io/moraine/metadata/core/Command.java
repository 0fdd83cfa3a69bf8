package io.moraine.metadata.core;

import com.google.protobuf.InvalidProtocolBufferException;
import io.moraine.proto.meta.v1.MetaLogEntry;
import io.moraine.proto.meta.v1.MetaRequest;

/**
 * One log entry as the core applies it: the client's command plus the inputs the leader resolved
 * (its wall time, the bucket limit and the number of metadata groups from its config).
 */
public record Command(long leaderTimeMillis, int maxBucketsPerAccount, int metaGroups, MetaRequest request) {
  public static final int FORMAT_VERSION = 1;

  public Command {
    if (metaGroups < 1) {
      throw new IllegalArgumentException("metaGroups " + metaGroups + " < 1");
    }
  }

  /** A single-group entry (the only group is also the directory). */
  public Command(long leaderTimeMillis, int maxBucketsPerAccount, MetaRequest request) {
    this(leaderTimeMillis, maxBucketsPerAccount, 1, request);
  }

  public byte[] encode() {
    return MetaLogEntry.newBuilder()
        .setFormatVersion(FORMAT_VERSION)
        .setLeaderTimeMillis(leaderTimeMillis)
        .setMaxBucketsPerAccount(maxBucketsPerAccount)
        .setMetaGroups(metaGroups)
        .setRequest(request)
        .build()
        .toByteArray();
  }

  /** Decodes a logged entry; a malformed or unknown-version entry is corruption, not input. */
  public static Command decode(byte[] bytes) {
    MetaLogEntry entry;
    try {
      entry = MetaLogEntry.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("corrupt metadata log entry of " + bytes.length + " bytes", e);
    }
    if (entry.getFormatVersion() != FORMAT_VERSION) {
      throw new IllegalStateException("unknown metadata log entry format version " + entry.getFormatVersion());
    }
    // Entries logged before multi-raft carry no group count: they ran with one group.
    return new Command(entry.getLeaderTimeMillis(), entry.getMaxBucketsPerAccount(),
        Math.max(1, entry.getMetaGroups()), entry.getRequest());
  }
}
