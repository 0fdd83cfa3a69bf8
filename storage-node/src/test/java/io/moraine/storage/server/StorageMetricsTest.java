package io.moraine.storage.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.moraine.storage.api.ShardId;
import io.moraine.storage.store.ShardStore;
import io.moraine.storage.store.ShardStoreConfig;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store's fsyncs are timed by the metrics' own ticker, not by a clock inside the store. */
class StorageMetricsTest {
  @TempDir Path dir;

  @Test
  void everyFsyncOfAPublishedShardIsTimedWithTheInjectedTicker() throws Exception {
    PrometheusRegistry registry = new PrometheusRegistry();
    AtomicLong nanos = new AtomicLong();
    // Each reading advances 3 ms, so every fsync lasts exactly 3 ms whatever the disk does.
    StorageMetrics metrics = new StorageMetrics(registry, () -> nanos.getAndAdd(3_000_000));
    byte[] data = new byte[10_000];
    CRC32C crc = new CRC32C();
    crc.update(data);
    try (ShardStore store = ShardStore.open(new ShardStoreConfig(List.of(dir.resolve("d1")), 0, 4096),
        metrics.observer("storage-az1-1"))) {
      ShardStore.PendingShard w = store.beginWrite(new ShardId("blob-1", 0), 7, data.length);
      w.write(data, 0, data.length);
      w.commit((int) crc.getValue());
    }
    HistogramSnapshot.HistogramDataPointSnapshot fsync = fsyncPoint(registry);
    // One fsync of the shard file, one of its directory after the atomic rename.
    assertThat(fsync.getCount()).isEqualTo(2);
    assertThat(fsync.getSum()).isEqualTo(0.006, org.assertj.core.data.Offset.offset(1e-9));
  }

  private static HistogramSnapshot.HistogramDataPointSnapshot fsyncPoint(PrometheusRegistry registry) {
    for (MetricSnapshot s : registry.scrape()) {
      if (s.getMetadata().getName().equals("moraine_storage_fsync_duration_seconds")) {
        return ((HistogramSnapshot) s).getDataPoints().get(0);
      }
    }
    throw new AssertionError("no fsync histogram in " + registry.scrape());
  }
}
