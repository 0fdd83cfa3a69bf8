package io.moraine.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moraine.gateway.fakes.FixedPlacement;
import io.moraine.gateway.fakes.InMemoryMetadata;
import io.moraine.metadata.api.DataLayout;
import io.moraine.metadata.api.Segment;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Storage classes through the S3 API (issue 14, item 1) on the gateway's fixed 6-node placement
 * (2 nodes per AZ, the dev topology): every class is stored with its small-cluster profile of
 * DESIGN.md, ONEZONE_IA in one AZ; x-amz-storage-class on PUT, COPY (a new class re-encodes) and
 * CreateMultipartUpload; the class in HEAD/GET (absent for STANDARD), listings, ListParts and
 * ListMultipartUploads; InvalidStorageClass for anything else (S3 API reference, PutObject).
 */
class StorageClassSdkTest {
  static GatewayFixture fixture;
  static S3Client s3;
  static io.moraine.metadata.api.MetadataClient metadata;
  static FixedPlacement placement;

  /** class -> "k+m" on 2 nodes per AZ (DESIGN.md, Storage classes, small-cluster column). */
  static final Map<String, String> DEV_PROFILES = Map.of("STANDARD", "4+2", "REDUCED_REDUNDANCY", "2+1",
      "STANDARD_IA", "4+2", "ONEZONE_IA", "1+1", "INTELLIGENT_TIERING", "4+2", "GLACIER_IR", "4+2",
      "GLACIER", "4+2", "DEEP_ARCHIVE", "4+2");
  private static final java.util.Set<String> ARCHIVED = java.util.Set.of("GLACIER", "DEEP_ARCHIVE");

  @BeforeAll
  static void start() throws Exception {
    fixture = GatewayFixture.start(InMemoryMetadata.DEFAULT_MAX_BUCKETS, 14);
    metadata = fixture.metadata;
    placement = fixture.placement;
    s3 = fixture.client(GatewayFixture.AK, GatewayFixture.SK);
    s3.createBucket(b -> b.bucket("classes"));
  }

  @AfterAll
  static void stop() throws Exception {
    s3.close();
    fixture.close();
  }

  static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  static List<Segment> segments(String key) {
    return ((DataLayout.Segments) metadata.getObject("classes", key).orElseThrow().layout()).segments();
  }

  static String az(String node) {
    return node.substring(8, 11);
  }

  /** The segment's layout matches the class: its profile, and its rule (one AZ one per node, or ≤ m per AZ). */
  static void assertLayout(Segment s, String storageClass) {
    assertThat(s.dataShards() + "+" + s.parityShards()).as(storageClass).isEqualTo(DEV_PROFILES.get(storageClass));
    Map<String, Integer> perAz = new HashMap<>();
    s.shardNodes().forEach(n -> perAz.merge(az(n), 1, Integer::sum));
    if (storageClass.equals("ONEZONE_IA")) {
      assertThat(s.zone()).isNotEmpty();
      assertThat(perAz).containsOnlyKeys(s.zone());
      assertThat(new HashSet<>(s.shardNodes())).hasSize(s.shardNodes().size());
    } else {
      assertThat(s.zone()).isEmpty();
      assertThat(s.maxShardsPerAz()).isEqualTo(s.parityShards());
      assertThat(perAz.values()).allMatch(c -> c <= s.parityShards());
    }
  }

  @Test
  void everyClassIsStoredWithItsProfile_andReportedByHeadGetAndListings() {
    for (String c : DEV_PROFILES.keySet()) {
      byte[] body = random(100_000, c.hashCode());
      s3.putObject(b -> b.bucket("classes").key("each/" + c).storageClass(c), RequestBody.fromBytes(body));
      List<Segment> segs = segments("each/" + c);
      assertThat(segs).hasSize(1);
      assertLayout(segs.get(0), c);
      assertThat(metadata.getObject("classes", "each/" + c).orElseThrow().storageClass()).isEqualTo(c);
      String expectedHeader = c.equals("STANDARD") ? null : c;
      if (ARCHIVED.contains(c)) { // readable only through a restored copy (RestoreTest)
        assertThatThrownBy(() -> s3.getObjectAsBytes(b -> b.bucket("classes").key("each/" + c)))
            .isInstanceOf(software.amazon.awssdk.services.s3.model.InvalidObjectStateException.class);
      } else {
        var got = s3.getObjectAsBytes(b -> b.bucket("classes").key("each/" + c));
        assertThat(got.asByteArray()).isEqualTo(body);
        assertThat(got.response().storageClassAsString()).isEqualTo(expectedHeader);
      }
      assertThat(s3.headObject(b -> b.bucket("classes").key("each/" + c)).storageClassAsString()).isEqualTo(expectedHeader);
    }
    Map<String, String> v2 = new HashMap<>();
    s3.listObjectsV2(b -> b.bucket("classes").prefix("each/")).contents()
        .forEach(o -> v2.put(o.key().substring(5), o.storageClassAsString()));
    Map<String, String> v1 = new HashMap<>();
    s3.listObjects(b -> b.bucket("classes").prefix("each/")).contents()
        .forEach(o -> v1.put(o.key().substring(5), o.storageClassAsString()));
    Map<String, String> versions = new HashMap<>();
    s3.listObjectVersions(b -> b.bucket("classes").prefix("each/")).versions()
        .forEach(o -> versions.put(o.key().substring(5), o.storageClassAsString()));
    Map<String, String> expected = new HashMap<>();
    DEV_PROFILES.keySet().forEach(c -> expected.put(c, c));
    assertThat(v2).isEqualTo(expected);
    assertThat(v1).isEqualTo(expected);
    assertThat(versions).isEqualTo(expected);
  }

