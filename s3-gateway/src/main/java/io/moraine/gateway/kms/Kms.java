package io.moraine.gateway.kms;

import io.moraine.gateway.auth.Identity;
import java.util.Map;

/**
 * The key service SSE-KMS objects are encrypted through, as S3 calls AWS KMS: one
 * GenerateDataKey per PUT (or per bucket key), one Decrypt per GET. Implementations check the
 * caller's {@code kms:GenerateDataKey} / {@code kms:Decrypt} permission (key policy plus the
 * caller's IAM policies), the key's state, and write every use to the audit log.
 */
public interface Kms {

  /**
   * A fresh 256-bit data key under {@code keyId}.
   *
   * @param keyId a key id, key ARN, {@code alias/NAME} or alias ARN; null or empty means the
   *     caller's account's AWS managed key {@code alias/aws/s3} (created on first use, as AWS does)
   * @param encryptionContext bound into the ciphertext blob; Decrypt must present the same map
   * @param resource what the key protects, for the audit log (e.g. {@code arn:aws:s3:::b/k})
   */
  DataKey generateDataKey(Identity caller, String keyId, Map<String, String> encryptionContext, String resource)
      throws KmsException;

  /** The plaintext data key inside {@code ciphertextBlob} (made by {@link #generateDataKey}). */
  byte[] decrypt(Identity caller, byte[] ciphertextBlob, Map<String, String> encryptionContext, String resource)
      throws KmsException;

  /**
   * Records a use of {@code keyArn} served without calling this KMS (an S3 Bucket Key the gateway
   * reused), so the audit log still has one line per object.
   */
  default void recordCachedUse(Identity caller, String keyArn, String op, String resource) {}

  /** The full ARN of {@code keyId} (id, ARN or alias) as S3 reports it, checking the key exists. */
  String resolveArn(Identity caller, String keyId) throws KmsException;

  /**
   * A data key: its plaintext (zero it when done), and the blob to store with the object.
   *
   * @param keyArn the full ARN of the KMS key, as S3 returns it in
   *     {@code x-amz-server-side-encryption-aws-kms-key-id}
   */
  record DataKey(String keyArn, byte[] plaintext, byte[] ciphertextBlob) {}
}
