package io.moraine.chaos;

import java.util.List;

/**
 * Deliberately broken behaviours of the product that a run can switch on to prove the checkers
 * catch them. The harness passes {@code --unsafe NAME} to every node process as a config
 * override; the roles implement the behaviour (see docs/chaos.md for what each must do).
 */
public enum UnsafeMode {
  ACK_BEFORE_COMMIT("ack-before-commit",
      "gateway answers 200 to a PUT once its shards are durable, then commits the metadata in the background"
          + " (after a short delay, never retried): acknowledged writes can be invisible or lost"),
  FOLLOWER_READ("follower-read",
      "(not built yet: the nodes refuse it) metadata reads served by any peer without ReadIndex or lease: stale reads"),
  SKIP_FSYNC("skip-fsync",
      "(not built yet: the nodes refuse it) storage nodes acknowledge shards without fsync"),
  /**
   * Harness-side, needs nothing from the product: the clients record a PUT as acknowledged the
   * moment they send it, which is what a gateway acknowledging before its commit looks like from
   * outside. A self-test that the checkers catch early acknowledgements in real cluster histories.
   */
  CLIENT_EARLY_ACK("client-early-ack",
      "harness only: clients record each PUT as acknowledged when they send it (emulates ack-before-commit"
          + " without the product switch; nothing is passed to the nodes)");

  private final String flag;
  private final String behaviour;

  UnsafeMode(String flag, String behaviour) {
    this.flag = flag;
    this.behaviour = behaviour;
  }

  public String flag() {
    return flag;
  }

  /** Whether the nodes must be told (as {@code --unsafe NAME}); harness-side modes stay in the harness. */
  public boolean productSide() {
    return this != CLIENT_EARLY_ACK;
  }

  public String behaviour() {
    return behaviour;
  }

  public static UnsafeMode parse(String flag) {
    for (UnsafeMode m : values()) {
      if (m.flag.equals(flag)) {
        return m;
      }
    }
    throw new IllegalArgumentException("unknown unsafe mode '" + flag + "'; known: " + names());
  }

  public static List<String> names() {
    return java.util.Arrays.stream(values()).map(UnsafeMode::flag).toList();
  }
}
