package io.moraine.gateway.http;

import io.moraine.gateway.Ids;
import io.moraine.gateway.auth.Authenticator;
import io.moraine.gateway.auth.AwsUris;
import io.moraine.gateway.auth.SignedRequest;
import io.moraine.gateway.bucket.BucketApi;
import io.moraine.gateway.error.S3Error;
import io.moraine.gateway.error.S3Errors;
import io.moraine.gateway.error.S3Exception;
import io.moraine.gateway.list.ListApi;
import io.moraine.gateway.metrics.RequestObserver;
import io.moraine.gateway.multipart.MultipartApi;
import io.moraine.gateway.object.ObjectApi;
import io.moraine.gateway.xml.S3Xml;
import io.moraine.metadata.api.MetadataException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's one Jetty handler: addressing, authentication, routing to one {@link S3Operation},
 * the dispatch switch, and the error boundary. Runs on a virtual thread per request (blocking
 * handler), so features are written as plain blocking code.
 *
 * <p>Error boundary: an {@link S3Exception} or {@link MetadataException} becomes S3 error XML;
 * anything else is logged with the request id and answered 500 InternalError without details.
 * Once response bytes are on the wire the only honest signal left is aborting the connection.
 */
public final class S3Handler extends Handler.Abstract {
  private static final Logger log = LoggerFactory.getLogger(S3Handler.class);
  private static final long DRAIN_LIMIT_BYTES = 16L * 1024 * 1024;

  private final Ids ids;
  private final Authenticator authenticator;
  private final List<String> virtualHostDomains;
  private final BucketApi buckets;
  private final ObjectApi objects;
  private final ListApi lists;
  private final MultipartApi multipart;
  private final io.moraine.gateway.version.VersioningApi versioning;
  private final SubresourceHandlers subresources;
  private final io.moraine.gateway.publicaccess.AccountPublicAccessBlockApi accountPublicAccessBlock;
  private final io.moraine.gateway.cors.Cors cors;
  private final List<ResponseDecorator> decorators;
  private final io.moraine.gateway.website.WebsiteEndpoint website;
  private final io.moraine.gateway.accelerate.AccelerateEndpoint accelerate;
  private final io.moraine.gateway.post.PostObjectApi postObject;
  private final java.util.Map<String, ServiceApi> services;

  public S3Handler(Ids ids, Authenticator authenticator, List<String> virtualHostDomains, Apis apis) {
    super(InvocationType.BLOCKING);
    this.ids = ids;
    this.authenticator = authenticator;
    this.virtualHostDomains = List.copyOf(virtualHostDomains);
    this.buckets = apis.buckets();
    this.objects = apis.objects();
    this.lists = apis.lists();
    this.multipart = apis.multipart();
    this.versioning = apis.versioning();
    this.subresources = apis.subresources();
    this.accountPublicAccessBlock = apis.accountPublicAccessBlock();
    this.cors = apis.cors();
    this.decorators = apis.decorators();
    this.website = apis.website();
    this.accelerate = apis.accelerate();
    this.postObject = apis.postObject();
    java.util.TreeMap<String, ServiceApi> byName = new java.util.TreeMap<>();
    for (ServiceApi api : apis.services()) {
      if (byName.put(api.service(), api) != null || api.service().equals("s3")) {
        throw new IllegalArgumentException("service " + api.service() + " registered twice or shadowing s3");
      }
    }
    this.services = java.util.Collections.unmodifiableMap(byName);
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    String requestId = ids.requestId();
    // Every line logged while this thread serves the request carries its id (docs/monitoring.md).
    org.slf4j.MDC.put("request_id", requestId);
    try {
      return serve(request, response, callback, requestId);
    } finally {
      org.slf4j.MDC.remove("request_id");
    }
  }

