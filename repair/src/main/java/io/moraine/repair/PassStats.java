package io.moraine.repair;

/** Counters of one repair or scrub pass; each object's repair fills its own, merged in walk order. */
final class PassStats {
  long shardsRebuilt;
  long bytesRebuilt;
  long shardsMoved;
  long shardsMissing;
  long shardsMisplaced;
  long shardsUnrecoverable;
  long rebuildNanos;
  long scrubVerified;
  long scrubCorrupt;
  long scrubMissing;

  void add(PassStats o) {
    shardsRebuilt += o.shardsRebuilt;
    bytesRebuilt += o.bytesRebuilt;
    shardsMoved += o.shardsMoved;
    shardsMissing += o.shardsMissing;
    shardsMisplaced += o.shardsMisplaced;
    shardsUnrecoverable += o.shardsUnrecoverable;
    rebuildNanos += o.rebuildNanos;
    scrubVerified += o.scrubVerified;
    scrubCorrupt += o.scrubCorrupt;
    scrubMissing += o.scrubMissing;
  }
}
