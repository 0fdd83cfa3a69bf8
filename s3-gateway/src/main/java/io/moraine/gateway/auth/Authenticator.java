package io.moraine.gateway.auth;

import io.moraine.gateway.error.S3Error;
import io.moraine.gateway.error.S3Exception;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Verifies SigV4 (Authorization header or presigned query string) and tells how the body is
 * protected. Fault model: every input is hostile; failures are the S3 errors a client expects
 * (403 AccessDenied / SignatureDoesNotMatch / InvalidAccessKeyId / RequestTimeTooSkewed, 400 for
 * malformed credentials), never an exception of another kind.
 */
public final class Authenticator {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Authenticator.class);

  /**
   * An authenticated request: who signed it ({@code identity}, null for an anonymous request),
   * how its body is protected, and how it was signed (the s3:authType, s3:signatureversion and
   * s3:signatureAge condition keys).
   */
  public record Principal(Identity identity, PayloadMode payload, AuthInfo auth) {
    public static Principal anonymous() {
      return new Principal(null, new PayloadMode.Unsigned(), new AuthInfo(null, null, 0));
    }

    public boolean anonymousCaller() {
      return identity == null;
    }
  }

  /**
   * @param authType {@code REST-HEADER}, {@code REST-QUERY-STRING} or {@code POST}; null when anonymous
   * @param signatureVersion {@code AWS4-HMAC-SHA256} (or {@code AWS} for SigV2)
   * @param signatureAgeMillis how old the signature is (request time to now)
   */
  public record AuthInfo(String authType, String signatureVersion, long signatureAgeMillis) {}

  static final DateTimeFormatter AMZ_DATE =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final long MAX_SKEW_MILLIS = 15 * 60 * 1000L;
  private static final long MAX_PRESIGN_SECONDS = 7 * 24 * 3600L;

  private final IdentityStore identities;
  private final InstantSource clock;
  private final String region;

  private final boolean sigV2Enabled;

  public Authenticator(IdentityStore identities, InstantSource clock, String region) {
    this(identities, clock, region, true);
  }

  /** {@code sigV2Enabled}: whether Signature Version 2 requests are accepted (older SDKs and tools). */
  public Authenticator(IdentityStore identities, InstantSource clock, String region, boolean sigV2Enabled) {
    this.sigV2Enabled = sigV2Enabled;
    this.identities = identities;
    this.clock = clock;
    this.region = region;
  }

  /**
   * Authenticates an S3 request (credential scope service {@code s3}, the gateway's region) to
   * {@code bucket} (null for service-level requests). A request with neither an Authorization
   * header (or an empty one) nor query-string authentication is anonymous, as in S3: policies and
   * ACLs decide what it may do.
   */
  public Principal authenticate(SignedRequest req, String bucket) {
    return authenticate(req, new Expected("s3", region), bucket, true);
  }

  /**
   * Authenticates a request to another AWS service API this gateway answers (IAM, STS, KMS):
   * the credential scope must name {@code service} and {@code signingRegion}; anonymous
   * requests are refused.
   */
  public Principal authenticate(SignedRequest req, String service, String signingRegion) {
    return authenticate(req, new Expected(service, signingRegion), null, false);
  }

  private Principal authenticate(SignedRequest req, Expected expected, String bucket, boolean anonymousAllowed) {
    if (req.queryParam("X-Amz-Algorithm").isPresent() || req.queryParam("X-Amz-Signature").isPresent()) {
      return presigned(req, expected, bucket);
    }
    if (req.queryParam("AWSAccessKeyId").isPresent() && req.queryParam("Signature").isPresent()) {
      return presignedV2(req, expected, bucket);
    }
    String auth = req.header("authorization").map(String::strip).orElse("");
    if (auth.isEmpty()) {
      if (anonymousAllowed) {
        return Principal.anonymous();
      }
      throw fail(new S3Error.AccessDenied("Anonymous access is not allowed"));
    }
    if (auth.startsWith("AWS ")) {
      return headerV2(req, auth.substring(4).strip(), expected, bucket);
    }
    if (!auth.startsWith(SigV4.ALGORITHM + " ")) {
      throw fail(new S3Error.InvalidRequest(
          "The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256."));
    }
    return header(req, auth.substring(SigV4.ALGORITHM.length() + 1), expected, bucket);
  }

  /**
   * Authenticates a browser-based upload (POST Object with a SigV4-signed POST policy): the
   * signature is HMAC-SHA256 of the base64 policy under the credential's signing key. The policy's
   * own expiry and conditions are the caller's to check.
   */
  public Principal authenticatePost(String credential, String amzDate, String policyBase64, String signature,
      Optional<String> securityToken, String bucket) {
    Scope scope = parseScope(credential, true, new Expected("s3", region));
    Instant requestTime = parseAmzDate(amzDate, true);
    Identity id = identity(scope.accessKeyId(), bucket);
    byte[] key = SigV4.signingKey(id.secretKey(), scope.date(), scope.region(), scope.service());
    if (!SigV4.signaturesEqual(SigV4.sign(key, policyBase64), signature)) {
      throw fail(new S3Error.SignatureDoesNotMatch(null));
    }
    checkSession(id, securityToken);
    identities.used(scope.accessKeyId(), scope.service());
    return new Principal(id, new PayloadMode.Unsigned(), new AuthInfo("POST", SigV4.ALGORITHM, age(requestTime)));
  }

  /** The service and region a request's credential scope must name. */
  private record Expected(String service, String region) {}

  /**
   * The service a request's credential scope names ({@code s3}, {@code iam}, {@code sts},
   * {@code kms}, ...), read without verifying anything; "s3" when there is none to read.
   */
  public static String scopeService(SignedRequest req) {
    String credential = req.queryParam("X-Amz-Credential").orElse(null);
    if (credential == null) {
      String auth = req.header("authorization").orElse("");
      int at = auth.indexOf("Credential=");
      if (at < 0) {
        return "s3";
      }
      int end = auth.indexOf(',', at);
      credential = auth.substring(at + "Credential=".length(), end < 0 ? auth.length() : end).strip();
    }
    String[] parts = credential.split("/");
    return parts.length == 5 ? parts[3] : "s3";
  }

  private Principal header(SignedRequest req, String fields, Expected expected, String bucket) {
    Map<String, String> kv = new HashMap<>();
    for (String part : fields.split(",")) {
      String p = part.strip();
      int eq = p.indexOf('=');
      if (eq <= 0) {
        throw fail(new S3Error.AuthorizationHeaderMalformed(null));
      }
      kv.put(p.substring(0, eq), p.substring(eq + 1).strip());
    }
    String credential = kv.get("Credential");
    String signedHeaders = kv.get("SignedHeaders");
    String signature = kv.get("Signature");
    if (credential == null || signedHeaders == null || signature == null) {
      throw fail(new S3Error.AuthorizationHeaderMalformed(null));
    }
    Scope scope = parseScope(credential, false, expected);
    String amzDate = req.header("x-amz-date").orElse(null);
    Instant requestTime;
    if (amzDate != null) {
      requestTime = parseAmzDate(amzDate, false);
    } else {
      String date = req.header("date").orElseThrow(
          () -> fail(new S3Error.AccessDenied("AWS authentication requires a valid Date or x-amz-date header")));
      try {
        requestTime = ZonedDateTime.parse(date, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      } catch (DateTimeParseException e) {
        throw fail(new S3Error.AccessDenied("AWS authentication requires a valid Date or x-amz-date header"));
      }
      amzDate = AMZ_DATE.format(requestTime);
    }
    if (!amzDate.startsWith(scope.date())) {
      throw fail(new S3Error.SignatureDoesNotMatch(null));
    }
    long skew = Math.abs(clock.millis() - requestTime.toEpochMilli());
    if (skew > MAX_SKEW_MILLIS) {
      throw fail(new S3Error.RequestTimeTooSkewed(null));
    }
    String contentSha = req.header("x-amz-content-sha256").orElseThrow(
        () -> fail(new S3Error.InvalidRequest("Missing required header for this request: x-amz-content-sha256")));
    PayloadMode mode = payloadMode(contentSha);
    Identity id = identity(scope.accessKeyId(), bucket);
    List<String> signed = Arrays.asList(signedHeaders.split(";"));
    byte[] key = SigV4.signingKey(id.secretKey(), scope.date(), scope.region(), scope.service());
    String canonicalQuery = SigV4.canonicalQuery(req.query(), null);
    String canonicalHeaders = SigV4.canonicalHeaders(signed, req.headers());
    if (!matches(req, key, amzDate, scope, canonicalQuery, canonicalHeaders, signed, contentSha, signature)) {
      throw fail(new S3Error.SignatureDoesNotMatch(null));
    }
    if (contentSha.equals(SigV4.STREAMING_SIGNED) || contentSha.equals(SigV4.STREAMING_SIGNED_TRAILER)) {
      mode = new PayloadMode.Streaming(new PayloadMode.ChunkSigning(key, amzDate, scope.toString(), signature),
          contentSha.equals(SigV4.STREAMING_SIGNED_TRAILER));
    }
    checkSession(id, req.header("x-amz-security-token"));
    identities.used(scope.accessKeyId(), scope.service());
    return new Principal(id, mode, new AuthInfo("REST-HEADER", SigV4.ALGORITHM, age(requestTime)));
  }

  private Principal presigned(SignedRequest req, Expected expected, String bucket) {
    String algorithm = req.queryParam("X-Amz-Algorithm").orElse("");
    if (!algorithm.equals(SigV4.ALGORITHM)) {
      throw fail(new S3Error.AuthorizationQueryParametersError(
          "X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\""));
    }
    String credential = required(req, "X-Amz-Credential");
    String amzDate = required(req, "X-Amz-Date");
    String expiresText = required(req, "X-Amz-Expires");
    String signedHeaders = required(req, "X-Amz-SignedHeaders");
    String signature = required(req, "X-Amz-Signature");
    Scope scope = parseScope(credential, true, expected);
    Instant requestTime = parseAmzDate(amzDate, true);
    long expires;
    try {
      expires = Long.parseLong(expiresText);
    } catch (NumberFormatException e) {
      throw fail(new S3Error.AuthorizationQueryParametersError("X-Amz-Expires should be a number"));
    }
    if (expires < 1 || expires > MAX_PRESIGN_SECONDS) {
      throw fail(new S3Error.AuthorizationQueryParametersError(
          "X-Amz-Expires must be less than a week (in seconds) that is; the maximum expires is 604800 seconds"));
    }
    long now = clock.millis();
    if (now > requestTime.toEpochMilli() + expires * 1000) {
      throw fail(new S3Error.AccessDenied("Request has expired"));
    }
    if (requestTime.toEpochMilli() - now > MAX_SKEW_MILLIS) {
      throw fail(new S3Error.AccessDenied("Request is not valid yet"));
    }
    Identity id = identity(scope.accessKeyId(), bucket);
    String payloadHash = req.queryParam("X-Amz-Content-Sha256").orElse(SigV4.UNSIGNED_PAYLOAD);
    List<String> signed = Arrays.asList(signedHeaders.split(";"));
    byte[] key = SigV4.signingKey(id.secretKey(), scope.date(), scope.region(), scope.service());
    String canonicalQuery = SigV4.canonicalQuery(req.query(), "X-Amz-Signature");
    String canonicalHeaders = SigV4.canonicalHeaders(signed, req.headers());
    if (!matches(req, key, amzDate, scope, canonicalQuery, canonicalHeaders, signed, payloadHash, signature)) {
      throw fail(new S3Error.SignatureDoesNotMatch(null));
    }
    checkSession(id, req.queryParam("X-Amz-Security-Token").or(() -> req.header("x-amz-security-token")));
    identities.used(scope.accessKeyId(), scope.service());
    return new Principal(id, new PayloadMode.Unsigned(),
        new AuthInfo("REST-QUERY-STRING", SigV4.ALGORITHM, age(requestTime)));
  }

  // ---- Signature Version 2 ----------------------------------------------------------------------

  private void requireV2(Expected expected) {
    if (!sigV2Enabled || !expected.service().equals("s3")) {
      throw fail(new S3Error.InvalidRequest(
          "The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256."));
    }
  }

  /** {@code Authorization: AWS AKID:signature}, dated by x-amz-date or Date (15 minutes of skew). */
  private Principal headerV2(SignedRequest req, String credential, Expected expected, String bucket) {
    requireV2(expected);
    int colon = credential.lastIndexOf(':');
    if (colon <= 0 || colon == credential.length() - 1 || credential.indexOf(' ') >= 0) {
      throw fail(new S3Error.InvalidArgument("AWS authorization header is invalid.  Expected AwsAccessKeyId:signature"));
    }
    String accessKey = credential.substring(0, colon);
    String signature = credential.substring(colon + 1);
    Optional<String> amzDate = req.header("x-amz-date");
    String dateHeader = req.header("date").orElse("");
    Instant requestTime = httpDate(amzDate.orElse(dateHeader));
    if (Math.abs(clock.millis() - requestTime.toEpochMilli()) > MAX_SKEW_MILLIS) {
      throw fail(new S3Error.RequestTimeTooSkewed(null));
    }
    Identity id = identity(accessKey, bucket);
    if (!v2Matches(req, id, amzDate.isPresent() ? "" : dateHeader, bucket, signature)) {
      throw fail(new S3Error.SignatureDoesNotMatch(null));
    }
    checkSession(id, req.header("x-amz-security-token"));
    identities.used(accessKey, "s3");
    return new Principal(id, new PayloadMode.Unsigned(), new AuthInfo("REST-HEADER", "AWS", age(requestTime)));
  }

  /** {@code ?AWSAccessKeyId=…&Signature=…&Expires=EPOCH-SECONDS}. */
  private Principal presignedV2(SignedRequest req, Expected expected, String bucket) {
    requireV2(expected);
    String expires = req.queryParam("Expires").orElseThrow(() -> fail(new S3Error.AccessDenied(
        "Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters")));
    long expiresSeconds;
    try {
      expiresSeconds = Long.parseLong(expires.strip());
    } catch (NumberFormatException e) {
      throw fail(new S3Error.AccessDenied("Invalid date (should be seconds since epoch): " + expires));
    }
    if (clock.millis() > expiresSeconds * 1000) {
      throw fail(new S3Error.AccessDenied("Request has expired"));
    }
    Identity id = identity(req.queryParam("AWSAccessKeyId").get(), bucket);
    if (!v2Matches(req, id, expires.strip(), bucket, req.queryParam("Signature").get())) {
      throw fail(new S3Error.SignatureDoesNotMatch(null));
    }
    checkSession(id, req.queryParam("x-amz-security-token").or(() -> req.header("x-amz-security-token")));
    identities.used(id.reply().getAccessKeyId(), "s3");
    return new Principal(id, new PayloadMode.Unsigned(), new AuthInfo("REST-QUERY-STRING", "AWS", 0));
  }

  /** Checks the signature over the path as sent, path-style or virtual-hosted (then "/bucket" + path). */
  private static boolean v2Matches(SignedRequest req, Identity id, String dateOrExpires, String bucket, String signature) {
    String path = req.rawPath().isEmpty() ? "/" : req.rawPath();
    List<String> resources = new ArrayList<>(2);
    resources.add(path);
    if (bucket != null && !path.equals("/" + bucket) && !path.startsWith("/" + bucket + "/")) {
      resources.add("/" + bucket + path);
    } else if (bucket != null) {
      resources.add("/" + bucket + path);
    }
    for (String resource : resources) {
      String expected = SigV2.sign(id.secretKey(), SigV2.stringToSign(req.method(), req.headers(), dateOrExpires,
          resource, req.query()));
      if (SigV4.signaturesEqual(expected, signature)) {
        return true;
      }
    }
    return false;
  }

  /** An RFC 1123 date (SigV2's Date or x-amz-date); AccessDenied when missing or unreadable. */
  private static Instant httpDate(String value) {
    try {
      return ZonedDateTime.parse(value.strip(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
    } catch (DateTimeParseException e) {
      throw fail(new S3Error.AccessDenied("AWS authentication requires a valid Date or x-amz-date header"));
    }
  }

  /** The active identity holding {@code accessKeyId}; InvalidAccessKeyId for unknown and inactive keys. */
  private Identity identity(String accessKeyId, String bucket) {
    return identities.resolve(accessKeyId, bucket).filter(Identity::active)
        .orElseThrow(() -> fail(new S3Error.InvalidAccessKeyId(null)));
  }

  /**
   * A role session's key is usable only with its session token, and only until it expires
   * (STS temporary credentials; the S3 errors InvalidToken and ExpiredToken).
   */
  private void checkSession(Identity id, Optional<String> token) {
    var session = id.session();
    if (session.isEmpty()) {
      return;
    }
    if (token.isEmpty() || !SigV4.signaturesEqual(session.get().getSessionToken(), token.get())) {
      throw fail(new S3Error.InvalidToken(null));
    }
    if (clock.millis() >= session.get().getExpiresMillis()) {
      throw fail(new S3Error.ExpiredToken(null));
    }
  }

  private long age(Instant requestTime) {
    return Math.max(0, clock.millis() - requestTime.toEpochMilli());
  }

  /**
   * Checks the signature over the canonical URI SigV4 prescribes (decoded path encoded once),
   * then over the path exactly as sent: some clients sign the form they sent, which differs when
   * they escape characters SigV4 leaves alone.
   */
  private static boolean matches(SignedRequest req, byte[] key, String amzDate, Scope scope, String canonicalQuery,
      String canonicalHeaders, List<String> signed, String payloadHash, String signature) {
    List<String> uris = new ArrayList<>(2);
    uris.add(SigV4.canonicalUri(req.decodedPath()));
    if (!req.rawPath().equals(uris.get(0)) && !req.rawPath().isEmpty()) {
      uris.add(req.rawPath());
    }
    for (String uri : uris) {
      String canonical = SigV4.canonicalRequest(req.method(), uri, canonicalQuery, canonicalHeaders, signed, payloadHash);
      String expected = SigV4.sign(key, SigV4.stringToSign(amzDate, scope.toString(), canonical));
      if (SigV4.signaturesEqual(expected, signature)) {
        return true;
      }
      if (log.isDebugEnabled()) {
        log.debug("signature mismatch; canonical request was:\n{}", canonical);
      }
    }
    return false;
  }

  private static PayloadMode payloadMode(String contentSha) {
    return switch (contentSha) {
      case SigV4.UNSIGNED_PAYLOAD -> new PayloadMode.Unsigned();
      case SigV4.STREAMING_SIGNED -> new PayloadMode.Streaming(null, false);
      case SigV4.STREAMING_SIGNED_TRAILER -> new PayloadMode.Streaming(null, true);
      case SigV4.STREAMING_UNSIGNED_TRAILER -> new PayloadMode.Streaming(null, true);
      default -> {
        if (contentSha.length() != 64 || !contentSha.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
          throw fail(new S3Error.InvalidArgument("x-amz-content-sha256 must be UNSIGNED-PAYLOAD, "
              + "STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, "
              + "STREAMING-UNSIGNED-PAYLOAD-TRAILER or a valid sha256 value."));
        }
        yield new PayloadMode.Sha256(contentSha.toLowerCase(java.util.Locale.ROOT));
      }
    };
  }

  private record Scope(String accessKeyId, String date, String region, String service) {
    @Override
    public String toString() {
      return date + '/' + region + '/' + service + "/aws4_request";
    }
  }

  private static Scope parseScope(String credential, boolean query, Expected expected) {
    String[] parts = credential.split("/");
    if (parts.length != 5 || !parts[4].equals("aws4_request") || parts[1].length() != 8) {
      throw fail(query
          ? new S3Error.AuthorizationQueryParametersError("Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; expecting \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".")
          : new S3Error.AuthorizationHeaderMalformed("The authorization header is malformed; the Credential is mal-formed; expecting \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\"."));
    }
    String service = expected.service();
    if (!parts[3].equals(service)) {
      throw fail(query
          ? new S3Error.AuthorizationQueryParametersError("Error parsing the X-Amz-Credential parameter; incorrect service \"" + parts[3] + "\". This endpoint belongs to \"" + service + "\".")
          : new S3Error.AuthorizationHeaderMalformed("The authorization header is malformed; incorrect service \"" + parts[3] + "\". This endpoint belongs to \"" + service + "\"."));
    }
    String region = expected.region();
    if (!parts[2].equals(region)) {
      throw fail(query
          ? new S3Error.AuthorizationQueryParametersError("Error parsing the X-Amz-Credential parameter; the region '" + parts[2] + "' is wrong; expecting '" + region + "'")
          : new S3Error.AuthorizationHeaderMalformed("The authorization header is malformed; the region '" + parts[2] + "' is wrong; expecting '" + region + "'"));
    }
    return new Scope(parts[0], parts[1], parts[2], parts[3]);
  }

  private static Instant parseAmzDate(String amzDate, boolean query) {
    try {
      return ZonedDateTime.parse(amzDate, AMZ_DATE).toInstant();
    } catch (DateTimeParseException e) {
      throw fail(query
          ? new S3Error.AuthorizationQueryParametersError("X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"")
          : new S3Error.AccessDenied("AWS authentication requires a valid Date or x-amz-date header"));
    }
  }

  private static String required(SignedRequest req, String name) {
    return req.queryParam(name).orElseThrow(() -> fail(new S3Error.AuthorizationQueryParametersError(
        "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.")));
  }

  private static S3Exception fail(S3Error error) {
    return new S3Exception(error);
  }
}
