package io.moraine.repair;

import static org.assertj.core.api.Assertions.assertThat;

import io.moraine.metadata.api.DataLayout;
import io.moraine.metadata.api.ObjectVersion;
import io.moraine.metadata.client.RaftMetadataClient;
import io.moraine.metadata.core.MetadataCore;
import io.moraine.metadata.store.MemoryStateStore;
import java.time.Instant;
import java.time.InstantSource;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Per-bucket usage from the metadata tier's counters: by storage class, every stored version
 * counted, bounded to the buckets with the most bytes, leader only.
 */
class BucketUsageTest {
  private final InstantSource clock = InstantSource.fixed(Instant.ofEpochSecond(1_000));
  private final RaftMetadataClient meta = RaftMetadataClient.inProcess(new MetadataCore(new MemoryStateStore()), clock, 100);

  private void put(String bucket, String key, int size, String storageClass) {
    meta.putObject(bucket, new ObjectVersion(key, "null", size, "e", 0, storageClass, new TreeMap<>(), 0,
        new DataLayout.Inline(new byte[size])));
  }

  @Test
  void usageIsSummedPerBucketAndStorageClassOnTheActiveInstanceOnly() {
    String owner = meta.ensureRootAccount("AK", "SK").accountId();
    meta.createBucket(owner, "aaa", "us-east-1");
    meta.createBucket(owner, "bbb", "us-east-1");
    meta.createBucket(owner, "ccc", "us-east-1");
    meta.createBucket(owner, "ddd", "us-east-1");
    put("aaa", "k1", 10, "STANDARD");
    put("aaa", "k2", 20, "STANDARD");
    put("aaa", "k1", 5, "STANDARD"); // replaces k1 (unversioned)
    put("aaa", "cold", 7, "GLACIER");
    put("bbb", "x", 1, "STANDARD");
    put("ccc", "x", 1000, "STANDARD_IA");
    put("ddd", "x", 1, "STANDARD");
    AtomicBoolean leader = new AtomicBoolean(true);
    BucketUsage usage = new BucketUsage("meta-1", meta, leader::get, b -> !b.equals("bbb"), 2, clock);
    usage.refresh();
    assertThat(usage.usage()).containsExactly( // the two biggest admitted: ccc (1000 B), aaa (32 B); not ddd (1 B)
        new BucketUsage.Usage("aaa", "GLACIER", 7, 1, 7 + 40 * 1024, 0),
        new BucketUsage.Usage("aaa", "STANDARD", 25, 2, 25, 0),
        new BucketUsage.Usage("ccc", "STANDARD_IA", 1000, 1, 128 * 1024, 0));
    leader.set(false);
    usage.refresh();
    assertThat(usage.usage()).isEmpty();
  }
}
