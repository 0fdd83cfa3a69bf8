package io.moraine.gateway.iam;

import io.moraine.gateway.auth.AwsUris;
import io.moraine.gateway.error.S3Error;
import io.moraine.gateway.error.S3Errors;
import io.moraine.gateway.http.Bodies;
import io.moraine.gateway.http.S3Request;
import io.moraine.gateway.http.S3Response;
import io.moraine.gateway.xml.XmlWriter;
import io.moraine.metadata.api.MetadataException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The AWS query protocol shared by IAM and STS: parameters from the form-encoded body and the
 * query string, {@code <ActionResponse><ActionResult>…</ActionResult><ResponseMetadata>} replies
 * in the service's namespace, and {@code <ErrorResponse>} errors.
 */
final class QueryApi {
  private static final int MAX_BODY_BYTES = 256 * 1024;

  private QueryApi() {}

  /** A request's parameters (body first, then the query string, as the query protocol allows both). */
  static Map<String, String> params(S3Request r) throws IOException {
    Map<String, String> p = new LinkedHashMap<>();
    for (AwsUris.QueryParam q : r.signed().query()) {
      p.putIfAbsent(q.name(), q.value());
    }
    byte[] body = Bodies.readSmall(r, MAX_BODY_BYTES);
    if (body.length > 0) {
      // application/x-www-form-urlencoded: '+' is a space here.
      for (String pair : new String(body, StandardCharsets.UTF_8).strip().split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        try {
          p.put(java.net.URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
              eq < 0 ? "" : java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
          throw new IamException("MalformedQueryString", 400, "The query string is malformed");
        }
      }
    }
    return p;
  }

  static String required(Map<String, String> p, String name) {
    String v = p.get(name);
    if (v == null || v.isEmpty()) {
      throw IamException.validation("1 validation error detected: Value null at '" + Character.toLowerCase(name.charAt(0))
          + name.substring(1) + "' failed to satisfy constraint: Member must not be null");
    }
    return v;
  }

  static Optional<String> optional(Map<String, String> p, String name) {
    return Optional.ofNullable(p.get(name)).filter(v -> !v.isEmpty());
  }

  static void reply(S3Response out, String namespace, String action, String requestId, Consumer<XmlWriter> result)
      throws IOException {
    XmlWriter w = new XmlWriter().startRoot(action + "Response", namespace);
    if (result != null) {
      w.start(action + "Result");
      result.accept(w);
      w.end(action + "Result");
    }
    w.start("ResponseMetadata").element("RequestId", requestId).end("ResponseMetadata").end(action + "Response");
    out.body(200, "text/xml", w.toBytes());
  }

  static void error(S3Response out, String namespace, IamException e, String requestId) throws IOException {
    XmlWriter w = new XmlWriter().startRoot("ErrorResponse", namespace).start("Error")
        .element("Type", e.sender() ? "Sender" : "Receiver").element("Code", e.code())
        .element("Message", e.getMessage()).end("Error").element("RequestId", requestId).end("ErrorResponse");
    out.body(e.status(), "text/xml", w.toBytes());
  }

  /** An authentication failure (or another S3-side error) in the query protocol's words. */
  static IamException fromS3(S3Error error) {
    S3Errors.Described d = S3Errors.describe(error);
    return switch (error) {
      case S3Error.InvalidAccessKeyId e -> new IamException("InvalidClientTokenId", 403,
          "The security token included in the request is invalid.");
      case S3Error.InvalidToken e -> new IamException("InvalidClientTokenId", 403,
          "The security token included in the request is invalid.");
      case S3Error.ExpiredToken e -> new IamException("ExpiredToken", 400, "The security token included in the request is expired");
      case S3Error.SignatureDoesNotMatch e -> new IamException("SignatureDoesNotMatch", 403, d.message());
      case S3Error.AccessDenied e -> new IamException("AccessDenied", 403, d.message());
      case S3Error.RequestTimeTooSkewed e -> new IamException("RequestExpired", 400, d.message());
      case S3Error.AuthorizationHeaderMalformed e -> new IamException("IncompleteSignature", 400, d.message());
      case S3Error.AuthorizationQueryParametersError e -> new IamException("IncompleteSignature", 400, d.message());
      default -> new IamException(d.code(), d.httpStatus(), d.message());
    };
  }

  static IamException fromMetadata(MetadataException e) {
    return IamException.fromMetadata(e.error(), e.getMessage());
  }

  /** Runs one action, turning metadata and S3-side failures into the query protocol's errors. */
  static void run(S3Response out, String namespace, String requestId, Action action) throws IOException {
    try {
      action.run();
    } catch (MetadataException e) {
      error(out, namespace, fromMetadata(e), requestId);
    } catch (io.moraine.gateway.error.S3Exception e) {
      error(out, namespace, fromS3(e.error()), requestId);
    } catch (IamException e) {
      error(out, namespace, e, requestId);
    }
  }

  @FunctionalInterface
  interface Action {
    void run() throws IOException;
  }

  static String iso(long millis) {
    return java.time.Instant.ofEpochMilli(millis).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
  }
}
