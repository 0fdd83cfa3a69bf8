package io.moraine.gateway.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signature Version 2 (S3 Developer Guide, "Signing and authenticating REST requests", the
 * legacy scheme): StringToSign = method, Content-MD5, Content-Type, Date (or Expires for query
 * authentication), the canonicalized x-amz- headers and the canonicalized resource with S3's
 * sub-resources; signature = Base64(HMAC-SHA1(secret, StringToSign)). Pure.
 */
public final class SigV2 {
  private SigV2() {}

  /** The query parameters that are part of the canonicalized resource (S3's list, sorted on use). */
  static final Set<String> SUBRESOURCES = Set.of("accelerate", "acl", "analytics", "cors", "delete", "encryption",
      "intelligent-tiering", "inventory", "legal-hold", "lifecycle", "location", "logging", "metrics", "notification",
      "object-lock", "ownershipControls", "partNumber", "policy", "policyStatus", "publicAccessBlock", "replication",
      "requestPayment", "response-cache-control", "response-content-disposition", "response-content-encoding",
      "response-content-language", "response-content-type", "response-expires", "restore", "retention", "select",
      "select-type", "tagging", "torrent", "uploadId", "uploads", "versionId", "versioning", "versions", "website");

  /**
   * @param dateOrExpires the Date header ("" when x-amz-date is sent), or the Expires parameter
   * @param resourcePath the request path as sent, prefixed with "/bucket" for virtual-hosted requests
   */
  static String stringToSign(String method, Map<String, List<String>> headers, String dateOrExpires, String resourcePath,
      List<AwsUris.QueryParam> query) {
    StringBuilder s = new StringBuilder();
    s.append(method).append('\n');
    s.append(first(headers, "content-md5")).append('\n');
    s.append(first(headers, "content-type")).append('\n');
    s.append(dateOrExpires).append('\n');
    TreeMap<String, List<String>> amz = new TreeMap<>();
    headers.forEach((name, values) -> {
      String n = name.toLowerCase(Locale.ROOT);
      if (n.startsWith("x-amz-")) {
        amz.computeIfAbsent(n, k -> new ArrayList<>()).addAll(values.stream().map(String::strip).toList());
      }
    });
    amz.forEach((n, v) -> s.append(n).append(':').append(String.join(",", v)).append('\n'));
    s.append(resourcePath);
    TreeMap<String, String> sub = new TreeMap<>();
    for (AwsUris.QueryParam p : query) {
      if (SUBRESOURCES.contains(p.name())) {
        sub.putIfAbsent(p.name(), p.value());
      }
    }
    char sep = '?';
    for (Map.Entry<String, String> e : sub.entrySet()) {
      s.append(sep).append(e.getKey());
      if (e.getValue() != null && !e.getValue().isEmpty()) {
        s.append('=').append(e.getValue());
      }
      sep = '&';
    }
    return s.toString();
  }

  static String sign(String secret, String stringToSign) {
    try {
      Mac mac = Mac.getInstance("HmacSHA1");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
      return Base64.getEncoder().encodeToString(mac.doFinal(stringToSign.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA1 unavailable", e);
    }
  }

  private static String first(Map<String, List<String>> headers, String name) {
    List<String> v = headers.get(name);
    return v == null || v.isEmpty() ? "" : v.get(0).strip();
  }
}