  private boolean serve(Request request, Response response, Callback callback, String requestId) {
    response.getHeaders().put("x-amz-request-id", requestId);
    response.getHeaders().put("x-amz-id-2", ids.hostId());
    response.getHeaders().put("Server", "Moraine");
    boolean head = request.getMethod().equals("HEAD");
    S3Response out = new S3Response(response, head);
    String resource = "/";
    InputStream body = Content.Source.asInputStream(request);
    ServiceApi service = null;
    try {
      S3Request r = parse(request, requestId, body);
      observed(request, r);
      service = services.get(Authenticator.scopeService(r.signed()));
      if (service != null) {
        request.setAttribute(RequestObserver.OPERATION, service.service());
        r = withPayloadHash(r, body);
        r.authenticated(authenticator.authenticate(r.signed(), service.service(), service.signingRegion()));
        service.handle(r, out);
        out.finish();
        callback.succeeded();
        return true;
      }
      resource = r.resource();
      if (r.website() && r.bucket() != null) {
        request.setAttribute(RequestObserver.OPERATION, "Website");
        website.serve(r, out, head); // anonymous, HTML errors: the website endpoint's own rules
        out.finish();
        callback.succeeded();
        return true;
      }
      r.authenticated(authenticator.authenticate(r.signed(), r.bucket()));
      if (r.endpoint() == S3Request.Endpoint.ACCELERATE) {
        accelerate.check(r);
      }
      request.setAttribute(RequestObserver.CALLER, caller(r));
      if (r.accountName() != null) {
        request.setAttribute(RequestObserver.ACCOUNT, r.accountName());
      }
      S3Operation op = Router.route(r);
      request.setAttribute(RequestObserver.OPERATION, OperationNames.of(op));
      if (!(op instanceof S3Operation.Preflight)) {
        for (ResponseDecorator d : decorators) {
          d.decorate(r, out);
        }
      }
      dispatch(op, r, out, head);
      out.finish();
      callback.succeeded();
    } catch (S3Exception e) {
      fail(request, body, out, callback, e.error(), resource, requestId, null, service);
    } catch (MetadataException e) {
      fail(request, body, out, callback, S3Errors.fromMetadata(e.error(), e.getMessage()), resource, requestId, null,
          service);
    } catch (java.io.UncheckedIOException e) {
      // The metadata tier is unreachable or lost its leader: retryable, and not a bug here.
      log.warn("request {} {} {}: metadata unavailable: {}", requestId, request.getMethod(), resource, e.toString());
      fail(request, body, out, callback, new S3Error.ServiceUnavailable("The metadata service is unavailable; please retry"),
          resource, requestId, null, service);
    } catch (Throwable t) {
      fail(request, body, out, callback, new S3Error.InternalError(null), resource, requestId, t, service);
    }
    return true;
  }

  /** What the request log and per-bucket metrics need (RequestObserver). */
  private static void observed(Request request, S3Request r) {
    if (r.bucket() != null) {
      request.setAttribute(RequestObserver.BUCKET, r.bucket());
    }
    if (r.key() != null) {
      request.setAttribute(RequestObserver.KEY, r.key());
    }
  }

  private static String caller(S3Request r) {
    var id = r.principal().identity();
    if (id == null) {
      return "anonymous";
    }
    return id.userName() == null ? id.accountName() : id.accountName() + "/" + id.userName();
  }

