package io.moraine.gateway.website;

import io.moraine.gateway.access.Access;
import io.moraine.gateway.access.BucketView;
import io.moraine.gateway.access.S3Action;
import io.moraine.gateway.error.S3Error;
import io.moraine.gateway.error.S3Errors;
import io.moraine.gateway.error.S3Exception;
import io.moraine.gateway.http.S3Request;
import io.moraine.gateway.http.S3Response;
import io.moraine.gateway.object.ObjectApi;
import io.moraine.metadata.api.MetadataClient;
import io.moraine.metadata.api.ObjectVersion;
import io.moraine.proto.config.v1.WebsiteConfiguration;
import io.moraine.proto.config.v1.WebsiteRedirect;
import io.moraine.proto.config.v1.WebsiteRoutingRule;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The website endpoint ({@code BUCKET.s3-website.DOMAIN}, {@code BUCKET.s3-website-REGION.DOMAIN}),
 * with the REST-versus-website differences of the S3 User Guide ("Website endpoints"): GET and
 * HEAD only, every request anonymous (public content only), index documents for the root and for
 * "folders" ({@code docs/} serves {@code docs/index.html}, {@code docs} redirects to
 * {@code docs/} with 302), routing-rule and whole-site redirects, object redirects
 * ({@code x-amz-website-redirect-location}, 301), and HTML errors — the bucket's error document
 * when it has one, served with the error's status.
 */
public final class WebsiteEndpoint {
  private final MetadataClient metadata;
  private final Access access;
  private final ObjectApi objects;
  private final java.util.function.Supplier<String> hostId;

  public WebsiteEndpoint(MetadataClient metadata, Access access, ObjectApi objects,
      java.util.function.Supplier<String> hostId) {
    this.metadata = metadata;
    this.access = access;
    this.objects = objects;
    this.hostId = hostId;
  }

  public void serve(S3Request signed, S3Response out, boolean head) throws IOException {
    String bucket = signed.bucket();
    String key = signed.key() == null ? "" : signed.key();
    S3Request r = signed.anonymousFor(key.isEmpty() ? null : key);
    try {
      if (!r.method().equals("GET") && !r.method().equals("HEAD")) {
        throw new S3Exception(new S3Error.MethodNotAllowed(null));
      }
      BucketView b = access.resolve(bucket);
      WebsiteConfiguration site = b.config(WebsiteConfigs.KIND, WebsiteConfigs::decode)
          .orElseThrow(() -> new S3Exception(new S3Error.NoSuchWebsiteConfiguration(null)));
      if (b.requesterPays()) {
        throw new S3Exception(new S3Error.AccessDenied("Requester pays buckets are not served by the website endpoint"));
      }
      if (site.hasRedirectAll()) {
        redirect(out, 301, site.getRedirectAll().getProtocol(), site.getRedirectAll().getHostName(), key, r);
        return;
      }
      for (WebsiteRoutingRule rule : site.getRoutingRulesList()) {
        if (rule.getHttpErrorCodeReturnedEquals().isEmpty() && prefixMatches(rule, key)) {
          ruleRedirect(out, rule, key, r);
          return;
        }
      }
      String target = key.isEmpty() || key.endsWith("/") ? key + site.getIndexSuffix() : key;
      Optional<ObjectVersion> v = live(bucket, target);
      if (v.isEmpty() && !key.isEmpty() && !key.endsWith("/") && live(bucket, key + "/" + site.getIndexSuffix()).isPresent()) {
        out.header("Location", "/" + key + "/").empty(302);
        return;
      }
      S3Error error = null;
      if (v.isEmpty()) {
        error = new S3Error.NoSuchKey(null);
      } else if (!access.allowed(r, S3Action.GetObject, b, target, v.get())) {
        error = new S3Error.AccessDenied(null);
      }
      if (error != null) {
        failOver(out, r, b, site, key, error, head);
        return;
      }
      String location = v.get().headers().get("x-amz-website-redirect-location");
      if (location != null) {
        out.header("Location", location).empty(301);
        return;
      }
      objects.get(r.anonymousFor(target), out, bucket, target, head);
    } catch (S3Exception e) {
      html(out, e.error(), bucket, key, r.requestId());
    }
  }

