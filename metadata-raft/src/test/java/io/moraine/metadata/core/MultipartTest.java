package io.moraine.metadata.core;

import static io.moraine.metadata.api.MetadataError.ENTITY_TOO_SMALL;
import static io.moraine.metadata.api.MetadataError.INVALID_PART;
import static io.moraine.metadata.api.MetadataError.INVALID_PART_ORDER;
import static io.moraine.metadata.api.MetadataError.NO_SUCH_BUCKET;
import static io.moraine.metadata.api.MetadataError.NO_SUCH_UPLOAD;
import static io.moraine.metadata.core.CoreHarness.complete;
import static io.moraine.metadata.core.CoreHarness.createBucket;
import static io.moraine.metadata.core.CoreHarness.createUpload;
import static io.moraine.metadata.core.CoreHarness.put;
import static io.moraine.metadata.core.CoreHarness.putPart;
import static io.moraine.metadata.core.CoreHarness.segments;
import static org.assertj.core.api.Assertions.assertThat;

import io.moraine.metadata.api.MetadataError;
import io.moraine.proto.meta.v1.AbortMultipartUpload;
import io.moraine.proto.meta.v1.LayoutRecord;
import io.moraine.proto.meta.v1.ListMultipartUploads;
import io.moraine.proto.meta.v1.ListParts;
import io.moraine.proto.meta.v1.MetaRequest;
import io.moraine.proto.meta.v1.PartRecord;
import io.moraine.proto.meta.v1.SegmentRecord;
import io.moraine.proto.meta.v1.Segments;
import io.moraine.proto.meta.v1.UploadRecord;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * CompleteMultipartUpload (S3 API reference: InvalidPart, InvalidPartOrder, EntityTooSmall,
 * NoSuchUpload; ETag = md5 of the concatenated binary part md5s, "-" part count).
 */
class MultipartTest {
  // md5("part-1"), md5("part-2"), md5("part-3")
  static final String E1 = "78429f7462d636a84d9c922f495599c5";
  static final String E2 = "bca7c72402361f2a3af235b051ce87f4";
  static final String E3 = "6d063ffc152b9b78c048d4f25a3ff703";
  static final long MIN = 5L << 20;

  final CoreHarness h = new CoreHarness();

  @BeforeEach
  void upload() {
    h.ok(createBucket("o", "bk"));
    h.ok(createUpload("bk", "big", "u1"));
    h.ok(putPart("bk", "big", "u1", 1, MIN, E1, segments("p1")));
    h.ok(putPart("bk", "big", "u1", 2, MIN, E2, segments("p2")));
    h.ok(putPart("bk", "big", "u1", 3, 7, E3, segments("p3")));
  }

