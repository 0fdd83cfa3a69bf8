package io.moraine.metadata.client;

import io.moraine.metadata.server.MetadataServerConfig;

/**
 * Client settings.
 *
 * @param groupName the metadata group to talk to; must equal the servers' groupName
 * @param requestTimeoutMillis one attempt's timeout: too low and slow commits under load are
 *     retried needlessly (harmless, the retry cache dedups, but it adds load)
 * @param retrySleepMillis pause between attempts (leader changes take ~1 s)
 * @param retryTotalMillis total time across attempts before a call gives up with an exception;
 *     bounds how long a gateway thread waits when no majority is up
 */
public record RaftMetadataClientConfig(
    String groupName, long requestTimeoutMillis, long retrySleepMillis, long retryTotalMillis) {

  public static RaftMetadataClientConfig defaults() {
    return new RaftMetadataClientConfig(MetadataServerConfig.DEFAULT_GROUP_NAME, 3_000, 100, 30_000);
  }

  public RaftMetadataClientConfig validate() {
    if (groupName == null || groupName.isEmpty()) {
      throw new IllegalArgumentException("groupName is empty");
    }
    if (requestTimeoutMillis < 100 || retrySleepMillis < 1 || retryTotalMillis < retrySleepMillis) {
      throw new IllegalArgumentException("bad timeouts: request " + requestTimeoutMillis + " ms, sleep "
          + retrySleepMillis + " ms, total " + retryTotalMillis + " ms");
    }
    return this;
  }

  int maxAttempts() {
    return (int) Math.max(1, retryTotalMillis / (retrySleepMillis + Math.min(requestTimeoutMillis, 1_000)));
  }
}
