package io.moraine.gateway.access.policy;

import io.moraine.gateway.access.policy.PolicyDocument.Condition;
import io.moraine.gateway.access.policy.PolicyDocument.Effect;
import io.moraine.gateway.access.policy.PolicyDocument.Principals;
import io.moraine.gateway.access.policy.PolicyDocument.Statement;
import io.moraine.gateway.access.policy.RequestContext.Caller;
import io.moraine.gateway.access.policy.RequestContext.CallerType;
import java.util.List;
import java.util.Optional;

/**
 * Evaluates one policy document against one request (IAM User Guide, "Policy evaluation logic"):
 * a statement applies when its principal (resource and trust policies), action, resource and
 * every condition match; any applicable Deny makes the policy deny, else any applicable Allow
 * allows, else it does not apply. Pure and thread-safe.
 *
 * <p>For resource policies the result also tells whether the allowing statement named the
 * caller specifically (its user, role or session ARN, or {@code "*"}) or only its account: an
 * account-level grant delegates to the account, whose own identity policies must then allow too.
 */
public final class PolicyEvaluator {
  private PolicyEvaluator() {}

  public enum Outcome { DENY, ALLOW, NOT_APPLICABLE }

  /** @param specific the allow named the caller itself, not only its account (resource policies) */
  public record Result(Outcome outcome, boolean specific) {
    public static final Result DENY = new Result(Outcome.DENY, true);
    public static final Result NONE = new Result(Outcome.NOT_APPLICABLE, false);

    public boolean denies() {
      return outcome == Outcome.DENY;
    }

    public boolean allows() {
      return outcome == Outcome.ALLOW;
    }
  }

  /** {@code resourcePolicy}: match Principal / NotPrincipal (bucket and trust policies). */
  public static Result evaluate(PolicyDocument doc, RequestContext ctx, boolean resourcePolicy) {
    boolean allowed = false;
    boolean specific = false;
    for (Statement s : doc.statements()) {
      PrincipalMatch pm = resourcePolicy ? principalMatch(s, ctx.caller()) : PrincipalMatch.SPECIFIC;
      if (pm == PrincipalMatch.NONE || !actionMatches(s, ctx.action()) || !resourceMatches(s, ctx, doc)
          || !conditionsHold(s.conditions(), ctx, doc)) {
        continue;
      }
      if (s.effect() == Effect.DENY) {
        return Result.DENY;
      }
      allowed = true;
      specific |= pm == PrincipalMatch.SPECIFIC;
    }
    return allowed ? new Result(Outcome.ALLOW, specific) : Result.NONE;
  }

  // ---- principal ------------------------------------------------------------------------------

  enum PrincipalMatch { NONE, ACCOUNT, SPECIFIC }

  static PrincipalMatch principalMatch(Statement s, Caller caller) {
    if (s.principal() != null) {
      return matchPrincipals(s.principal(), caller);
    }
    // NotPrincipal: everyone not listed (IAM: "NotPrincipal"), named specifically.
    return matchPrincipals(s.notPrincipal(), caller) == PrincipalMatch.NONE ? PrincipalMatch.SPECIFIC : PrincipalMatch.NONE;
  }

  private static PrincipalMatch matchPrincipals(Principals p, Caller caller) {
    if (p.anyone()) {
      return PrincipalMatch.SPECIFIC;
    }
    PrincipalMatch best = PrincipalMatch.NONE;
    for (String v : p.of("AWS")) {
      best = max(best, matchAws(v, caller));
    }
    for (String v : p.of("CanonicalUser")) {
      if (caller.canonicalId() != null && caller.canonicalId().equals(v) && !caller.anonymous()) {
        best = max(best, PrincipalMatch.ACCOUNT);
      }
    }
    for (String v : p.of("Service")) {
      if (caller.type() == CallerType.SERVICE && v.equals(caller.arn())) {
        best = max(best, PrincipalMatch.SPECIFIC);
      }
    }
    return best;
  }

