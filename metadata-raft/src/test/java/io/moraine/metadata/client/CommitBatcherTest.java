package io.moraine.metadata.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moraine.proto.meta.v1.BatchReply;
import io.moraine.proto.meta.v1.Error;
import io.moraine.proto.meta.v1.GetBucket;
import io.moraine.proto.meta.v1.MetaReply;
import io.moraine.proto.meta.v1.MetaRequest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Group commit without Raft: a fake sender that echoes each command's name after a short "round trip". */
class CommitBatcherTest {

  private final ConcurrentLinkedQueue<Integer> batchSizes = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean failNext = new AtomicBoolean();

  private MetaReply send(MetaRequest r) throws Exception {
    Thread.sleep(2); // a round trip, so callers pile up behind a batch in flight
    if (failNext.getAndSet(false)) {
      throw new IOException("no majority");
    }
    if (!r.hasBatch()) {
      batchSizes.add(1);
      return echo(r);
    }
    batchSizes.add(r.getBatch().getRequestsCount());
    BatchReply.Builder b = BatchReply.newBuilder();
    for (MetaRequest q : r.getBatch().getRequestsList()) {
      b.addReplies(echo(q));
    }
    return MetaReply.newBuilder().setFormatVersion(1).setBatch(b).build();
  }

  private static MetaReply echo(MetaRequest q) {
    return MetaReply.newBuilder().setFormatVersion(1)
        .setError(Error.newBuilder().setCode("ECHO").setMessage(q.getGetBucket().getBucket())).build();
  }

  private static MetaRequest request(String name) {
    return MetaRequest.newBuilder().setFormatVersion(1).setGetBucket(GetBucket.newBuilder().setBucket(name)).build();
  }

  @Test
  void aLoneCallerIsSentAloneEachTime() throws Exception {
    try (CommitBatcher b = new CommitBatcher(this::send, 2, 256, 1 << 20, "t")) {
      for (int i = 0; i < 20; i++) {
        assertThat(b.commit(request("k" + i)).getError().getMessage()).isEqualTo("k" + i);
      }
      assertThat(batchSizes).hasSize(20).containsOnly(1);
      assertThat(b.stats()).containsExactly(20, 20);
    }
  }

  @Test
  void concurrentCallersShareEntriesWithinTheBoundsAndEachGetsItsOwnReply() throws Exception {
    int callers = 64;
    int each = 30;
    try (CommitBatcher b = new CommitBatcher(this::send, 2, 16, 1 << 20, "t")) {
      ExecutorService pool = Executors.newFixedThreadPool(callers);
      List<Future<?>> fs = new ArrayList<>();
      for (int c = 0; c < callers; c++) {
        int id = c;
        fs.add(pool.submit(() -> {
          for (int n = 0; n < each; n++) {
            String name = "c" + id + "-" + n;
            assertThat(b.commit(request(name)).getError().getMessage()).isEqualTo(name);
          }
          return null;
        }));
      }
      for (Future<?> f : fs) {
        f.get();
      }
      pool.shutdown();
      assertThat(batchSizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(callers * each);
      assertThat(batchSizes).allSatisfy(n -> assertThat(n).isBetween(1, 16));
      long[] stats = b.stats();
      assertThat(stats[1]).isEqualTo(callers * each);
      assertThat(stats[0]).as("entries: batching happened").isLessThan(callers * each / 2);
    }
  }

  @Test
  void aFailedBatchFailsEveryCallerInIt() throws Exception {
    try (CommitBatcher b = new CommitBatcher(this::send, 1, 256, 1 << 20, "t")) {
      failNext.set(true);
      assertThatThrownBy(() -> b.commit(request("x"))).isInstanceOf(IOException.class).hasMessage("no majority");
      assertThat(b.commit(request("y")).getError().getMessage()).isEqualTo("y");
    }
  }

  @Test
  void closedRefusesNewCommands() {
    CommitBatcher b = new CommitBatcher(this::send, 1, 256, 1 << 20, "t");
    b.close();
    assertThatThrownBy(() -> b.commit(request("z"))).isInstanceOf(IllegalStateException.class);
  }
}
