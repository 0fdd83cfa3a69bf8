package io.moraine.repair;

/**
 * Settings of the repair service and the scrubber (one record, units in names).
 *
 * @param graceMillis how long a storage node must have been down before its shards are rebuilt
 *     elsewhere (DESIGN.md, Contracts: 30 s). Too short and a restarting node gets its data copied
 *     for nothing; too long and the cluster stays degraded that much longer.
 * @param passIntervalMillis pause between two repair passes over every manifest. Short means a
 *     faster reaction, at the cost of a full metadata walk each time.
 * @param shardReadTimeoutMillis idle timeout of one shard read; a hung source fails the segment's
 *     rebuild for this pass instead of stalling the service.
 * @param shardWriteAckTimeoutMillis how long to wait for a rebuilt shard to be acknowledged durable.
 * @param scrubIntervalMillis time between two scheduled scrub passes; 0 means only on request
 *     ({@code admin scrub --now}).
 * @param scrubBytesPerSecond read rate of a scrub pass, so it cannot starve client reads.
 * @param progressSaveIntervalMillis how often the walk's cursor is saved; a new leader resumes
 *     from the last saved cursor, so this bounds the work repeated after a takeover.
 * @param parallelObjects objects repaired at once; more is faster until the network, the disks or
 *     the meta process's CPU saturate (each rebuild holds (k+m) chunks in memory).
 * @param gcMinAgeMillis garbage collection deletes a shard no manifest names only when it was
 *     published at least this long ago (and two complete walks in a row found it unreferenced): a
 *     gateway writes shards before it commits their manifest, so a young unreferenced shard may be
 *     a write in flight. 0 turns garbage collection off. Default 1 h.
 */
public record RepairConfig(
    long graceMillis,
    long passIntervalMillis,
    long shardReadTimeoutMillis,
    long shardWriteAckTimeoutMillis,
    long scrubIntervalMillis,
    long scrubBytesPerSecond,
    long progressSaveIntervalMillis,
    int parallelObjects,
    long gcMinAgeMillis) {

  public static final long DEFAULT_GRACE_MILLIS = 30_000;
  public static final long DEFAULT_GC_MIN_AGE_MILLIS = 3_600_000;

  /** Without a GC age: the default (1 h). */
  public RepairConfig(long graceMillis, long passIntervalMillis, long shardReadTimeoutMillis,
      long shardWriteAckTimeoutMillis, long scrubIntervalMillis, long scrubBytesPerSecond,
      long progressSaveIntervalMillis, int parallelObjects) {
    this(graceMillis, passIntervalMillis, shardReadTimeoutMillis, shardWriteAckTimeoutMillis, scrubIntervalMillis,
        scrubBytesPerSecond, progressSaveIntervalMillis, parallelObjects, DEFAULT_GC_MIN_AGE_MILLIS);
  }

  public static RepairConfig defaults() {
    return new RepairConfig(DEFAULT_GRACE_MILLIS, 5_000, 5_000, 60_000, 24L * 3600 * 1000, 32L << 20, 2_000, 4,
        DEFAULT_GC_MIN_AGE_MILLIS).validate();
  }

  public RepairConfig withGcMinAgeMillis(long millis) {
    return new RepairConfig(graceMillis, passIntervalMillis, shardReadTimeoutMillis, shardWriteAckTimeoutMillis,
        scrubIntervalMillis, scrubBytesPerSecond, progressSaveIntervalMillis, parallelObjects, millis).validate();
  }

  public RepairConfig withGraceMillis(long millis) {
    return new RepairConfig(millis, passIntervalMillis, shardReadTimeoutMillis, shardWriteAckTimeoutMillis,
        scrubIntervalMillis, scrubBytesPerSecond, progressSaveIntervalMillis, parallelObjects, gcMinAgeMillis).validate();
  }

  public RepairConfig withPassIntervalMillis(long millis) {
    return new RepairConfig(graceMillis, millis, shardReadTimeoutMillis, shardWriteAckTimeoutMillis,
        scrubIntervalMillis, scrubBytesPerSecond, progressSaveIntervalMillis, parallelObjects, gcMinAgeMillis).validate();
  }

  public RepairConfig validate() {
    if (graceMillis < 0 || passIntervalMillis < 1 || shardReadTimeoutMillis < 1 || shardWriteAckTimeoutMillis < 1
        || scrubIntervalMillis < 0 || scrubBytesPerSecond < 1 || progressSaveIntervalMillis < 1 || parallelObjects < 1
        || gcMinAgeMillis < 0) {
      throw new IllegalArgumentException("invalid repair config " + this);
    }
    return this;
  }
}