  private void dispatch(S3Operation op, S3Request r, S3Response out, boolean head) throws Exception {
    switch (op) {
      case S3Operation.ListBuckets o -> buckets.listBuckets(r, out);
      case S3Operation.CreateBucket o -> buckets.create(r, out, o.bucket());
      case S3Operation.HeadBucket o -> buckets.head(r, out, o.bucket());
      case S3Operation.DeleteBucket o -> buckets.delete(r, out, o.bucket());
      case S3Operation.GetBucketLocation o -> buckets.location(r, out, o.bucket());
      case S3Operation.ListObjectsV1 o -> lists.listV1(r, out, o.bucket());
      case S3Operation.ListObjectsV2 o -> lists.listV2(r, out, o.bucket());
      case S3Operation.ListMultipartUploads o -> multipart.listUploads(r, out, o.bucket());
      case S3Operation.DeleteObjects o -> objects.deleteObjects(r, out, o.bucket());
      case S3Operation.GetBucketVersioning o -> versioning.get(r, out, o.bucket());
      case S3Operation.PutBucketVersioning o -> versioning.put(r, out, o.bucket());
      case S3Operation.ListObjectVersions o -> versioning.list(r, out, o.bucket());
      case S3Operation.PutObject o -> objects.put(r, out, o.bucket(), o.key());
      case S3Operation.GetObject o -> objects.get(r, out, o.bucket(), o.key(), false);
      case S3Operation.HeadObject o -> objects.get(r, out, o.bucket(), o.key(), true);
      case S3Operation.DeleteObject o -> objects.delete(r, out, o.bucket(), o.key());
      case S3Operation.CopyObject o -> objects.copy(r, out, o.bucket(), o.key());
      case S3Operation.GetObjectAttributes o -> objects.attributes(r, out, o.bucket(), o.key());
      case S3Operation.CreateMultipartUpload o -> multipart.create(r, out, o.bucket(), o.key());
      case S3Operation.UploadPart o -> multipart.uploadPart(r, out, o.bucket(), o.key(), o.uploadId(), o.partNumber());
      case S3Operation.UploadPartCopy o -> multipart.uploadPartCopy(r, out, o.bucket(), o.key(), o.uploadId(), o.partNumber());
      case S3Operation.CompleteMultipartUpload o -> multipart.complete(r, out, o.bucket(), o.key(), o.uploadId());
      case S3Operation.AbortMultipartUpload o -> multipart.abort(r, out, o.bucket(), o.key(), o.uploadId());
      case S3Operation.ListParts o -> multipart.listParts(r, out, o.bucket(), o.key(), o.uploadId());
      case S3Operation.BucketSubresource o -> subresources.of(o.subresource()).onBucket(o.method(), r, out, o.bucket());
      case S3Operation.ObjectSubresource o ->
          subresources.of(o.subresource()).onObject(o.method(), r, out, o.bucket(), o.key());
      case S3Operation.PostObject o -> postObject.post(r, out, o.bucket());
      case S3Operation.Preflight o -> cors.preflight(r, out, o.bucket());
      case S3Operation.AccountPublicAccessBlock o -> accountPublicAccessBlock.handle(r, out, o.accountId(), o.method());
      case S3Operation.Unsupported o -> throw new S3Exception(new S3Error.NotImplemented(o.what() + " is not implemented"));
    }
  }

  private S3Request parse(Request request, String requestId, InputStream body) {
    String rawPath = request.getHttpURI().getPath();
    if (rawPath == null || rawPath.isEmpty()) {
      rawPath = "/";
    }
    String rawQuery = request.getHttpURI().getQuery();
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (HttpField f : request.getHeaders()) {
      headers.computeIfAbsent(f.getLowerCaseName(), n -> new ArrayList<>(1)).add(utf8(f.getValue()));
    }
    String decodedPath = S3Request.decodePath(rawPath);
    SignedRequest signed = new SignedRequest(request.getMethod(), rawPath, decodedPath, AwsUris.parseQuery(rawQuery),
        headers);
    String host = signed.header("host").orElse("");
    HostForm form = WEBSITE_CONNECTOR.equals(request.getConnectionMetaData().getConnector().getName())
        ? websitePortHost(host) : endpointHost(host);
    String bucket = form != null ? form.bucket() : virtualHostBucket(host);
    String key = null;
    String path = decodedPath.startsWith("/") ? decodedPath.substring(1) : decodedPath;
    if (bucket == null) {
      int slash = path.indexOf('/');
      if (slash < 0) {
        bucket = path.isEmpty() ? null : path;
      } else {
        bucket = path.substring(0, slash);
        key = path.substring(slash + 1);
      }
    } else {
      key = path;
    }
    if (key != null && key.isEmpty()) {
      key = null;
    }
    String remote = org.eclipse.jetty.server.Request.getRemoteAddr(request);
    S3Request r = new S3Request(signed, bucket, key, body, requestId, remote, request.isSecure());
    if (form != null) {
      r.endpoint(form.endpoint());
    }
    return r;
  }

