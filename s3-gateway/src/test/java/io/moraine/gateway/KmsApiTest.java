package io.moraine.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.moraine.gateway.crypto.RootKey;
import io.moraine.proto.meta.v1.KmsAuditEntry;
import io.moraine.proto.meta.v1.KmsQuery;
import io.moraine.proto.meta.v1.ListKmsAudit;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.AlreadyExistsException;
import software.amazon.awssdk.services.kms.model.DataKeySpec;
import software.amazon.awssdk.services.kms.model.DisabledException;
import software.amazon.awssdk.services.kms.model.InvalidCiphertextException;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.kms.model.KmsException;
import software.amazon.awssdk.services.kms.model.KmsInvalidStateException;
import software.amazon.awssdk.services.kms.model.NotFoundException;

/**
 * The built-in KMS's JSON API through the AWS SDK for Java v2 KMS client against a real gateway
 * (AWS KMS API reference: CreateKey, CreateAlias, ScheduleKeyDeletion, Encrypt, Decrypt,
 * GenerateDataKey; "Default key policy").
 */
class KmsApiTest {
  static GatewayFixture fx;
  static KmsClient kms;

  @BeforeAll
  static void start() throws Exception {
    byte[] root = new byte[32];
    new SecureRandom().nextBytes(root);
    fx = GatewayFixture.start(100, 41, RootKey.of(root, new SecureRandom()));
    fx.metadata.createAccount("kmsuser", "AKIAKMSUSER", "kms-secret");
    kms = client("AKIAKMSUSER", "kms-secret");
  }

  @AfterAll
  static void stop() throws Exception {
    kms.close();
    fx.close();
  }

