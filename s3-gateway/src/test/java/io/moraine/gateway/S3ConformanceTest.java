package io.moraine.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moraine.gateway.fakes.InMemoryMetadata;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.DeleteMarkerEntry;
import software.amazon.awssdk.services.s3.model.DeleteObjectResponse;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsResponse;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.ObjectVersion;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Conformance cases written from the S3 API reference (botocore's service-2.json documentation
 * and the current S3 user guide), driven by the AWS SDK for Java v2 against the gateway over the
 * real metadata core in process: versioning, bucket rules, conditional requests, ranges, listing
 * edge cases and exact error codes.
 */
class S3ConformanceTest {
  static final String AK = GatewayFixture.AK;
  static final String SK = GatewayFixture.SK;

  static GatewayFixture fixture;
  static io.moraine.metadata.api.MetadataClient metadata;
  static S3Gateway gateway;
  static S3Client s3;
  static URI endpoint;

  @BeforeAll
  static void start() throws Exception {
    fixture = GatewayFixture.start(20, 11);
    metadata = fixture.metadata;
    gateway = fixture.gateway;
    endpoint = fixture.endpoint;
    s3 = client(AK, SK);
  }

  static S3Client client(String ak, String sk) {
    return fixture.client(ak, sk);
  }

  @AfterAll
  static void stop() throws Exception {
    s3.close();
    fixture.close();
  }

  static void s3Error(ThrowingCallable call, int status, String code) {
    assertThatThrownBy(call).isInstanceOfSatisfying(S3Exception.class, e -> {
      assertThat(e.statusCode()).as("status").isEqualTo(status);
      if (code != null) {
        assertThat(e.awsErrorDetails().errorCode()).as("code").isEqualTo(code);
      }
    });
  }

  static void versioning(String bucket, BucketVersioningStatus status) {
    s3.putBucketVersioning(b -> b.bucket(bucket).versioningConfiguration(c -> c.status(status)));
  }

  static String body(String bucket, String key, String versionId) {
    return s3.getObjectAsBytes(b -> b.bucket(bucket).key(key).versionId(versionId)).asUtf8String();
  }

  // ---- versioning ---------------------------------------------------------------------------

  @Test
  void versioningConfiguration() {
    s3.createBucket(b -> b.bucket("ver-config"));
    assertThat(s3.getBucketVersioning(b -> b.bucket("ver-config")).status()).isNull();
    versioning("ver-config", BucketVersioningStatus.ENABLED);
    assertThat(s3.getBucketVersioning(b -> b.bucket("ver-config")).status()).isEqualTo(BucketVersioningStatus.ENABLED);
    versioning("ver-config", BucketVersioningStatus.SUSPENDED);
    assertThat(s3.getBucketVersioning(b -> b.bucket("ver-config")).status()).isEqualTo(BucketVersioningStatus.SUSPENDED);
    // Never back to unversioned: "Disabled" is not a status S3 accepts.
    s3Error(() -> s3.putBucketVersioning(b -> b.bucket("ver-config").versioningConfiguration(c -> c.status("Disabled"))),
        400, "MalformedXML");
    s3Error(() -> s3.getBucketVersioning(b -> b.bucket("ver-missing")), 404, "NoSuchBucket");
  }

  @Test
  void unversionedBucketHasOnlyTheNullVersion() {
    s3.createBucket(b -> b.bucket("ver-none"));
    PutObjectResponse put = s3.putObject(b -> b.bucket("ver-none").key("k"), RequestBody.fromString("one"));
    assertThat(put.versionId()).isNull();
    s3.putObject(b -> b.bucket("ver-none").key("k"), RequestBody.fromString("two"));
    assertThat(body("ver-none", "k", "null")).isEqualTo("two");
    ListObjectVersionsResponse list = s3.listObjectVersions(b -> b.bucket("ver-none"));
    assertThat(list.versions()).extracting(ObjectVersion::versionId).containsExactly("null");
    assertThat(list.versions().get(0).isLatest()).isTrue();
    DeleteObjectResponse del = s3.deleteObject(b -> b.bucket("ver-none").key("k"));
    assertThat(del.deleteMarker()).isNull();
    assertThat(s3.listObjectVersions(b -> b.bucket("ver-none")).versions()).isEmpty();
  }

