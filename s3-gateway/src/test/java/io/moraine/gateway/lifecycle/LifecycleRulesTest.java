package io.moraine.gateway.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moraine.gateway.error.S3Errors;
import io.moraine.gateway.error.S3Exception;
import io.moraine.proto.config.v1.LifecycleConfiguration;
import io.moraine.proto.config.v1.LifecycleFilterForm;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * The LifecycleConfiguration document as S3 validates it. Sources: S3 API Reference,
 * PutBucketLifecycleConfiguration and the LifecycleRule, LifecycleRuleFilter,
 * LifecycleRuleAndOperator, LifecycleExpiration, Transition, NoncurrentVersionTransition,
 * NoncurrentVersionExpiration and AbortIncompleteMultipartUpload types; S3 User Guide,
 * "Lifecycle configuration elements" and "Transitioning objects using Amazon S3 Lifecycle"
 * (the supported-transitions waterfall and its constraints).
 */
class LifecycleRulesTest {

  static LifecycleConfiguration parse(String rules) {
    return LifecycleRules.parseXml(("<LifecycleConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">" + rules
        + "</LifecycleConfiguration>").getBytes(StandardCharsets.UTF_8), LifecycleRules.MIN_SIZE_ALL_128K, () -> "gen-id");
  }

  static String rule(String body) {
    return "<Rule><ID>r</ID><Filter><Prefix>logs/</Prefix></Filter><Status>Enabled</Status>" + body + "</Rule>";
  }

  static Arguments bad(String why, String rules, String code, String message) {
    return Arguments.of(why, rules, code, message);
  }