  /** A bucket named by one of the special endpoint host forms, and which endpoint. */
  private record HostForm(String bucket, S3Request.Endpoint endpoint) {}

  /**
   * The website ({@code BUCKET.s3-website.DOMAIN}, {@code BUCKET.s3-website-REGION.DOMAIN}) and
   * accelerate ({@code BUCKET.s3-accelerate.DOMAIN}, {@code BUCKET.s3-accelerate.dualstack.DOMAIN})
   * host forms of the configured domains, any port; null for every other Host.
   */
  private HostForm endpointHost(String host) {
    String h = hostName(host);
    for (String domain : virtualHostDomains) {
      if (!h.endsWith("." + domain)) {
        continue;
      }
      String front = h.substring(0, h.length() - domain.length() - 1);
      if (front.endsWith(".s3-accelerate.dualstack")) {
        return bucketOf(front, ".s3-accelerate.dualstack", S3Request.Endpoint.ACCELERATE);
      }
      if (front.endsWith(".s3-accelerate")) {
        return bucketOf(front, ".s3-accelerate", S3Request.Endpoint.ACCELERATE);
      }
      int dot = front.lastIndexOf('.');
      if (dot > 0) {
        String label = front.substring(dot + 1);
        if (label.equals("s3-website") || label.startsWith("s3-website-")) {
          return new HostForm(front.substring(0, dot), S3Request.Endpoint.WEBSITE);
        }
      }
    }
    return null;
  }

  /** The name of the website endpoint's own listener (gateway.website.port): every request on it is a website request. */
  public static final String WEBSITE_CONNECTOR = "website";

  /**
   * The bucket of a request on the website port, from its Host as S3's website endpoints read
   * it: {@code BUCKET.s3-website[-REGION].DOMAIN}, {@code BUCKET.DOMAIN}, else the whole host name
   * (a CNAME to the endpoint names a bucket of the same name, e.g. {@code www.example.com}); the
   * path is always the key. Never null: a host naming no bucket is answered NoSuchBucket.
   */
  private HostForm websitePortHost(String host) {
    HostForm form = endpointHost(host);
    if (form != null && form.endpoint() == S3Request.Endpoint.WEBSITE) {
      return form;
    }
    String bucket = virtualHostBucket(host);
    if (bucket == null) {
      bucket = hostName(host);
    }
    return new HostForm(bucket.isEmpty() ? "-" : bucket, S3Request.Endpoint.WEBSITE);
  }