  @Test
  void oneZoneObjectsAreSpreadOverTheAzs_andAvoidAnAzWithoutTwoLiveNodes() {
    Map<String, Integer> zones = new HashMap<>();
    for (int i = 0; i < 30; i++) {
      int n = i;
      s3.putObject(b -> b.bucket("classes").key("oz/" + n).storageClass("ONEZONE_IA"),
          RequestBody.fromBytes(random(10_000, n)));
      zones.merge(segments("oz/" + n).get(0).zone(), 1, Integer::sum);
    }
    assertThat(zones).containsOnlyKeys("az1", "az2", "az3");
    // Node loss, not AZ loss: either copy of RS 1+1 serves the object.
    for (int i = 0; i < 6; i++) {
      int n = i;
      Segment s = segments("oz/" + n).get(0);
      for (String node : s.shardNodes()) {
        fixture.shards.failingReads.add(node);
        try {
          assertThat(s3.getObjectAsBytes(b -> b.bucket("classes").key("oz/" + n)).asByteArray())
              .isEqualTo(random(10_000, n));
        } finally {
          fixture.shards.failingReads.remove(node);
        }
      }
    }
    placement.down.add("storage-az2-1");
    try {
      // An object whose two copies are both on down nodes answers 503 before any body.
      String lost = null;
      for (int i = 0; i < 30 && lost == null; i++) {
        if (segments("oz/" + i).get(0).zone().equals("az2")) {
          lost = "oz/" + i;
        }
      }
      String lostKey = lost;
      placement.down.add("storage-az2-2");
      try {
        assertThatThrownBy(() -> s3.getObjectAsBytes(b -> b.bucket("classes").key(lostKey)))
            .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(503));
        assertThat(s3.headObject(b -> b.bucket("classes").key(lostKey)).contentLength()).isEqualTo(10_000);
      } finally {
        placement.down.remove("storage-az2-2");
      }
      for (int i = 0; i < 20; i++) {
        int n = i;
        byte[] body = random(10_000, 100 + n);
        s3.putObject(b -> b.bucket("classes").key("oz-down/" + n).storageClass("ONEZONE_IA"), RequestBody.fromBytes(body));
        Segment s = segments("oz-down/" + n).get(0);
        assertThat(s.zone()).as("az2 has one live node: RS 1+1 cannot be one per node there").isNotEqualTo("az2");
        assertLayout(s, "ONEZONE_IA");
        assertThat(s3.getObjectAsBytes(b -> b.bucket("classes").key("oz-down/" + n)).asByteArray()).isEqualTo(body);
      }
    } finally {
      placement.down.remove("storage-az2-1");
    }
  }

  @Test
  void copyWithANewClassReEncodesIntoTheNewLayout_copyWithoutOneIsStandard() {
    byte[] body = random(200_000, 3);
    s3.putObject(b -> b.bucket("classes").key("copy/src"), RequestBody.fromBytes(body));
    Segment before = segments("copy/src").get(0);
    assertLayout(before, "STANDARD");
    for (String c : List.of("REDUCED_REDUNDANCY", "ONEZONE_IA", "GLACIER")) {
      s3.copyObject(b -> b.sourceBucket("classes").sourceKey("copy/src").destinationBucket("classes")
          .destinationKey("copy/" + c).storageClass(c));
      Segment s = segments("copy/" + c).get(0);
      assertLayout(s, c);
      assertThat(s.dataId()).isNotEqualTo(before.dataId());
      assertThat(s3.headObject(b -> b.bucket("classes").key("copy/" + c)).storageClassAsString()).isEqualTo(c);
      if (!ARCHIVED.contains(c)) {
        assertThat(s3.getObjectAsBytes(b -> b.bucket("classes").key("copy/" + c)).asByteArray()).isEqualTo(body);
      }
    }
    // In place: changing only the class is a legal self-copy (S3 CopyObject), and re-encodes.
    s3.copyObject(b -> b.sourceBucket("classes").sourceKey("copy/src").destinationBucket("classes")
        .destinationKey("copy/src").storageClass("ONEZONE_IA"));
    assertLayout(segments("copy/src").get(0), "ONEZONE_IA");
    // S3 CopyObject: without x-amz-storage-class the copy is STANDARD, whatever the source's class.
    s3.copyObject(b -> b.sourceBucket("classes").sourceKey("copy/REDUCED_REDUNDANCY").destinationBucket("classes")
        .destinationKey("copy/default"));
    assertLayout(segments("copy/default").get(0), "STANDARD");
    assertThat(s3.headObject(b -> b.bucket("classes").key("copy/default")).storageClassAsString()).isNull();
  }

  @Test
  void multipartPartsAreStoredWithTheUploadsClass_inOneAzForOneZone() {
    byte[] p1 = random(5 * 1024 * 1024, 21);
    byte[] p2 = random(300_000, 22);
    String id = s3.createMultipartUpload(b -> b.bucket("classes").key("mp/oz").storageClass("ONEZONE_IA")).uploadId();
    String e1 = s3.uploadPart(b -> b.bucket("classes").key("mp/oz").uploadId(id).partNumber(1), RequestBody.fromBytes(p1)).eTag();
    String e2 = s3.uploadPart(b -> b.bucket("classes").key("mp/oz").uploadId(id).partNumber(2), RequestBody.fromBytes(p2)).eTag();
    assertThat(s3.listParts(b -> b.bucket("classes").key("mp/oz").uploadId(id)).storageClassAsString()).isEqualTo("ONEZONE_IA");
    assertThat(s3.listMultipartUploads(b -> b.bucket("classes").prefix("mp/")).uploads())
        .anySatisfy(u -> {
          assertThat(u.uploadId()).isEqualTo(id);
          assertThat(u.storageClassAsString()).isEqualTo("ONEZONE_IA");
        });
    s3.completeMultipartUpload(b -> b.bucket("classes").key("mp/oz").uploadId(id).multipartUpload(m -> m.parts(
        CompletedPart.builder().partNumber(1).eTag(e1).build(), CompletedPart.builder().partNumber(2).eTag(e2).build())));
    List<Segment> segs = segments("mp/oz");
    assertThat(segs).hasSize(2);
    segs.forEach(s -> assertLayout(s, "ONEZONE_IA"));
    assertThat(segs.get(0).zone()).as("the parts of one object share its AZ").isEqualTo(segs.get(1).zone());
    assertThat(s3.headObject(b -> b.bucket("classes").key("mp/oz")).storageClassAsString()).isEqualTo("ONEZONE_IA");

    String id2 = s3.createMultipartUpload(b -> b.bucket("classes").key("mp/rr").storageClass("REDUCED_REDUNDANCY")).uploadId();
    s3.uploadPart(b -> b.bucket("classes").key("mp/rr").uploadId(id2).partNumber(1), RequestBody.fromBytes(p2));
    s3.abortMultipartUpload(b -> b.bucket("classes").key("mp/rr").uploadId(id2));
  }

  @Test
  void unknownAndNonGeneralPurposeClassesAreInvalidStorageClass() {
    s3.putObject(b -> b.bucket("classes").key("invalid/src"), RequestBody.fromBytes(random(10, 1)));
    for (String c : List.of("EXPRESS_ONEZONE", "OUTPOSTS", "SNOW", "FOO")) {
      List<Runnable> calls = List.of(
          () -> s3.putObject(b -> b.bucket("classes").key("invalid/x").storageClass(c), RequestBody.fromBytes(random(10, 2))),
          () -> s3.copyObject(b -> b.sourceBucket("classes").sourceKey("invalid/src").destinationBucket("classes")
              .destinationKey("invalid/y").storageClass(c)),
          () -> s3.createMultipartUpload(b -> b.bucket("classes").key("invalid/z").storageClass(c)));
      for (Runnable call : calls) {
        assertThatThrownBy(call::run).as(c).isInstanceOfSatisfying(S3Exception.class, e -> {
          assertThat(e.statusCode()).isEqualTo(400);
          assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidStorageClass");
        });
      }
    }
    assertThat(metadata.getObject("classes", "invalid/x")).isEmpty();
    assertThat(metadata.getObject("classes", "invalid/y")).isEmpty();
  }
}