  @Test
  void enabledVersioningKeepsHistoryAndDeleteMarkersHideIt() throws Exception {
    String bkt = "ver-enabled";
    s3.createBucket(b -> b.bucket(bkt));
    s3.putObject(b -> b.bucket(bkt).key("k"), RequestBody.fromString("v0")); // the null version
    versioning(bkt, BucketVersioningStatus.ENABLED);
    String v1 = s3.putObject(b -> b.bucket(bkt).key("k"), RequestBody.fromString("v1")).versionId();
    String v2 = s3.putObject(b -> b.bucket(bkt).key("k"), RequestBody.fromString("v2")).versionId();
    assertThat(v1).isNotNull().isNotEqualTo("null").isNotEqualTo(v2);
    assertThat(s3.getObject(b -> b.bucket(bkt).key("k")).response().versionId()).isEqualTo(v2);
    assertThat(body(bkt, "k", v1)).isEqualTo("v1");
    assertThat(body(bkt, "k", "null")).isEqualTo("v0");
    assertThat(s3.headObject(b -> b.bucket(bkt).key("k").versionId(v1)).versionId()).isEqualTo(v1);

    DeleteObjectResponse marker = s3.deleteObject(b -> b.bucket(bkt).key("k"));
    assertThat(marker.deleteMarker()).isTrue();
    assertThat(marker.versionId()).isNotNull().isNotEqualTo(v2);
    // The latest version is a marker: 404 NoSuchKey with x-amz-delete-marker.
    assertThatThrownBy(() -> s3.getObject(b -> b.bucket(bkt).key("k")))
        .isInstanceOfSatisfying(S3Exception.class, e -> {
          assertThat(e.statusCode()).isEqualTo(404);
          assertThat(e.awsErrorDetails().errorCode()).isEqualTo("NoSuchKey");
          assertThat(e.awsErrorDetails().sdkHttpResponse().firstMatchingHeader("x-amz-delete-marker")).contains("true");
        });
    s3Error(() -> s3.headObject(b -> b.bucket(bkt).key("k")), 404, null);
    // A marker named by id: 405 MethodNotAllowed.
    assertThatThrownBy(() -> s3.getObject(b -> b.bucket(bkt).key("k").versionId(marker.versionId())))
        .isInstanceOfSatisfying(S3Exception.class, e -> {
          assertThat(e.statusCode()).isEqualTo(405);
          assertThat(e.awsErrorDetails().errorCode()).isEqualTo("MethodNotAllowed");
          assertThat(e.awsErrorDetails().sdkHttpResponse().firstMatchingHeader("x-amz-delete-marker")).contains("true");
          assertThat(e.awsErrorDetails().sdkHttpResponse().firstMatchingHeader("x-amz-version-id")).contains(marker.versionId());
        });
    s3Error(() -> s3.headObject(b -> b.bucket(bkt).key("k").versionId(marker.versionId())), 405, null);
    assertThat(s3.listObjectsV2(b -> b.bucket(bkt)).contents()).isEmpty();

    ListObjectVersionsResponse list = s3.listObjectVersions(b -> b.bucket(bkt));
    assertThat(list.deleteMarkers()).extracting(DeleteMarkerEntry::versionId).containsExactly(marker.versionId());
    assertThat(list.deleteMarkers().get(0).isLatest()).isTrue();
    assertThat(list.versions()).extracting(ObjectVersion::versionId).containsExactly(v2, v1, "null");
    assertThat(list.versions()).extracting(ObjectVersion::isLatest).containsExactly(false, false, false);
    assertThat(list.versions().get(0).eTag()).startsWith("\"");
    s3Error(() -> s3.deleteBucket(b -> b.bucket(bkt)), 409, "BucketNotEmpty");

    // Deleting the marker brings the object back.
    DeleteObjectResponse undelete = s3.deleteObject(b -> b.bucket(bkt).key("k").versionId(marker.versionId()));
    assertThat(undelete.deleteMarker()).isTrue();
    assertThat(undelete.versionId()).isEqualTo(marker.versionId());
    assertThat(body(bkt, "k", null)).isEqualTo("v2");
    // Removing the current version for good makes the previous one current.
    DeleteObjectResponse gone = s3.deleteObject(b -> b.bucket(bkt).key("k").versionId(v2));
    assertThat(gone.versionId()).isEqualTo(v2);
    assertThat(gone.deleteMarker()).isNull();
    assertThat(body(bkt, "k", null)).isEqualTo("v1");
    s3Error(() -> s3.getObject(b -> b.bucket(bkt).key("k").versionId(v2)), 404, "NoSuchVersion");
    s3Error(() -> s3.getObject(b -> b.bucket(bkt).key("k").versionId("not-a-version")), 400, "InvalidArgument");

    for (ObjectVersion v : s3.listObjectVersions(b -> b.bucket(bkt)).versions()) {
      s3.deleteObject(b -> b.bucket(bkt).key(v.key()).versionId(v.versionId()));
    }
    s3.deleteBucket(b -> b.bucket(bkt));
  }

  @Test
  void suspendedVersioningOverwritesTheNullVersion() {
    String bkt = "ver-suspended";
    s3.createBucket(b -> b.bucket(bkt));
    versioning(bkt, BucketVersioningStatus.ENABLED);
    String v1 = s3.putObject(b -> b.bucket(bkt).key("k"), RequestBody.fromString("v1")).versionId();
    versioning(bkt, BucketVersioningStatus.SUSPENDED);
    assertThat(s3.putObject(b -> b.bucket(bkt).key("k"), RequestBody.fromString("n1")).versionId()).isEqualTo("null");
    s3.putObject(b -> b.bucket(bkt).key("k"), RequestBody.fromString("n2"));
    assertThat(s3.listObjectVersions(b -> b.bucket(bkt)).versions()).extracting(ObjectVersion::versionId)
        .containsExactly("null", v1);
    assertThat(body(bkt, "k", "null")).isEqualTo("n2");
    DeleteObjectResponse marker = s3.deleteObject(b -> b.bucket(bkt).key("k"));
    assertThat(marker.deleteMarker()).isTrue();
    assertThat(marker.versionId()).isEqualTo("null");
    ListObjectVersionsResponse list = s3.listObjectVersions(b -> b.bucket(bkt));
    assertThat(list.deleteMarkers()).extracting(DeleteMarkerEntry::versionId).containsExactly("null");
    assertThat(list.versions()).extracting(ObjectVersion::versionId).containsExactly(v1);
  }