  /** The Host header's name, lower-cased, without its port; an IPv6 literal keeps its brackets. */
  private static String hostName(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.startsWith("[")) {
      int close = h.indexOf(']');
      return close < 0 ? h : h.substring(0, close + 1);
    }
    int colon = h.lastIndexOf(':');
    return colon < 0 ? h : h.substring(0, colon);
  }

  private static HostForm bucketOf(String front, String suffix, S3Request.Endpoint endpoint) {
    String bucket = front.substring(0, front.length() - suffix.length());
    return bucket.isEmpty() ? null : new HostForm(bucket, endpoint);
  }

  /**
   * A header value as the client wrote it: HTTP parsers read header bytes as ISO-8859-1, but
   * clients send (and sign) non-ASCII values — user metadata — as UTF-8, so bytes that form valid
   * UTF-8 are read as such. Anything else is left as it was read.
   */
  static String utf8(String value) {
    boolean high = false;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c > 0xff) {
        return value;
      }
      high |= c >= 0x80;
    }
    if (!high) {
      return value;
    }
    try {
      return java.nio.charset.StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(value.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1))).toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      return value;
    }
  }

  /** The most a request to another AWS API may carry (IAM policy documents are at most 128 KB). */
  private static final int MAX_SERVICE_BODY_BYTES = 1024 * 1024;

  /**
   * SDKs of the other AWS APIs sign the body's SHA-256 without sending x-amz-content-sha256
   * (only S3 requires that header): such a (small) body is read here and its hash supplied, so
   * the signature is checked over it and the body is verified against it when read.
   */
  private static S3Request withPayloadHash(S3Request r, InputStream body) throws java.io.IOException {
    if (r.signed().header("x-amz-content-sha256").isPresent()) {
      return r;
    }
    byte[] data = body.readNBytes(MAX_SERVICE_BODY_BYTES + 1);
    if (data.length > MAX_SERVICE_BODY_BYTES) {
      throw new S3Exception(new S3Error.EntityTooLarge(null));
    }
    String hash;
    try {
      hash = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(data));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    Map<String, List<String>> headers = new LinkedHashMap<>(r.signed().headers());
    headers.put("x-amz-content-sha256", List.of(hash));
    headers.put("content-length", List.of(Integer.toString(data.length)));
    headers.remove("transfer-encoding");
    SignedRequest signed = new SignedRequest(r.method(), r.signed().rawPath(), r.signed().decodedPath(),
        r.signed().query(), headers);
    return new S3Request(signed, r.bucket(), r.key(), new java.io.ByteArrayInputStream(data), r.requestId(),
        r.remoteAddress(), r.secure());
  }

  /** The bucket of a virtual-hosted-style Host ({@code bucket.domain[:port]}), or null for path-style. */
  private String virtualHostBucket(String host) {
    String h = hostName(host);
    for (String domain : virtualHostDomains) {
      if (h.endsWith("." + domain) && h.length() > domain.length() + 1) {
        return h.substring(0, h.length() - domain.length() - 1);
      }
    }
    return null;
  }

  private void fail(Request request, InputStream body, S3Response out, Callback callback, S3Error error,
      String resource, String requestId, Throwable unexpected, ServiceApi service) {
    S3Errors.Described d = S3Errors.describe(error);
    request.setAttribute(RequestObserver.ERROR_CODE, d.code());
    if (unexpected != null) {
      log.error("request {} {} {} failed unexpectedly", requestId, request.getMethod(), resource, unexpected);
    } else if (d.httpStatus() >= 500) {
      log.warn("request {} {} {} answered {} {}", requestId, request.getMethod(), resource, d.httpStatus(), d.code());
    }
    // A client waiting for "100 Continue" has not sent its body: reading would only invite it.
    String expect = request.getHeaders().get("expect");
    if (expect == null || !expect.equalsIgnoreCase("100-continue")) {
      drain(body, request.getHeaders().getLongField("content-length"));
    }
    if (!out.reset()) {
      // Headers (and maybe part of the body) are gone: the client must see a broken response.
      callback.failed(unexpected != null ? unexpected : new S3Exception(error));
      return;
    }
    try {
      Response response = outResponse(out);
      response.getHeaders().put("x-amz-request-id", requestId);
      response.getHeaders().put("x-amz-id-2", ids.hostId());
      response.getHeaders().put("Server", "Moraine");
      if (service != null) {
        service.error(out, error, requestId);
      } else {
        S3Xml.ErrorDoc doc = new S3Xml.ErrorDoc(d.code(), d.message(), resource, requestId);
        boolean control = request.getHeaders().get("x-amz-account-id") != null
            && request.getHttpURI().getPath().startsWith("/v20180820/");
        out.xml(d.httpStatus(), control ? S3Xml.renderControlError(doc, ids.hostId()) : S3Xml.render(doc));
      }
      callback.succeeded();
    } catch (Throwable t) {
      callback.failed(t);
    }
  }

  /**
   * Reads and discards a small unread request body, so a client still sending it gets the error
   * response instead of a broken pipe. Big bodies are left: Jetty closes the connection.
   */
  private static void drain(InputStream body, long contentLength) {
    if (contentLength <= 0 || contentLength > DRAIN_LIMIT_BYTES) {
      return;
    }
    try {
      byte[] sink = new byte[64 * 1024];
      long total = 0;
      int n;
      while (total <= DRAIN_LIMIT_BYTES && (n = body.read(sink)) >= 0) {
        total += n;
      }
    } catch (java.io.IOException | RuntimeException e) {
      log.debug("could not drain a request body after an error: {}", e.toString());
    }
  }

  private static Response outResponse(S3Response out) {
    return out.jetty();
  }
}