  static Stream<Arguments> failures() {
    return Stream.of(
        Arguments.of("empty part list", complete("bk", "big", "u1", MIN), INVALID_PART),
        Arguments.of("part never uploaded", complete("bk", "big", "u1", MIN, 1, E1, 4, E1), INVALID_PART),
        Arguments.of("etag mismatch", complete("bk", "big", "u1", MIN, 1, E1, 2, E3), INVALID_PART),
        Arguments.of("descending", complete("bk", "big", "u1", MIN, 2, E2, 1, E1), INVALID_PART_ORDER),
        Arguments.of("duplicate", complete("bk", "big", "u1", MIN, 1, E1, 1, E1), INVALID_PART_ORDER),
        Arguments.of("small non-last part", complete("bk", "big", "u1", MIN, 1, E1, 3, E3, 2, E2), INVALID_PART_ORDER),
        Arguments.of("small middle part", complete("bk", "big", "u1", MIN + 1, 1, E1, 2, E2, 3, E3), ENTITY_TOO_SMALL),
        Arguments.of("unknown upload", complete("bk", "big", "u2", MIN, 1, E1), NO_SUCH_UPLOAD),
        Arguments.of("other key", complete("bk", "other", "u1", MIN, 1, E1), NO_SUCH_UPLOAD),
        Arguments.of("unknown bucket", complete("nope", "big", "u1", MIN, 1, E1), NO_SUCH_BUCKET));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("failures")
  void completeFailuresChangeNothing(String name, MetaRequest.Builder request, MetadataError expected) {
    assertThat(h.error(request)).isEqualTo(expected);
    assertThat(h.query(listParts()).getParts().getPartsCount()).isEqualTo(3);
  }

  @Test
  void smallNonLastPartIsTooSmall() {
    h.ok(createUpload("bk", "k2", "u2"));
    h.ok(putPart("bk", "k2", "u2", 1, 7, E1, segments("q1")));
    h.ok(putPart("bk", "k2", "u2", 2, MIN, E2, segments("q2")));
    assertThat(h.error(complete("bk", "k2", "u2", MIN, 1, E1, 2, E2))).isEqualTo(ENTITY_TOO_SMALL);
    // A single small part is fine: it is the last one.
    h.ok(complete("bk", "k2", "u2", MIN, 1, E1));
  }

  @Test
  void completeBuildsTheObjectWithTheS3MultipartEtag() {
    var r = h.ok(complete("bk", "big", "u1", MIN, 1, "\"" + E1 + "\"", 2, E2.toUpperCase(), 3, E3)).getComplete();
    var o = r.getCommitted();
    assertThat(o.getEtag()).isEqualTo("5cc5d14cf6f197a202f6c885586d9ca7-3");
    assertThat(o.getSize()).isEqualTo(2 * MIN + 7);
    assertThat(o.getPartCount()).isEqualTo(3);
    assertThat(o.getLastModifiedMillis()).isEqualTo(1000 * h.index);
    assertThat(o.getLayout().getSegments().getSegmentsList()).extracting(SegmentRecord::getDataId).containsExactly("p1", "p2", "p3");
    assertThat(r.getUnusedPartsList()).isEmpty();
    assertThat(r.hasReplaced()).isFalse();
    assertThat(h.queryError(listParts())).isEqualTo(NO_SUCH_UPLOAD);
    assertThat(h.store.get(Keys.part("bk", "big", "u1", 1))).isNull();
  }

  /**
   * Issue 12 item 6: a Complete repeated after it went through (the client never saw the first
   * reply) answers the version it produced, as S3 and Ceph RGW do, not NoSuchUpload; and changes
   * nothing. A different part list, another upload id, or a key overwritten since stay NoSuchUpload.
   */
  @Test
  void aRepeatedCompleteAnswersTheVersionItProduced() {
    var first = h.ok(complete("bk", "big", "u1", MIN, 1, E1, 2, E2, 3, E3)).getComplete();
    assertThat(first.getCommitted().getCompletedUploadId()).isEqualTo("u1");
    var again = h.ok(complete("bk", "big", "u1", MIN, 1, "\"" + E1 + "\"", 2, E2, 3, E3)).getComplete();
    assertThat(again.getCommitted()).isEqualTo(first.getCommitted());
    assertThat(again.hasReplaced()).isFalse();
    assertThat(again.getUnusedPartsList()).isEmpty();
    assertThat(h.error(complete("bk", "big", "u1", MIN, 1, E1, 2, E2))).isEqualTo(NO_SUCH_UPLOAD);
    assertThat(h.error(complete("bk", "big", "u9", MIN, 1, E1, 2, E2, 3, E3))).isEqualTo(NO_SUCH_UPLOAD);
    h.ok(put("bk", "big", "newer"));
    assertThat(h.error(complete("bk", "big", "u1", MIN, 1, E1, 2, E2, 3, E3))).isEqualTo(NO_SUCH_UPLOAD);
  }

  @Test
  void unusedPartsAreReturnedForCollectionAndTheOldVersionReplaced() {
    var old = h.ok(put("bk", "big", "old")).getPutObject().getCommitted();
    var r = h.ok(complete("bk", "big", "u1", MIN, 1, E1, 3, E3)).getComplete();
    assertThat(r.getCommitted().getEtag()).isEqualTo("0ff7a618726d4c4e57f8491bdf3b0ccf-2");
    assertThat(r.getUnusedPartsList()).extracting(PartRecord::getPartNumber).containsExactly(2);
    assertThat(r.getReplaced()).isEqualTo(old);
  }

  @Test
  void zeroBytePartHasNoSegments() {
    h.ok(createUpload("bk", "empty", "u0"));
    LayoutRecord none = LayoutRecord.newBuilder().setSegments(Segments.getDefaultInstance()).build();
    h.ok(putPart("bk", "empty", "u0", 1, 0, "d41d8cd98f00b204e9800998ecf8427e", none));
    var o = h.ok(complete("bk", "empty", "u0", MIN, 1, "d41d8cd98f00b204e9800998ecf8427e")).getComplete().getCommitted();
    assertThat(o.getSize()).isZero();
    assertThat(o.getLayout().hasSegments()).isTrue();
    assertThat(o.getLayout().getSegments().getSegmentsCount()).isZero();
  }

  @Test
  void reuploadingAPartReturnsTheOldOne() {
    var r = h.ok(putPart("bk", "big", "u1", 2, MIN, E3, segments("p2b"))).getPart();
    assertThat(r.getReplaced().getEtag()).isEqualTo(E2);
    assertThat(h.error(putPart("bk", "big", "nope", 1, 1, E1, segments("x")))).isEqualTo(NO_SUCH_UPLOAD);
    assertThat(h.apply(putPart("bk", "big", "u1", 10001, 1, E1, segments("x")))).isInstanceOf(ApplyResult.Invalid.class);
    assertThat(h.apply(putPart("bk", "big", "u1", 1, 1, "not-hex", segments("x")))).isInstanceOf(ApplyResult.Invalid.class);
  }

  /**
   * S3 API reference, UploadPart: "If you upload a new part using the same part number that was
   * used with a previous part, the previously uploaded part is overwritten." The previous part is
   * the attempt that began first (lower BeginPart sequence), whatever order the commits come in.
   */
  @Test
  void thePartWhoseAttemptBeganLastStaysWhicheverCommitsLast() {
    long first = begin("big", "u1");
    long second = begin("big", "u1");
    assertThat(second).isGreaterThan(first);
    // The later attempt commits first ...
    var won = h.ok(attempt(putPart("bk", "big", "u1", 1, MIN, E2, segments("late")), second)).getPart();
    assertThat(won.getSuperseded()).isFalse();
    assertThat(won.getReplaced().getEtag()).isEqualTo(E1); // the part stored by @BeforeEach (unordered, seq 0)
    // ... the earlier one commits last: nothing written, its own record handed back as garbage.
    var lost = h.ok(attempt(putPart("bk", "big", "u1", 1, MIN, E3, segments("early")), first)).getPart();
    assertThat(lost.getSuperseded()).isTrue();
    assertThat(lost.getReplaced().getEtag()).isEqualTo(E3);
    assertThat(lost.getReplaced().getLayout()).isEqualTo(segments("early"));
    PartRecord stored = h.query(listParts()).getParts().getParts(0);
    assertThat(stored.getEtag()).isEqualTo(E2);
    assertThat(stored.getAttemptSeq()).isEqualTo(second);
    // Sequential re-uploads still overwrite: a third attempt begins after both and replaces.
    long third = begin("big", "u1");
    var again = h.ok(attempt(putPart("bk", "big", "u1", 1, MIN, E1, segments("third")), third)).getPart();
    assertThat(again.getSuperseded()).isFalse();
    assertThat(again.getReplaced().getLayout()).isEqualTo(segments("late"));
    // Complete uses the part that stayed.
    h.ok(complete("bk", "big", "u1", MIN, 1, E1, 2, E2, 3, E3));
  }

  @Test
  void beginningAPartNeedsTheUploadAndWritesNothing() {
    assertThat(h.error(MetaRequest.newBuilder().setBeginPart(io.moraine.proto.meta.v1.BeginPart.newBuilder()
        .setBucket("bk").setKey("big").setUploadId("nope")))).isEqualTo(NO_SUCH_UPLOAD);
    assertThat(h.error(MetaRequest.newBuilder().setBeginPart(io.moraine.proto.meta.v1.BeginPart.newBuilder()
        .setBucket("none").setKey("big").setUploadId("u1")))).isEqualTo(NO_SUCH_BUCKET);
    var begun = h.ok(MetaRequest.newBuilder().setBeginPart(io.moraine.proto.meta.v1.BeginPart.newBuilder()
        .setBucket("bk").setKey("big").setUploadId("u1"))).getPartBegun();
    assertThat(begun.getUpload().getStorageClass()).isEqualTo("STANDARD");
    assertThat(begun.getSequence()).isEqualTo(h.index << 16); // the entry's log position, slot 0
    assertThat(h.query(listParts()).getParts().getPartsCount()).isEqualTo(3);
  }

  private long begin(String key, String uploadId) {
    return h.ok(MetaRequest.newBuilder().setBeginPart(io.moraine.proto.meta.v1.BeginPart.newBuilder()
        .setBucket("bk").setKey(key).setUploadId(uploadId))).getPartBegun().getSequence();
  }

  private static MetaRequest.Builder attempt(MetaRequest.Builder b, long seq) {
    b.getPutPartBuilder().getPartBuilder().setAttemptSeq(seq);
    return b;
  }

  @Test
  void abortReturnsPartsAndListingsFollow() {
    h.ok(createUpload("bk", "a/x", "u9"));
    h.ok(createUpload("bk", "big", "u0"));
    var all = h.query(MetaRequest.newBuilder().setListMultipartUploads(ListMultipartUploads.newBuilder().setBucket("bk")))
        .getUploads().getUploadsList();
    assertThat(all).extracting(UploadRecord::getKey, UploadRecord::getUploadId)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("a/x", "u9"), org.assertj.core.groups.Tuple.tuple("big", "u0"),
            org.assertj.core.groups.Tuple.tuple("big", "u1"));
    var prefixed = h.query(MetaRequest.newBuilder().setListMultipartUploads(ListMultipartUploads.newBuilder().setBucket("bk").setPrefix("a/")))
        .getUploads().getUploadsList();
    assertThat(prefixed).extracting(UploadRecord::getUploadId).containsExactly("u9");
    var parts = h.ok(MetaRequest.newBuilder().setAbortMultipartUpload(AbortMultipartUpload.newBuilder()
        .setBucket("bk").setKey("big").setUploadId("u1"))).getParts().getPartsList();
    assertThat(parts).extracting(PartRecord::getPartNumber).containsExactly(1, 2, 3);
    assertThat(h.error(MetaRequest.newBuilder().setAbortMultipartUpload(AbortMultipartUpload.newBuilder()
        .setBucket("bk").setKey("big").setUploadId("u1")))).isEqualTo(NO_SUCH_UPLOAD);
  }

