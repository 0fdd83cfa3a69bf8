package io.moraine.launcher.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.moraine.metadata.api.DataLayout;
import io.moraine.metadata.api.MultipartUpload;
import io.moraine.metadata.api.ObjectVersion;
import io.moraine.metadata.api.PartRecord;
import io.moraine.metadata.api.VersioningStatus;
import io.moraine.metadata.client.RaftMetadataClient;
import io.moraine.metadata.core.MetadataCore;
import io.moraine.metadata.store.MemoryStateStore;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * What `admin usage` and `bucket list|info` count, over a real (in-process) metadata core:
 * current objects by class, noncurrent versions and uploads only with --all, billable minimums.
 */
class InventoryTest {
  private final InstantSource clock = InstantSource.fixed(Instant.ofEpochSecond(1_000));
  private final RaftMetadataClient meta = RaftMetadataClient.inProcess(new MetadataCore(new MemoryStateStore()), clock, 100);

  private void put(String bucket, String key, int size, String storageClass) {
    meta.putObject(bucket, new ObjectVersion(key, "null", size, "e", 0, storageClass, new TreeMap<>(), 0,
        new DataLayout.Inline(new byte[size])));
  }

  private static DataLayout segments(String dataId, long size, String... nodes) {
    return new DataLayout.Segments(List.of(new io.moraine.metadata.api.Segment(dataId, size, 2, 1, 64, 0, 1, List.of(nodes),
        List.of(false, false, false))));
  }

  private static List<String> text(List<Line> lines) {
    return lines.stream().map(Line::text).toList();
  }

  @Test
  void usageCountsCurrentObjectsByClassAndAllVersionsAndUploadsWithAll() {
    String owner = meta.createAccount("shop", "", "AK1", "SK1").accountId();
    meta.createBucket(owner, "photos", "us-east-1");
    meta.createBucket(owner, "empty", "us-east-1");
    meta.setBucketVersioning("photos", VersioningStatus.ENABLED);
    put("photos", "a", 100, "STANDARD");
    put("photos", "a", 300, "STANDARD"); // a's 100-byte version becomes noncurrent
    put("photos", "ia", 10, "STANDARD_IA");
    put("photos", "cold", 1000, "GLACIER");
    put("photos", "gone", 7, "STANDARD");
    meta.deleteObject("photos", "gone"); // a delete marker on top: noncurrent 7 bytes
    meta.createMultipartUpload("photos", new MultipartUpload("big", "u1", 0, "ONEZONE_IA", new TreeMap<>(), owner));
    meta.putPart("photos", "big", "u1", new PartRecord(1, 50, "0123456789abcdef0123456789abcdef", 0, segments("d1", 50, "n1", "n2", "n3")));
    meta.putPart("photos", "big", "u1", new PartRecord(2, 20, "fedcba9876543210fedcba9876543210", 0, segments("d2", 20, "n2", "n3", "n4")));

    Inventory inventory = new Inventory(meta);
    Inventory.Tally tally = inventory.tally("photos");
    // The counters hold every stored version (noncurrent too), markers and parts apart.
    assertThat(text(InventoryCommands.usageLines(meta.usage("").getUsageList(), List.of("photos", "empty"))))
        .containsExactly(
            "bucket empty class STANDARD objects 0 bytes 0 billable 0 delete_markers 0 upload_parts 0 upload_bytes 0 "
                + "restored_copies 0 restored_bytes 0 early_delete_objects 0 early_delete_byte_days 0 retrieval_bytes 0",
            "bucket photos class GLACIER objects 1 bytes 1000 billable 41960 delete_markers 0 upload_parts 0 "
                + "upload_bytes 0 restored_copies 0 restored_bytes 0 early_delete_objects 0 early_delete_byte_days 0 "
                + "retrieval_bytes 0",
            "bucket photos class ONEZONE_IA objects 0 bytes 0 billable 70 delete_markers 0 upload_parts 2 upload_bytes 70 "
                + "restored_copies 0 restored_bytes 0 early_delete_objects 0 early_delete_byte_days 0 retrieval_bytes 0",
            "bucket photos class STANDARD objects 3 bytes 407 billable 407 delete_markers 1 upload_parts 0 upload_bytes 0 "
                + "restored_copies 0 restored_bytes 0 early_delete_objects 0 early_delete_byte_days 0 retrieval_bytes 0",
            "bucket photos class STANDARD_IA objects 1 bytes 10 billable 131072 delete_markers 0 upload_parts 0 "
                + "upload_bytes 0 restored_copies 0 restored_bytes 0 early_delete_objects 0 early_delete_byte_days 0 "
                + "retrieval_bytes 0");
    assertThat(meta.usage("photos").getUsageList()).hasSize(4);

    assertThat(tally.currentObjects()).isEqualTo(3);
    assertThat(tally.currentBytes()).isEqualTo(1310);
    assertThat(tally.noncurrentVersions()).isEqualTo(2);
    assertThat(tally.noncurrentBytes()).isEqualTo(107);
    assertThat(tally.uploadCount()).isEqualTo(1);
    // Inline objects hold no shards; the two parts of the upload in progress do.
    assertThat(inventory.shardsByNode()).containsExactly(java.util.Map.entry("n1", 1L), java.util.Map.entry("n2", 2L),
        java.util.Map.entry("n3", 2L), java.util.Map.entry("n4", 1L));

    meta.putBucketConfig("photos", "cors", new byte[] {1}, 0);
    meta.putBucketConfig("photos", "tagging", new byte[] {2}, 0);
    List<String> info = text(InventoryCommands.infoLines(meta.getBucketConfigs("photos"), "shop", tally));
    assertThat(info.get(0)).isEqualTo("bucket=photos owner=shop owner_id=" + owner + " created=1970-01-01T00:16:40Z"
        + " region=us-east-1 versioning=enabled mfa_delete=false objects=3 bytes=1310 noncurrent_versions=2"
        + " noncurrent_bytes=107 uploads=1");
    assertThat(info.subList(1, info.size())).containsExactly(
        "class=GLACIER objects=1 bytes=1000", "class=STANDARD objects=1 bytes=300", "class=STANDARD_IA objects=1 bytes=10",
        "subresource=cors", "subresource=tagging");
  }

  @Test
  void accountsAreFoundByNameAndIdAndBucketsFilteredByOwner() {
    String shop = meta.createAccount("shop", "", "AK1", "SK1").accountId();
    String other = meta.createAccount("other", "", "AK2", "SK2").accountId();
    meta.createBucket(shop, "s2", "us-east-1");
    meta.createBucket(other, "o1", "us-east-1");
    meta.createBucket(shop, "s1", "us-east-1");
    Inventory inventory = new Inventory(meta);
    assertThat(inventory.accountIdNamed("shop")).contains(shop);
    assertThat(inventory.accountIdNamed("nobody")).isEmpty();
    assertThat(inventory.accountName(other)).contains("other");
    assertThat(inventory.buckets(Optional.of(shop)).stream().map(b -> b.name())).containsExactly("s1", "s2");
    assertThat(inventory.buckets(Optional.empty()).stream().map(b -> b.name())).containsExactly("o1", "s1", "s2");
  }
}
