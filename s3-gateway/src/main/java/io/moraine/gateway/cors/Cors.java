package io.moraine.gateway.cors;

import io.moraine.gateway.access.Access;
import io.moraine.gateway.access.BucketView;
import io.moraine.gateway.error.S3Error;
import io.moraine.gateway.error.S3Exception;
import io.moraine.gateway.http.ResponseDecorator;
import io.moraine.gateway.http.S3Request;
import io.moraine.gateway.http.S3Response;
import io.moraine.proto.config.v1.CorsConfiguration;
import io.moraine.proto.config.v1.CorsRule;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * CORS on the wire: preflight {@code OPTIONS} requests answered by the bucket's first matching
 * rule (S3's 403 otherwise), and the {@code Access-Control-*} and {@code Vary} headers on
 * actual requests that carry an {@code Origin} a rule allows. Preflights need no signature; the
 * headers on actual requests are added before the operation runs, so errors carry them too.
 */
public final class Cors implements ResponseDecorator {
  private final Access access;

  public Cors(Access access) {
    this.access = access;
  }

  /** Answers {@code OPTIONS /bucket[/key]}. */
  public void preflight(S3Request r, S3Response out, String bucket) throws IOException {
    String origin = r.header("origin").orElseThrow(() -> new S3Exception(new S3Error.BadRequest(
        "Insufficient information. Origin request header needed.")));
    String method = r.header("access-control-request-method").map(String::strip).orElseThrow(
        () -> new S3Exception(new S3Error.BadRequest("Invalid Access-Control-Request-Method: null")));
    List<String> requested = r.header("access-control-request-headers").map(Cors::split).orElse(List.of());
    BucketView b = access.resolve(bucket);
    CorsConfiguration config = b.config(CorsRules.KIND, CorsRules::decode).orElseThrow(
        () -> new S3Exception(new S3Error.CORSResponse("CORSResponse: CORS is not enabled for this bucket.")));
    CorsRule rule = CorsRules.match(config, origin, method, requested)
        .orElseThrow(() -> new S3Exception(new S3Error.CORSResponse(null)));
    allow(out, rule, origin);
    if (!requested.isEmpty()) {
      out.header("Access-Control-Allow-Headers", String.join(", ", requested));
    }
    out.header("Vary", "Origin, Access-Control-Request-Headers, Access-Control-Request-Method");
    out.empty(200);
  }

  /** Adds the CORS headers of an actual request with an allowed {@code Origin}. */
  @Override
  public void decorate(S3Request r, S3Response out) {
    Optional<String> origin = r.header("origin");
    if (origin.isEmpty() || r.bucket() == null) {
      return;
    }
    BucketView b;
    try {
      b = access.resolve(r, r.bucket());
    } catch (S3Exception noSuchBucket) {
      return; // the operation answers it
    }
    Optional<CorsConfiguration> config = b.config(CorsRules.KIND, CorsRules::decode);
    if (config.isEmpty()) {
      return;
    }
    CorsRules.match(config.get(), origin.get(), r.method(), List.of()).ifPresent(rule -> {
      allow(out, rule, origin.get());
      both(out, "Vary", "Origin, Access-Control-Request-Headers, Access-Control-Request-Method");
    });
  }

  private static void allow(S3Response out, CorsRule rule, String origin) {
    boolean anyOrigin = rule.getAllowedOriginsList().contains("*");
    both(out, "Access-Control-Allow-Origin", anyOrigin ? "*" : origin);
    both(out, "Access-Control-Allow-Methods", String.join(", ", rule.getAllowedMethodsList()));
    if (!anyOrigin) {
      both(out, "Access-Control-Allow-Credentials", "true");
    }
    if (rule.getExposeHeadersCount() > 0) {
      both(out, "Access-Control-Expose-Headers", String.join(", ", rule.getExposeHeadersList()));
    }
    if (rule.getMaxAgeSeconds() >= 0) {
      both(out, "Access-Control-Max-Age", Long.toString(rule.getMaxAgeSeconds()));
    }
  }

  private static void both(S3Response out, String name, String value) {
    out.header(name, value);
    out.headerOnError(name, value);
  }

  private static List<String> split(String headers) {
    return Arrays.stream(headers.split(",")).map(String::strip).filter(h -> !h.isEmpty()).toList();
  }
}