  @Test
  void copyAndCompleteGetVersionIds() {
    String bkt = "ver-copy";
    s3.createBucket(b -> b.bucket(bkt));
    versioning(bkt, BucketVersioningStatus.ENABLED);
    String v1 = s3.putObject(b -> b.bucket(bkt).key("src"), RequestBody.fromString("first")).versionId();
    s3.putObject(b -> b.bucket(bkt).key("src"), RequestBody.fromString("second"));
    var copy = s3.copyObject(b -> b.sourceBucket(bkt).sourceKey("src").sourceVersionId(v1)
        .destinationBucket(bkt).destinationKey("dst"));
    assertThat(copy.versionId()).isNotNull().isNotEqualTo("null");
    assertThat(copy.copySourceVersionId()).isEqualTo(v1);
    assertThat(body(bkt, "dst", null)).isEqualTo("first");
    // Copying an object onto itself from an older version restores it as a new version.
    s3.copyObject(b -> b.sourceBucket(bkt).sourceKey("src").sourceVersionId(v1).destinationBucket(bkt).destinationKey("src"));
    assertThat(body(bkt, "src", null)).isEqualTo("first");
    assertThat(s3.listObjectVersions(b -> b.bucket(bkt).prefix("src")).versions()).hasSize(3);

    String upload = s3.createMultipartUpload(b -> b.bucket(bkt).key("mp")).uploadId();
    String etag = s3.uploadPart(b -> b.bucket(bkt).key("mp").uploadId(upload).partNumber(1),
        RequestBody.fromString("part")).eTag();
    var done = s3.completeMultipartUpload(b -> b.bucket(bkt).key("mp").uploadId(upload)
        .multipartUpload(m -> m.parts(CompletedPart.builder().partNumber(1).eTag(etag).build())));
    assertThat(done.versionId()).isNotNull().isNotEqualTo("null");
  }

  @Test
  void listObjectVersionsPagination() {
    String bkt = "ver-pages";
    s3.createBucket(b -> b.bucket(bkt));
    versioning(bkt, BucketVersioningStatus.ENABLED);
    for (String k : List.of("a", "b/1", "b/2", "c")) {
      for (int i = 0; i < 3; i++) {
        s3.putObject(b -> b.bucket(bkt).key(k), RequestBody.fromString(k));
      }
    }
    s3.deleteObject(b -> b.bucket(bkt).key("c"));
    List<String> seen = new ArrayList<>();
    String keyMarker = null;
    String versionMarker = null;
    int pages = 0;
    while (true) {
      String km = keyMarker;
      String vm = versionMarker;
      ListObjectVersionsResponse page = s3.listObjectVersions(b -> b.bucket(bkt).maxKeys(5).keyMarker(km).versionIdMarker(vm));
      pages++;
      page.versions().forEach(v -> seen.add(v.key() + ":" + v.versionId()));
      page.deleteMarkers().forEach(v -> seen.add(v.key() + ":" + v.versionId()));
      if (!page.isTruncated()) {
        break;
      }
      keyMarker = page.nextKeyMarker();
      versionMarker = page.nextVersionIdMarker();
    }
    assertThat(pages).isEqualTo(3);
    assertThat(seen).hasSize(13).doesNotHaveDuplicates();
    ListObjectVersionsResponse rolled = s3.listObjectVersions(b -> b.bucket(bkt).delimiter("/"));
    assertThat(rolled.commonPrefixes()).extracting(p -> p.prefix()).containsExactly("b/");
    assertThat(rolled.versions()).extracting(ObjectVersion::key).containsExactly("a", "a", "a", "c", "c", "c");
    s3Error(() -> s3.listObjectVersions(b -> b.bucket(bkt).versionIdMarker("0000000000000001")), 400, "InvalidArgument");
  }

  @Test
  void deleteObjectsWithVersions() {
    String bkt = "ver-multi";
    s3.createBucket(b -> b.bucket(bkt));
    versioning(bkt, BucketVersioningStatus.ENABLED);
    String v1 = s3.putObject(b -> b.bucket(bkt).key("x"), RequestBody.fromString("1")).versionId();
    s3.putObject(b -> b.bucket(bkt).key("y"), RequestBody.fromString("1"));
    DeleteObjectsResponse r = s3.deleteObjects(b -> b.bucket(bkt).delete(d -> d.objects(
        ObjectIdentifier.builder().key("x").versionId(v1).build(), ObjectIdentifier.builder().key("y").build())));
    assertThat(r.deleted()).hasSize(2);
    assertThat(r.deleted().get(0).versionId()).isEqualTo(v1);
    assertThat(r.deleted().get(1).deleteMarker()).isTrue();
    assertThat(r.deleted().get(1).deleteMarkerVersionId()).isNotNull();
    assertThat(s3.listObjectVersions(b -> b.bucket(bkt)).versions()).extracting(ObjectVersion::key).containsExactly("y");
  }

  // ---- multipart ---------------------------------------------------------------------------

