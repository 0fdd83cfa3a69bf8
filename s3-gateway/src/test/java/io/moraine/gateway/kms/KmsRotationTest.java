package io.moraine.gateway.kms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moraine.gateway.access.Access;
import io.moraine.gateway.auth.Identity;
import io.moraine.gateway.crypto.RootKey;
import io.moraine.gateway.fakes.InMemoryMetadata;
import io.moraine.metadata.api.DayScale;
import io.moraine.metadata.api.MetadataClient;
import io.moraine.proto.meta.v1.KmsKeyMaterial;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The KMS's scaled clock (real metadata core in memory, real crypto): automatic rotation after 365
 * scaled days adds a material version for new blobs while old blobs still decrypt; a key past its
 * deletion window is gone.
 */
class KmsRotationTest {
  private final AtomicLong now = new AtomicLong(1_700_000_000_000L);
  private final InstantSource clock = () -> Instant.ofEpochMilli(now.get());
  private final MetadataClient metadata = InMemoryMetadata.create(clock);
  private final DayScale days = new DayScale(1); // a day is one second
  private final KmsKeys kms;
  private final Identity root = Identity.root("AK", "SK", "c".repeat(64), "111122223333", "acct", null);

  KmsRotationTest() {
    byte[] rk = new byte[32];
    new SplittableRandom(5).nextBytes(rk);
    kms = new KmsKeys(metadata, java.util.Optional.of(RootKey.of(rk, new SecureRandom())),
        new Access(metadata, clock, io.moraine.gateway.access.policy.ManagedPolicies::document), clock, days,
        new SplittableRandom(9), "us-east-1", new KmsAudit(metadata));
  }

  @Test
  void yearlyRotationMakesANewVersionAndOldBlobsStillDecrypt() throws Exception {
    var key = kms.create(root, "", null, "CUSTOMER", null).getKeys(0);
    kms.update(key, (cur, next) -> next.setRotationEnabled(true).setNextRotationMillis(now.get() + days.daysMillis(365)));
    byte[] before = kms.encrypt(root, key.getKeyId(), "v1".getBytes(), Map.of("a", "b"), "Encrypt", null).blob();
    now.addAndGet(days.daysMillis(364));
    byte[] stillV1 = kms.encrypt(root, key.getKeyId(), "v1b".getBytes(), Map.of(), "Encrypt", null).blob();
    assertThat(CiphertextBlob.header(stillV1).materialVersion()).isEqualTo(1);
    now.addAndGet(days.daysMillis(1));
    byte[] after = kms.encrypt(root, key.getKeyId(), "v2".getBytes(), Map.of(), "Encrypt", null).blob();
    assertThat(CiphertextBlob.header(before).materialVersion()).isEqualTo(1);
    assertThat(CiphertextBlob.header(after).materialVersion()).isEqualTo(2);
    var rotated = kms.read(key.getKeyId());
    assertThat(rotated.getMaterialsList()).extracting(KmsKeyMaterial::getVersion).containsExactly(1, 2);
    assertThat(rotated.getNextRotationMillis()).isEqualTo(now.get() + days.daysMillis(365));
    assertThat(kms.decrypt(root, before, Map.of("a", "b"), null, null).plaintext()).isEqualTo("v1".getBytes());
    assertThat(kms.decrypt(root, after, Map.of(), null, null).plaintext()).isEqualTo("v2".getBytes());
  }

  @Test
  void aKeyPastItsDeletionWindowIsGone() throws Exception {
    var key = kms.create(root, "", null, "CUSTOMER", null).getKeys(0);
    byte[] blob = kms.encrypt(root, key.getKeyId(), "x".getBytes(), Map.of(), "Encrypt", null).blob();
    kms.update(key, (cur, next) -> next.setState(KmsKeys.PENDING_DELETION).setDeletionMillis(now.get() + days.daysMillis(7)));
    now.addAndGet(days.daysMillis(7) - 1);
    assertThat(kms.find(root, key.getKeyId()).getState()).isEqualTo(KmsKeys.PENDING_DELETION);
    now.addAndGet(1);
    assertThatThrownBy(() -> kms.find(root, key.getKeyId())).isInstanceOfSatisfying(KmsException.class,
        e -> assertThat(e.code()).isEqualTo(KmsException.Code.NOT_FOUND));
    assertThatThrownBy(() -> kms.decrypt(root, blob, Map.of(), null, null)).isInstanceOfSatisfying(KmsException.class,
        e -> assertThat(e.code()).isEqualTo(KmsException.Code.INVALID_CIPHERTEXT));
  }
}