  /** An error on a key: a routing rule for its status, else the error document, else S3's HTML page. */
  private void failOver(S3Response out, S3Request r, BucketView b, WebsiteConfiguration site, String key, S3Error error,
      boolean head) throws IOException {
    String status = Integer.toString(S3Errors.describe(error).httpStatus());
    for (WebsiteRoutingRule rule : site.getRoutingRulesList()) {
      if (rule.getHttpErrorCodeReturnedEquals().equals(status) && prefixMatches(rule, key)) {
        ruleRedirect(out, rule, key, r);
        return;
      }
    }
    if (!site.getErrorKey().isEmpty()) {
      Optional<ObjectVersion> doc = live(b.name(), site.getErrorKey());
      if (doc.isPresent() && access.allowed(r, S3Action.GetObject, b, site.getErrorKey(), doc.get())) {
        out.forceStatus(Integer.parseInt(status));
        objects.get(r.anonymousFor(site.getErrorKey()), out, b.name(), site.getErrorKey(), head);
        return;
      }
    }
    throw new S3Exception(error);
  }

  private Optional<ObjectVersion> live(String bucket, String key) {
    return metadata.getObject(bucket, key).filter(v -> !v.deleteMarker());
  }

  private static boolean prefixMatches(WebsiteRoutingRule rule, String key) {
    return !rule.getHasKeyPrefixCondition() || key.startsWith(rule.getKeyPrefixEquals());
  }

  private static void ruleRedirect(S3Response out, WebsiteRoutingRule rule, String key, S3Request r) throws IOException {
    WebsiteRedirect x = rule.getRedirect();
    String newKey = key;
    if (!x.getReplaceKeyWith().isEmpty()) {
      newKey = x.getReplaceKeyWith();
    } else if (x.getHasReplaceKeyPrefixWith() && key.startsWith(rule.getKeyPrefixEquals())) {
      newKey = x.getReplaceKeyPrefixWith() + key.substring(rule.getKeyPrefixEquals().length());
    }
    int code = x.getHttpRedirectCode().isEmpty() ? 301 : Integer.parseInt(x.getHttpRedirectCode());
    redirect(out, code, x.getProtocol(), x.getHostName(), newKey, r);
  }

  private static void redirect(S3Response out, int code, String protocol, String host, String key, S3Request r)
      throws IOException {
    String scheme = protocol.isEmpty() ? (r.secure() ? "https" : "http") : protocol;
    String h = host.isEmpty() ? r.header("host").orElse("") : host;
    out.header("Location", scheme + "://" + h + "/" + key).empty(code);
  }

  /** S3's HTML error page of the website endpoint. */
  private void html(S3Response out, S3Error error, String bucket, String key, String requestId) throws IOException {
    S3Errors.Described d = S3Errors.describe(error);
    String title = d.httpStatus() + " " + switch (d.httpStatus()) {
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      default -> d.httpStatus() >= 500 ? "Internal Server Error" : "Bad Request";
    };
    StringBuilder b = new StringBuilder("<html>\n<head><title>").append(title).append("</title></head>\n<body>\n<h1>")
        .append(title).append("</h1>\n<ul>\n");
    item(b, "Code", d.code());
    item(b, "Message", d.message());
    if (error instanceof S3Error.NoSuchBucket || error instanceof S3Error.NoSuchWebsiteConfiguration) {
      item(b, "BucketName", bucket);
    } else if (error instanceof S3Error.NoSuchKey) {
      item(b, "Key", key);
    }
    item(b, "RequestId", requestId);
    item(b, "HostId", hostId.get());
    b.append("</ul>\n<hr/>\n</body>\n</html>\n");
    out.forceStatus(-1);
    out.body(d.httpStatus(), "text/html; charset=utf-8", b.toString().getBytes(StandardCharsets.UTF_8));
  }

  private static void item(StringBuilder b, String name, String value) {
    b.append("<li>").append(name).append(": ").append(escape(value)).append("</li>\n");
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
