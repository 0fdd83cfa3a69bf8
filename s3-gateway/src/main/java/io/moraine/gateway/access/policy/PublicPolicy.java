package io.moraine.gateway.access.policy;

import io.moraine.gateway.access.policy.PolicyDocument.Condition;
import io.moraine.gateway.access.policy.PolicyDocument.Effect;
import io.moraine.gateway.access.policy.PolicyDocument.Statement;
import java.util.List;
import java.util.Set;

/**
 * S3's definition of a public bucket policy (S3 User Guide, "The meaning of public"; API
 * reference, PublicAccessBlockConfiguration): public unless every Allow statement that grants a
 * "bad action" (s3:Get*, s3:List*, s3:AbortMultipartUpload, s3:Delete*, s3:Put*,
 * s3:RestoreObject) is limited to a fixed principal, or by a condition with fixed values on
 * aws:SourceIp (a CIDR set), aws:SourceArn, aws:SourceVpc, aws:SourceVpce, aws:SourceOwner,
 * aws:SourceAccount, s3:x-amz-server-side-encryption-aws-kms-key-id, or aws:userid outside the
 * pattern "AROLEID:*".
 */
public final class PublicPolicy {
  private PublicPolicy() {}

  private static final Set<String> FIXING_KEYS = Set.of("aws:sourcearn", "aws:sourcevpc", "aws:sourcevpce",
      "aws:sourceowner", "aws:sourceaccount", "s3:x-amz-server-side-encryption-aws-kms-key-id", "aws:userid",
      "aws:sourceip", "aws:principalaccount", "aws:principalarn", "aws:principalorgid");

  private static final List<String> BAD_ACTIONS = List.of("s3:Get*", "s3:List*", "s3:AbortMultipartUpload",
      "s3:Delete*", "s3:Put*", "s3:RestoreObject");

  public static boolean isPublic(PolicyDocument doc) {
    for (Statement s : doc.statements()) {
      if (s.effect() == Effect.ALLOW && grantsBadAction(s) && principalIsOpen(s) && !fixedByCondition(s)) {
        return true;
      }
    }
    return false;
  }

  private static boolean grantsBadAction(Statement s) {
    if (s.notActions() != null) {
      return true; // everything but a few: some bad action is in it
    }
    for (String a : s.actions()) {
      for (String bad : BAD_ACTIONS) {
        // The statement's pattern covers (part of) a bad family when either matches the other.
        if (a.equals("*") || Wildcard.matchesIgnoreCase(a, bad.replace("*", "X"))
            || Wildcard.matchesIgnoreCase(bad, a.replace("*", "X"))) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean principalIsOpen(Statement s) {
    if (s.notPrincipal() != null) {
      return true;
    }
    return s.principal().anyone();
  }

  private static boolean fixedByCondition(Statement s) {
    for (Condition c : s.conditions()) {
      if (!FIXING_KEYS.contains(c.key()) || c.operator().negated() || c.ifExists()
          || c.qualifier() == PolicyDocument.SetQualifier.FOR_ALL_VALUES) {
        continue;
      }
      boolean fixed = true;
      for (String v : c.values()) {
        if (c.key().equals("aws:sourceip")) {
          // A CIDR set that is not everything.
          if (v.endsWith("/0") || c.operator() != ConditionOperator.IpAddress) {
            fixed = false;
          }
        } else if (c.key().equals("aws:userid") && v.endsWith(":*")) {
          fixed = false;
        } else if (Wildcard.hasWildcard(v) || v.contains("${")) {
          fixed = false;
        }
      }
      if (fixed) {
        return true;
      }
    }
    return false;
  }
}