  @Test
  void uploadPartCopyWithSourceRange() {
    String bkt = "part-copy";
    s3.createBucket(b -> b.bucket(bkt));
    byte[] src = S3GatewaySdkTest.random(6 * 1024 * 1024 + 10, 5);
    s3.putObject(b -> b.bucket(bkt).key("src"), RequestBody.fromBytes(src));
    String upload = s3.createMultipartUpload(b -> b.bucket(bkt).key("dst")).uploadId();
    var p1 = s3.uploadPartCopy(b -> b.sourceBucket(bkt).sourceKey("src").destinationBucket(bkt).destinationKey("dst")
        .uploadId(upload).partNumber(1).copySourceRange("bytes=0-" + (5 * 1024 * 1024 - 1)));
    var p2 = s3.uploadPartCopy(b -> b.sourceBucket(bkt).sourceKey("src").destinationBucket(bkt).destinationKey("dst")
        .uploadId(upload).partNumber(2).copySourceRange("bytes=" + (5 * 1024 * 1024) + "-" + (src.length - 1)));
    assertThat(p1.copyPartResult().eTag()).startsWith("\"");
    assertThat(p1.copyPartResult().lastModified()).isNotNull();
    s3Error(() -> s3.uploadPartCopy(b -> b.sourceBucket(bkt).sourceKey("src").destinationBucket(bkt).destinationKey("dst")
        .uploadId(upload).partNumber(3).copySourceRange("bytes=0-" + src.length)), 416, "InvalidRange");
    s3Error(() -> s3.uploadPartCopy(b -> b.sourceBucket(bkt).sourceKey("src").destinationBucket(bkt).destinationKey("dst")
        .uploadId(upload).partNumber(3).copySourceRange("bytes=5-1")), 400, "InvalidArgument");
    s3Error(() -> s3.uploadPartCopy(b -> b.sourceBucket(bkt).sourceKey("missing").destinationBucket(bkt).destinationKey("dst")
        .uploadId(upload).partNumber(3)), 404, "NoSuchKey");
    s3.completeMultipartUpload(b -> b.bucket(bkt).key("dst").uploadId(upload).multipartUpload(m -> m.parts(
        CompletedPart.builder().partNumber(1).eTag(p1.copyPartResult().eTag()).build(),
        CompletedPart.builder().partNumber(2).eTag(p2.copyPartResult().eTag()).build())));
    assertThat(s3.getObjectAsBytes(b -> b.bucket(bkt).key("dst")).asByteArray()).isEqualTo(src);
    // A whole-object part copy, no range.
    String upload2 = s3.createMultipartUpload(b -> b.bucket(bkt).key("dst2")).uploadId();
    var whole = s3.uploadPartCopy(b -> b.sourceBucket(bkt).sourceKey("src").destinationBucket(bkt).destinationKey("dst2")
        .uploadId(upload2).partNumber(1));
    s3.completeMultipartUpload(b -> b.bucket(bkt).key("dst2").uploadId(upload2).multipartUpload(m -> m.parts(
        CompletedPart.builder().partNumber(1).eTag(whole.copyPartResult().eTag()).build())));
    assertThat(s3.getObjectAsBytes(b -> b.bucket(bkt).key("dst2")).asByteArray()).isEqualTo(src);
  }

  @Test
  void conditionalWrites() {
    s3.createBucket(b -> b.bucket("cond-writes"));
    String etag = s3.putObject(b -> b.bucket("cond-writes").key("k").ifNoneMatch("*"), RequestBody.fromString("first")).eTag();
    s3Error(() -> s3.putObject(b -> b.bucket("cond-writes").key("k").ifNoneMatch("*"), RequestBody.fromString("again")),
        412, "PreconditionFailed");
    s3Error(() -> s3.putObject(b -> b.bucket("cond-writes").key("k").ifMatch("\"00000000000000000000000000000000\""),
        RequestBody.fromString("x")), 412, "PreconditionFailed");
    s3.putObject(b -> b.bucket("cond-writes").key("k").ifMatch(etag), RequestBody.fromString("second"));
    assertThat(s3.getObjectAsBytes(b -> b.bucket("cond-writes").key("k")).asUtf8String()).isEqualTo("second");
    s3Error(() -> s3.putObject(b -> b.bucket("cond-writes").key("missing").ifMatch(etag), RequestBody.fromString("x")),
        404, "NoSuchKey");
    String upload = s3.createMultipartUpload(b -> b.bucket("cond-writes").key("k")).uploadId();
    String part = s3.uploadPart(b -> b.bucket("cond-writes").key("k").uploadId(upload).partNumber(1),
        RequestBody.fromString("p")).eTag();
    s3Error(() -> s3.completeMultipartUpload(b -> b.bucket("cond-writes").key("k").uploadId(upload).ifNoneMatch("*")
        .multipartUpload(m -> m.parts(CompletedPart.builder().partNumber(1).eTag(part).build()))), 412, "PreconditionFailed");
    assertThat(s3.getObjectAsBytes(b -> b.bucket("cond-writes").key("k")).asUtf8String()).isEqualTo("second");
  }

  // ---- integrity -----------------------------------------------------------------------------

