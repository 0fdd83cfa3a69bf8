package io.moraine.gateway.tagging;

import io.moraine.gateway.access.Access;
import io.moraine.gateway.access.BucketView;
import io.moraine.gateway.access.S3Action;
import io.moraine.gateway.error.S3Error;
import io.moraine.gateway.error.S3Exception;
import io.moraine.gateway.http.S3Request;
import io.moraine.metadata.api.ObjectVersion;
import io.moraine.metadata.api.Subresources;
import java.util.Map;
import java.util.Optional;

/**
 * The tags a new object starts with: {@code x-amz-tagging} on PutObject and
 * CreateMultipartUpload (which also needs s3:PutObjectTagging, as in S3); on CopyObject the
 * source's tags unless {@code x-amz-tagging-directive: REPLACE} takes the header's.
 */
public final class WriteTags {
  private WriteTags() {}

  /** {@code base} (the new object's other sub-resources) with its tags; {@code source} for copies. */
  public static Subresources apply(Access access, S3Request r, BucketView b, String key, Subresources base,
      ObjectVersion source) {
    Optional<Map<String, String>> tags;
    if (source != null) {
      String directive = r.header("x-amz-tagging-directive").map(String::strip).orElse("COPY");
      tags = switch (directive) {
        case "COPY" -> source.subresources().get(Tags.KIND).map(Tags::decode);
        case "REPLACE" -> Tags.fromHeader(r.header("x-amz-tagging"));
        default -> throw new S3Exception(new S3Error.InvalidArgument("Unknown tagging directive."));
      };
    } else {
      tags = Tags.fromHeader(r.header("x-amz-tagging"));
      if (tags.isPresent()) {
        access.object(r, S3Action.PutObjectTagging, b, key, null);
      }
    }
    return tags.isEmpty() || tags.get().isEmpty() ? base : base.with(Tags.KIND, Tags.encode(tags.get()));
  }

  /** The {@code x-amz-tagging-count} header of GET and HEAD, when the version has tags. */
  public static Optional<String> count(ObjectVersion v) {
    return v.subresources().get(Tags.KIND).map(Tags::decode).filter(t -> !t.isEmpty()).map(t -> Integer.toString(t.size()));
  }
}