  private static PrincipalMatch matchAws(String v, Caller caller) {
    if (caller.anonymous() || caller.type() == CallerType.SERVICE || caller.awsAccountId() == null) {
      return PrincipalMatch.NONE;
    }
    String account = caller.awsAccountId();
    if (v.equals(account) || v.equals("arn:aws:iam::" + account + ":root")) {
      // The account root itself is named specifically; its users and roles only through the account.
      return caller.type() == CallerType.ACCOUNT_ROOT ? PrincipalMatch.SPECIFIC : PrincipalMatch.ACCOUNT;
    }
    if (v.equals(caller.arn()) || (caller.roleArn() != null && v.equals(caller.roleArn()))) {
      return PrincipalMatch.SPECIFIC;
    }
    return PrincipalMatch.NONE;
  }

  private static PrincipalMatch max(PrincipalMatch a, PrincipalMatch b) {
    return a.ordinal() >= b.ordinal() ? a : b;
  }

  // ---- action and resource --------------------------------------------------------------------

  static boolean actionMatches(Statement s, String action) {
    if (s.actions() != null) {
      return anyActionMatches(s.actions(), action);
    }
    return !anyActionMatches(s.notActions(), action);
  }

  private static boolean anyActionMatches(List<String> patterns, String action) {
    for (String p : patterns) {
      if (p.equals("*") || Wildcard.matchesIgnoreCase(p, action)) {
        return true;
      }
    }
    return false;
  }

  private static boolean resourceMatches(Statement s, RequestContext ctx, PolicyDocument doc) {
    if (s.resources() == null && s.notResources() == null) {
      return true; // trust policies have none
    }
    if (s.resources() != null) {
      return anyResourceMatches(s.resources(), ctx, doc);
    }
    return !anyResourceMatches(s.notResources(), ctx, doc);
  }

  private static boolean anyResourceMatches(List<String> patterns, RequestContext ctx, PolicyDocument doc) {
    for (String p : patterns) {
      if (p.equals("*")) {
        return true;
      }
      Optional<String> expanded = doc.variablesEnabled() ? Variables.expand(p, ctx) : Optional.of(p);
      if (expanded.isPresent() && Wildcard.matches(expanded.get(), ctx.resource())) {
        return true;
      }
    }
    return false;
  }

  // ---- conditions -----------------------------------------------------------------------------

  /** Every (operator, key) pair must hold: AND across them, OR across one key's policy values. */
  static boolean conditionsHold(List<Condition> conditions, RequestContext ctx, PolicyDocument doc) {
    for (Condition c : conditions) {
      if (!holds(c, ctx, doc)) {
        return false;
      }
    }
    return true;
  }

  static boolean holds(Condition c, RequestContext ctx, PolicyDocument doc) {
    List<String> requestValues = ctx.values(c.key());
    if (c.operator() == ConditionOperator.Null) {
      // "Null": true means the key must be absent, false that it must be present.
      boolean absent = requestValues.isEmpty();
      for (String v : c.values()) {
        if (Boolean.parseBoolean(v.toLowerCase(java.util.Locale.ROOT)) == absent) {
          return true;
        }
      }
      return false;
    }
    List<String> policyValues = c.values().stream()
        .map(v -> doc.variablesEnabled() ? Variables.expand(v, ctx).orElse(null) : v)
        .filter(java.util.Objects::nonNull)
        .toList();
    switch (c.qualifier()) {
      case FOR_ALL_VALUES -> {
        // Vacuously true for a missing or empty key (IAM: "ForAllValues").
        for (String rv : requestValues) {
          if (!single(c.operator(), rv, policyValues)) {
            return false;
          }
        }
        return true;
      }
      case FOR_ANY_VALUE -> {
        for (String rv : requestValues) {
          if (single(c.operator(), rv, policyValues)) {
            return true;
          }
        }
        return false;
      }
      default -> {
        if (requestValues.isEmpty()) {
          // A missing key matches only ...IfExists and the negated operators.
          return c.ifExists() || c.operator().negated();
        }
        // A single-valued key in practice; several values without a qualifier: any may match.
        for (String rv : requestValues) {
          if (single(c.operator(), rv, policyValues)) {
            return true;
          }
        }
        return false;
      }
    }
  }

  /** One request value against the policy values: matches any, negated for Not* operators. */
  private static boolean single(ConditionOperator op, String requestValue, List<String> policyValues) {
    boolean any = false;
    for (String pv : policyValues) {
      if (op.compare(requestValue, pv)) {
        any = true;
        break;
      }
    }
    return op.negated() != any;
  }
}
