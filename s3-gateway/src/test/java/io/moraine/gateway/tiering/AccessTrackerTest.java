package io.moraine.gateway.tiering;

import static org.assertj.core.api.Assertions.assertThat;

import io.moraine.gateway.fakes.InMemoryMetadata;
import io.moraine.metadata.api.MetadataClient;
import io.moraine.proto.meta.v1.RecordAccess;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The gateway's access table: one entry per version however often it is read, bounded with
 * drop-oldest and a counter, flushed as batched commands (never one per read), kept when a flush
 * fails. The metadata tier is the real core in memory, wrapped to count what reaches it.
 */
class AccessTrackerTest {
  final AtomicLong now = new AtomicLong(1_000_000);
  final InstantSource clock = () -> Instant.ofEpochMilli(now.get());
  final MetadataClient real = InMemoryMetadata.create(clock);
  final List<RecordAccess> sent = new ArrayList<>();
  boolean failing;

  /** The real client, with recordAccess counted (and failing on demand). */
  final MetadataClient counted = (MetadataClient) java.lang.reflect.Proxy.newProxyInstance(
      MetadataClient.class.getClassLoader(), new Class<?>[] {MetadataClient.class}, (proxy, m, args) -> {
        if (m.getName().equals("recordAccess")) {
          if (failing) {
            throw new IllegalStateException("metadata unavailable");
          }
          sent.add((RecordAccess) args[0]);
        }
        try {
          return m.invoke(real, args);
        } catch (java.lang.reflect.InvocationTargetException e) {
          throw e.getCause();
        }
      });

  @Test
  void repeatedReadsOfOneVersionAreOneEntryWithTheLatestTime() {
    AccessTracker t = new AccessTracker(counted, clock, 10);
    for (int i = 0; i < 1000; i++) {
      now.incrementAndGet();
      t.record("b", "k", "null");
    }
    t.record("b", "other", "null");
    assertThat(t.pendingCount()).isEqualTo(2);
    assertThat(t.recorded()).isEqualTo(1001);
    assertThat(t.flush()).isEqualTo(2);
    assertThat(sent).as("1,001 reads, one command").hasSize(1);
    assertThat(sent.get(0).getEntriesList()).extracting(e -> e.getKey() + "@" + e.getAccessMillis())
        .containsExactly("k@1001000", "other@1001000");
    assertThat(t.flush()).as("nothing pending, nothing sent").isZero();
    assertThat(sent).hasSize(1);
  }

  @Test
  void aFullTableDropsTheOldestAndCountsIt() {
    AccessTracker t = new AccessTracker(counted, clock, 3);
    for (int i = 0; i < 5; i++) {
      t.record("b", "k" + i, "null");
    }
    assertThat(t.pendingCount()).isEqualTo(3);
    assertThat(t.dropped()).isEqualTo(2);
    t.flush();
    assertThat(sent.get(0).getEntriesList()).extracting(e -> e.getKey()).containsExactly("k2", "k3", "k4");
  }

  @Test
  void bigBatchesAreSplitUnderTheCommandLimit() {
    AccessTracker t = new AccessTracker(counted, clock, 25_000);
    for (int i = 0; i < 25_000; i++) {
      t.record("b", "k" + i, "null");
    }
    assertThat(t.flush()).isEqualTo(25_000);
    assertThat(sent).extracting(RecordAccess::getEntriesCount).containsExactly(10_000, 10_000, 5_000);
  }

  @Test
  void aFailedFlushKeepsItsEntriesForTheNextOne() {
    AccessTracker t = new AccessTracker(counted, clock, 10);
    t.record("b", "k", "null");
    failing = true;
    assertThat(t.flush()).isZero();
    assertThat(t.failedFlushes()).isEqualTo(1);
    assertThat(t.pendingCount()).isEqualTo(1);
    now.addAndGet(5);
    t.record("b", "k", "null");
    failing = false;
    assertThat(t.flush()).isEqualTo(1);
    assertThat(sent.get(0).getEntries(0).getAccessMillis()).isEqualTo(1_000_005);
  }

  @Test
  void entriesNamingNothingAreSkippedWithoutError() {
    real.createBucket(real.ensureRootAccount("ak", "sk").accountId(), "b", "us-east-1");
    // (the object-level effect is covered by TieringGatewayTest and core TieringCoreTest; here: entries
    // naming no object or no bucket are skipped by the metadata tier, not an error)
    AccessTracker t = new AccessTracker(counted, clock, 10);
    t.record("b", "nokey", "null");
    t.record("no-such-bucket", "k", "null");
    assertThat(t.flush()).isEqualTo(2);
    assertThat(sent).hasSize(1);
  }
}
