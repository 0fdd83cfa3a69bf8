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
    return connect(connectString, sessionTimeoutMillis, null);
  }

  /** {@code internalTlsOrNull}: mutual TLS to ZooKeeper's secure client port with these files (set per client). */
  public static CuratorFramework connect(String connectString, int sessionTimeoutMillis, io.moraine.tls.TlsFiles internalTlsOrNull) {
    CuratorFrameworkFactory.Builder b = CuratorFrameworkFactory.builder()
        .connectString(connectString)
        .sessionTimeoutMs(sessionTimeoutMillis)
        .connectionTimeoutMs(10_000)
        .retryPolicy(new ExponentialBackoffRetry(200, 20, 5_000));
    if (internalTlsOrNull != null) {
      b.zkClientConfig(ZkTls.clientConfig(internalTlsOrNull));
    }
    CuratorFramework client = b.build();
    client.start();
    return client;
  }

  /** Waits for the first connection so that a misconfigured address fails start-up loudly. */
  public static CuratorFramework connectBlocking(String connectString, int sessionTimeoutMillis) throws InterruptedException {
    return connectBlocking(connectString, sessionTimeoutMillis, null);
  }

  /** As above, over mutual TLS when {@code internalTlsOrNull} is given. */
  public static CuratorFramework connectBlocking(String connectString, int sessionTimeoutMillis,
      io.moraine.tls.TlsFiles internalTlsOrNull) throws InterruptedException {
    CuratorFramework client = connect(connectString, sessionTimeoutMillis, internalTlsOrNull);
    if (!client.blockUntilConnected(60, java.util.concurrent.TimeUnit.SECONDS)) {
      client.close();
      throw new IllegalStateException("could not reach ZooKeeper at " + connectString + " within 60 s");
    }
    return client;
  }
}