  @Test
  void checksumsAreStoredAndReturnedInChecksumMode() {
    s3.createBucket(b -> b.bucket("sums"));
    // The SDK's default: an aws-chunked body with a CRC32 trailer.
    PutObjectResponse put = s3.putObject(b -> b.bucket("sums").key("k"), RequestBody.fromString("checksummed"));
    assertThat(put.checksumCRC32()).isNotNull();
    var plain = s3.headObject(b -> b.bucket("sums").key("k"));
    assertThat(plain.checksumCRC32()).isNull();
    var head = s3.headObject(b -> b.bucket("sums").key("k").checksumMode(software.amazon.awssdk.services.s3.model.ChecksumMode.ENABLED));
    assertThat(head.checksumCRC32()).isEqualTo(put.checksumCRC32());
    var get = s3.getObject(b -> b.bucket("sums").key("k").checksumMode(software.amazon.awssdk.services.s3.model.ChecksumMode.ENABLED));
    assertThat(get.response().checksumCRC32()).isEqualTo(put.checksumCRC32());

    var attrs = s3.getObjectAttributes(b -> b.bucket("sums").key("k").objectAttributes(
        software.amazon.awssdk.services.s3.model.ObjectAttributes.E_TAG,
        software.amazon.awssdk.services.s3.model.ObjectAttributes.CHECKSUM,
        software.amazon.awssdk.services.s3.model.ObjectAttributes.OBJECT_SIZE,
        software.amazon.awssdk.services.s3.model.ObjectAttributes.STORAGE_CLASS));
    assertThat(attrs.objectSize()).isEqualTo(11L);
    assertThat("\"" + attrs.eTag() + "\"").isEqualTo(put.eTag());
    assertThat(attrs.checksum().checksumCRC32()).isEqualTo(put.checksumCRC32());
    assertThat(attrs.storageClassAsString()).isEqualTo("STANDARD");
    assertThat(attrs.lastModified()).isNotNull();
    s3Error(() -> s3.getObjectAttributes(b -> b.bucket("sums").key("missing").objectAttributes(
        software.amazon.awssdk.services.s3.model.ObjectAttributes.E_TAG)), 404, "NoSuchKey");
  }

  @Test
  void multipartCompositeChecksum() throws Exception {
    s3.createBucket(b -> b.bucket("mp-sums"));
    var sha = software.amazon.awssdk.services.s3.model.ChecksumAlgorithm.SHA256;
    String upload = s3.createMultipartUpload(b -> b.bucket("mp-sums").key("k").checksumAlgorithm(sha)).uploadId();
    byte[] p1 = S3GatewaySdkTest.random(5 * 1024 * 1024, 3);
    byte[] p2 = S3GatewaySdkTest.random(100, 4);
    var r1 = s3.uploadPart(b -> b.bucket("mp-sums").key("k").uploadId(upload).partNumber(1).checksumAlgorithm(sha),
        RequestBody.fromBytes(p1));
    var r2 = s3.uploadPart(b -> b.bucket("mp-sums").key("k").uploadId(upload).partNumber(2).checksumAlgorithm(sha),
        RequestBody.fromBytes(p2));
    assertThat(r1.checksumSHA256()).isNotNull();
    var done = s3.completeMultipartUpload(b -> b.bucket("mp-sums").key("k").uploadId(upload).multipartUpload(m -> m.parts(
        CompletedPart.builder().partNumber(1).eTag(r1.eTag()).checksumSHA256(r1.checksumSHA256()).build(),
        CompletedPart.builder().partNumber(2).eTag(r2.eTag()).checksumSHA256(r2.checksumSHA256()).build())));
    java.security.MessageDigest d = java.security.MessageDigest.getInstance("SHA-256");
    d.update(java.util.Base64.getDecoder().decode(r1.checksumSHA256()));
    d.update(java.util.Base64.getDecoder().decode(r2.checksumSHA256()));
    String expected = java.util.Base64.getEncoder().encodeToString(d.digest()) + "-2";
    assertThat(done.checksumSHA256()).isEqualTo(expected);
    var head = s3.headObject(b -> b.bucket("mp-sums").key("k").checksumMode(software.amazon.awssdk.services.s3.model.ChecksumMode.ENABLED));
    assertThat(head.checksumSHA256()).isEqualTo(expected);
  }

