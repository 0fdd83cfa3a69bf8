package io.moraine.metadata.server;

import static io.moraine.metadata.server.MetadataClusterTest.inline;

import io.moraine.metadata.client.RaftMetadataClient;
import io.moraine.metadata.client.RaftMetadataClientConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Object-commit throughput of a 3-peer group (a benchmark, not a timed test):
 * {@code mvn -o test -pl metadata-raft -Dmoraine.long=true -Dtest=MetadataCommitBench}.
 * Prints one line per client count; threads share one RaftMetadataClient, as gateways do.
 */
@Tag("long")
class MetadataCommitBench {
  @TempDir Path dir;

  @Test
  void commitThroughput() throws Exception {
    try (MetaCluster c = new MetaCluster(dir, 3).startAll()) {
      RaftMetadataClient client = c.client(new RaftMetadataClientConfig(c.groups, 3_000, 100, 30_000,
          Integer.getInteger("bench.senders", RaftMetadataClientConfig.DEFAULT_COMMIT_SENDERS), 256, 1 << 20));
      client.createBucket("o", "b", "us-east-1");
      for (int threads : new int[] {1, 64}) {
        run(client, threads, 2_000, false); // warm-up
        double perSecond = run(client, threads, Long.getLong("bench.millis", 8_000), false);
        System.out.printf("BENCH commits threads=%d senders=%d %.0f/s%n", threads,
            Integer.getInteger("bench.senders", RaftMetadataClientConfig.DEFAULT_COMMIT_SENDERS), perSecond);
      }
      client.putObject("b", inline("hot", "v"));
      for (int threads : new int[] {1, 64}) {
        double perSecond = run(client, threads, Long.getLong("bench.millis", 8_000), true);
        System.out.printf("BENCH linearizable reads threads=%d %.0f/s%n", threads, perSecond);
      }
    }
  }

  static double run(RaftMetadataClient client, int threads, long millis, boolean reads) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    AtomicLong done = new AtomicLong();
    long deadline = System.nanoTime() + millis * 1_000_000;
    long start = System.nanoTime();
    List<Future<?>> fs = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int id = t;
      fs.add(pool.submit(() -> {
        for (int n = 0; System.nanoTime() < deadline; n++) {
          if (reads) {
            client.getObject("b", "hot");
          } else {
            client.putObject("b", inline("t" + id + "/" + n + "-" + start, "v"));
          }
          done.incrementAndGet();
        }
      }));
    }
    for (Future<?> f : fs) {
      f.get();
    }
    pool.shutdown();
    return done.get() * 1e9 / (System.nanoTime() - start);
  }
}
