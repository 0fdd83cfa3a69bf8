package io.moraine.launcher.role;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;

/** Curator clients as every role makes them. */
public final class Zk {

  /** Default session timeout; storage nodes ask for a shorter one (down within 10 s). */
  public static final int SESSION_TIMEOUT_MILLIS = 15_000;

  private Zk() {}

  public static CuratorFramework connect(String connectString, int sessionTimeoutMillis) {
    CuratorFramework client = CuratorFrameworkFactory.builder()
        .connectString(connectString)
        .sessionTimeoutMs(sessionTimeoutMillis)
        .connectionTimeoutMs(10_000)
        .retryPolicy(new ExponentialBackoffRetry(200, 20, 5_000))
        .build();
    client.start();
    return client;
  }

  /** Waits for the first connection so that a misconfigured address fails start-up loudly. */
  public static CuratorFramework connectBlocking(String connectString, int sessionTimeoutMillis) throws InterruptedException {
    CuratorFramework client = connect(connectString, sessionTimeoutMillis);
    if (!client.blockUntilConnected(60, java.util.concurrent.TimeUnit.SECONDS)) {
      client.close();
      throw new IllegalStateException("could not reach ZooKeeper at " + connectString + " within 60 s");
    }
    return client;
  }
}
