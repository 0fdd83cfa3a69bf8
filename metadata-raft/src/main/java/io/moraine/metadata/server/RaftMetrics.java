package io.moraine.metadata.server;

import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.statemachine.SnapshotInfo;
import org.apache.ratis.statemachine.impl.FileListSnapshotInfo;

/**
 * Per Raft group of every metadata peer of the process (docs/metrics.md): leader flag, term,
 * commit and applied index, apply lag, log entries held, snapshot index and time. Read from
 * Ratis at scrape time; labels {@code node_id} and {@code group} (g1..gN).
 */
public final class RaftMetrics {
  private final List<MetadataServer> servers = new CopyOnWriteArrayList<>();

  /** One group's figures at one instant. */
  record GroupFigures(String nodeId, String group, boolean leader, long term, long commitIndex, long appliedIndex,
      long logEntries, long snapshotIndex, double snapshotSeconds) {}

  public RaftMetrics(PrometheusRegistry registry) {
    gauge(registry, "moraine_raft_leader", "1 when this peer leads the group", g -> g.leader() ? 1 : 0);
    gauge(registry, "moraine_raft_term", "the peer's current term in the group", GroupFigures::term);
    gauge(registry, "moraine_raft_commit_index", "the highest log index known committed", GroupFigures::commitIndex);
    gauge(registry, "moraine_raft_applied_index", "the highest log index applied to the state machine",
        GroupFigures::appliedIndex);
    gauge(registry, "moraine_raft_apply_lag_entries", "committed entries not yet applied (commit - applied)",
        g -> Math.max(0, g.commitIndex() - g.appliedIndex()));
    gauge(registry, "moraine_raft_log_entries", "entries in the peer's log (not yet purged after a snapshot)",
        GroupFigures::logEntries);
    gauge(registry, "moraine_raft_snapshot_index", "log index of the latest snapshot (-1: none)",
        GroupFigures::snapshotIndex);
    gauge(registry, "moraine_raft_snapshot_timestamp_seconds",
        "when the latest snapshot was written (Unix seconds; age = time() - this; absent without a snapshot)",
        GroupFigures::snapshotSeconds);
  }

  public void watch(MetadataServer server) {
    servers.add(server);
  }

  public void unwatch(MetadataServer server) {
    servers.remove(server);
  }

  private interface Figure {
    double of(GroupFigures g);
  }

  private void gauge(PrometheusRegistry registry, String name, String help, Figure figure) {
    boolean timestamp = name.endsWith("_timestamp_seconds");
    GaugeWithCallback.builder().name(name).help(help).labelNames("node_id", "group")
        .callback(cb -> {
          for (GroupFigures g : figures()) {
            if (!timestamp || g.snapshotSeconds() > 0) {
              cb.call(figure.of(g), g.nodeId(), g.group());
            }
          }
        }).register(registry);
  }

  List<GroupFigures> figures() {
    List<GroupFigures> out = new ArrayList<>();
    for (MetadataServer s : servers) {
      RaftServer raft;
      List<RaftGroupId> ids;
      try {
        raft = s.raftServer();
        ids = s.groupIds();
      } catch (IllegalStateException stopped) {
        continue;
      }
      for (RaftGroupId id : ids) {
        int n = MetaGroup.number(id, Math.max(s.config().groups(), 64));
        if (n < 0) {
          continue;
        }
        try {
          RaftServer.Division d = raft.getDivision(id);
          RaftLog log = d.getRaftLog();
          SnapshotInfo snap = d.getStateMachine().getLatestSnapshot();
          out.add(new GroupFigures(s.config().nodeId(), MetaGroup.name(n), d.getInfo().isLeader(),
              d.getInfo().getCurrentTerm(), log.getLastCommittedIndex(), d.getInfo().getLastAppliedIndex(),
              Math.max(0, log.getNextIndex() - log.getStartIndex()), snap == null ? -1 : snap.getIndex(),
              snapshotSeconds(snap)));
        } catch (IOException | RuntimeException e) {
          // A group being added or removed: left out of this scrape.
        }
      }
    }
    return out;
  }

  private static double snapshotSeconds(SnapshotInfo snap) {
    if (!(snap instanceof FileListSnapshotInfo files)) {
      return -1;
    }
    long newest = -1;
    for (FileInfo f : files.getFiles()) {
      try {
        newest = Math.max(newest, Files.getLastModifiedTime(f.getPath()).toMillis());
      } catch (IOException gone) {
        // Purged between listing and reading: the next scrape sees the next snapshot.
      }
    }
    return newest < 0 ? -1 : newest / 1000.0;
  }
}
