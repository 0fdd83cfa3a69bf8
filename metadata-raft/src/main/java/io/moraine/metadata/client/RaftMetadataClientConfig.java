package io.moraine.metadata.client;

import io.moraine.metadata.server.MetadataServerConfig;

/**
 * Client settings.
 *
 * @param groups number of metadata groups ({@code g1..gN}); must equal the servers' {@code groups}
 * @param requestTimeoutMillis one attempt's timeout: too low and slow commits under load are
 *     retried needlessly (harmless, the retry cache dedups, but it adds load)
 * @param retrySleepMillis pause between attempts (leader changes take ~1 s)
 * @param retryTotalMillis total time across attempts before a call gives up with an exception;
 *     bounds how long a gateway thread waits when no majority is up
 * @param commitSenders mutations from concurrent callers are group-committed: this many sender
 *     threads each take whatever is queued (up to the limits below) and commit it as one log
 *     entry. 0 sends every mutation as its own entry (no batching; ~1,000 commits/s ceiling)
 * @param maxBatchCommands most commands in one log entry
 * @param maxBatchBytes most request bytes in one log entry (inline objects make entries big;
 *     must stay well under the Raft log's entry limits)
 */
public record RaftMetadataClientConfig(
    int groups,
    long requestTimeoutMillis,
    long retrySleepMillis,
    long retryTotalMillis,
    int commitSenders,
    int maxBatchCommands,
    int maxBatchBytes) {

  public static final int DEFAULT_COMMIT_SENDERS = 2;
  public static final int DEFAULT_MAX_BATCH_COMMANDS = 256;
  public static final int DEFAULT_MAX_BATCH_BYTES = 1 << 20;

  /** Group commit with the default limits. */
  public RaftMetadataClientConfig(int groups, long requestTimeoutMillis, long retrySleepMillis, long retryTotalMillis) {
    this(groups, requestTimeoutMillis, retrySleepMillis, retryTotalMillis,
        DEFAULT_COMMIT_SENDERS, DEFAULT_MAX_BATCH_COMMANDS, DEFAULT_MAX_BATCH_BYTES);
  }

  public static RaftMetadataClientConfig defaults() {
    return new RaftMetadataClientConfig(MetadataServerConfig.DEFAULT_GROUPS, 3_000, 100, 30_000);
  }

  /** The defaults for a tier of {@code groups} groups. */
  public static RaftMetadataClientConfig defaults(int groups) {
    return new RaftMetadataClientConfig(groups, 3_000, 100, 30_000);
  }

  public RaftMetadataClientConfig validate() {
    if (groups < 1 || groups > MetadataServerConfig.MAX_GROUPS) {
      throw new IllegalArgumentException("groups " + groups + " not in 1.." + MetadataServerConfig.MAX_GROUPS);
    }
    if (requestTimeoutMillis < 100 || retrySleepMillis < 1 || retryTotalMillis < retrySleepMillis) {
      throw new IllegalArgumentException("bad timeouts: request " + requestTimeoutMillis + " ms, sleep "
          + retrySleepMillis + " ms, total " + retryTotalMillis + " ms");
    }
    if (commitSenders < 0 || maxBatchCommands < 1 || maxBatchBytes < 1024) {
      throw new IllegalArgumentException("bad batching: senders " + commitSenders + ", commands "
          + maxBatchCommands + ", bytes " + maxBatchBytes);
    }
    return this;
  }

  int maxAttempts() {
    return (int) Math.max(1, retryTotalMillis / (retrySleepMillis + Math.min(requestTimeoutMillis, 1_000)));
  }
}
