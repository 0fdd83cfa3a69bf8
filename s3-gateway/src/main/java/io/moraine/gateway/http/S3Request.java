package io.moraine.gateway.http;

import io.moraine.gateway.auth.Authenticator;
import io.moraine.gateway.auth.AwsUris;
import io.moraine.gateway.auth.SignedRequest;
import io.moraine.gateway.error.S3Error;
import io.moraine.gateway.error.S3Exception;
import java.io.InputStream;
import java.util.Optional;

/**
 * One request as the S3 features see it: addressing resolved (bucket, key), query and headers
 * decoded, the authenticated principal, and the raw body stream. Knows nothing of Jetty.
 */
public final class S3Request {
  private final SignedRequest signed;
  private final String bucket;
  private final String key;
  private final InputStream body;
  private final String requestId;
  private final String remoteAddress;
  private final boolean secure;
  private Authenticator.Principal principal;
  private Endpoint endpoint = Endpoint.REST;
  /** Buckets resolved while serving this request (Access.resolve(S3Request, String)); requests are served by one thread. */
  private java.util.Map<String, Object> resolved;

  /** Which of the gateway's endpoints a request came to, by its Host form. */
  public enum Endpoint { REST, WEBSITE, ACCELERATE }

  public S3Request(SignedRequest signed, String bucket, String key, InputStream body, String requestId) {
    this(signed, bucket, key, body, requestId, null, false);
  }

  /**
   * @param remoteAddress the client's IP address (aws:SourceIp), null when unknown
   * @param secure whether the request came over TLS (aws:SecureTransport)
   */
  public S3Request(SignedRequest signed, String bucket, String key, InputStream body, String requestId,
      String remoteAddress, boolean secure) {
    this.signed = signed;
    this.bucket = bucket;
    this.key = key;
    this.body = body;
    this.requestId = requestId;
    this.remoteAddress = remoteAddress;
    this.secure = secure;
  }

  /**
   * The value {@code compute} gives for {@code bucketName}, computed once per request: the
   * accelerate check, response decorators and the operation all see the bucket as the request's
   * first read of it found it.
   */
  @SuppressWarnings("unchecked")
  public <T> T resolvedOnce(String bucketName, java.util.function.Function<String, T> compute) {
    if (resolved == null) {
      resolved = new java.util.HashMap<>(2);
    }
    Object v = resolved.get(bucketName);
    if (v == null) {
      v = compute.apply(bucketName);
      resolved.put(bucketName, v);
    }
    return (T) v;
  }

  /** Whether this request came to the website endpoint ({@code BUCKET.s3-website.DOMAIN}). */
  public boolean website() {
    return endpoint == Endpoint.WEBSITE;
  }

  public Endpoint endpoint() {
    return endpoint;
  }

  void endpoint(Endpoint e) {
    this.endpoint = e;
  }

  public String remoteAddress() {
    return remoteAddress;
  }

  public boolean secure() {
    return secure;
  }

  public String method() {
    return signed.method();
  }

  /** The bucket addressed (path- or virtual-hosted-style), or null for the service. */
  public String bucket() {
    return bucket;
  }

  /** The object key, or null for bucket- and service-level requests. */
  public String key() {
    return key;
  }

  public SignedRequest signed() {
    return signed;
  }

  public String requestId() {
    return requestId;
  }

  public Optional<String> header(String lowerCaseName) {
    return signed.header(lowerCaseName);
  }

  public Optional<String> query(String name) {
    return signed.queryParam(name);
  }

  public boolean hasQuery(String name) {
    return signed.queryParam(name).isPresent();
  }

  public InputStream body() {
    return body;
  }

  /** This request for another key, as the anonymous caller (the website endpoint's view of it). */
  public S3Request anonymousFor(String otherKey) {
    S3Request r = new S3Request(signed, bucket, otherKey, body, requestId, remoteAddress, secure);
    r.principal = Authenticator.Principal.anonymous();
    return r;
  }

  /**
   * A request made of another one's parts (a browser POST's form as the PUT it stands for): same
   * method line and bucket, these headers and body, this principal.
   */
  public S3Request derive(String otherKey, java.util.Map<String, java.util.List<String>> headers, InputStream otherBody,
      Authenticator.Principal p) {
    SignedRequest s = new SignedRequest("PUT", signed.rawPath(), signed.decodedPath(), java.util.List.of(), headers);
    S3Request r = new S3Request(s, bucket, otherKey, otherBody, requestId, remoteAddress, secure);
    r.principal = p;
    return r;
  }

  void authenticated(Authenticator.Principal p) {
    this.principal = p;
  }

  public Authenticator.Principal principal() {
    if (principal == null) {
      throw new IllegalStateException("request " + requestId + " used before authentication");
    }
    return principal;
  }

  /** The canonical id of the caller's account, or null for an anonymous request. */
  public String accountId() {
    var id = principal().identity();
    return id == null ? null : id.accountId();
  }

  /** The caller account's display name, or null for an anonymous request. */
  public String accountName() {
    var id = principal().identity();
    return id == null ? null : id.accountName();
  }

  /** The S3 "Resource" of error bodies: the path of the bucket or object. */
  public String resource() {
    if (bucket == null) {
      return "/";
    }
    return key == null ? "/" + bucket : "/" + bucket + "/" + key;
  }

  /** An integer query parameter, InvalidArgument if not a number. */
  public Optional<Integer> intQuery(String name) {
    Optional<String> v = query(name);
    if (v.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Integer.parseInt(v.get().strip()));
    } catch (NumberFormatException e) {
      throw new S3Exception(new S3Error.InvalidArgument("Provided " + name + " not an integer or within integer range"));
    }
  }

  static String decodePath(String rawPath) {
    return AwsUris.decode(rawPath, false);
  }
}
