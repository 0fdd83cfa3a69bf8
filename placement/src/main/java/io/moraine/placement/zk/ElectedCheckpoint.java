package io.moraine.placement.zk;

import java.io.IOException;
import java.util.Optional;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.zookeeper.KeeperException;

/**
 * The ZooKeeper half of a background service that is active in one process at a time (repair,
 * lifecycle, restore, SSE re-wrap, Intelligent-Tiering...): a Curator {@link LeaderLatch} at
 * {@code ROOT/leader} and the service's checkpoint at {@code ROOT/progress}, so a new leader
 * resumes where its predecessor stood and {@code admin status} can read the figures.
 *
 * <p>The checkpoint is the service's own versioned encoding; this class only guards who may write
 * it: a deposed leader's save is dropped, so it never overwrites its successor's cursor.
 */
public final class ElectedCheckpoint implements AutoCloseable {
  private final CuratorFramework zk;
  private final LeaderLatch latch;
  private final String progressPath;

  /** Joins the election under {@code rootPath} as {@code participantId} (the latch is started). */
  public ElectedCheckpoint(CuratorFramework zk, String rootPath, String participantId) throws Exception {
    this.zk = zk;
    this.latch = new LeaderLatch(zk, leaderPath(rootPath), participantId);
    this.progressPath = progressPath(rootPath);
    latch.start();
  }

  public static String leaderPath(String rootPath) {
    return rootPath + "/leader";
  }

  public static String progressPath(String rootPath) {
    return rootPath + "/progress";
  }

  public boolean isLeader() {
    return latch.hasLeadership();
  }

  /**
   * Writes the checkpoint while this participant leads.
   *
   * @return false when it does not lead (nothing written)
   */
  public boolean save(byte[] checkpoint) throws Exception {
    if (!latch.hasLeadership()) {
      return false;
    }
    try {
      zk.setData().forPath(progressPath, checkpoint);
    } catch (KeeperException.NoNodeException e) {
      try {
        zk.create().creatingParentsIfNeeded().forPath(progressPath, checkpoint);
      } catch (KeeperException.NodeExistsException raced) {
        zk.setData().forPath(progressPath, checkpoint);
      }
    }
    return true;
  }

  /** The last checkpoint any leader saved. */
  public Optional<byte[]> read() throws Exception {
    return read(zk, progressPath);
  }

  /** The checkpoint at {@code progressPath}, for readers outside the election (admin commands). */
  public static Optional<byte[]> read(CuratorFramework zk, String progressPath) throws Exception {
    try {
      return Optional.of(zk.getData().forPath(progressPath));
    } catch (KeeperException.NoNodeException e) {
      return Optional.empty();
    }
  }

  @Override
  public void close() throws IOException {
    latch.close();
  }
}
