package io.moraine.metadata.core;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The key schema of the metadata store. Every key is a one-byte table tag followed by its
 * components; keys compare as unsigned bytes, so each table is a sorted range and prefix scans
 * serve every listing. UTF-8 byte order equals S3's listing order (binary UTF-8).
 *
 * <pre>
 *   0x00 "applied"                         → applied (term, index)          (AppliedPosition)
 *   'A' accountId                          → AccountRecord
 *   'N' userName                           → AccountRecord (index: name → account)
 *   'K' accessKeyId                        → AccessKeyRecord
 *   'B' bucket                             → BucketRecord
 *   'C' ownerAccountId 0x00 bucket         → empty (per-account bucket index, sorted by name)
 *   'D' bucket                             → BucketDirRecord (directory, group g1 only: name → owner, group)
 *   'E' ownerAccountId 0x00 bucket         → empty (directory: names per account, for the limit)
 *   'G' group (4 bytes, big-endian) bucket → empty (directory: names per group, to balance groups)
 *   'O' bucket 0x00 key                    → ObjectRecord: the current version of key
 *   'U' bucket 0x00 esc(key) uploadId      → UploadRecord
 *   'P' bucket 0x00 esc(key) esc(uploadId) partNumber(4 bytes, big-endian) → PartRecord
 *   'V' bucket 0x00 esc(key) inverted versionSeq (8 bytes, big-endian) → ObjectRecord: every
 *                                          version and delete marker, newest first per key
 *   'S' bucket 0x00 kind                   → BucketConfigRecord: one sub-resource of a bucket
 *   IAM (directory group g1; names lower-cased, unique per account case-insensitively):
 *   'u' account 0x00 user                  → IamUserRecord
 *   'g' account 0x00 group                 → IamGroupRecord
 *   'r' account 0x00 role                  → IamRoleRecord
 *   'p' account 0x00 policy                → ManagedPolicyRecord
 *   'm' account 0x00 serial                → MfaDeviceRecord (index 'n' serial → AccountRecord{account_id})
 *   'q' account 0x00 user 0x00 accessKeyId → empty (the access keys of a user; "" for the root)
 *   's' accessKeyId                        → SessionRecord (temporary credentials)
 *   'x' expiresMillis (8 bytes) accessKeyId → empty (sessions by expiry, for purging)
 *   'a' account 0x00 kind                  → AccountConfigRecord
 *   'i' awsAccountId                       → AccountRecord{account_id} (12-digit id → account)
 *   'e' email                              → AccountRecord{account_id}
 *   'k' masterKeyId                        → MasterKeyRecord (SSE-S3 keyring, directory group g1)
 *   'j'                                    → MasterKeyRecord{id}: the active master key
 *   'w' ...                                → the built-in KMS: keys, aliases, audit (core.kms.KmsStore)
 *   'R' bucket 0x00 esc(key) versionSeq (8 bytes) → RestoreJob: a restore in progress or a
 *                                          restored copy to expire (the restore service's index)
 *   'T' name                               → NotifyTargetRecord (event-notification target, group g1)
 *   'Z' bucket 0x00 storageClass           → UsageRecord; 'Z' 0x00 → UsageSettings (core.usage.UsageKeys)
 * </pre>
 *
 * Bucket names, account ids and upload ids never contain 0x00 (the core rejects them), so a bare
 * 0x00 terminates them. Object keys are raw where they end the key; where they are followed by
 * more components they are escaped (0x00 → 0x00 0xFF, terminated by 0x00 0x01), which preserves
 * order and prefixes. The 'V' rows (all versions, delete markers included) sit beside the 'O'
 * current-version rows ('O' holds a copy of the latest version when it is not a delete marker),
 * so listing current versions stays a scan of 'O' alone.
 */
public final class Keys {
  public static final byte ACCOUNT = 'A';
  public static final byte USER_NAME = 'N';
  public static final byte ACCESS_KEY = 'K';
  public static final byte BUCKET = 'B';
  public static final byte OWNER_BUCKET = 'C';
  public static final byte BUCKET_DIR = 'D';
  public static final byte OWNER_DIR = 'E';
  public static final byte GROUP_DIR = 'G';
  public static final byte OBJECT = 'O';
  public static final byte UPLOAD = 'U';
  public static final byte PART = 'P';
  public static final byte VERSION = 'V';
  public static final byte BUCKET_CONFIG = 'S';
  public static final byte IAM_USER = 'u';
  public static final byte IAM_GROUP = 'g';
  public static final byte IAM_ROLE = 'r';
  public static final byte IAM_POLICY = 'p';
  public static final byte MFA_DEVICE = 'm';
  public static final byte MFA_SERIAL = 'n';
  public static final byte USER_KEY = 'q';
  public static final byte SESSION = 's';
  public static final byte SESSION_EXPIRY = 'x';
  public static final byte ACCOUNT_CONFIG = 'a';
  public static final byte AWS_ACCOUNT_ID = 'i';
  public static final byte EMAIL = 'e';
  public static final byte MASTER_KEY = 'k';
  public static final byte ACTIVE_MASTER_KEY = 'j';
  public static final byte KMS = 'w';
  public static final byte RESTORE_JOB = 'R';
  /** Event-notification targets (directory group g1; core.notify.NotifyTargets). */
  public static final byte NOTIFY_TARGET = 'T';

  private Keys() {}

  public static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  public static byte[] account(String accountId) {
    return Builder.of(ACCOUNT).raw(accountId).build();
  }

  public static byte[] userName(String userName) {
    return Builder.of(USER_NAME).raw(userName).build();
  }

  public static byte[] accessKey(String accessKeyId) {
    return Builder.of(ACCESS_KEY).raw(accessKeyId).build();
  }

  /** The prefix of every bucket row, in name order. */
  public static byte[] bucketPrefix() {
    return new byte[] {BUCKET};
  }

  public static byte[] bucket(String bucket) {
    return Builder.of(BUCKET).raw(bucket).build();
  }

  public static byte[] ownerBucketPrefix(String ownerAccountId) {
    return Builder.of(OWNER_BUCKET).terminated(ownerAccountId).build();
  }

  public static byte[] ownerBucket(String ownerAccountId, String bucket) {
    return Builder.of(OWNER_BUCKET).terminated(ownerAccountId).raw(bucket).build();
  }

  public static byte[] masterKeyPrefix() {
    return new byte[] {MASTER_KEY};
  }

  public static byte[] masterKey(String id) {
    return Builder.of(MASTER_KEY).raw(id).build();
  }

  public static byte[] restoreJobPrefix() {
    return new byte[] {RESTORE_JOB};
  }

  public static byte[] restoreJob(String bucket, String key, long versionSeq) {
    return Builder.of(RESTORE_JOB).terminated(bucket).escaped(key).int64(versionSeq).build();
  }

  public static byte[] activeMasterKey() {
    return new byte[] {ACTIVE_MASTER_KEY};
  }

  public static byte[] bucketDir(String bucket) {
    return Builder.of(BUCKET_DIR).raw(bucket).build();
  }

  public static byte[] ownerDirPrefix(String ownerAccountId) {
    return Builder.of(OWNER_DIR).terminated(ownerAccountId).build();
  }

  public static byte[] ownerDir(String ownerAccountId, String bucket) {
    return Builder.of(OWNER_DIR).terminated(ownerAccountId).raw(bucket).build();
  }

  public static byte[] groupDirPrefix(int group) {
    return Builder.of(GROUP_DIR).int32(group).build();
  }

  public static byte[] groupDir(int group, String bucket) {
    return Builder.of(GROUP_DIR).int32(group).raw(bucket).build();
  }

  public static byte[] objectPrefix(String bucket) {
    return Builder.of(OBJECT).terminated(bucket).build();
  }

  public static byte[] object(String bucket, String key) {
    return Builder.of(OBJECT).terminated(bucket).raw(key).build();
  }

  public static byte[] uploadBucketPrefix(String bucket) {
    return Builder.of(UPLOAD).terminated(bucket).build();
  }

  /** Prefix of every upload whose key starts with {@code keyPrefix}. */
  public static byte[] uploadKeyPrefix(String bucket, String keyPrefix) {
    return Builder.of(UPLOAD).terminated(bucket).escapedPrefix(keyPrefix).build();
  }

  public static byte[] upload(String bucket, String key, String uploadId) {
    return Builder.of(UPLOAD).terminated(bucket).escaped(key).raw(uploadId).build();
  }

  /** Prefix of the uploads of exactly {@code key}. */
  public static byte[] uploadsOf(String bucket, String key) {
    return Builder.of(UPLOAD).terminated(bucket).escaped(key).build();
  }

  public static byte[] partPrefix(String bucket, String key, String uploadId) {
    return Builder.of(PART).terminated(bucket).escaped(key).escaped(uploadId).build();
  }

  public static byte[] part(String bucket, String key, String uploadId, int partNumber) {
    return Builder.of(PART).terminated(bucket).escaped(key).escaped(uploadId).int32(partNumber).build();
  }

  public static byte[] versionBucketPrefix(String bucket) {
    return Builder.of(VERSION).terminated(bucket).build();
  }

  /** Prefix of the versions of every key starting with {@code keyPrefix}. */
  public static byte[] versionKeyPrefix(String bucket, String keyPrefix) {
    return Builder.of(VERSION).terminated(bucket).escapedPrefix(keyPrefix).build();
  }

  /** Prefix of the versions of exactly {@code key}, newest first. */
  public static byte[] versionsOf(String bucket, String key) {
    return Builder.of(VERSION).terminated(bucket).escaped(key).build();
  }

  public static byte[] version(String bucket, String key, long versionSeq) {
    if (versionSeq <= 0) {
      throw new IllegalStateException("version seq must be positive, not " + versionSeq);
    }
    return Builder.of(VERSION).terminated(bucket).escaped(key).int64(Long.MAX_VALUE - versionSeq).build();
  }

  public static byte[] bucketConfigPrefix(String bucket) {
    return Builder.of(BUCKET_CONFIG).terminated(bucket).build();
  }

  public static byte[] bucketConfig(String bucket, String kind) {
    return Builder.of(BUCKET_CONFIG).terminated(bucket).raw(kind).build();
  }

  /** An IAM entity row ('u', 'g', 'r', 'p', 'm'): account, then the lower-cased name. */
  public static byte[] iamEntity(byte table, String accountId, String name) {
    return Builder.of(table).terminated(accountId).raw(name.toLowerCase(java.util.Locale.ROOT)).build();
  }

  public static byte[] iamEntityPrefix(byte table, String accountId) {
    return Builder.of(table).terminated(accountId).build();
  }

  public static byte[] mfaSerial(String serial) {
    return Builder.of(MFA_SERIAL).raw(serial).build();
  }

  public static byte[] userKey(String accountId, String userName, String accessKeyId) {
    return Builder.of(USER_KEY).terminated(accountId).terminated(userName.toLowerCase(java.util.Locale.ROOT))
        .raw(accessKeyId).build();
  }

  public static byte[] userKeyPrefix(String accountId, String userName) {
    return Builder.of(USER_KEY).terminated(accountId).terminated(userName.toLowerCase(java.util.Locale.ROOT)).build();
  }

  public static byte[] session(String accessKeyId) {
    return Builder.of(SESSION).raw(accessKeyId).build();
  }

  public static byte[] sessionExpiry(long expiresMillis, String accessKeyId) {
    return Builder.of(SESSION_EXPIRY).int64(expiresMillis).raw(accessKeyId).build();
  }

  public static byte[] sessionExpiryPrefix() {
    return new byte[] {SESSION_EXPIRY};
  }

  public static byte[] accountConfig(String accountId, String kind) {
    return Builder.of(ACCOUNT_CONFIG).terminated(accountId).raw(kind).build();
  }

  public static byte[] accountConfigPrefix(String accountId) {
    return Builder.of(ACCOUNT_CONFIG).terminated(accountId).build();
  }

  public static byte[] awsAccountId(String awsAccountId) {
    return Builder.of(AWS_ACCOUNT_ID).raw(awsAccountId).build();
  }

  public static byte[] email(String email) {
    return Builder.of(EMAIL).raw(email.toLowerCase(java.util.Locale.ROOT)).build();
  }

  public static byte[] accountPrefix() {
    return new byte[] {ACCOUNT};
  }

  public static boolean startsWith(byte[] key, byte[] prefix) {
    return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
  }

  /** The smallest key greater than every key that starts with {@code prefix} (prefix non-empty, last byte < 0xFF). */
  public static byte[] successor(byte[] prefix) {
    byte[] s = prefix.clone();
    int last = s.length - 1;
    if ((s[last] & 0xFF) == 0xFF) {
      throw new IllegalStateException("no successor for prefix ending in 0xFF, length " + s.length);
    }
    s[last]++;
    return s;
  }

  public static byte[] concat(byte[] a, byte[] b) {
    byte[] r = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }

  /** Builds keys component by component. */
  public static final class Builder {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(64);

    public static Builder of(byte table) {
      Builder b = new Builder();
      b.out.write(table);
      return b;
    }

    public Builder raw(String s) {
      out.writeBytes(utf8(s));
      return this;
    }

    public Builder terminated(String s) {
      out.writeBytes(utf8(s));
      out.write(0);
      return this;
    }

    public Builder escapedPrefix(String s) {
      for (byte b : utf8(s)) {
        out.write(b);
        if (b == 0) {
          out.write(0xFF);
        }
      }
      return this;
    }

    public Builder escaped(String s) {
      escapedPrefix(s);
      out.write(0);
      out.write(1);
      return this;
    }

    public Builder int32(int v) {
      out.write(v >>> 24);
      out.write(v >>> 16);
      out.write(v >>> 8);
      out.write(v);
      return this;
    }

    public Builder int64(long v) {
      int32((int) (v >>> 32));
      return int32((int) v);
    }

    public byte[] build() {
      return out.toByteArray();
    }
  }
}