  static Stream<Arguments> invalid() {
    String exp = "<Expiration><Days>365</Days></Expiration>";
    return Stream.of(
        // Schema: MalformedXML
        bad("no rules", "", "MalformedXML", null),
        bad("unknown rule element", rule(exp + "<Foo/>"), "MalformedXML", null),
        bad("no Status", "<Rule><ID>r</ID><Filter/>" + exp + "</Rule>", "MalformedXML", null),
        bad("Status not Enabled/Disabled", "<Rule><ID>r</ID><Filter/><Status>On</Status>" + exp + "</Rule>",
            "MalformedXML", null),
        bad("neither Filter nor Prefix", "<Rule><ID>r</ID><Status>Enabled</Status>" + exp + "</Rule>", "MalformedXML", null),
        bad("both Filter and Prefix", "<Rule><ID>r</ID><Prefix>a</Prefix><Filter/><Status>Enabled</Status>" + exp + "</Rule>",
            "MalformedXML", null),
        bad("two predicates outside And",
            "<Rule><ID>r</ID><Filter><Prefix>a</Prefix><Tag><Key>k</Key><Value>v</Value></Tag></Filter>"
                + "<Status>Enabled</Status>" + exp + "</Rule>", "MalformedXML", null),
        bad("And with a single predicate (MinIO's test of S3 behaviour)",
            "<Rule><ID>r</ID><Filter><And><Prefix>a</Prefix></And></Filter><Status>Enabled</Status>" + exp + "</Rule>",
            "MalformedXML", null),
        bad("Expiration with Days and Date",
            rule("<Expiration><Days>1</Days><Date>2030-01-01T00:00:00Z</Date></Expiration>"), "MalformedXML", null),
        bad("Expiration with Days and ExpiredObjectDeleteMarker",
            rule("<Expiration><Days>1</Days><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker></Expiration>"),
            "MalformedXML", null),
        bad("empty Expiration", rule("<Expiration/>"), "MalformedXML", null),
        bad("Transition back to STANDARD (not a TransitionStorageClass)",
            rule("<Transition><Days>30</Days><StorageClass>STANDARD</StorageClass></Transition>"), "MalformedXML", null),
        bad("Transition to REDUCED_REDUNDANCY",
            rule("<Transition><Days>30</Days><StorageClass>REDUCED_REDUNDANCY</StorageClass></Transition>"),
            "MalformedXML", null),
        bad("Transition without StorageClass", rule("<Transition><Days>30</Days></Transition>"), "MalformedXML", null),
        bad("Transition with Days and Date",
            rule("<Transition><Days>30</Days><Date>2030-01-01T00:00:00Z</Date><StorageClass>GLACIER</StorageClass></Transition>"),
            "MalformedXML", null),
        bad("Days not a number", rule("<Expiration><Days>ten</Days></Expiration>"), "MalformedXML", null),
        bad("NoncurrentVersionExpiration without NoncurrentDays",
            rule("<NoncurrentVersionExpiration><NewerNoncurrentVersions>2</NewerNoncurrentVersions></NoncurrentVersionExpiration>"),
            "MalformedXML", null),
        // Values: InvalidArgument
        bad("ID longer than 255", "<Rule><ID>" + "x".repeat(256) + "</ID><Filter/><Status>Enabled</Status>" + exp + "</Rule>",
            "InvalidArgument", "ID length should not exceed allowed limit of 255"),
        bad("duplicate IDs", rule(exp) + rule(exp), "InvalidArgument",
            "Rule ID must be unique. Found same ID for more than one rule"),
        bad("Expiration Days 0", rule("<Expiration><Days>0</Days></Expiration>"), "InvalidArgument",
            "'Days' for Expiration action must be a positive integer"),
        bad("Expiration Date not midnight", rule("<Expiration><Date>2030-01-01T00:00:01Z</Date></Expiration>"),
            "InvalidArgument", "'Date' must be at midnight GMT"),
        bad("Transition Date not midnight",
            rule("<Transition><Date>2030-01-01T12:00:00Z</Date><StorageClass>GLACIER</StorageClass></Transition>"),
            "InvalidArgument", "'Date' must be at midnight GMT"),
        bad("STANDARD_IA before 30 days",
            rule("<Transition><Days>29</Days><StorageClass>STANDARD_IA</StorageClass></Transition>"), "InvalidArgument",
            "'Days' in Transition action must be greater than or equal to 30 for storageClass 'STANDARD_IA'"),
        bad("ONEZONE_IA before 30 days",
            rule("<Transition><Days>1</Days><StorageClass>ONEZONE_IA</StorageClass></Transition>"), "InvalidArgument",
            "'Days' in Transition action must be greater than or equal to 30 for storageClass 'ONEZONE_IA'"),
        bad("noncurrent STANDARD_IA before 30 days",
            rule("<NoncurrentVersionTransition><NoncurrentDays>10</NoncurrentDays><StorageClass>STANDARD_IA</StorageClass>"
                + "</NoncurrentVersionTransition>"), "InvalidArgument",
            "'NoncurrentDays' in NoncurrentVersionTransition action must be greater than or equal to 30 for storageClass"
                + " 'STANDARD_IA'"),
        bad("GLACIER then STANDARD_IA (up the waterfall)",
            rule("<Transition><Days>30</Days><StorageClass>GLACIER</StorageClass></Transition>"
                + "<Transition><Days>90</Days><StorageClass>STANDARD_IA</StorageClass></Transition>"), "InvalidArgument",
            null),
        bad("DEEP_ARCHIVE then GLACIER (DEEP_ARCHIVE goes nowhere)",
            rule("<Transition><Days>10</Days><StorageClass>DEEP_ARCHIVE</StorageClass></Transition>"
                + "<Transition><Days>20</Days><StorageClass>GLACIER</StorageClass></Transition>"), "InvalidArgument", null),
        bad("same class twice",
            rule("<Transition><Days>30</Days><StorageClass>GLACIER</StorageClass></Transition>"
                + "<Transition><Days>60</Days><StorageClass>GLACIER</StorageClass></Transition>"), "InvalidArgument",
            "'StorageClass' must be different for 'Transition' actions in same 'Rule' with filter '(prefix=logs/)'"),
        bad("GLACIER less than 30 days after STANDARD_IA",
            rule("<Transition><Days>30</Days><StorageClass>STANDARD_IA</StorageClass></Transition>"
                + "<Transition><Days>40</Days><StorageClass>GLACIER</StorageClass></Transition>"), "InvalidArgument", null),
        bad("Expiration not after the last transition",
            rule("<Transition><Days>60</Days><StorageClass>GLACIER</StorageClass></Transition>"
                + "<Expiration><Days>60</Days></Expiration>"), "InvalidArgument",
            "'Days' in the Expiration action for filter '(prefix=logs/)' must be greater than 'Days' in the Transition action"),
        bad("NoncurrentDays 0", rule("<NoncurrentVersionExpiration><NoncurrentDays>0</NoncurrentDays>"
            + "</NoncurrentVersionExpiration>"), "InvalidArgument",
            "'NoncurrentDays' for NoncurrentVersionExpiration action must be a positive integer"),
        bad("NewerNoncurrentVersions over 100", rule("<NoncurrentVersionExpiration><NoncurrentDays>1</NoncurrentDays>"
            + "<NewerNoncurrentVersions>101</NewerNoncurrentVersions></NoncurrentVersionExpiration>"), "InvalidArgument",
            "NewerNoncurrentVersions must be between 1 and 100"),
        bad("DaysAfterInitiation 0", rule("<AbortIncompleteMultipartUpload><DaysAfterInitiation>0</DaysAfterInitiation>"
            + "</AbortIncompleteMultipartUpload>"), "InvalidArgument",
            "'DaysAfterInitiation' for AbortIncompleteMultipartUpload action must be a positive integer"),
        bad("duplicate tag keys in And",
            "<Rule><ID>r</ID><Filter><And><Tag><Key>k</Key><Value>1</Value></Tag><Tag><Key>k</Key><Value>2</Value></Tag>"
                + "</And></Filter><Status>Enabled</Status>" + exp + "</Rule>", "InvalidArgument",
            "Duplicate Tag Keys are not allowed."),
        bad("size range empty",
            "<Rule><ID>r</ID><Filter><And><ObjectSizeGreaterThan>100</ObjectSizeGreaterThan>"
                + "<ObjectSizeLessThan>100</ObjectSizeLessThan></And></Filter><Status>Enabled</Status>" + exp + "</Rule>",
            "InvalidArgument", "ObjectSizeGreaterThan must be less than ObjectSizeLessThan"),
        // Rules: InvalidRequest
        bad("no action", rule(""), "InvalidRequest", "At least one action needs to be specified in a rule"),
        bad("abort with a tag filter",
            "<Rule><ID>r</ID><Filter><Tag><Key>k</Key><Value>v</Value></Tag></Filter><Status>Enabled</Status>"
                + "<AbortIncompleteMultipartUpload><DaysAfterInitiation>1</DaysAfterInitiation>"
                + "</AbortIncompleteMultipartUpload></Rule>", "InvalidRequest",
            "AbortIncompleteMultipartUpload cannot be specified with Tags."),
        bad("ExpiredObjectDeleteMarker with a tag filter",
            "<Rule><ID>r</ID><Filter><Tag><Key>k</Key><Value>v</Value></Tag></Filter><Status>Enabled</Status>"
                + "<Expiration><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker></Expiration></Rule>",
            "InvalidRequest", "ExpiredObjectDeleteMarker cannot be specified with Tags."),
        bad("Date transition with Days expiration",
            rule("<Transition><Date>2030-01-01T00:00:00Z</Date><StorageClass>GLACIER</StorageClass></Transition>"
                + "<Expiration><Days>400</Days></Expiration>"), "InvalidRequest",
            "Found mixed 'Date' and 'Days' based Expiration and Transition actions in lifecycle rule for filter"
                + " '(prefix=logs/)'"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalid")
  void refusedAsS3Does(String why, String rules, String code, String message) {
    assertThatThrownBy(() -> parse(rules)).isInstanceOfSatisfying(S3Exception.class, e -> {
      S3Errors.Described d = S3Errors.describe(e.error());
      assertThat(d.code()).as(why).isEqualTo(code);
      assertThat(d.httpStatus()).isEqualTo(400);
      if (message != null) {
        assertThat(d.message()).as(why).isEqualTo(message);
      }
    });
  }

  @Test
  void tooManyRulesRefused() {
    StringBuilder rules = new StringBuilder();
    for (int i = 0; i <= LifecycleRules.MAX_RULES; i++) {
      rules.append("<Rule><ID>r").append(i).append("</ID><Filter/><Status>Enabled</Status>")
          .append("<Expiration><Days>1</Days></Expiration></Rule>");
    }
    assertThatThrownBy(() -> parse(rules.toString())).isInstanceOfSatisfying(S3Exception.class,
        e -> assertThat(S3Errors.describe(e.error()).code()).isEqualTo("InvalidRequest"));
    // exactly 1,000 are fine
    String thousand = rules.substring(0, rules.lastIndexOf("<Rule>"));
    assertThat(parse(thousand).getRulesCount()).isEqualTo(1000);
  }

  static Stream<Arguments> valid() {
    return Stream.of(
        // The User Guide's examples ("Examples of S3 Lifecycle configurations").
        Arguments.of("example 1: transition then expire", rule(
            "<Transition><Days>30</Days><StorageClass>STANDARD_IA</StorageClass></Transition>"
                + "<Transition><Days>90</Days><StorageClass>GLACIER</StorageClass></Transition>"
                + "<Expiration><Days>365</Days></Expiration>")),
        Arguments.of("GLACIER at day 0", rule("<Transition><Days>0</Days><StorageClass>GLACIER</StorageClass></Transition>")),
        Arguments.of("legacy prefix", "<Rule><ID>a</ID><Prefix>tmp/</Prefix><Status>Disabled</Status>"
            + "<Expiration><Days>1</Days></Expiration></Rule>"),
        Arguments.of("noncurrent actions", rule("<NoncurrentVersionTransition><NoncurrentDays>30</NoncurrentDays>"
            + "<StorageClass>STANDARD_IA</StorageClass></NoncurrentVersionTransition>"
            + "<NoncurrentVersionExpiration><NoncurrentDays>90</NoncurrentDays><NewerNoncurrentVersions>3"
            + "</NewerNoncurrentVersions></NoncurrentVersionExpiration>")),
        Arguments.of("expired delete marker and abort", rule(
            "<Expiration><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker></Expiration>"
                + "<AbortIncompleteMultipartUpload><DaysAfterInitiation>7</DaysAfterInitiation>"
                + "</AbortIncompleteMultipartUpload>")),
        Arguments.of("And of prefix, tags and sizes", "<Rule><ID>a</ID><Filter><And><Prefix>p/</Prefix>"
            + "<Tag><Key>k1</Key><Value>v1</Value></Tag><Tag><Key>k2</Key><Value>v2</Value></Tag>"
            + "<ObjectSizeGreaterThan>10</ObjectSizeGreaterThan><ObjectSizeLessThan>1000</ObjectSizeLessThan></And>"
            + "</Filter><Status>Enabled</Status><Expiration><Date>2030-01-01T00:00:00.000Z</Date></Expiration></Rule>"),
        Arguments.of("size filter", "<Rule><ID>a</ID><Filter><ObjectSizeGreaterThan>500</ObjectSizeGreaterThan></Filter>"
            + "<Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule>"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valid")
  void acceptedAndRenderedBackToTheSameDocument(String why, String rules) {
    LifecycleConfiguration c = parse(rules);
    byte[] rendered = LifecycleRules.renderXml(c);
    LifecycleConfiguration again = LifecycleRules.parseXml(rendered, c.getTransitionDefaultMinimumObjectSize(), () -> "x");
    assertThat(again).as(why).isEqualTo(c);
  }

  @Test
  void ruleWithoutIdGetsOne() {
    LifecycleConfiguration c = parse("<Rule><Filter/><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule>");
    assertThat(c.getRules(0).getId()).isEqualTo("gen-id");
    assertThat(c.getRules(0).getFilter().getForm()).isEqualTo(LifecycleFilterForm.LIFECYCLE_FILTER_EMPTY);
  }

  @Test
  void minimumSizeHeaderValues() {
    assertThat(LifecycleRules.minimumSizeMode(java.util.Optional.empty())).isEqualTo("all_storage_classes_128K");
    assertThat(LifecycleRules.minimumSizeMode(java.util.Optional.of("varies_by_storage_class")))
        .isEqualTo("varies_by_storage_class");
    assertThatThrownBy(() -> LifecycleRules.minimumSizeMode(java.util.Optional.of("big")))
        .isInstanceOf(S3Exception.class);
  }

  @Test
  void transitionTable() {
    // S3 User Guide, "Supported lifecycle transitions": down the waterfall only.
    assertThat(LifecycleRules.transitionAllowed("STANDARD", "STANDARD_IA")).isTrue();
    assertThat(LifecycleRules.transitionAllowed("REDUCED_REDUNDANCY", "STANDARD_IA")).isTrue();
    assertThat(LifecycleRules.transitionAllowed("STANDARD_IA", "GLACIER")).isTrue();
    assertThat(LifecycleRules.transitionAllowed("ONEZONE_IA", "STANDARD_IA")).isFalse();
    assertThat(LifecycleRules.transitionAllowed("GLACIER", "DEEP_ARCHIVE")).isTrue();
    assertThat(LifecycleRules.transitionAllowed("GLACIER", "GLACIER_IR")).isFalse();
    assertThat(LifecycleRules.transitionAllowed("DEEP_ARCHIVE", "GLACIER")).isFalse();
    assertThat(LifecycleRules.transitionAllowed("STANDARD_IA", "STANDARD")).isFalse();
    assertThat(LifecycleRules.transitionAllowed("GLACIER", "GLACIER")).isFalse();
  }

  @Test
  void filterMatching() {
    LifecycleConfiguration c = parse("<Rule><ID>a</ID><Filter><And><Prefix>p/</Prefix>"
        + "<Tag><Key>k</Key><Value>v</Value></Tag><ObjectSizeGreaterThan>10</ObjectSizeGreaterThan>"
        + "<ObjectSizeLessThan>100</ObjectSizeLessThan></And></Filter><Status>Enabled</Status>"
        + "<Expiration><Days>1</Days></Expiration></Rule>");
    var f = c.getRules(0).getFilter();
    assertThat(LifecycleRules.matches(f, "p/x", 50, Map.of("k", "v"))).isTrue();
    assertThat(LifecycleRules.matches(f, "q/x", 50, Map.of("k", "v"))).isFalse();
    assertThat(LifecycleRules.matches(f, "p/x", 50, Map.of("k", "w"))).isFalse();
    assertThat(LifecycleRules.matches(f, "p/x", 10, Map.of("k", "v"))).isFalse();
    assertThat(LifecycleRules.matches(f, "p/x", 100, Map.of("k", "v"))).isFalse();
  }
}
