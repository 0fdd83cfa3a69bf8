package io.moraine.chaos.cluster;

import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** Network faults between nodes. Every method is undone by the matching heal. */
public interface NetworkFaults {

  /** For each entry, the node drops all traffic to and from the listed peers. */
  void block(Map<String, ? extends Collection<String>> blockedPeersByNode) throws IOException;

  void healPartitions() throws IOException;

  /** The nodes drop {@code percent}% of their incoming packets. */
  void loss(Collection<String> nodes, int percent) throws IOException;

  void healLoss() throws IOException;

  /** Every other node's connections to the {@code targets}' service ports get {@code delayMillis} each way. */
  void delay(List<NodeSpec> targets, Collection<String> allNodes, long delayMillis) throws IOException;

  void healDelay() throws IOException;
}