  @Test
  void completeComparesThePartChecksumsOfItsBody() {
    s3.createBucket(b -> b.bucket("mp-part-sums"));
    var crc = software.amazon.awssdk.services.s3.model.ChecksumAlgorithm.CRC32_C;
    String upload = s3.createMultipartUpload(b -> b.bucket("mp-part-sums").key("k").checksumAlgorithm(crc)).uploadId();
    byte[] p1 = S3GatewaySdkTest.random(5 * 1024 * 1024, 5);
    byte[] p2 = S3GatewaySdkTest.random(300, 6);
    var r1 = s3.uploadPart(b -> b.bucket("mp-part-sums").key("k").uploadId(upload).partNumber(1).checksumAlgorithm(crc),
        RequestBody.fromBytes(p1));
    var r2 = s3.uploadPart(b -> b.bucket("mp-part-sums").key("k").uploadId(upload).partNumber(2).checksumAlgorithm(crc),
        RequestBody.fromBytes(p2));
    assertThat(r2.checksumCRC32C()).isNotNull();
    // A wrong value, and a value of another algorithm than the part was uploaded with: InvalidPart.
    s3Error(() -> s3.completeMultipartUpload(b -> b.bucket("mp-part-sums").key("k").uploadId(upload).multipartUpload(m -> m.parts(
        CompletedPart.builder().partNumber(1).eTag(r1.eTag()).checksumCRC32C(r1.checksumCRC32C()).build(),
        CompletedPart.builder().partNumber(2).eTag(r2.eTag()).checksumCRC32C(r1.checksumCRC32C()).build()))), 400, "InvalidPart");
    s3Error(() -> s3.completeMultipartUpload(b -> b.bucket("mp-part-sums").key("k").uploadId(upload).multipartUpload(m -> m.parts(
        CompletedPart.builder().partNumber(1).eTag(r1.eTag()).checksumSHA256("47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=").build(),
        CompletedPart.builder().partNumber(2).eTag(r2.eTag()).build()))), 400, "InvalidPart");
    // The upload is untouched by the refusals: the right checksums complete it.
    var done = s3.completeMultipartUpload(b -> b.bucket("mp-part-sums").key("k").uploadId(upload).multipartUpload(m -> m.parts(
        CompletedPart.builder().partNumber(1).eTag(r1.eTag()).checksumCRC32C(r1.checksumCRC32C()).build(),
        CompletedPart.builder().partNumber(2).eTag(r2.eTag()).checksumCRC32C(r2.checksumCRC32C()).build())));
    assertThat(done.sdkHttpResponse().statusCode()).isEqualTo(200);
    assertThat(done.checksumCRC32C()).endsWith("-2");
    assertThat(s3.getObjectAsBytes(b -> b.bucket("mp-part-sums").key("k")).asByteArray()).hasSize(p1.length + p2.length);
  }

  @Test
  void metadataAndSizeLimits() {
    s3.createBucket(b -> b.bucket("limits"));
    s3Error(() -> s3.putObject(b -> b.bucket("limits").key("k").metadata(java.util.Map.of("big", "x".repeat(2100))),
        RequestBody.fromString("x")), 400, "MetadataTooLarge");
    s3.putObject(b -> b.bucket("limits").key("k").metadata(java.util.Map.of("ok", "x".repeat(1000))), RequestBody.fromString("x"));
    assertThat(s3.headObject(b -> b.bucket("limits").key("k")).metadata()).containsEntry("ok", "x".repeat(1000));
    s3Error(() -> s3.putObject(b -> b.bucket("limits").key("k".repeat(1025)), RequestBody.fromString("x")), 400, "KeyTooLongError");
  }

  @Test
  void getAndHeadByPartNumber() {
    String bkt = "by-part";
    s3.createBucket(b -> b.bucket(bkt));
    byte[] p1 = S3GatewaySdkTest.random(5 * 1024 * 1024, 1);
    byte[] p2 = S3GatewaySdkTest.random(1234, 2);
    String upload = s3.createMultipartUpload(b -> b.bucket(bkt).key("mp")).uploadId();
    String e1 = s3.uploadPart(b -> b.bucket(bkt).key("mp").uploadId(upload).partNumber(1), RequestBody.fromBytes(p1)).eTag();
    String e2 = s3.uploadPart(b -> b.bucket(bkt).key("mp").uploadId(upload).partNumber(2), RequestBody.fromBytes(p2)).eTag();
    String etag = s3.completeMultipartUpload(b -> b.bucket(bkt).key("mp").uploadId(upload).multipartUpload(m -> m.parts(
        CompletedPart.builder().partNumber(1).eTag(e1).build(), CompletedPart.builder().partNumber(2).eTag(e2).build()))).eTag();
    var head = s3.headObject(b -> b.bucket(bkt).key("mp").partNumber(2));
    assertThat(head.contentLength()).isEqualTo(1234L);
    assertThat(head.partsCount()).isEqualTo(2);
    assertThat(head.eTag()).isEqualTo(etag);
    var get = s3.getObjectAsBytes(b -> b.bucket(bkt).key("mp").partNumber(2));
    assertThat(get.asByteArray()).isEqualTo(p2);
    assertThat(get.response().partsCount()).isEqualTo(2);
    assertThat(s3.getObjectAsBytes(b -> b.bucket(bkt).key("mp").partNumber(1)).asByteArray()).isEqualTo(p1);
    s3Error(() -> s3.getObject(b -> b.bucket(bkt).key("mp").partNumber(3)), 400, "InvalidPart");
    var attrs = s3.getObjectAttributes(b -> b.bucket(bkt).key("mp").maxParts(1).objectAttributes(
        software.amazon.awssdk.services.s3.model.ObjectAttributes.OBJECT_PARTS));
    assertThat(attrs.objectParts().totalPartsCount()).isEqualTo(2);
    assertThat(attrs.objectParts().isTruncated()).isTrue();
    assertThat(attrs.objectParts().parts()).extracting(p -> p.size()).containsExactly((long) p1.length);
    var rest = s3.getObjectAttributes(b -> b.bucket(bkt).key("mp").partNumberMarker(attrs.objectParts().nextPartNumberMarker())
        .objectAttributes(software.amazon.awssdk.services.s3.model.ObjectAttributes.OBJECT_PARTS));
    assertThat(rest.objectParts().parts()).extracting(p -> p.partNumber()).containsExactly(2);
    assertThat(rest.objectParts().isTruncated()).isFalse();
    s3.putObject(b -> b.bucket(bkt).key("single"), RequestBody.fromString("body"));
    assertThat(s3.getObjectAsBytes(b -> b.bucket(bkt).key("single").partNumber(1)).asUtf8String()).isEqualTo("body");
    s3Error(() -> s3.getObject(b -> b.bucket(bkt).key("single").partNumber(2)), 400, "InvalidPart");
  }

