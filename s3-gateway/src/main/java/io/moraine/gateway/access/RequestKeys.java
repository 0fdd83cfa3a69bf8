package io.moraine.gateway.access;

import io.moraine.gateway.auth.Authenticator;
import io.moraine.gateway.auth.Identity;
import io.moraine.gateway.http.S3Request;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The condition keys of one request (IAM User Guide, "AWS global condition context keys"; S3
 * User Guide, "Condition keys for Amazon S3"): what policies' Condition blocks and variables
 * see. A key the request does not have is absent, never empty.
 */
final class RequestKeys {
  private RequestKeys() {}

  /** Request headers exposed as s3: keys of the same name. */
  private static final List<String> HEADER_KEYS = List.of("x-amz-acl", "x-amz-grant-read", "x-amz-grant-write",
      "x-amz-grant-read-acp", "x-amz-grant-write-acp", "x-amz-grant-full-control", "x-amz-server-side-encryption",
      "x-amz-server-side-encryption-aws-kms-key-id", "x-amz-server-side-encryption-customer-algorithm",
      "x-amz-copy-source", "x-amz-metadata-directive", "x-amz-storage-class", "x-amz-website-redirect-location",
      "x-amz-content-sha256", "x-amz-object-ownership");

  /** The request's keys plus s3:ExistingObjectTag/KEY for each tag of {@code existingTags}. */
  static Map<String, List<String>> of(S3Request r, InstantSource clock, Map<String, String> existingTags) {
    Map<String, List<String>> k = of(r, clock);
    existingTags.forEach((key, value) -> put(k, "s3:ExistingObjectTag/" + key, value));
    return k;
  }

  static Map<String, List<String>> of(S3Request r, InstantSource clock) {
    Map<String, List<String>> k = new LinkedHashMap<>();
    Instant now = clock.instant();
    put(k, "aws:CurrentTime", now.toString());
    put(k, "aws:EpochTime", Long.toString(now.getEpochSecond()));
    put(k, "aws:SecureTransport", Boolean.toString(r.secure()));
    if (r.remoteAddress() != null) {
      put(k, "aws:SourceIp", r.remoteAddress());
    }
    r.header("referer").ifPresent(v -> put(k, "aws:Referer", v));
    r.header("user-agent").ifPresent(v -> put(k, "aws:UserAgent", v));
    Authenticator.Principal p = r.principal();
    Identity id = p.identity();
    if (id != null) {
      put(k, "aws:PrincipalArn", id.caller().roleArn() != null ? id.caller().roleArn() : id.caller().arn());
      put(k, "aws:PrincipalAccount", id.awsAccountId());
      put(k, "aws:userid", id.userId());
      put(k, "aws:PrincipalType", switch (id.caller().type()) {
        case IAM_USER -> "User";
        case ROLE_SESSION -> "AssumedRole";
        default -> "Account";
      });
      if (id.userName() != null) {
        put(k, "aws:username", id.userName());
      }
      id.session().ifPresent(s -> {
        put(k, "aws:MultiFactorAuthPresent", Boolean.toString(s.getMfaAuthenticated()));
        put(k, "aws:TokenIssueTime", Instant.ofEpochMilli(s.getCreatedMillis()).toString());
      });
      put(k, "s3:authType", p.auth().authType());
      put(k, "s3:signatureversion", p.auth().signatureVersion());
      put(k, "s3:signatureAge", Long.toString(p.auth().signatureAgeMillis()));
    } else {
      put(k, "aws:PrincipalType", "Anonymous");
    }
    for (String name : List.of("prefix", "delimiter", "max-keys")) {
      r.query(name).ifPresent(v -> put(k, "s3:" + name, v));
    }
    r.query("versionId").ifPresent(v -> put(k, "s3:VersionId", v));
    for (String h : HEADER_KEYS) {
      r.header(h).ifPresent(v -> put(k, "s3:" + h, v));
    }
    r.header("x-amz-tagging").ifPresent(t -> requestTags(k, t));
    return k;
  }

  /** s3:RequestObjectTag/KEY and s3:RequestObjectTagKeys from the x-amz-tagging query string. */
  private static void requestTags(Map<String, List<String>> k, String tagging) {
    List<String> keys = new ArrayList<>();
    for (String pair : tagging.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String key = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      keys.add(key);
      put(k, "s3:RequestObjectTag/" + key, value);
    }
    if (!keys.isEmpty()) {
      k.put("s3:RequestObjectTagKeys", keys);
    }
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s;
    }
  }

  static Optional<String> first(Map<String, List<String>> k, String key) {
    List<String> v = k.get(key);
    return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
  }

  private static void put(Map<String, List<String>> k, String key, String value) {
    if (value != null) {
      k.put(key, List.of(value));
    }
  }
}
