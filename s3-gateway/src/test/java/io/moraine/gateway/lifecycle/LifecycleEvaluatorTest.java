package io.moraine.gateway.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.moraine.gateway.lifecycle.LifecycleEvaluator.Action;
import io.moraine.gateway.lifecycle.LifecycleEvaluator.Version;
import io.moraine.metadata.api.DayScale;
import io.moraine.proto.config.v1.LifecycleConfiguration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The evaluator on a fake clock with 1-second days (S3 User Guide, "Lifecycle configuration
 * elements"; "How Amazon S3 calculates how long an object has been noncurrent").
 */
class LifecycleEvaluatorTest {
  static final DayScale SECOND_DAYS = new DayScale(1);
  static final long DAY = 1000;
  static final long BIG = 1 << 20;

  static LifecycleConfiguration rules(String rules) {
    return LifecycleRulesTest.parse(rules);
  }

  static Version obj(String id, long size, long lastModified) {
    return new Version(id, false, size, lastModified, "STANDARD", Map.of());
  }

  static Version marker(String id, long lastModified) {
    return new Version(id, true, 0, lastModified, "STANDARD", Map.of());
  }

  @Test
  void expirationDaysRoundUpToTheNextDayBoundary() {
    var c = rules("<Rule><ID>e</ID><Filter><Prefix>logs/</Prefix></Filter><Status>Enabled</Status>"
        + "<Expiration><Days>2</Days></Expiration></Rule>");
    long created = 10 * DAY + 300; // 10.3 days
    // due at 12.3 days rounded up to 13 days
    assertThat(LifecycleEvaluator.evaluate(c, "logs/a", List.of(obj("null", 1, created)), 13 * DAY - 1, SECOND_DAYS))
        .isEmpty();
    assertThat(LifecycleEvaluator.evaluate(c, "logs/a", List.of(obj("null", 1, created)), 13 * DAY, SECOND_DAYS))
        .containsExactly(new Action.ExpireCurrent("e", "null"));
    assertThat(LifecycleEvaluator.evaluate(c, "other/a", List.of(obj("null", 1, created)), 100 * DAY, SECOND_DAYS))
        .isEmpty();
  }

  @Test
  void disabledRulesDoNothing() {
    var c = rules("<Rule><ID>e</ID><Filter/><Status>Disabled</Status><Expiration><Days>1</Days></Expiration></Rule>");
    assertThat(LifecycleEvaluator.evaluate(c, "k", List.of(obj("null", 1, 0)), 100 * DAY, SECOND_DAYS)).isEmpty();
  }

  @Test
  void expirationDateIsAnInstant() {
    var c = rules("<Rule><ID>d</ID><Filter/><Status>Enabled</Status>"
        + "<Expiration><Date>2030-01-01T00:00:00Z</Date></Expiration></Rule>");
    long date = java.time.Instant.parse("2030-01-01T00:00:00Z").toEpochMilli();
    assertThat(LifecycleEvaluator.evaluate(c, "k", List.of(obj("v1", 1, 0)), date - 1, SECOND_DAYS)).isEmpty();
    assertThat(LifecycleEvaluator.evaluate(c, "k", List.of(obj("v1", 1, 0)), date, SECOND_DAYS))
        .containsExactly(new Action.ExpireCurrent("d", "v1"));
  }

  @Test
  void tagAndSizeFilters() {
    var c = rules("<Rule><ID>t</ID><Filter><And><Tag><Key>tmp</Key><Value>yes</Value></Tag>"
        + "<ObjectSizeLessThan>100</ObjectSizeLessThan></And></Filter><Status>Enabled</Status>"
        + "<Expiration><Days>1</Days></Expiration></Rule>");
    Version tagged = new Version("null", false, 10, 0, "STANDARD", Map.of("tmp", "yes"));
    Version untagged = new Version("null", false, 10, 0, "STANDARD", Map.of());
    Version big = new Version("null", false, 100, 0, "STANDARD", Map.of("tmp", "yes"));
    assertThat(LifecycleEvaluator.evaluate(c, "k", List.of(tagged), 5 * DAY, SECOND_DAYS)).hasSize(1);
    assertThat(LifecycleEvaluator.evaluate(c, "k", List.of(untagged), 5 * DAY, SECOND_DAYS)).isEmpty();
    assertThat(LifecycleEvaluator.evaluate(c, "k", List.of(big), 5 * DAY, SECOND_DAYS)).isEmpty();
  }

  @Test
  void transitionsPickTheFurthestDueClassAndExpirationWins() {
    var c = rules("<Rule><ID>t</ID><Filter/><Status>Enabled</Status>"
        + "<Transition><Days>30</Days><StorageClass>STANDARD_IA</StorageClass></Transition>"
        + "<Transition><Days>90</Days><StorageClass>GLACIER</StorageClass></Transition>"
        + "<Expiration><Days>365</Days></Expiration></Rule>");
    assertThat(LifecycleEvaluator.evaluate(c, "k", List.of(obj("null", BIG, 0)), 29 * DAY, SECOND_DAYS)).isEmpty();
    assertThat(LifecycleEvaluator.evaluate(c, "k", List.of(obj("null", BIG, 0)), 30 * DAY, SECOND_DAYS))
        .containsExactly(new Action.Transition("t", "null", "STANDARD_IA"));
    assertThat(LifecycleEvaluator.evaluate(c, "k", List.of(obj("null", BIG, 0)), 200 * DAY, SECOND_DAYS))
        .containsExactly(new Action.Transition("t", "null", "GLACIER"));
    // already in STANDARD_IA: only GLACIER is still ahead
    Version ia = new Version("null", false, BIG, 0, "STANDARD_IA", Map.of());
    assertThat(LifecycleEvaluator.evaluate(c, "k", List.of(ia), 60 * DAY, SECOND_DAYS)).isEmpty();
    Version glacier = new Version("null", false, BIG, 0, "GLACIER", Map.of());
    assertThat(LifecycleEvaluator.evaluate(c, "k", List.of(glacier), 200 * DAY, SECOND_DAYS)).isEmpty();
    assertThat(LifecycleEvaluator.evaluate(c, "k", List.of(obj("null", BIG, 0)), 365 * DAY, SECOND_DAYS))
        .containsExactly(new Action.ExpireCurrent("t", "null"));
  }

  @Test
  void smallObjectsStayUnlessVariesByStorageClassAndThenOnlyToGlacier() {
    String xml = "<Rule><ID>t</ID><Filter/><Status>Enabled</Status>"
        + "<Transition><Days>30</Days><StorageClass>STANDARD_IA</StorageClass></Transition>"
        + "<Transition><Days>90</Days><StorageClass>GLACIER</StorageClass></Transition></Rule>";
    var all128k = rules(xml);
    assertThat(LifecycleEvaluator.evaluate(all128k, "k", List.of(obj("null", 1000, 0)), 200 * DAY, SECOND_DAYS)).isEmpty();
    var varies = all128k.toBuilder().setTransitionDefaultMinimumObjectSize(LifecycleRules.MIN_SIZE_VARIES).build();
    assertThat(LifecycleEvaluator.evaluate(varies, "k", List.of(obj("null", 1000, 0)), 60 * DAY, SECOND_DAYS)).isEmpty();
    assertThat(LifecycleEvaluator.evaluate(varies, "k", List.of(obj("null", 1000, 0)), 200 * DAY, SECOND_DAYS))
        .containsExactly(new Action.Transition("t", "null", "GLACIER"));
  }

  @Test
  void noncurrentDaysCountFromTheSuccessorAndNewerVersionsAreKept() {
    var c = rules("<Rule><ID>n</ID><Filter/><Status>Enabled</Status><NoncurrentVersionExpiration>"
        + "<NoncurrentDays>5</NoncurrentDays><NewerNoncurrentVersions>1</NewerNoncurrentVersions>"
        + "</NoncurrentVersionExpiration></Rule>");
    // v4 current (t=40), v3 noncurrent since 40, v2 since 30, v1 since 20
    List<Version> versions = List.of(obj("v4", 1, 40 * DAY), obj("v3", 1, 30 * DAY), obj("v2", 1, 20 * DAY),
        obj("v1", 1, 0));
    // at 26 days: v1 noncurrent 6 days (> 5, due at 25) and one newer noncurrent (v2... v3) kept
    assertThat(LifecycleEvaluator.evaluate(c, "k", versions, 26 * DAY, SECOND_DAYS))
        .containsExactly(new Action.ExpireNoncurrent("n", "v1"));
    // at 35: v2 (since 30) due too; v3 is the one newest noncurrent version kept whatever its age
    assertThat(LifecycleEvaluator.evaluate(c, "k", versions, 100 * DAY, SECOND_DAYS))
        .containsExactly(new Action.ExpireNoncurrent("n", "v2"), new Action.ExpireNoncurrent("n", "v1"));
  }

  @Test
  void noncurrentTransition() {
    var c = rules("<Rule><ID>n</ID><Filter/><Status>Enabled</Status><NoncurrentVersionTransition>"
        + "<NoncurrentDays>30</NoncurrentDays><StorageClass>STANDARD_IA</StorageClass></NoncurrentVersionTransition></Rule>");
    List<Version> versions = List.of(obj("v2", BIG, 10 * DAY), obj("v1", BIG, 0));
    assertThat(LifecycleEvaluator.evaluate(c, "k", versions, 39 * DAY, SECOND_DAYS)).isEmpty();
    assertThat(LifecycleEvaluator.evaluate(c, "k", versions, 40 * DAY, SECOND_DAYS))
        .containsExactly(new Action.Transition("n", "v1", "STANDARD_IA"));
  }

  @Test
  void anExpiredDeleteMarkerIsOneWithNoOtherVersion() {
    var c = rules("<Rule><ID>m</ID><Filter/><Status>Enabled</Status>"
        + "<Expiration><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker></Expiration></Rule>");
    assertThat(LifecycleEvaluator.evaluate(c, "k", List.of(marker("m1", 0)), DAY, SECOND_DAYS))
        .containsExactly(new Action.RemoveExpiredDeleteMarker("m", "m1"));
    assertThat(LifecycleEvaluator.evaluate(c, "k", List.of(marker("m1", 5), obj("v1", 1, 0)), DAY, SECOND_DAYS)).isEmpty();
  }

  @Test
  void abortOfStaleUploads() {
    var c = rules("<Rule><ID>a</ID><Filter><Prefix>up/</Prefix></Filter><Status>Enabled</Status>"
        + "<AbortIncompleteMultipartUpload><DaysAfterInitiation>2</DaysAfterInitiation>"
        + "</AbortIncompleteMultipartUpload></Rule>");
    assertThat(LifecycleEvaluator.abortRule(c, "up/x", 500, 2 * DAY, SECOND_DAYS)).isEmpty();
    assertThat(LifecycleEvaluator.abortRule(c, "up/x", 500, 3 * DAY, SECOND_DAYS)).contains("a");
    assertThat(LifecycleEvaluator.abortRule(c, "other", 500, 30 * DAY, SECOND_DAYS)).isEmpty();
  }
}
