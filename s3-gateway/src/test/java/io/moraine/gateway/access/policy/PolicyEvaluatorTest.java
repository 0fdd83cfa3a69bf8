package io.moraine.gateway.access.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.moraine.gateway.access.policy.PolicyEvaluator.Outcome;
import io.moraine.gateway.access.policy.RequestContext.Caller;
import io.moraine.gateway.access.policy.RequestContext.CallerType;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The policy language, case by case. Each case cites the rule of the IAM User Guide ("IAM JSON
 * policy element reference", "Condition operators", "Policy variables", "Policy evaluation
 * logic") or the S3 User Guide it checks.
 */
class PolicyEvaluatorTest {
  static final String ACCOUNT = "111122223333";
  static final String OTHER = "444455556666";
  static final Caller ALICE = new Caller(CallerType.IAM_USER, ACCOUNT, "c".repeat(64),
      "arn:aws:iam::" + ACCOUNT + ":user/team/alice", null);
  static final Caller ROOT = new Caller(CallerType.ACCOUNT_ROOT, ACCOUNT, "c".repeat(64), "arn:aws:iam::" + ACCOUNT + ":root", null);
  static final Caller BOB_OTHER = new Caller(CallerType.IAM_USER, OTHER, "d".repeat(64),
      "arn:aws:iam::" + OTHER + ":user/bob", null);
  static final Caller SESSION = new Caller(CallerType.ROLE_SESSION, ACCOUNT, "c".repeat(64),
      "arn:aws:sts::" + ACCOUNT + ":assumed-role/reader/s1", "arn:aws:iam::" + ACCOUNT + ":role/reader");

  record Case(String rule, String policy, PolicyParser.Kind kind, RequestContext ctx, Outcome expected) {
    @Override
    public String toString() {
      return rule;
    }
  }

  static RequestContext ctx(Caller c, String action, String resource, Map<String, List<String>> keys) {
    return new RequestContext(action, resource, c, keys);
  }

  static RequestContext get(Caller c, String key, Map<String, List<String>> keys) {
    return ctx(c, "s3:GetObject", "arn:aws:s3:::b/" + key, keys);
  }

  static String identity(String statements) {
    return "{\"Version\":\"2012-10-17\",\"Statement\":[" + statements + "]}";
  }

  static final Map<String, List<String>> NONE = Map.of();

  static Stream<Case> cases() {
    PolicyParser.Kind I = PolicyParser.Kind.IDENTITY;
    PolicyParser.Kind B = PolicyParser.Kind.BUCKET;
    return Stream.of(
        new Case("Action: exact name matches, case-insensitively (IAM: action names are not case sensitive)",
            identity("{\"Effect\":\"Allow\",\"Action\":\"S3:getobject\",\"Resource\":\"*\"}"), I,
            get(ALICE, "k", NONE), Outcome.ALLOW),
        new Case("Action: wildcard s3:Get* covers GetObject",
            identity("{\"Effect\":\"Allow\",\"Action\":\"s3:Get*\",\"Resource\":\"*\"}"), I,
            get(ALICE, "k", NONE), Outcome.ALLOW),
        new Case("Action: another action does not apply",
            identity("{\"Effect\":\"Allow\",\"Action\":\"s3:PutObject\",\"Resource\":\"*\"}"), I,
            get(ALICE, "k", NONE), Outcome.NOT_APPLICABLE),
        new Case("NotAction: everything except the listed actions",
            identity("{\"Effect\":\"Allow\",\"NotAction\":\"s3:Delete*\",\"Resource\":\"*\"}"), I,
            get(ALICE, "k", NONE), Outcome.ALLOW),
        new Case("NotAction: a listed action is not covered",
            identity("{\"Effect\":\"Allow\",\"NotAction\":\"s3:Get*\",\"Resource\":\"*\"}"), I,
            get(ALICE, "k", NONE), Outcome.NOT_APPLICABLE),
        new Case("Resource: * and ? wildcards within one ARN, case-sensitive",
            identity("{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b/home/?lice/*\"}"), I,
            get(ALICE, "home/alice/notes.txt", NONE), Outcome.ALLOW),
        new Case("Resource: the bucket ARN does not cover its objects",
            identity("{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b\"}"), I,
            get(ALICE, "k", NONE), Outcome.NOT_APPLICABLE),
        new Case("Resource: case matters (S3 keys are case-sensitive)",
            identity("{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b/Public/*\"}"), I,
            get(ALICE, "public/x", NONE), Outcome.NOT_APPLICABLE),
        new Case("NotResource: everything but the listed resources",
            identity("{\"Effect\":\"Deny\",\"Action\":\"s3:*\",\"NotResource\":\"arn:aws:s3:::b/public/*\"}"), I,
            get(ALICE, "private/x", NONE), Outcome.DENY),
        new Case("Evaluation: an explicit Deny overrides any Allow in the same policy",
            identity("{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"},"
                + "{\"Effect\":\"Deny\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b/secret/*\"}"), I,
            get(ALICE, "secret/x", NONE), Outcome.DENY),
        new Case("Policy variables: ${aws:username} in a Resource (Version 2012-10-17)",
            identity("{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b/home/${aws:username}/*\"}"), I,
            get(ALICE, "home/alice/x", Map.of("aws:username", List.of("alice"))), Outcome.ALLOW),
        new Case("Policy variables: another user's home does not match",
            identity("{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b/home/${aws:username}/*\"}"), I,
            get(ALICE, "home/bob/x", Map.of("aws:username", List.of("alice"))), Outcome.NOT_APPLICABLE),
        new Case("Policy variables: a missing key without default makes the value match nothing",
            identity("{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b/home/${aws:username}/*\"}"), I,
            get(SESSION, "home/alice/x", NONE), Outcome.NOT_APPLICABLE),
        new Case("Policy variables: default value syntax ${key, 'default'}",
            identity("{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b/home/${aws:username, 'guest'}/*\"}"), I,
            get(SESSION, "home/guest/x", NONE), Outcome.ALLOW),
        new Case("Policy variables: not substituted in a 2008-10-17 policy (treated literally)",
            "{\"Version\":\"2008-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b/home/${aws:username}/*\"}]}", I,
            get(ALICE, "home/alice/x", Map.of("aws:username", List.of("alice"))), Outcome.NOT_APPLICABLE),
        new Case("Condition: StringEquals, OR across values of one key",
            identity("{\"Effect\":\"Allow\",\"Action\":\"s3:ListBucket\",\"Resource\":\"arn:aws:s3:::b\",\"Condition\":{\"StringEquals\":{\"s3:prefix\":[\"a/\",\"b/\"]}}}"), I,
            ctx(ALICE, "s3:ListBucket", "arn:aws:s3:::b", Map.of("s3:prefix", List.of("b/"))), Outcome.ALLOW),
        new Case("Condition: AND across keys; one failing key fails the statement",
            identity("{\"Effect\":\"Allow\",\"Action\":\"s3:ListBucket\",\"Resource\":\"arn:aws:s3:::b\",\"Condition\":{\"StringEquals\":{\"s3:prefix\":\"a/\",\"s3:delimiter\":\"/\"}}}"), I,
            ctx(ALICE, "s3:ListBucket", "arn:aws:s3:::b", Map.of("s3:prefix", List.of("a/"))), Outcome.NOT_APPLICABLE),
        new Case("Condition: a missing key fails a positive operator",
            identity("{\"Effect\":\"Allow\",\"Action\":\"s3:ListBucket\",\"Resource\":\"arn:aws:s3:::b\",\"Condition\":{\"StringLike\":{\"s3:prefix\":\"home/*\"}}}"), I,
            ctx(ALICE, "s3:ListBucket", "arn:aws:s3:::b", NONE), Outcome.NOT_APPLICABLE),
        new Case("Condition: a missing key satisfies a negated operator (StringNotEquals)",
            identity("{\"Effect\":\"Deny\",\"Action\":\"s3:PutObject\",\"Resource\":\"*\",\"Condition\":{\"StringNotEquals\":{\"s3:x-amz-server-side-encryption\":\"AES256\"}}}"), I,
            ctx(ALICE, "s3:PutObject", "arn:aws:s3:::b/k", NONE), Outcome.DENY),
        new Case("Condition: ...IfExists matches when the key is missing",
            identity("{\"Effect\":\"Allow\",\"Action\":\"s3:PutObject\",\"Resource\":\"*\",\"Condition\":{\"StringEqualsIfExists\":{\"s3:x-amz-storage-class\":\"STANDARD\"}}}"), I,
            ctx(ALICE, "s3:PutObject", "arn:aws:s3:::b/k", NONE), Outcome.ALLOW),
        new Case("Condition: ...IfExists still compares a present key",
            identity("{\"Effect\":\"Allow\",\"Action\":\"s3:PutObject\",\"Resource\":\"*\",\"Condition\":{\"StringEqualsIfExists\":{\"s3:x-amz-storage-class\":\"STANDARD\"}}}"), I,
            ctx(ALICE, "s3:PutObject", "arn:aws:s3:::b/k", Map.of("s3:x-amz-storage-class", List.of("GLACIER"))), Outcome.NOT_APPLICABLE),
        new Case("Condition: condition key names are case-insensitive",
            identity("{\"Effect\":\"Allow\",\"Action\":\"s3:PutObject\",\"Resource\":\"*\",\"Condition\":{\"StringEquals\":{\"S3:X-Amz-Acl\":\"private\"}}}"), I,
            ctx(ALICE, "s3:PutObject", "arn:aws:s3:::b/k", Map.of("s3:x-amz-acl", List.of("private"))), Outcome.ALLOW),
        new Case("Condition: StringEqualsIgnoreCase",
            identity("{\"Effect\":\"Allow\",\"Action\":\"s3:PutObject\",\"Resource\":\"*\",\"Condition\":{\"StringEqualsIgnoreCase\":{\"aws:UserAgent\":\"CURL/8\"}}}"), I,
            ctx(ALICE, "s3:PutObject", "arn:aws:s3:::b/k", Map.of("aws:UserAgent", List.of("curl/8"))), Outcome.ALLOW),
        new Case("Condition: NumericLessThanEquals on s3:max-keys",
            identity("{\"Effect\":\"Allow\",\"Action\":\"s3:ListBucket\",\"Resource\":\"*\",\"Condition\":{\"NumericLessThanEquals\":{\"s3:max-keys\":\"10\"}}}"), I,
            ctx(ALICE, "s3:ListBucket", "arn:aws:s3:::b", Map.of("s3:max-keys", List.of("10"))), Outcome.ALLOW),
        new Case("Condition: NumericLessThan fails above the bound",
            identity("{\"Effect\":\"Allow\",\"Action\":\"s3:ListBucket\",\"Resource\":\"*\",\"Condition\":{\"NumericLessThan\":{\"s3:max-keys\":10}}}"), I,
            ctx(ALICE, "s3:ListBucket", "arn:aws:s3:::b", Map.of("s3:max-keys", List.of("11"))), Outcome.NOT_APPLICABLE),
        new Case("Condition: a non-numeric request value never matches a numeric operator",
            identity("{\"Effect\":\"Allow\",\"Action\":\"s3:ListBucket\",\"Resource\":\"*\",\"Condition\":{\"NumericGreaterThan\":{\"s3:max-keys\":1}}}"), I,
            ctx(ALICE, "s3:ListBucket", "arn:aws:s3:::b", Map.of("s3:max-keys", List.of("ten"))), Outcome.NOT_APPLICABLE),
        new Case("Condition: DateLessThan on aws:CurrentTime (ISO 8601)",
            identity("{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\",\"Condition\":{\"DateLessThan\":{\"aws:CurrentTime\":\"2027-01-01T00:00:00Z\"}}}"), I,
            get(ALICE, "k", Map.of("aws:CurrentTime", List.of("2026-12-05T10:00:00Z"))), Outcome.ALLOW),
        new Case("Condition: DateGreaterThan with epoch seconds on aws:EpochTime",
            identity("{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\",\"Condition\":{\"DateGreaterThan\":{\"aws:EpochTime\":\"1900000000\"}}}"), I,
            get(ALICE, "k", Map.of("aws:EpochTime", List.of("1800000000"))), Outcome.NOT_APPLICABLE),
        new Case("Condition: Bool aws:SecureTransport false denies plain HTTP",
            identity("{\"Effect\":\"Deny\",\"Action\":\"s3:*\",\"Resource\":\"*\",\"Condition\":{\"Bool\":{\"aws:SecureTransport\":\"false\"}}}"), I,
            get(ALICE, "k", Map.of("aws:SecureTransport", List.of("false"))), Outcome.DENY),
        new Case("Condition: IpAddress with a CIDR",
            identity("{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\",\"Condition\":{\"IpAddress\":{\"aws:SourceIp\":\"192.0.2.0/24\"}}}"), I,
            get(ALICE, "k", Map.of("aws:SourceIp", List.of("192.0.2.77"))), Outcome.ALLOW),
        new Case("Condition: NotIpAddress outside the range",
            identity("{\"Effect\":\"Deny\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\",\"Condition\":{\"NotIpAddress\":{\"aws:SourceIp\":[\"192.0.2.0/24\",\"203.0.113.0/24\"]}}}"), I,
            get(ALICE, "k", Map.of("aws:SourceIp", List.of("198.51.100.1"))), Outcome.DENY),
        new Case("Condition: IpAddress for IPv6",
            identity("{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\",\"Condition\":{\"IpAddress\":{\"aws:SourceIp\":\"2001:db8::/32\"}}}"), I,
            get(ALICE, "k", Map.of("aws:SourceIp", List.of("2001:db8:1::5"))), Outcome.ALLOW),
        new Case("Condition: ArnLike matches each ARN part with wildcards",
            identity("{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\",\"Condition\":{\"ArnLike\":{\"aws:PrincipalArn\":\"arn:aws:iam::*:user/team/*\"}}}"), I,
            get(ALICE, "k", Map.of("aws:PrincipalArn", List.of(ALICE.arn()))), Outcome.ALLOW),
        new Case("Condition: ArnNotEquals",
            identity("{\"Effect\":\"Deny\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\",\"Condition\":{\"ArnNotEquals\":{\"aws:PrincipalArn\":\"arn:aws:iam::111122223333:user/team/alice\"}}}"), I,
            get(ALICE, "k", Map.of("aws:PrincipalArn", List.of(ALICE.arn()))), Outcome.NOT_APPLICABLE),
        new Case("Condition: Null true matches an absent key",
            identity("{\"Effect\":\"Deny\",\"Action\":\"s3:PutObject\",\"Resource\":\"*\",\"Condition\":{\"Null\":{\"s3:x-amz-server-side-encryption\":\"true\"}}}"), I,
            ctx(ALICE, "s3:PutObject", "arn:aws:s3:::b/k", NONE), Outcome.DENY),
        new Case("Condition: Null false needs the key present",
            identity("{\"Effect\":\"Deny\",\"Action\":\"s3:PutObject\",\"Resource\":\"*\",\"Condition\":{\"Null\":{\"s3:x-amz-server-side-encryption\":\"false\"}}}"), I,
            ctx(ALICE, "s3:PutObject", "arn:aws:s3:::b/k", NONE), Outcome.NOT_APPLICABLE),
        new Case("Condition: ForAnyValue matches when one request value matches",
            identity("{\"Effect\":\"Allow\",\"Action\":\"s3:PutObjectTagging\",\"Resource\":\"*\",\"Condition\":{\"ForAnyValue:StringEquals\":{\"s3:RequestObjectTagKeys\":[\"team\"]}}}"), I,
            ctx(ALICE, "s3:PutObjectTagging", "arn:aws:s3:::b/k", Map.of("s3:RequestObjectTagKeys", List.of("cost", "team"))), Outcome.ALLOW),
        new Case("Condition: ForAllValues needs every request value among the policy values",
            identity("{\"Effect\":\"Allow\",\"Action\":\"s3:PutObjectTagging\",\"Resource\":\"*\",\"Condition\":{\"ForAllValues:StringEquals\":{\"s3:RequestObjectTagKeys\":[\"team\",\"env\"]}}}"), I,
            ctx(ALICE, "s3:PutObjectTagging", "arn:aws:s3:::b/k", Map.of("s3:RequestObjectTagKeys", List.of("team", "cost"))), Outcome.NOT_APPLICABLE),
        new Case("Condition: ForAllValues is true for a missing key (vacuous)",
            identity("{\"Effect\":\"Allow\",\"Action\":\"s3:PutObjectTagging\",\"Resource\":\"*\",\"Condition\":{\"ForAllValues:StringEquals\":{\"s3:RequestObjectTagKeys\":[\"team\"]}}}"), I,
            ctx(ALICE, "s3:PutObjectTagging", "arn:aws:s3:::b/k", NONE), Outcome.ALLOW),
        new Case("Condition: ForAnyValue is false for a missing key",
            identity("{\"Effect\":\"Allow\",\"Action\":\"s3:PutObjectTagging\",\"Resource\":\"*\",\"Condition\":{\"ForAnyValue:StringLike\":{\"s3:RequestObjectTagKeys\":[\"t*\"]}}}"), I,
            ctx(ALICE, "s3:PutObjectTagging", "arn:aws:s3:::b/k", NONE), Outcome.NOT_APPLICABLE),
        new Case("Condition: variables in condition values (${aws:username})",
            identity("{\"Effect\":\"Allow\",\"Action\":\"s3:ListBucket\",\"Resource\":\"*\",\"Condition\":{\"StringLike\":{\"s3:prefix\":[\"home/${aws:username}/*\"]}}}"), I,
            ctx(ALICE, "s3:ListBucket", "arn:aws:s3:::b", Map.of("s3:prefix", List.of("home/alice/docs/"), "aws:username", List.of("alice"))), Outcome.ALLOW),
        new Case("Condition: existing object tags (s3:ExistingObjectTag/<key>)",
            identity("{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\",\"Condition\":{\"StringEquals\":{\"s3:ExistingObjectTag/classification\":\"public\"}}}"), I,
            get(ALICE, "k", Map.of("s3:ExistingObjectTag/classification", List.of("public"))), Outcome.ALLOW),
        new Case("Principal *: anyone, anonymous included (bucket policy)",
            "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b/*\"}]}", B,
            get(Caller.ANONYMOUS, "k", NONE), Outcome.ALLOW),
        new Case("Principal {AWS: account id}: any principal of that account",
            "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"" + OTHER + "\"},\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b/*\"}]}", B,
            get(BOB_OTHER, "k", NONE), Outcome.ALLOW),
        new Case("Principal {AWS: account id}: nobody of another account",
            "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::" + OTHER + ":root\"},\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b/*\"}]}", B,
            get(ALICE, "k", NONE), Outcome.NOT_APPLICABLE),
        new Case("Principal {AWS: account id}: never the anonymous principal",
            "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"" + OTHER + "\"},\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b/*\"}]}", B,
            get(Caller.ANONYMOUS, "k", NONE), Outcome.NOT_APPLICABLE),
        new Case("Principal {AWS: user ARN}: that user",
            "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"" + ALICE.arn() + "\"},\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b/*\"}]}", B,
            get(ALICE, "k", NONE), Outcome.ALLOW),
        new Case("Principal {AWS: role ARN}: sessions of the role",
            "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::" + ACCOUNT + ":role/reader\"},\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b/*\"}]}", B,
            get(SESSION, "k", NONE), Outcome.ALLOW),
        new Case("Principal {CanonicalUser}: the account with that canonical id",
            "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"CanonicalUser\":\"" + "d".repeat(64) + "\"},\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b/*\"}]}", B,
            get(BOB_OTHER, "k", NONE), Outcome.ALLOW),
        new Case("NotPrincipal with Deny: everyone but the listed principal is denied",
            "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"NotPrincipal\":{\"AWS\":\"" + ALICE.arn() + "\"},\"Action\":\"s3:*\",\"Resource\":\"arn:aws:s3:::b/*\"}]}", B,
            get(BOB_OTHER, "k", NONE), Outcome.DENY),
        new Case("NotPrincipal with Deny: the listed principal is not denied",
            "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"NotPrincipal\":{\"AWS\":\"" + ALICE.arn() + "\"},\"Action\":\"s3:*\",\"Resource\":\"arn:aws:s3:::b/*\"}]}", B,
            get(ALICE, "k", NONE), Outcome.NOT_APPLICABLE),
        new Case("Principal: the account root named by ARN is a specific grant to the root",
            "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::" + ACCOUNT + ":root\"},\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b/*\"}]}", B,
            get(ROOT, "k", NONE), Outcome.ALLOW));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void eachCaseEvaluatesAsDocumented(Case c) throws Exception {
    PolicyDocument doc = PolicyParser.parse(c.policy(), c.kind(), "b");
    assertThat(PolicyEvaluator.evaluate(doc, c.ctx(), c.kind() != PolicyParser.Kind.IDENTITY).outcome())
        .as(c.rule()).isEqualTo(c.expected());
  }

  @org.junit.jupiter.api.Test
  void anAccountGrantDelegatesWhileAUserGrantIsSpecific() throws Exception {
    String byAccount = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"" + OTHER
        + "\"},\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b/*\"}]}";
    String byUser = byAccount.replace("\"" + OTHER + "\"", "\"" + BOB_OTHER.arn() + "\"");
    var a = PolicyEvaluator.evaluate(PolicyParser.parse(byAccount, PolicyParser.Kind.BUCKET, "b"), get(BOB_OTHER, "k", NONE), true);
    var u = PolicyEvaluator.evaluate(PolicyParser.parse(byUser, PolicyParser.Kind.BUCKET, "b"), get(BOB_OTHER, "k", NONE), true);
    assertThat(a.allows()).isTrue();
    assertThat(a.specific()).isFalse();
    assertThat(u.allows()).isTrue();
    assertThat(u.specific()).isTrue();
  }
}
