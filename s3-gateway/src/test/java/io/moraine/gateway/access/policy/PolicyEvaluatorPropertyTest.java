package io.moraine.gateway.access.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.moraine.gateway.access.policy.RequestContext.Caller;
import io.moraine.gateway.access.policy.RequestContext.CallerType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random identity and bucket policies against a naive reference evaluator written straight from
 * the IAM User Guide ("Policy evaluation logic": an explicit deny in any matching statement wins,
 * else an allow in any matching statement, else implicit deny; "*" matches any run of
 * characters and "?" exactly one, case-sensitively for resources and case-insensitively for
 * actions). The engine must never allow what the reference denies, and must agree with it.
 */
class PolicyEvaluatorPropertyTest {
  static final List<String> ACTIONS = List.of("s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket",
      "s3:GetObjectAcl", "s3:PutBucketPolicy");
  static final List<String> ACTION_PATTERNS = List.of("s3:GetObject", "s3:PutObject", "s3:Get*", "s3:*", "*",
      "s3:*Object", "s3:GetObject?cl", "s3:getobject", "s3:List*", "s3:Delete*");
  static final List<String> RESOURCES = List.of("arn:aws:s3:::b", "arn:aws:s3:::b/a.txt", "arn:aws:s3:::b/dir/x",
      "arn:aws:s3:::b/dir/y.txt", "arn:aws:s3:::c/a.txt");
  static final List<String> RESOURCE_PATTERNS = List.of("arn:aws:s3:::b", "arn:aws:s3:::b/*", "arn:aws:s3:::b/dir/*",
      "arn:aws:s3:::*", "*", "arn:aws:s3:::b/?.txt", "arn:aws:s3:::b/dir/?", "arn:aws:s3:::c/*", "arn:aws:s3:::B/*");

  record Stmt(boolean deny, List<String> actions, boolean notAction, List<String> resources, boolean notResource) {}

  record Req(String action, String resource) {}

  @Provide
  Arbitrary<List<Stmt>> policies() {
    Arbitrary<Stmt> stmt = Combinators.combine(Arbitraries.of(true, false),
        Arbitraries.of(ACTION_PATTERNS).list().ofMinSize(1).ofMaxSize(3), Arbitraries.integers().between(0, 5).map(i -> i == 0),
        Arbitraries.of(RESOURCE_PATTERNS).list().ofMinSize(1).ofMaxSize(3), Arbitraries.integers().between(0, 5).map(i -> i == 0))
        .as(Stmt::new);
    return stmt.list().ofMinSize(1).ofMaxSize(5);
  }

  @Provide
  Arbitrary<Req> requests() {
    return Combinators.combine(Arbitraries.of(ACTIONS), Arbitraries.of(RESOURCES)).as(Req::new);
  }

  @Property(tries = 2000)
  void identityPoliciesNeverAllowWhatTheReferenceDenies(@ForAll("policies") List<Stmt> policy, @ForAll("requests") Req req)
      throws MalformedPolicyException {
    PolicyDocument doc = PolicyParser.parse(json(policy, false), PolicyParser.Kind.IDENTITY, null);
    Caller caller = new Caller(CallerType.IAM_USER, "111122223333", "c", "arn:aws:iam::111122223333:user/u", null);
    var result = PolicyEvaluator.evaluate(doc, new RequestContext(req.action(), req.resource(), caller, Map.of()), false);
    Boolean expected = reference(policy, req);
    if (expected == null) {
      assertThat(result.outcome()).isEqualTo(PolicyEvaluator.Outcome.NOT_APPLICABLE);
    } else if (expected) {
      assertThat(result.outcome()).isEqualTo(PolicyEvaluator.Outcome.ALLOW);
    } else {
      assertThat(result.outcome()).isEqualTo(PolicyEvaluator.Outcome.DENY);
    }
  }

  @Property(tries = 1000)
  void bucketPoliciesForEveryoneAgreeWithTheReference(@ForAll("policies") List<Stmt> policy, @ForAll("requests") Req req)
      throws MalformedPolicyException {
    // Bucket policies may only name resources of their bucket; keep the statements that do.
    List<Stmt> inBucket = new ArrayList<>();
    for (Stmt s : policy) {
      List<String> rs = s.resources().stream().filter(r -> r.startsWith("arn:aws:s3:::b")).toList();
      if (!rs.isEmpty() && !s.notResource()) {
        inBucket.add(new Stmt(s.deny(), s.actions(), s.notAction(), rs, false));
      }
    }
    if (inBucket.isEmpty()) {
      return;
    }
    PolicyDocument doc;
    try {
      doc = PolicyParser.parse(json(inBucket, true), PolicyParser.Kind.BUCKET, "b");
    } catch (MalformedPolicyException e) {
      // S3 refuses e.g. s3:ListBucket on object resources only; such a policy is never stored.
      assertThat(e.getMessage()).isEqualTo("Action does not apply to any resource(s) in statement");
      return;
    }
    var result = PolicyEvaluator.evaluate(doc, new RequestContext(req.action(), req.resource(), Caller.ANONYMOUS, Map.of()),
        true);
    Boolean expected = reference(inBucket, req);
    assertThat(result.outcome()).isEqualTo(expected == null ? PolicyEvaluator.Outcome.NOT_APPLICABLE
        : expected ? PolicyEvaluator.Outcome.ALLOW : PolicyEvaluator.Outcome.DENY);
  }

  /** TRUE allow, FALSE explicit deny, null no statement applies. */
  static Boolean reference(List<Stmt> policy, Req req) {
    boolean allowed = false;
    for (Stmt s : policy) {
      boolean actionHit = s.actions().stream().anyMatch(p -> glob(p, true).matcher(req.action()).matches());
      boolean resourceHit = s.resources().stream().anyMatch(p -> glob(p, false).matcher(req.resource()).matches());
      if (actionHit != s.notAction() && resourceHit != s.notResource()) {
        if (s.deny()) {
          return false;
        }
        allowed = true;
      }
    }
    return allowed ? true : null;
  }

  static Pattern glob(String p, boolean ignoreCase) {
    StringBuilder re = new StringBuilder();
    for (char c : p.toCharArray()) {
      re.append(switch (c) {
        case '*' -> ".*";
        case '?' -> ".";
        default -> Pattern.quote(String.valueOf(c));
      });
    }
    return Pattern.compile(re.toString(), ignoreCase ? Pattern.CASE_INSENSITIVE | Pattern.DOTALL : Pattern.DOTALL);
  }

  static String json(List<Stmt> policy, boolean withPrincipal) {
    StringBuilder b = new StringBuilder("{\"Version\":\"2012-10-17\",\"Statement\":[");
    for (int i = 0; i < policy.size(); i++) {
      Stmt s = policy.get(i);
      if (i > 0) {
        b.append(',');
      }
      b.append("{\"Effect\":\"").append(s.deny() ? "Deny" : "Allow").append('"');
      if (withPrincipal) {
        b.append(",\"Principal\":\"*\"");
      }
      b.append(",\"").append(s.notAction() ? "NotAction" : "Action").append("\":").append(array(s.actions()));
      b.append(",\"").append(s.notResource() ? "NotResource" : "Resource").append("\":").append(array(s.resources()));
      b.append('}');
    }
    return b.append("]}").toString();
  }

  static String array(List<String> v) {
    return v.stream().map(x -> "\"" + x + "\"").reduce((a, c) -> a + "," + c).map(x -> "[" + x + "]").orElse("[]");
  }
}