  @Test
  void listMultipartUploadsWithDelimiterAndMarkers() {
    String bkt = "mpu-list";
    s3.createBucket(b -> b.bucket(bkt));
    for (String k : List.of("a/1", "a/2", "b", "c")) {
      s3.createMultipartUpload(b -> b.bucket(bkt).key(k));
    }
    var rolled = s3.listMultipartUploads(b -> b.bucket(bkt).delimiter("/"));
    assertThat(rolled.commonPrefixes()).extracting(p -> p.prefix()).containsExactly("a/");
    assertThat(rolled.uploads()).extracting(u -> u.key()).containsExactly("b", "c");
    var first = s3.listMultipartUploads(b -> b.bucket(bkt).delimiter("/").maxUploads(2));
    assertThat(first.isTruncated()).isTrue();
    assertThat(first.nextKeyMarker()).isEqualTo("b");
    var rest = s3.listMultipartUploads(b -> b.bucket(bkt).delimiter("/").keyMarker(first.nextKeyMarker())
        .uploadIdMarker(first.nextUploadIdMarker()));
    assertThat(rest.uploads()).extracting(u -> u.key()).containsExactly("c");
    var afterPrefix = s3.listMultipartUploads(b -> b.bucket(bkt).delimiter("/").keyMarker("a/"));
    assertThat(afterPrefix.commonPrefixes()).isEmpty();
    assertThat(afterPrefix.uploads()).extracting(u -> u.key()).containsExactly("b", "c");
  }

  @Test
  void listMultipartUploadsPagesTwoAtATimeWithMarkers() {
    String bkt = "mpu-pages";
    s3.createBucket(b -> b.bucket(bkt));
    List<String> expected = new java.util.ArrayList<>();
    for (String k : List.of("k1", "k1", "k1", "k2", "k3", "k3", "k4")) {
      expected.add(k + "#" + s3.createMultipartUpload(b -> b.bucket(bkt).key(k)).uploadId());
    }
    java.util.Collections.sort(expected);
    List<String> seen = new java.util.ArrayList<>();
    String keyMarker = null;
    String idMarker = null;
    int pages = 0;
    while (true) {
      String km = keyMarker;
      String im = idMarker;
      var page = s3.listMultipartUploads(b -> b.bucket(bkt).maxUploads(2).keyMarker(km).uploadIdMarker(im));
      pages++;
      assertThat(page.uploads()).hasSizeLessThanOrEqualTo(2);
      page.uploads().forEach(u -> seen.add(u.key() + "#" + u.uploadId()));
      if (!page.isTruncated()) {
        break;
      }
      assertThat(page.nextKeyMarker()).isEqualTo(page.uploads().get(1).key());
      assertThat(page.nextUploadIdMarker()).isEqualTo(page.uploads().get(1).uploadId());
      keyMarker = page.nextKeyMarker();
      idMarker = page.nextUploadIdMarker();
    }
    assertThat(pages).isEqualTo(4);
    assertThat(seen).containsExactlyElementsOf(expected);
    // A key marker without an upload id marker skips every upload of that key.
    assertThat(s3.listMultipartUploads(b -> b.bucket(bkt).keyMarker("k1")).uploads())
        .extracting(u -> u.key()).containsExactly("k2", "k3", "k3", "k4");
  }

  // ---- buckets ------------------------------------------------------------------------------

  @Test
  void bucketRules() {
    s3.createBucket(b -> b.bucket("rules-owned"));
    s3.createBucket(b -> b.bucket("rules-owned")); // us-east-1: 200 for a bucket you own
    metadata.createAccount("bob", "bob-key", "bob-secret");
    try (S3Client bob = client("bob-key", "bob-secret")) {
      s3Error(() -> bob.createBucket(b -> b.bucket("rules-owned")), 409, "BucketAlreadyExists");
      s3Error(() -> bob.putObject(b -> b.bucket("rules-owned").key("k"), RequestBody.fromString("x")), 403, "AccessDenied");
      s3Error(() -> bob.getBucketVersioning(b -> b.bucket("rules-owned")), 403, "AccessDenied");
      s3Error(() -> bob.listObjectVersions(b -> b.bucket("rules-owned")), 403, "AccessDenied");
      s3Error(() -> bob.deleteBucket(b -> b.bucket("rules-owned")), 403, "AccessDenied");
      // The limit here is 20 buckets per account.
      for (int i = 0; i < 20; i++) {
        int n = i;
        bob.createBucket(b -> b.bucket("bob-bucket-" + n));
      }
      s3Error(() -> bob.createBucket(b -> b.bucket("bob-bucket-20")), 400, "TooManyBuckets");
      // (Malformed names are refused by the SDK before sending; BucketNamesTest covers the server.)
    }
  }

