package io.moraine.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moraine.metadata.api.Account;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.Tag;
import software.amazon.awssdk.services.s3.model.TaggingDirective;

/**
 * Object and bucket tagging through the SDK (S3 User Guide, "Categorizing your storage using
 * tags", and the API reference of Put/Get/DeleteObjectTagging and Put/Get/DeleteBucketTagging):
 * tags on PUT, COPY and multipart, by version, S3's limits and errors, and tags deciding a policy.
 */
class TaggingTest {
  static GatewayFixture fx;
  static S3Client s3;
  static S3Client other;
  static Account otherAccount;

  @BeforeAll
  static void start() throws Exception {
    fx = GatewayFixture.start(100, 5);
    s3 = fx.client(GatewayFixture.AK, GatewayFixture.SK);
    otherAccount = fx.metadata.createAccount("tagreader", "AKTAGREADER", "tag-secret");
    other = fx.client("AKTAGREADER", "tag-secret");
    s3.createBucket(b -> b.bucket("tags"));
  }

  @AfterAll
  static void stop() throws Exception {
    s3.close();
    other.close();
    fx.close();
  }

  static Map<String, String> tagsOf(String bucket, String key, String versionId) {
    Map<String, String> m = new TreeMap<>();
    s3.getObjectTagging(b -> b.bucket(bucket).key(key).versionId(versionId)).tagSet().forEach(t -> m.put(t.key(), t.value()));
    return m;
  }

  static void refused(ThrowingCallable call, int status, String code) {
    assertThatThrownBy(call).isInstanceOfSatisfying(S3Exception.class, e -> {
      assertThat(e.statusCode()).isEqualTo(status);
      assertThat(e.awsErrorDetails().errorCode()).isEqualTo(code);
    });
  }

  static Tag tag(String k, String v) {
    return Tag.builder().key(k).value(v).build();
  }

  @Test
  void tagsOnPutCopyAndMultipartAndTheirCount() {
    s3.putObject(b -> b.bucket("tags").key("a").tagging("project=moraine&team=st%C3%B6rage"), RequestBody.fromString("a"));
    assertThat(tagsOf("tags", "a", null)).containsExactlyInAnyOrderEntriesOf(Map.of("project", "moraine", "team", "störage"));
    assertThat(s3.headObject(b -> b.bucket("tags").key("a")).tagCount()).isEqualTo(2);
    assertThat(s3.getObject(b -> b.bucket("tags").key("a")).response().tagCount()).isEqualTo(2);

    s3.copyObject(b -> b.sourceBucket("tags").sourceKey("a").destinationBucket("tags").destinationKey("copied"));
    assertThat(tagsOf("tags", "copied", null)).containsEntry("project", "moraine").hasSize(2);
    s3.copyObject(b -> b.sourceBucket("tags").sourceKey("a").destinationBucket("tags").destinationKey("replaced")
        .taggingDirective(TaggingDirective.REPLACE).tagging("only=one"));
    assertThat(tagsOf("tags", "replaced", null)).containsExactlyEntriesOf(Map.of("only", "one"));

    String upload = s3.createMultipartUpload(b -> b.bucket("tags").key("mp").tagging("kind=multipart")).uploadId();
    String etag = s3.uploadPart(b -> b.bucket("tags").key("mp").uploadId(upload).partNumber(1), RequestBody.fromString("p")).eTag();
    s3.completeMultipartUpload(b -> b.bucket("tags").key("mp").uploadId(upload)
        .multipartUpload(m -> m.parts(p -> p.partNumber(1).eTag(etag))));
    assertThat(tagsOf("tags", "mp", null)).containsExactlyEntriesOf(Map.of("kind", "multipart"));

    s3.putObject(b -> b.bucket("tags").key("plain"), RequestBody.fromString("p"));
    assertThat(s3.headObject(b -> b.bucket("tags").key("plain")).tagCount()).isNull();
    assertThat(tagsOf("tags", "plain", null)).isEmpty();
  }

