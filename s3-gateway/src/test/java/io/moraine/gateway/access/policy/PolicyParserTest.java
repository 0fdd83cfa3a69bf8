package io.moraine.gateway.access.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moraine.gateway.access.policy.PolicyParser.Kind;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Validation of policy documents as S3 PutBucketPolicy (MalformedPolicy) and IAM
 * (MalformedPolicyDocument) refuse them, with their messages.
 */
class PolicyParserTest {

  record Bad(String why, Kind kind, String json, String message) {
    @Override
    public String toString() {
      return why;
    }
  }

  static String bucket(String statement) {
    return "{\"Version\":\"2012-10-17\",\"Statement\":[" + statement + "]}";
  }

  static final String OK = "{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b/*\"}";

  static Stream<Bad> bad() {
    return Stream.of(
        new Bad("not JSON", Kind.BUCKET, "hello", "Policies must be valid JSON and the first byte must be '{'"),
        new Bad("truncated JSON", Kind.BUCKET, "{\"Version\":", "Policies must be valid JSON and the first byte must be '{'"),
        new Bad("a JSON array", Kind.BUCKET, "[]", "Policies must be valid JSON and the first byte must be '{'"),
        new Bad("duplicate keys", Kind.BUCKET, "{\"Statement\":[],\"Statement\":[]}", "Policies must be valid JSON and the first byte must be '{'"),
        new Bad("unknown top-level field", Kind.BUCKET, "{\"Version\":\"2012-10-17\",\"Foo\":1,\"Statement\":[" + OK + "]}", "Unknown field Foo"),
        new Bad("bad version", Kind.BUCKET, "{\"Version\":\"2020-01-01\",\"Statement\":[" + OK + "]}", "The policy must contain a valid version string"),
        new Bad("no statement", Kind.BUCKET, "{\"Version\":\"2012-10-17\"}", "Missing required field Statement"),
        new Bad("no effect", Kind.BUCKET, bucket("{\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b/*\"}"), "Missing required field Effect"),
        new Bad("bad effect", Kind.BUCKET, bucket(OK.replace("Allow", "Permit")), "Invalid effect: Permit"),
        new Bad("no principal in a bucket policy", Kind.BUCKET, bucket("{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b/*\"}"), "Missing required field Principal"),
        new Bad("a principal in an identity policy", Kind.IDENTITY, bucket(OK), "Policy document should not specify a principal."),
        new Bad("a malformed principal", Kind.BUCKET, bucket(OK.replace("\"*\"", "{\"AWS\":\"bob\"}")), "Invalid principal in policy"),
        new Bad("an unknown principal type", Kind.BUCKET, bucket(OK.replace("\"*\"", "{\"Root\":\"*\"}")), "Invalid principal in policy"),
        new Bad("an unknown S3 action", Kind.BUCKET, bucket(OK.replace("s3:GetObject", "s3:GetObjects")), "Policy has invalid action"),
        new Bad("a non-S3 action in a bucket policy", Kind.BUCKET, bucket(OK.replace("s3:GetObject", "iam:CreateUser")), "Policy has invalid action"),
        new Bad("no action", Kind.BUCKET, bucket("{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Resource\":\"arn:aws:s3:::b/*\"}"), "Missing required field Action"),
        new Bad("another bucket's resource", Kind.BUCKET, bucket(OK.replace("arn:aws:s3:::b/*", "arn:aws:s3:::other/*")), "Policy has invalid resource"),
        new Bad("a non-S3 resource", Kind.BUCKET, bucket(OK.replace("arn:aws:s3:::b/*", "arn:aws:iam::111122223333:user/x")), "Policy has invalid resource"),
        new Bad("an object action on the bucket ARN", Kind.BUCKET, bucket(OK.replace("arn:aws:s3:::b/*", "arn:aws:s3:::b")), "Action does not apply to any resource(s) in statement"),
        new Bad("a bucket action on an object ARN", Kind.BUCKET, bucket(OK.replace("s3:GetObject", "s3:ListBucket")), "Action does not apply to any resource(s) in statement"),
        new Bad("an unknown condition operator", Kind.BUCKET, bucket(OK.replace("}", ",\"Condition\":{\"StringIs\":{\"s3:prefix\":\"a\"}}}")), "Invalid Condition type : StringIs"),
        new Bad("an unknown S3 condition key", Kind.BUCKET, bucket(OK.replace("}", ",\"Condition\":{\"StringEquals\":{\"s3:nonsense\":\"a\"}}}")), "Policy has an invalid condition key"),
        new Bad("a non-numeric value for a numeric operator", Kind.BUCKET, bucket(OK.replace("}", ",\"Condition\":{\"NumericLessThan\":{\"s3:max-keys\":\"ten\"}}}")), "Invalid Condition value for NumericLessThan: s3:max-keys = ten"),
        new Bad("a bad CIDR", Kind.BUCKET, bucket(OK.replace("}", ",\"Condition\":{\"IpAddress\":{\"aws:SourceIp\":\"300.1.1.1/8\"}}}")), "Invalid Condition value for IpAddress: aws:SourceIp = 300.1.1.1/8"),
        new Bad("an identity resource not an ARN", Kind.IDENTITY, bucket("{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"bucket\"}"), "Resource bucket must be in ARN format or \"*\"."),
        new Bad("a resource in a trust policy", Kind.TRUST, bucket("{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"111122223333\"},\"Action\":\"sts:AssumeRole\",\"Resource\":\"*\"}"), "Has prohibited field Resource"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("bad")
  void malformedDocumentsAreRefusedWithTheirMessage(Bad b) {
    assertThatThrownBy(() -> PolicyParser.parse(b.json(), b.kind(), "b"))
        .isInstanceOf(MalformedPolicyException.class).hasMessage(b.message());
  }

  @Test
  void theDocumentedExamplesParse() throws Exception {
    // S3 User Guide, "Bucket policy examples": read-only for anonymous users; restrict to an IP range.
    PolicyParser.parse("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"PublicRead\",\"Effect\":\"Allow\","
        + "\"Principal\":\"*\",\"Action\":[\"s3:GetObject\",\"s3:GetObjectVersion\"],\"Resource\":[\"arn:aws:s3:::b/*\"]}]}",
        Kind.BUCKET, "b");
    PolicyParser.parse("{\"Version\":\"2012-10-17\",\"Id\":\"S3PolicyId1\",\"Statement\":[{\"Sid\":\"IPAllow\",\"Effect\":\"Deny\","
        + "\"Principal\":\"*\",\"Action\":\"s3:*\",\"Resource\":[\"arn:aws:s3:::b\",\"arn:aws:s3:::b/*\"],"
        + "\"Condition\":{\"NotIpAddress\":{\"aws:SourceIp\":\"192.0.2.0/24\"}}}]}", Kind.BUCKET, "b");
    PolicyParser.parse("{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":"
        + "\"arn:aws:iam::111122223333:root\"},\"Action\":\"sts:AssumeRole\",\"Condition\":{\"Bool\":{\"aws:MultiFactorAuthPresent\":true}}}}",
        Kind.TRUST, null);
  }

  @Test
  void publicMeansWhatS3Says() throws Exception {
    assertThat(PublicPolicy.isPublic(PolicyParser.parse(bucket(OK), Kind.BUCKET, "b"))).isTrue();
    // A fixed principal is not public.
    assertThat(PublicPolicy.isPublic(PolicyParser.parse(bucket(OK.replace("\"*\"", "{\"AWS\":\"111122223333\"}")),
        Kind.BUCKET, "b"))).isFalse();
    // Anyone, but only from a CIDR: not public.
    assertThat(PublicPolicy.isPublic(PolicyParser.parse(bucket(OK.replace("}",
        ",\"Condition\":{\"IpAddress\":{\"aws:SourceIp\":\"10.0.0.0/8\"}}}")), Kind.BUCKET, "b"))).isFalse();
    // Anyone from anywhere: public even with the condition.
    assertThat(PublicPolicy.isPublic(PolicyParser.parse(bucket(OK.replace("}",
        ",\"Condition\":{\"IpAddress\":{\"aws:SourceIp\":\"0.0.0.0/0\"}}}")), Kind.BUCKET, "b"))).isTrue();
    // A Deny is never public.
    assertThat(PublicPolicy.isPublic(PolicyParser.parse(bucket(OK.replace("Allow", "Deny")), Kind.BUCKET, "b"))).isFalse();
  }
}