  static KmsClient client(String ak, String sk) {
    return KmsClient.builder().endpointOverride(fx.endpoint).region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ak, sk))).build();
  }

  @Test
  void keyLifeCycle() {
    KeyMetadata created = kms.createKey(b -> b.description("app data")).keyMetadata();
    String id = created.keyId();
    assertThat(id).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    assertThat(created.arn()).matches("arn:aws:kms:us-east-1:\\d{12}:key/" + id);
    assertThat(created.keyState()).isEqualTo(KeyState.ENABLED);
    assertThat(created.enabled()).isTrue();
    assertThat(created.description()).isEqualTo("app data");
    assertThat(created.creationDate()).isCloseTo(Instant.now(), within(Duration.ofMinutes(1)));

    kms.createAlias(b -> b.aliasName("alias/app").targetKeyId(id));
    assertThatThrownBy(() -> kms.createAlias(b -> b.aliasName("alias/app").targetKeyId(id)))
        .isInstanceOf(AlreadyExistsException.class);
    assertThat(kms.describeKey(b -> b.keyId("alias/app")).keyMetadata().keyId()).isEqualTo(id);
    assertThat(kms.describeKey(b -> b.keyId(created.arn())).keyMetadata().keyId()).isEqualTo(id);
    assertThat(kms.listKeys().keys()).anyMatch(k -> k.keyId().equals(id) && k.keyArn().equals(created.arn()));
    assertThat(kms.listAliases(b -> b.keyId(id)).aliases()).singleElement()
        .satisfies(a -> assertThat(a.aliasName()).isEqualTo("alias/app"));
    assertThatThrownBy(() -> kms.describeKey(b -> b.keyId("alias/none"))).isInstanceOf(NotFoundException.class);

    assertThat(kms.encrypt(b -> b.keyId("alias/app").plaintext(SdkBytes.fromUtf8String("secret"))).keyId())
        .isEqualTo(created.arn());

    kms.disableKey(b -> b.keyId(id));
    assertThat(kms.describeKey(b -> b.keyId(id)).keyMetadata().keyState()).isEqualTo(KeyState.DISABLED);
    assertThatThrownBy(() -> kms.encrypt(b -> b.keyId(id).plaintext(SdkBytes.fromUtf8String("x"))))
        .isInstanceOf(DisabledException.class);
    kms.enableKey(b -> b.keyId(id));

    assertThat(kms.getKeyRotationStatus(b -> b.keyId(id)).keyRotationEnabled()).isFalse();
    kms.enableKeyRotation(b -> b.keyId(id));
    var rotation = kms.getKeyRotationStatus(b -> b.keyId(id));
    assertThat(rotation.keyRotationEnabled()).isTrue();
    assertThat(rotation.nextRotationDate()).isCloseTo(Instant.now().plus(Duration.ofDays(365)), within(Duration.ofMinutes(1)));
    kms.disableKeyRotation(b -> b.keyId(id));
    assertThat(kms.getKeyRotationStatus(b -> b.keyId(id)).keyRotationEnabled()).isFalse();

    assertThatThrownBy(() -> kms.scheduleKeyDeletion(b -> b.keyId(id).pendingWindowInDays(6)))
        .isInstanceOf(KmsException.class).hasMessageContaining("between 7 and 30");
    var scheduled = kms.scheduleKeyDeletion(b -> b.keyId(id).pendingWindowInDays(7));
    assertThat(scheduled.keyState()).isEqualTo(KeyState.PENDING_DELETION);
    assertThat(scheduled.deletionDate()).isCloseTo(Instant.now().plus(Duration.ofDays(7)), within(Duration.ofMinutes(1)));
    assertThat(kms.describeKey(b -> b.keyId(id)).keyMetadata().keyState()).isEqualTo(KeyState.PENDING_DELETION);
    assertThatThrownBy(() -> kms.encrypt(b -> b.keyId(id).plaintext(SdkBytes.fromUtf8String("x"))))
        .isInstanceOf(KmsInvalidStateException.class);
    assertThatThrownBy(() -> kms.enableKey(b -> b.keyId(id))).isInstanceOf(KmsInvalidStateException.class);
    kms.cancelKeyDeletion(b -> b.keyId(id));
    // KMS: a key whose deletion is cancelled is Disabled.
    assertThat(kms.describeKey(b -> b.keyId(id)).keyMetadata().keyState()).isEqualTo(KeyState.DISABLED);

    kms.updateAlias(b -> b.aliasName("alias/app").targetKeyId(kms.createKey(c -> { }).keyMetadata().keyId()));
    assertThat(kms.describeKey(b -> b.keyId("alias/app")).keyMetadata().keyId()).isNotEqualTo(id);
    kms.deleteAlias(b -> b.aliasName("alias/app"));
    assertThatThrownBy(() -> kms.deleteAlias(b -> b.aliasName("alias/app"))).isInstanceOf(NotFoundException.class);
  }

  @Test
  void encryptDecryptAndDataKeysBindTheirContext() {
    String id = kms.createKey(b -> { }).keyMetadata().keyId();
    Map<String, String> ctx = Map.of("purpose", "test", "tenant", "t1");
    var enc = kms.encrypt(b -> b.keyId(id).plaintext(SdkBytes.fromUtf8String("hello kms")).encryptionContext(ctx));
    assertThat(enc.keyId()).endsWith(":key/" + id);
    var dec = kms.decrypt(b -> b.ciphertextBlob(enc.ciphertextBlob()).encryptionContext(ctx));
    assertThat(dec.plaintext().asUtf8String()).isEqualTo("hello kms");
    assertThat(dec.keyId()).isEqualTo(enc.keyId());
    assertThatThrownBy(() -> kms.decrypt(b -> b.ciphertextBlob(enc.ciphertextBlob())
        .encryptionContext(Map.of("purpose", "test", "tenant", "t2")))).isInstanceOf(InvalidCiphertextException.class);
    assertThatThrownBy(() -> kms.decrypt(b -> b.ciphertextBlob(enc.ciphertextBlob())))
        .isInstanceOf(InvalidCiphertextException.class);
    byte[] tampered = enc.ciphertextBlob().asByteArray();
    tampered[tampered.length - 1] ^= 1;
    assertThatThrownBy(() -> kms.decrypt(b -> b.ciphertextBlob(SdkBytes.fromByteArray(tampered)).encryptionContext(ctx)))
        .isInstanceOf(InvalidCiphertextException.class);

    var dk = kms.generateDataKey(b -> b.keyId(id).keySpec(DataKeySpec.AES_256).encryptionContext(ctx));
    assertThat(dk.plaintext().asByteArray()).hasSize(32);
    assertThat(kms.decrypt(b -> b.ciphertextBlob(dk.ciphertextBlob()).encryptionContext(ctx)).plaintext())
        .isEqualTo(dk.plaintext());
    var noPlain = kms.generateDataKeyWithoutPlaintext(b -> b.keyId(id).numberOfBytes(16));
    assertThat(kms.decrypt(b -> b.ciphertextBlob(noPlain.ciphertextBlob())).plaintext().asByteArray()).hasSize(16);

    kms.disableKey(b -> b.keyId(id));
    assertThatThrownBy(() -> kms.decrypt(b -> b.ciphertextBlob(enc.ciphertextBlob()).encryptionContext(ctx)))
        .isInstanceOf(DisabledException.class);
    kms.enableKey(b -> b.keyId(id));
    assertThat(kms.decrypt(b -> b.ciphertextBlob(enc.ciphertextBlob()).encryptionContext(ctx)).plaintext().asUtf8String())
        .isEqualTo("hello kms");

    fx.gateway.kms().audit().flush();
    var audit = fx.metadata.kmsQuery(KmsQuery.newBuilder().setListAudit(ListKmsAudit.newBuilder().setKeyId(id)).build())
        .getAuditList();
    assertThat(audit).extracting(KmsAuditEntry::getOp).containsExactly("Encrypt", "Decrypt", "GenerateDataKey",
        "Decrypt", "GenerateDataKeyWithoutPlaintext", "Decrypt", "Decrypt");
    assertThat(audit.get(0).getPrincipal()).matches("arn:aws:iam::\\d{12}:root");
  }

  @Test
  void policiesDecide() {
    String id = kms.createKey(b -> { }).keyMetadata().keyId();
    try (IamClient iam = IamClient.builder().endpointOverride(fx.endpoint).region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIAKMSUSER", "kms-secret")))
        .build()) {
      iam.createUser(b -> b.userName("encryptor"));
      var key = iam.createAccessKey(b -> b.userName("encryptor")).accessKey();
      try (KmsClient user = client(key.accessKeyId(), key.secretAccessKey())) {
        // No IAM policy: the default key policy delegates to IAM, which allows nothing.
        assertThatThrownBy(() -> user.encrypt(b -> b.keyId(id).plaintext(SdkBytes.fromUtf8String("x"))))
            .isInstanceOf(KmsException.class).satisfies(e -> assertThat(((KmsException) e).awsErrorDetails().errorCode())
                .isEqualTo("AccessDeniedException"));
        iam.putUserPolicy(b -> b.userName("encryptor").policyName("enc").policyDocument("""
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:Encrypt","Resource":"*"}]}"""));
        var enc = user.encrypt(b -> b.keyId(id).plaintext(SdkBytes.fromUtf8String("x")));
        assertThatThrownBy(() -> user.decrypt(b -> b.ciphertextBlob(enc.ciphertextBlob())))
            .isInstanceOf(KmsException.class).hasMessageContaining("kms:Decrypt");
        // A key policy without the account root: even the account root is refused (KMS "Default key policy").
        String arn = kms.describeKey(b -> b.keyId(id)).keyMetadata().arn();
        String account = arn.split(":")[4];
        kms.putKeyPolicy(b -> b.keyId(id).policyName("default").policy("""
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::%s:user/encryptor"},
             "Action":["kms:Decrypt"],"Resource":"*"}]}""".formatted(account)));
        assertThat(user.decrypt(b -> b.ciphertextBlob(enc.ciphertextBlob())).plaintext().asUtf8String()).isEqualTo("x");
        assertThatThrownBy(() -> kms.describeKey(b -> b.keyId(id))).isInstanceOf(KmsException.class)
            .hasMessageContaining("kms:DescribeKey");
      }
    }
  }
}
