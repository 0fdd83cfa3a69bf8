package io.moraine.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.IntelligentTieringAccessTier;
import software.amazon.awssdk.services.s3.model.IntelligentTieringConfiguration;
import software.amazon.awssdk.services.s3.model.IntelligentTieringStatus;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.Tiering;

/**
 * Put/Get/List/DeleteBucketIntelligentTieringConfiguration through the AWS SDK (S3 API Reference):
 * configurations come back as given, several per bucket, listed in id order with continuation
 * tokens past 100; NoSuchConfiguration for an unknown id; S3's validation errors reach the client.
 */
class TieringConfigTest {
  static GatewayFixture fx;
  static S3Client s3;

  @BeforeAll
  static void start() throws Exception {
    fx = GatewayFixture.start(100, 15);
    s3 = fx.client(GatewayFixture.AK, GatewayFixture.SK);
  }

  @AfterAll
  static void stop() throws Exception {
    s3.close();
    fx.close();
  }

  static Tiering tiering(IntelligentTieringAccessTier tier, int days) {
    return Tiering.builder().accessTier(tier).days(days).build();
  }

  static void put(String bucket, String id, Consumer<IntelligentTieringConfiguration.Builder> c) {
    s3.putBucketIntelligentTieringConfiguration(b -> b.bucket(bucket).id(id)
        .intelligentTieringConfiguration(x -> c.accept(x.id(id))));
  }

  static void assertError(Runnable call, int status, String code) {
    assertThatThrownBy(call::run).isInstanceOfSatisfying(S3Exception.class, e -> {
      assertThat(e.statusCode()).isEqualTo(status);
      assertThat(e.awsErrorDetails().errorCode()).isEqualTo(code);
    });
  }

  @Test
  void configurationsRoundTripListAndDelete() {
    s3.createBucket(b -> b.bucket("it-main"));
    assertError(() -> s3.getBucketIntelligentTieringConfiguration(b -> b.bucket("it-main").id("none")), 404,
        "NoSuchConfiguration");
    assertThat(s3.listBucketIntelligentTieringConfigurations(b -> b.bucket("it-main"))
        .intelligentTieringConfigurationList()).isEmpty();

    put("it-main", "archive-logs", c -> c.status(IntelligentTieringStatus.ENABLED).filter(f -> f.prefix("logs/"))
        .tierings(tiering(IntelligentTieringAccessTier.ARCHIVE_ACCESS, 90),
            tiering(IntelligentTieringAccessTier.DEEP_ARCHIVE_ACCESS, 180)));
    put("it-main", "by-tag", c -> c.status(IntelligentTieringStatus.DISABLED)
        .filter(f -> f.and(a -> a.prefix("data/").tags(t -> t.key("tier").value("cold"), t -> t.key("x").value("y"))))
        .tierings(tiering(IntelligentTieringAccessTier.DEEP_ARCHIVE_ACCESS, 365)));
    put("it-main", "all", c -> c.status(IntelligentTieringStatus.ENABLED)
        .tierings(tiering(IntelligentTieringAccessTier.ARCHIVE_ACCESS, 730)));

    IntelligentTieringConfiguration got = s3.getBucketIntelligentTieringConfiguration(b -> b.bucket("it-main")
        .id("archive-logs")).intelligentTieringConfiguration();
    assertThat(got.id()).isEqualTo("archive-logs");
    assertThat(got.status()).isEqualTo(IntelligentTieringStatus.ENABLED);
    assertThat(got.filter().prefix()).isEqualTo("logs/");
    assertThat(got.tierings()).extracting(t -> t.accessTierAsString() + "@" + t.days())
        .containsExactly("ARCHIVE_ACCESS@90", "DEEP_ARCHIVE_ACCESS@180");
    IntelligentTieringConfiguration tagged = s3.getBucketIntelligentTieringConfiguration(b -> b.bucket("it-main")
        .id("by-tag")).intelligentTieringConfiguration();
    assertThat(tagged.status()).isEqualTo(IntelligentTieringStatus.DISABLED);
    assertThat(tagged.filter().and().prefix()).isEqualTo("data/");
    assertThat(tagged.filter().and().tags()).extracting(t -> t.key() + "=" + t.value()).containsExactly("tier=cold", "x=y");

    var list = s3.listBucketIntelligentTieringConfigurations(b -> b.bucket("it-main"));
    assertThat(list.isTruncated()).isFalse();
    assertThat(list.intelligentTieringConfigurationList()).extracting(IntelligentTieringConfiguration::id)
        .containsExactly("all", "archive-logs", "by-tag");

    // A put with an existing id replaces that configuration only.
    put("it-main", "all", c -> c.status(IntelligentTieringStatus.DISABLED)
        .tierings(tiering(IntelligentTieringAccessTier.ARCHIVE_ACCESS, 100)));
    assertThat(s3.getBucketIntelligentTieringConfiguration(b -> b.bucket("it-main").id("all"))
        .intelligentTieringConfiguration().tierings().get(0).days()).isEqualTo(100);
    assertThat(s3.listBucketIntelligentTieringConfigurations(b -> b.bucket("it-main"))
        .intelligentTieringConfigurationList()).hasSize(3);

    s3.deleteBucketIntelligentTieringConfiguration(b -> b.bucket("it-main").id("archive-logs"));
    assertError(() -> s3.getBucketIntelligentTieringConfiguration(b -> b.bucket("it-main").id("archive-logs")), 404,
        "NoSuchConfiguration");
    assertError(() -> s3.deleteBucketIntelligentTieringConfiguration(b -> b.bucket("it-main").id("archive-logs")), 404,
        "NoSuchConfiguration");
    s3.deleteBucketIntelligentTieringConfiguration(b -> b.bucket("it-main").id("all"));
    s3.deleteBucketIntelligentTieringConfiguration(b -> b.bucket("it-main").id("by-tag"));
    assertThat(s3.listBucketIntelligentTieringConfigurations(b -> b.bucket("it-main"))
        .intelligentTieringConfigurationList()).isEmpty();
  }

