package io.moraine.launcher.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moraine.gateway.iam.Totp;
import java.net.URI;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.MFADelete;
import software.amazon.awssdk.services.s3.model.MFADeleteStatus;

/**
 * `bin/moraine admin account create` and `admin mfa create` as an operator runs them against a dev
 * cluster (real ZooKeeper, Ratis, gateway): the lines DESIGN.md's contracts fix, keys that work
 * through the SDK, and an otpauth seed from which an authenticator's codes turn MFA delete on and
 * permit a permanent version delete.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminAccountIT {
  private static final Pattern ACCOUNT = Pattern.compile(
      "account_id=(\\d{12}) canonical_id=(\\S+) access_key=(AKIA[A-Z0-9]{16}) secret_key=(\\S{40})\\n");
  private static final Pattern MFA = Pattern.compile("serial=(arn:aws:iam::(\\d{12}):mfa/\\S+) otpauth=(otpauth://totp/\\S+)\\n");

  private DevFixture dev;

  @BeforeAll
  void start() throws Exception {
    dev = DevFixture.start("moraine-admin-account-it");
  }

  @AfterAll
  void stop() throws Exception {
    if (dev != null) {
      dev.close();
    }
  }

  private Launcher.Result admin(String... args) throws Exception {
    return dev.admin(60, args);
  }

  @Test
  void accountKeysAndAnMfaSeedFromTheCommandLineWorkThroughS3() throws Exception {
    Launcher.Result created = admin("account", "create", "shop", "--email", "ops@shop.example");
    assertThat(created.exitCode()).isZero();
    Matcher a = ACCOUNT.matcher(created.stdout());
    assertThat(a.matches()).as("admin account create printed %s", created.stdout()).isTrue();
    assertThat(a.group(2)).isNotEqualTo(a.group(1));
    Launcher.Result other = admin("account", "create", "other");
    Matcher o = ACCOUNT.matcher(other.stdout());
    assertThat(o.matches()).as("admin account create printed %s", other.stdout()).isTrue();
    assertThat(o.group(1)).isNotEqualTo(a.group(1));

    Launcher.Result mfa = admin("mfa", "create", "--account", "shop");
    assertThat(mfa.exitCode()).isZero();
    Matcher m = MFA.matcher(mfa.stdout());
    assertThat(m.matches()).as("admin mfa create printed %s", mfa.stdout()).isTrue();
    assertThat(m.group(2)).isEqualTo(a.group(1)); // the serial is in the account's own ARN space
    String serial = m.group(1);
    // Key Uri Format: otpauth://totp/LABEL?secret=BASE32&issuer=...; the app's parameters are the RFC 6238 defaults.
    URI uri = URI.create(m.group(3));
    assertThat(uri.getRawQuery()).contains("algorithm=SHA1", "digits=6", "period=30");
    String secret = java.util.Arrays.stream(uri.getRawQuery().split("&")).filter(p -> p.startsWith("secret="))
        .findFirst().orElseThrow().substring("secret=".length());
    byte[] seed = Totp.fromBase32(secret);
    assertThat(seed).hasSizeGreaterThanOrEqualTo(20);
    assertThat(admin("mfa", "create", "--account", "no-such-account").exitCode()).isNotZero();

    try (S3Client shop = S3TestClients.client(dev.cluster().gatewayPort(), a.group(3), a.group(4));
        S3Client stranger = S3TestClients.client(dev.cluster().gatewayPort(), o.group(3), o.group(4))) {
      shop.createBucket(b -> b.bucket("shop-vault"));
      shop.putBucketVersioning(b -> b.bucket("shop-vault").versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
      String version = shop.putObject(b -> b.bucket("shop-vault").key("ledger"), RequestBody.fromString("1")).versionId();
      long now = Totp.step(System.currentTimeMillis());
      // The other account's root cannot use shop's device, even with a good code.
      assertThatThrownBy(() -> stranger.putBucketVersioning(b -> b.bucket("shop-vault").mfa(serial + " " + Totp.code(seed, now))
          .versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED).mfaDelete(MFADelete.ENABLED))))
          .isInstanceOfSatisfying(AwsServiceException.class, e -> assertThat(e.statusCode()).isEqualTo(403));
      shop.putBucketVersioning(b -> b.bucket("shop-vault").mfa(serial + " " + Totp.code(seed, now))
          .versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED).mfaDelete(MFADelete.ENABLED)));
      assertThat(shop.getBucketVersioning(b -> b.bucket("shop-vault")).mfaDelete()).isEqualTo(MFADeleteStatus.ENABLED);
      assertThatThrownBy(() -> shop.deleteObject(b -> b.bucket("shop-vault").key("ledger").versionId(version)))
          .isInstanceOfSatisfying(AwsServiceException.class, e -> {
            assertThat(e.statusCode()).isEqualTo(403);
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
          });
      shop.deleteObject(b -> b.bucket("shop-vault").key("ledger").versionId(version)
          .mfa(serial + " " + Totp.code(seed, now + 1)));
      assertThat(shop.listObjectVersions(b -> b.bucket("shop-vault")).versions()).isEmpty();
    }
  }
}
