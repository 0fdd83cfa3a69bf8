package io.moraine.gateway.usage;

import static org.assertj.core.api.Assertions.assertThat;

import io.moraine.proto.meta.v1.RetrievalCount;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** GET retrieval bytes summed per bucket and class, charged classes only, each byte drained once. */
class RetrievalTallyTest {
  static RetrievalCount count(String bucket, String storageClass, long bytes) {
    return RetrievalCount.newBuilder().setBucket(bucket).setStorageClass(storageClass).setBytes(bytes).build();
  }

  @Test
  void sumsChargedClassesPerBucketAndIgnoresFreeOnes() {
    RetrievalTally t = new RetrievalTally();
    t.read("b", "STANDARD_IA", 10);
    t.read("b", "STANDARD_IA", 5);
    t.read("a", "GLACIER_IR", 7);
    t.read("a", "ONEZONE_IA", 1);
    t.read("a", "STANDARD", 100);
    t.read("a", "GLACIER", 100); // restores are counted by the metadata tier, not per GET
    t.read("a", "INTELLIGENT_TIERING", 100);
    assertThat(t.drain()).containsExactly(count("a", "GLACIER_IR", 7), count("a", "ONEZONE_IA", 1),
        count("b", "STANDARD_IA", 15));
    assertThat(t.drain()).isEmpty();
  }

  @Test
  void concurrentReadsAreDrainedExactlyOnce() throws Exception {
    RetrievalTally t = new RetrievalTally();
    var pool = Executors.newFixedThreadPool(4);
    long[] drained = new long[1];
    for (int i = 0; i < 4; i++) {
      pool.submit(() -> {
        for (int j = 0; j < 10_000; j++) {
          t.read("b" + (j % 3), "STANDARD_IA", 1);
        }
      });
    }
    for (int i = 0; i < 50; i++) {
      drained[0] += t.drain().stream().mapToLong(RetrievalCount::getBytes).sum();
    }
    pool.shutdown();
    assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    drained[0] += t.drain().stream().mapToLong(RetrievalCount::getBytes).sum();
    assertThat(drained[0]).isEqualTo(40_000);
  }
}