  // ---- objects: conditions, ranges, errors --------------------------------------------------

  @Test
  void rangesAndConditionalReads() {
    s3.createBucket(b -> b.bucket("cond"));
    String etag = s3.putObject(b -> b.bucket("cond").key("k"), RequestBody.fromString("0123456789")).eTag();
    assertThat(s3.getObjectAsBytes(b -> b.bucket("cond").key("k").range("bytes=2-4")).asUtf8String()).isEqualTo("234");
    assertThat(s3.getObjectAsBytes(b -> b.bucket("cond").key("k").range("bytes=-3")).asUtf8String()).isEqualTo("789");
    assertThat(s3.getObjectAsBytes(b -> b.bucket("cond").key("k").range("bytes=7-")).asUtf8String()).isEqualTo("789");
    assertThat(s3.getObjectAsBytes(b -> b.bucket("cond").key("k").range("bytes=8-100")).asUtf8String()).isEqualTo("89");
    s3Error(() -> s3.getObject(b -> b.bucket("cond").key("k").range("bytes=10-")), 416, "InvalidRange");
    s3Error(() -> s3.getObject(b -> b.bucket("cond").key("k").ifMatch("\"nope\"")), 412, "PreconditionFailed");
    s3Error(() -> s3.getObject(b -> b.bucket("cond").key("k").ifNoneMatch(etag)), 304, null);
    assertThat(s3.getObjectAsBytes(b -> b.bucket("cond").key("k").ifMatch(etag)).asUtf8String()).isEqualTo("0123456789");
    s3Error(() -> s3.getObject(b -> b.bucket("cond").key("missing")), 404, "NoSuchKey");
    s3Error(() -> s3.getObject(b -> b.bucket("no-such-bucket-here").key("k")), 404, "NoSuchBucket");
  }

  @Test
  void listingEdgeCases() {
    s3.createBucket(b -> b.bucket("lists"));
    for (String k : List.of("a/1", "a/2", "b", "c d", "c+e")) {
      s3.putObject(b -> b.bucket("lists").key(k), RequestBody.fromString(k));
    }
    var v2 = s3.listObjectsV2(b -> b.bucket("lists").delimiter("/").maxKeys(2));
    assertThat(v2.commonPrefixes()).extracting(p -> p.prefix()).containsExactly("a/");
    assertThat(v2.contents()).extracting(o -> o.key()).containsExactly("b");
    assertThat(v2.isTruncated()).isTrue();
    var rest = s3.listObjectsV2(b -> b.bucket("lists").delimiter("/").continuationToken(v2.nextContinuationToken()));
    assertThat(rest.contents()).extracting(o -> o.key()).containsExactly("c d", "c+e");
    assertThat(rest.isTruncated()).isFalse();
    var empty = s3.listObjectsV2(b -> b.bucket("lists").maxKeys(0));
    assertThat(empty.contents()).isEmpty();
    assertThat(empty.keyCount()).isZero();
    var v1 = s3.listObjects(b -> b.bucket("lists").marker("b").encodingType("url"));
    assertThat(v1.contents()).extracting(o -> o.key()).containsExactly("c d", "c+e");
    s3Error(() -> s3.listObjectsV2(b -> b.bucket("lists").encodingType("bogus")), 400, "InvalidArgument");
    // The bucket check (run alongside the page read) decides before any argument or page error.
    s3Error(() -> s3.listObjectsV2(b -> b.bucket("lists-missing").encodingType("bogus")), 404, "NoSuchBucket");
    s3Error(() -> s3.listObjects(b -> b.bucket("lists-missing")), 404, "NoSuchBucket");
    metadata.createAccount("carol", "carol-key", "carol-secret");
    try (S3Client carol = client("carol-key", "carol-secret")) {
      s3Error(() -> carol.listObjectsV2(b -> b.bucket("lists")), 403, "AccessDenied");
      s3Error(() -> carol.listObjectsV2(b -> b.bucket("lists").encodingType("bogus")), 403, "AccessDenied");
      s3Error(() -> carol.listObjects(b -> b.bucket("lists").maxKeys(5)), 403, "AccessDenied");
    }
  }

  /** A header section over the limit is refused by Jetty itself; it must still answer S3's XML (S3: 400 RequestHeaderSectionTooLarge). */
  @org.junit.jupiter.api.Test
  void anOversizedHeaderSectionGetsS3sErrorXml() throws Exception {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", gateway.port())) {
      socket.setSoTimeout(10_000);
      String request = "GET /some-bucket/key HTTP/1.1\r\nHost: 127.0.0.1\r\nx-amz-meta-big: " + "a".repeat(20 * 1024)
          + "\r\nConnection: close\r\n\r\n";
      socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      String answer = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      org.assertj.core.api.Assertions.assertThat(answer).startsWith("HTTP/1.1 400 ");
      org.assertj.core.api.Assertions.assertThat(answer.toLowerCase(java.util.Locale.ROOT)).contains("x-amz-request-id: ");
      org.assertj.core.api.Assertions.assertThat(answer).contains("<Code>RequestHeaderSectionTooLarge</Code>")
          .contains("<RequestId>").doesNotContain("<html");
    }
  }
}
