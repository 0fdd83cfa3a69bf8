package io.moraine.launcher.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/**
 * SSE-KMS on a dev cluster (real ZooKeeper, Ratis, storage nodes): PUT and GET with the account's
 * alias/aws/s3 key made on first use, and {@code admin kms audit [--key ID]} printing one
 * {@code key_id=… op=… principal=… resource=… time=…} line per use (DESIGN.md admin contracts).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SseKmsIT {
  private DevFixture dev;

  @BeforeAll
  void start() throws Exception {
    dev = DevFixture.start("moraine-sse-kms-it");
  }

  @AfterAll
  void stop() throws Exception {
    if (dev != null) {
      dev.close();
    }
  }

  @Test
  void sseKmsObjectsAndTheAuditLog() throws Exception {
    String arn;
    try (S3Client s3 = S3TestClients.rootClient(dev.cluster().gatewayPort())) {
      s3.createBucket(b -> b.bucket("kms-it"));
      var put = s3.putObject(b -> b.bucket("kms-it").key("k1").serverSideEncryption(ServerSideEncryption.AWS_KMS),
          RequestBody.fromString("kms secret"));
      assertThat(put.serverSideEncryption()).isEqualTo(ServerSideEncryption.AWS_KMS);
      arn = put.ssekmsKeyId();
      assertThat(arn).matches("arn:aws:kms:us-east-1:\\d{12}:key/[0-9a-f-]{36}");
      assertThat(s3.getObjectAsBytes(b -> b.bucket("kms-it").key("k1")).asUtf8String()).isEqualTo("kms secret");
    }
    String keyId = arn.substring(arn.lastIndexOf('/') + 1);
    String[] lines = new String[1];
    // Uses reach metadata with the gateway's next audit flush.
    Awaitility.await().atMost(60, TimeUnit.SECONDS).pollInterval(1, TimeUnit.SECONDS).until(() -> {
      Launcher.Result audit = dev.admin(60, "kms", "audit", "--key", keyId);
      lines[0] = audit.stdout();
      return audit.exitCode() == 0 && audit.stdout().lines().count() >= 2;
    });
    List<String> out = lines[0].lines().toList();
    assertThat(out.get(0)).matches("key_id=" + keyId + " op=GenerateDataKey principal=arn:aws:iam::\\d{12}:root "
        + "resource=arn:aws:s3:::kms-it/k1 time=\\d{4}-\\d\\d-\\d\\dT.*Z");
    assertThat(out.get(1)).startsWith("key_id=" + keyId + " op=Decrypt ").contains(" resource=arn:aws:s3:::kms-it/k1 ");
    Launcher.Result other = dev.admin(60, "kms", "audit", "--key", "00000000-0000-4000-8000-000000000000");
    assertThat(other.exitCode()).isZero();
    assertThat(other.stdout()).isEmpty();
  }
}
