package io.moraine.gateway.access.policy;

import java.util.Locale;
import java.util.Set;

/**
 * The condition keys a policy may use: every global {@code aws:} key, the S3 keys of the S3 User
 * Guide ("Actions, resources, and condition keys for Amazon S3"), and in identity and trust
 * policies the keys of the other services answered here (iam, sts, kms).
 */
final class ConditionKeys {
  private ConditionKeys() {}

  private static final Set<String> S3 = Set.of(
      "s3:prefix", "s3:delimiter", "s3:max-keys", "s3:versionid", "s3:locationconstraint",
      "s3:x-amz-acl", "s3:x-amz-grant-read", "s3:x-amz-grant-write", "s3:x-amz-grant-read-acp",
      "s3:x-amz-grant-write-acp", "s3:x-amz-grant-full-control", "s3:x-amz-server-side-encryption",
      "s3:x-amz-server-side-encryption-aws-kms-key-id", "s3:x-amz-server-side-encryption-customer-algorithm",
      "s3:x-amz-copy-source", "s3:x-amz-metadata-directive", "s3:x-amz-storage-class",
      "s3:x-amz-website-redirect-location", "s3:x-amz-content-sha256", "s3:authtype", "s3:signatureage",
      "s3:signatureversion", "s3:tlsversion", "s3:requestobjecttagkeys", "s3:existingobjecttag",
      "s3:requestobjecttag", "s3:object-lock-mode", "s3:object-lock-retain-until-date",
      "s3:object-lock-remaining-retention-days", "s3:object-lock-legal-hold", "s3:resourceaccount",
      "s3:dataaccesspointarn", "s3:dataaccesspointaccount", "s3:accesspointnetworkorigin",
      "s3:objectownership", "s3:x-amz-object-ownership", "s3:bucketobjectlockenabled");

  static boolean known(String key, PolicyParser.Kind kind) {
    String k = key.toLowerCase(Locale.ROOT);
    if (k.startsWith("aws:") && k.length() > 4) {
      return true;
    }
    if (k.startsWith("s3:")) {
      int slash = k.indexOf('/');
      String base = slash < 0 ? k : k.substring(0, slash);
      return S3.contains(base) && (slash < 0) == !(base.equals("s3:existingobjecttag") || base.equals("s3:requestobjecttag"));
    }
    return kind != PolicyParser.Kind.BUCKET
        && (k.startsWith("iam:") || k.startsWith("sts:") || k.startsWith("kms:")) && k.indexOf(':') < k.length() - 1;
  }
}
