package io.moraine.placement.zk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.moraine.placement.NodeInfo;
import io.moraine.placement.NodeInfo.NodeState;
import io.moraine.placement.PlacementConfig;
import io.moraine.placement.PlacementMap;
import io.moraine.placement.PlacementView.ShardTarget;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryNTimes;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Membership, coordinator and view against a real (in-process) ZooKeeper server. */
class ZkPlacementTest {

  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final PlacementConfig CONFIG = PlacementConfig.defaults();

  private TestingServer server;
  /** Closed in reverse order of creation: recipes before their clients. */
  private final List<AutoCloseable> resources = new ArrayList<>();
  /** One client and membership per storage node, as in a real cluster. */
  private final Map<String, CuratorFramework> nodeClients = new LinkedHashMap<>();
  private final Map<String, StorageMembership> memberships = new LinkedHashMap<>();

  @BeforeEach
  void startServer() throws Exception {
    server = new TestingServer(true);
  }

  @AfterEach
  void stopAll() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
    server.close();
  }

  private CuratorFramework client() {
    CuratorFramework c = CuratorFrameworkFactory.newClient(server.getConnectString(), 4000, 2000, new RetryNTimes(20, 200));
    c.start();
    resources.add(c);
    return c;
  }

  private static NodeInfo node(int az, int n) {
    return new NodeInfo("storage-az" + az + "-" + n, "az" + az, "127.0.0.1", 7000 + 10 * az + n, 100L << 30, NodeState.UP);
  }

  private StorageMembership register(NodeInfo node) throws IOException {
    CuratorFramework c = client();
    StorageMembership m = new StorageMembership(c);
    resources.add(m);
    m.register(node);
    nodeClients.put(node.nodeId(), c);
    memberships.put(node.nodeId(), m);
    return m;
  }

  private PlacementCoordinator coordinator(String id) throws IOException {
    PlacementCoordinator pc = new PlacementCoordinator(client(), id, CONFIG, Duration.ofMillis(50));
    resources.add(pc);
    pc.start();
    return pc;
  }

  private ZkPlacementView view() {
    ZkPlacementView v = new ZkPlacementView(client());
    resources.add(v);
    v.start();
    return v;
  }

  private void registerSix() throws IOException {
    for (int az = 1; az <= 3; az++) {
      for (int n = 1; n <= 2; n++) {
        register(node(az, n));
      }
    }
  }

  private static PlacementMap awaitNodes(ZkPlacementView v, int count) {
    await().atMost(WAIT).until(() -> v.current().map(m -> m.nodes().size() == count).orElse(false));
    return v.current().orElseThrow();
  }

  @Test
  void registeredNodesAreMappedAndLive_deadNodesGoDownWithoutANewEpoch() throws Exception {
    coordinator("gateway-1");
    ZkPlacementView view = view();
    registerSix();
    view.awaitMap(WAIT);
    PlacementMap map = awaitNodes(view, 6);
    await().atMost(WAIT).until(() -> view.nodes().stream().allMatch(n -> n.state() == NodeState.UP));
    assertThat(view.nodes()).extracting(NodeInfo::nodeId)
        .containsExactly("storage-az1-1", "storage-az1-2", "storage-az2-1", "storage-az2-2", "storage-az3-1", "storage-az3-2");
    assertThat(view.node("storage-az2-1")).get().extracting(NodeInfo::grpcPort).isEqualTo(7021);
    assertThat(view.targets(map.placementGroupOf("some-data-id"), 6, 2, 2)).get()
        .satisfies(t -> assertThat(t).noneMatch(ShardTarget::misplaced));

    // Both az1 processes die: their sessions end, liveness disappears, the map stays.
    nodeClients.get("storage-az1-1").close();
    memberships.get("storage-az1-2").close();
    await().atMost(Duration.ofSeconds(10)).until(() -> !view.isLive("storage-az1-1") && !view.isLive("storage-az1-2"));
    assertThat(view.node("storage-az1-1")).get().extracting(NodeInfo::state).isEqualTo(NodeState.DOWN);
    List<ShardTarget> targets = view.targets(7, 6, 2, 2).orElseThrow();
    assertThat(targets).filteredOn(ShardTarget::misplaced).hasSize(2);
    assertThat(targets).extracting(ShardTarget::nodeId).noneMatch(id -> id.startsWith("storage-az1-"));
    Thread.sleep(300); // past the coordinator's settle delay: a liveness change must not publish
    assertThat(view.current().orElseThrow().epoch()).isEqualTo(map.epoch());
  }

  @Test
  void joinDrainAndLeave_publishNewEpochs_oldEpochsStayReadable() throws Exception {
    coordinator("gateway-1");
    ZkPlacementView view = view();
    registerSix();
    PlacementMap six = awaitNodes(view, 6);

    StorageMembership seventh = register(node(1, 3));
    PlacementMap seven = awaitNodes(view, 7);
    assertThat(seven.epoch()).isGreaterThan(six.epoch());
    assertThat(view.map(six.epoch())).contains(six);
    assertThat(view.map(seven.epoch() + 100)).isEmpty();

    seventh.setDraining("storage-az1-3", true);
    PlacementMap drained = view.awaitEpoch(seven.epoch() + 1, WAIT);
    assertThat(drained.groups()).allSatisfy(g -> assertThat(g).endsWith("storage-az1-3"));
    await().atMost(WAIT).until(() -> view.node("storage-az1-3").orElseThrow().state() == NodeState.DRAINING);

    // A restart re-registers as UP (say on a new port): the operator's drain survives.
    NodeInfo moved = new NodeInfo("storage-az1-3", "az1", "127.0.0.1", 9999, 100L << 30, NodeState.UP);
    seventh.register(moved);
    await().atMost(WAIT).until(() -> view.node("storage-az1-3").orElseThrow().grpcPort() == 9999);
    assertThat(view.node("storage-az1-3").orElseThrow().state()).isEqualTo(NodeState.DRAINING);

    seventh.close();
    seventh.removeMember("storage-az1-3");
    PlacementMap back = awaitNodes(view, 6);
    assertThat(back.epoch()).isGreaterThan(drained.epoch());
    assertThat(back.groups()).isEqualTo(six.groups());
  }

  @Test
  void oneLeaderPublishes_andAnotherTakesOverWhenItCloses() throws Exception {
    PlacementCoordinator a = coordinator("gateway-1");
    PlacementCoordinator b = coordinator("gateway-2");
    ZkPlacementView view = view();
    registerSix();
    PlacementMap six = awaitNodes(view, 6);
    await().atMost(WAIT).until(() -> a.isLeader() || b.isLeader());
    assertThat(a.isLeader() && b.isLeader()).isFalse();
    PlacementCoordinator leader = a.isLeader() ? a : b;
    PlacementCoordinator other = leader == a ? b : a;
    leader.close();
    await().atMost(WAIT).until(other::isLeader);
    register(node(2, 3));
    PlacementMap seven = awaitNodes(view, 7);
    assertThat(seven.epoch()).isEqualTo(six.epoch() + 1);
    assertThat(other.publishedEpoch()).isEqualTo(seven.epoch());
  }

  @Test
  void livenessIsRecreatedAfterSessionExpiry() throws Exception {
    ZkPlacementView view = view();
    register(node(1, 1));
    await().atMost(WAIT).until(() -> view.isLive("storage-az1-1"));
    List<Boolean> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    view.addListener(() -> seen.add(view.isLive("storage-az1-1")));
    nodeClients.get("storage-az1-1").getZookeeperClient().getZooKeeper().getTestable().injectSessionExpiration();
    await().atMost(WAIT).until(() -> seen.contains(false) && view.isLive("storage-az1-1"));
  }

  @Test
  void viewStartedBeforeAnythingExists_timesOutCleanly() {
    ZkPlacementView view = view();
    long t0 = System.nanoTime();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> view.awaitMap(Duration.ofMillis(300)))
        .isInstanceOf(java.util.concurrent.TimeoutException.class);
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
    assertThat(view.current()).isEmpty();
    assertThat(view.targets(0, 6, 2, 2)).isEmpty();
  }
}
