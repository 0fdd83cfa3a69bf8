package io.moraine.gateway.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The pure parts of AWS Signature Version 4 (canonical request, string to sign, signing key,
 * chunk and trailer signatures), written from the AWS SigV4 and S3 streaming documentation.
 * No I/O, no clock: callers pass every input.
 */
public final class SigV4 {

  private SigV4() {}

  public static final String ALGORITHM = "AWS4-HMAC-SHA256";
  public static final String UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";
  public static final String STREAMING_SIGNED = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";
  public static final String STREAMING_SIGNED_TRAILER = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER";
  public static final String STREAMING_UNSIGNED_TRAILER = "STREAMING-UNSIGNED-PAYLOAD-TRAILER";
  public static final String EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

  /** The canonical URI of S3: the decoded path, encoded once, slashes kept. */
  public static String canonicalUri(String decodedPath) {
    return decodedPath.isEmpty() ? "/" : AwsUris.encode(decodedPath, false);
  }

  /** Canonical query string: decoded params re-encoded, sorted by name then value. */
  public static String canonicalQuery(List<AwsUris.QueryParam> params, String excludeName) {
    List<String[]> encoded = new ArrayList<>();
    for (AwsUris.QueryParam p : params) {
      if (excludeName != null && p.name().equals(excludeName)) {
        continue;
      }
      encoded.add(new String[] {AwsUris.encode(p.name(), true), AwsUris.encode(p.value(), true)});
    }
    encoded.sort(Comparator.<String[], String>comparing(a -> a[0]).thenComparing(a -> a[1]));
    StringBuilder out = new StringBuilder();
    for (String[] kv : encoded) {
      if (!out.isEmpty()) {
        out.append('&');
      }
      out.append(kv[0]).append('=').append(kv[1]);
    }
    return out.toString();
  }

  /**
   * Canonical headers block (each line ends with a newline) for the signed header names, taken
   * from {@code headers} (lower-case name to values in arrival order).
   */
  public static String canonicalHeaders(List<String> signedHeaders, Map<String, List<String>> headers) {
    StringBuilder out = new StringBuilder();
    for (String name : signedHeaders) {
      List<String> values = headers.getOrDefault(name, List.of());
      out.append(name).append(':');
      for (int i = 0; i < values.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        out.append(trimAll(values.get(i)));
      }
      out.append('\n');
    }
    return out.toString();
  }

  public static String canonicalRequest(String method, String canonicalUri, String canonicalQuery,
      String canonicalHeaders, List<String> signedHeaders, String payloadHash) {
    return method + '\n' + canonicalUri + '\n' + canonicalQuery + '\n' + canonicalHeaders + '\n'
        + String.join(";", signedHeaders) + '\n' + payloadHash;
  }

  public static String stringToSign(String amzDate, String scope, String canonicalRequest) {
    return ALGORITHM + '\n' + amzDate + '\n' + scope + '\n' + sha256Hex(canonicalRequest.getBytes(StandardCharsets.UTF_8));
  }

  public static String chunkStringToSign(String amzDate, String scope, String previousSignature, String chunkSha256Hex) {
    return "AWS4-HMAC-SHA256-PAYLOAD\n" + amzDate + '\n' + scope + '\n' + previousSignature + '\n' + EMPTY_SHA256 + '\n'
        + chunkSha256Hex;
  }

  public static String trailerStringToSign(String amzDate, String scope, String previousSignature, String trailerSha256Hex) {
    return "AWS4-HMAC-SHA256-TRAILER\n" + amzDate + '\n' + scope + '\n' + previousSignature + '\n' + trailerSha256Hex;
  }

  public static byte[] signingKey(String secretKey, String date, String region, String service) {
    byte[] kDate = hmac(("AWS4" + secretKey).getBytes(StandardCharsets.UTF_8), date);
    byte[] kRegion = hmac(kDate, region);
    byte[] kService = hmac(kRegion, service);
    return hmac(kService, "aws4_request");
  }

  public static String sign(byte[] signingKey, String stringToSign) {
    return HexFormat.of().formatHex(hmac(signingKey, stringToSign));
  }

  public static byte[] hmac(byte[] key, String data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  public static String sha256Hex(byte[] data) {
    return HexFormat.of().formatHex(sha256().digest(data));
  }

  public static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }

  /** Constant-time comparison of two signatures (hex strings). */
  public static boolean signaturesEqual(String a, String b) {
    return MessageDigest.isEqual(a.getBytes(StandardCharsets.US_ASCII), b.getBytes(StandardCharsets.US_ASCII));
  }

  /** Trims and collapses runs of spaces, as the canonical header rule says. */
  static String trimAll(String v) {
    String t = v.strip();
    if (t.indexOf("  ") < 0) {
      return t;
    }
    return t.replaceAll(" +", " ");
  }
}
