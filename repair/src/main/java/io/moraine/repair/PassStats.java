package io.moraine.repair;

/** Counters of one repair or scrub pass (one thread writes them; published through RepairProgress). */
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
}