  @Test
  void putGetDeleteByVersion() {
    s3.createBucket(b -> b.bucket("tags-versioned"));
    s3.putBucketVersioning(b -> b.bucket("tags-versioned").versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
    String v1 = s3.putObject(b -> b.bucket("tags-versioned").key("k"), RequestBody.fromString("1")).versionId();
    String v2 = s3.putObject(b -> b.bucket("tags-versioned").key("k"), RequestBody.fromString("2")).versionId();
    var put = s3.putObjectTagging(b -> b.bucket("tags-versioned").key("k").versionId(v1)
        .tagging(t -> t.tagSet(tag("old", "yes"))));
    assertThat(put.versionId()).isEqualTo(v1);
    s3.putObjectTagging(b -> b.bucket("tags-versioned").key("k").tagging(t -> t.tagSet(tag("new", "yes"))));
    assertThat(tagsOf("tags-versioned", "k", v1)).containsExactlyEntriesOf(Map.of("old", "yes"));
    assertThat(tagsOf("tags-versioned", "k", v2)).containsExactlyEntriesOf(Map.of("new", "yes"));
    assertThat(s3.getObjectTagging(b -> b.bucket("tags-versioned").key("k")).versionId()).isEqualTo(v2);
    s3.deleteObjectTagging(b -> b.bucket("tags-versioned").key("k").versionId(v1));
    assertThat(tagsOf("tags-versioned", "k", v1)).isEmpty();
    assertThat(tagsOf("tags-versioned", "k", v2)).hasSize(1);
    refused(() -> s3.getObjectTagging(b -> b.bucket("tags-versioned").key("nope")), 404, "NoSuchKey");
    String gone = s3.putObject(b -> b.bucket("tags-versioned").key("k"), RequestBody.fromString("3")).versionId();
    s3.deleteObject(b -> b.bucket("tags-versioned").key("k").versionId(gone));
    refused(() -> s3.getObjectTagging(b -> b.bucket("tags-versioned").key("k").versionId(gone)), 404, "NoSuchVersion");
  }

  @Test
  void limitsAndBadTags() {
    s3.putObject(b -> b.bucket("tags").key("limits").tagging("keep=me"), RequestBody.fromString("x"));
    List<Tag> eleven = new ArrayList<>();
    for (int i = 0; i < 11; i++) {
      eleven.add(tag("k" + i, "v"));
    }
    refused(() -> s3.putObjectTagging(b -> b.bucket("tags").key("limits").tagging(t -> t.tagSet(eleven))), 400, "BadRequest");
    refused(() -> s3.putObjectTagging(b -> b.bucket("tags").key("limits").tagging(t -> t.tagSet(tag("k".repeat(129), "v")))),
        400, "InvalidTag");
    refused(() -> s3.putObjectTagging(b -> b.bucket("tags").key("limits").tagging(t -> t.tagSet(tag("k", "v".repeat(257))))),
        400, "InvalidTag");
    refused(() -> s3.putObjectTagging(b -> b.bucket("tags").key("limits").tagging(t -> t.tagSet(tag("aws:created", "v")))),
        400, "InvalidTag");
    refused(() -> s3.putObjectTagging(b -> b.bucket("tags").key("limits").tagging(t -> t.tagSet(tag("d", "1"), tag("d", "2")))),
        400, "InvalidTag");
    refused(() -> s3.putObject(b -> b.bucket("tags").key("limits2").tagging("a=1&a=2"), RequestBody.fromString("x")),
        400, "InvalidArgument");
    // 128 and 256 Unicode characters are fine, not bytes.
    s3.putObjectTagging(b -> b.bucket("tags").key("limits").tagging(t -> t.tagSet(tag("ü".repeat(128), "é".repeat(256)))));
    assertThat(tagsOf("tags", "limits", null)).containsOnlyKeys("ü".repeat(128));
  }

  @Test
  void bucketTagging() {
    s3.createBucket(b -> b.bucket("tags-bucket"));
    refused(() -> s3.getBucketTagging(b -> b.bucket("tags-bucket")), 404, "NoSuchTagSet");
    s3.putBucketTagging(b -> b.bucket("tags-bucket").tagging(t -> t.tagSet(tag("cost-center", "42"), tag("env", "prod"))));
    assertThat(s3.getBucketTagging(b -> b.bucket("tags-bucket")).tagSet()).containsExactly(tag("cost-center", "42"), tag("env", "prod"));
    List<Tag> many = new ArrayList<>();
    for (int i = 0; i < 51; i++) {
      many.add(tag("k" + i, "v"));
    }
    refused(() -> s3.putBucketTagging(b -> b.bucket("tags-bucket").tagging(t -> t.tagSet(many))), 400, "InvalidTag");
    s3.deleteBucketTagging(b -> b.bucket("tags-bucket"));
    refused(() -> s3.getBucketTagging(b -> b.bucket("tags-bucket")), 404, "NoSuchTagSet");
  }

  /** s3:ExistingObjectTag: a bucket policy shares only the objects tagged for it. */
  @Test
  void policiesSeeExistingObjectTags() {
    s3.createBucket(b -> b.bucket("tags-policy"));
    s3.putObject(b -> b.bucket("tags-policy").key("shared").tagging("share=yes"), RequestBody.fromString("s"));
    s3.putObject(b -> b.bucket("tags-policy").key("kept"), RequestBody.fromString("k"));
    s3.putBucketPolicy(b -> b.bucket("tags-policy").policy("""
        {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::%s:root"},
         "Action":"s3:GetObject","Resource":"arn:aws:s3:::tags-policy/*",
         "Condition":{"StringEquals":{"s3:ExistingObjectTag/share":"yes"}}}]}""".formatted(otherAccount.awsAccountId())));
    assertThat(other.getObjectAsBytes(b -> b.bucket("tags-policy").key("shared")).asUtf8String()).isEqualTo("s");
    refused(() -> other.getObjectAsBytes(b -> b.bucket("tags-policy").key("kept")), 403, "AccessDenied");
    s3.deleteObjectTagging(b -> b.bucket("tags-policy").key("shared"));
    refused(() -> other.getObjectAsBytes(b -> b.bucket("tags-policy").key("shared")), 403, "AccessDenied");
    // Tagging someone else's object is not theirs to do.
    refused(() -> other.putObjectTagging(b -> b.bucket("tags-policy").key("kept").tagging(t -> t.tagSet(tag("share", "yes")))),
        403, "AccessDenied");
    assertThat(tagsOf("tags-policy", "kept", null)).isEmpty();
  }
}