  @Test
  void uploadListingPagesPastAThousandWithMarkers() {
    h.ok(createBucket("o", "many"));
    java.util.List<String> expected = new java.util.ArrayList<>();
    for (int i = 0; i < 1003; i++) {
      String key = String.format("p/k%04d", i / 2);
      String id = "u" + (i % 2);
      h.ok(createUpload("many", key, id));
      expected.add(key + "#" + id);
    }
    h.ok(createUpload("many", "p/d/x", "u0"));
    h.ok(createUpload("many", "p/d/y", "u0"));
    h.ok(createUpload("many", "q", "u0"));
    expected.add(0, "p/d/");
    // Everything under p/, 7 at a time with markers: each upload and the common prefix once, in order.
    java.util.List<String> seen = new java.util.ArrayList<>();
    String keyMarker = "";
    String idMarker = "";
    while (true) {
      var page = h.query(MetaRequest.newBuilder().setListMultipartUploads(ListMultipartUploads.newBuilder()
          .setBucket("many").setPrefix("p/").setDelimiter("/").setKeyMarker(keyMarker).setUploadIdMarker(idMarker)
          .setMaxUploads(7))).getUploads();
      assertThat(page.getUploadsCount() + page.getCommonPrefixesCount()).isLessThanOrEqualTo(7);
      seen.addAll(page.getCommonPrefixesList());
      page.getUploadsList().forEach(u -> seen.add(u.getKey() + "#" + u.getUploadId()));
      if (!page.getTruncated()) {
        break;
      }
      keyMarker = page.getNextKeyMarker();
      idMarker = page.getNextUploadIdMarker();
    }
    assertThat(seen).containsExactlyElementsOf(expected);
    // A page of 1000 then the rest.
    var first = h.query(MetaRequest.newBuilder().setListMultipartUploads(ListMultipartUploads.newBuilder()
        .setBucket("many").setPrefix("p/k"))).getUploads();
    assertThat(first.getUploadsCount()).isEqualTo(1000);
    assertThat(first.getTruncated()).isTrue();
    assertThat(first.getNextKeyMarker()).isEqualTo("p/k0499");
    assertThat(first.getNextUploadIdMarker()).isEqualTo("u1");
    var rest = h.query(MetaRequest.newBuilder().setListMultipartUploads(ListMultipartUploads.newBuilder()
        .setBucket("many").setPrefix("p/k").setKeyMarker(first.getNextKeyMarker())
        .setUploadIdMarker(first.getNextUploadIdMarker()))).getUploads();
    assertThat(rest.getUploadsList()).extracting(u -> u.getKey() + "#" + u.getUploadId())
        .containsExactly("p/k0500#u0", "p/k0500#u1", "p/k0501#u0");
    assertThat(rest.getTruncated()).isFalse();
    // A key marker alone skips every upload of that key; a common prefix as marker skips all under it.
    var afterKey = h.query(MetaRequest.newBuilder().setListMultipartUploads(ListMultipartUploads.newBuilder()
        .setBucket("many").setPrefix("p/k").setKeyMarker("p/k0500"))).getUploads();
    assertThat(afterKey.getUploadsList()).extracting(u -> u.getKey() + "#" + u.getUploadId()).containsExactly("p/k0501#u0");
    var afterPrefix = h.query(MetaRequest.newBuilder().setListMultipartUploads(ListMultipartUploads.newBuilder()
        .setBucket("many").setDelimiter("/").setKeyMarker("p/"))).getUploads();
    assertThat(afterPrefix.getCommonPrefixesList()).isEmpty();
    assertThat(afterPrefix.getUploadsList()).extracting(UploadRecord::getKey).containsExactly("q");
  }

  private static MetaRequest.Builder listParts() {
    return MetaRequest.newBuilder().setListParts(ListParts.newBuilder().setBucket("bk").setKey("big").setUploadId("u1"));
  }
}
