package io.moraine.metadata.client;

import io.moraine.metadata.core.Command;
import io.moraine.metadata.core.MetadataCore;
import io.moraine.proto.meta.v1.MetaReply;
import io.moraine.proto.meta.v1.MetaRequest;
import java.time.InstantSource;

/**
 * The metadata core applied in this process, one command at a time, with no Raft: what the
 * client's transport becomes for tests and single-process fakes (the gateway's SDK suite), so
 * they exercise the real S3 semantics of the core rather than a re-implementation. Fault model:
 * none beyond the store's; not durable unless the store is.
 */
final class InProcessCore {
  private final MetadataCore core;
  private final InstantSource clock;
  private final int maxBucketsPerAccount;
  private long index;

  InProcessCore(MetadataCore core, InstantSource clock, int maxBucketsPerAccount) {
    if (maxBucketsPerAccount < 1) {
      throw new IllegalArgumentException("maxBucketsPerAccount must be ≥ 1, not " + maxBucketsPerAccount);
    }
    this.core = core;
    this.clock = clock;
    this.maxBucketsPerAccount = maxBucketsPerAccount;
    this.index = core.applied().index();
  }

  synchronized MetaReply write(MetaRequest r) {
    return core.apply(++index, new Command(clock.millis(), maxBucketsPerAccount, r)).toReply();
  }

  synchronized MetaReply read(MetaRequest r) {
    return core.query(r).toReply();
  }
}
