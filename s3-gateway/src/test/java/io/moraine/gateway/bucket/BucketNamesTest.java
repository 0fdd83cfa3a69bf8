package io.moraine.gateway.bucket;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** S3 User Guide, "General purpose bucket naming rules". */
class BucketNamesTest {
  @Test
  void namingRules() {
    for (String ok : new String[] {"abc", "my-bucket.1", "a".repeat(63), "0bucket9", "docexamplebucket1"}) {
      assertThat(BucketNames.isValid(ok)).as(ok).isTrue();
    }
    for (String bad : new String[] {"ab", "a".repeat(64), "My-Bucket", "-abc", "abc-", ".abc", "abc.", "a..b",
        "192.168.5.4", "my_bucket", "xn--abc", "abc-s3alias", "a b c", ""}) {
      assertThat(BucketNames.isValid(bad)).as(bad).isFalse();
    }
  }
}