  @Test
  void listingPagesByHundredWithContinuationTokens() {
    s3.createBucket(b -> b.bucket("it-many"));
    for (int i = 0; i < 105; i++) {
      put("it-many", String.format("c%03d", i), c -> c.status(IntelligentTieringStatus.ENABLED)
          .tierings(tiering(IntelligentTieringAccessTier.ARCHIVE_ACCESS, 90)));
    }
    var first = s3.listBucketIntelligentTieringConfigurations(b -> b.bucket("it-many"));
    assertThat(first.isTruncated()).isTrue();
    assertThat(first.intelligentTieringConfigurationList()).hasSize(100);
    var second = s3.listBucketIntelligentTieringConfigurations(b -> b.bucket("it-many")
        .continuationToken(first.nextContinuationToken()));
    assertThat(second.isTruncated()).isFalse();
    assertThat(second.intelligentTieringConfigurationList()).extracting(IntelligentTieringConfiguration::id)
        .containsExactly("c100", "c101", "c102", "c103", "c104");
    assertError(() -> s3.listBucketIntelligentTieringConfigurations(b -> b.bucket("it-many").continuationToken("!!")),
        400, "InvalidArgument");
  }

  @Test
  void validationErrorsAsS3() {
    s3.createBucket(b -> b.bucket("it-bad"));
    // API_Tiering: Archive Access at least 90 days, Deep Archive Access at least 180, at most 730.
    assertError(() -> put("it-bad", "a", c -> c.status(IntelligentTieringStatus.ENABLED)
        .tierings(tiering(IntelligentTieringAccessTier.ARCHIVE_ACCESS, 89))), 400, "InvalidArgument");
    assertError(() -> put("it-bad", "a", c -> c.status(IntelligentTieringStatus.ENABLED)
        .tierings(tiering(IntelligentTieringAccessTier.ARCHIVE_ACCESS, 731))), 400, "InvalidArgument");
    assertError(() -> put("it-bad", "a", c -> c.status(IntelligentTieringStatus.ENABLED)
        .tierings(tiering(IntelligentTieringAccessTier.DEEP_ARCHIVE_ACCESS, 179))), 400, "InvalidArgument");
    assertError(() -> put("it-bad", "a", c -> c.status(IntelligentTieringStatus.ENABLED)
        .tierings(tiering(IntelligentTieringAccessTier.ARCHIVE_ACCESS, 90),
            tiering(IntelligentTieringAccessTier.ARCHIVE_ACCESS, 100))), 400, "InvalidArgument");
    assertError(() -> put("it-bad", "a", c -> c.status(IntelligentTieringStatus.ENABLED)
        .tierings(tiering(IntelligentTieringAccessTier.ARCHIVE_ACCESS, 200),
            tiering(IntelligentTieringAccessTier.DEEP_ARCHIVE_ACCESS, 190))), 400, "InvalidArgument");
    // The document's Id must be the query's id.
    assertError(() -> s3.putBucketIntelligentTieringConfiguration(b -> b.bucket("it-bad").id("one")
        .intelligentTieringConfiguration(c -> c.id("other").status(IntelligentTieringStatus.ENABLED)
            .tierings(tiering(IntelligentTieringAccessTier.ARCHIVE_ACCESS, 90)))), 400, "InvalidArgument");
    // (A document without Status or Tiering is refused by the SDK before it is sent: TieringRulesTest.)
    assertError(() -> put("it-bad", "a", c -> c.status(IntelligentTieringStatus.ENABLED)
        .filter(f -> f.and(a -> a.tags(t -> t.key("k").value("1"), t -> t.key("k").value("2"))))
        .tierings(tiering(IntelligentTieringAccessTier.ARCHIVE_ACCESS, 90))), 400, "InvalidArgument");
    assertThat(s3.listBucketIntelligentTieringConfigurations(b -> b.bucket("it-bad"))
        .intelligentTieringConfigurationList()).as("nothing stored by a refused put").isEmpty();
  }
}
