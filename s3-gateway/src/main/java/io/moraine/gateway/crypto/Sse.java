package io.moraine.gateway.crypto;

import com.google.protobuf.ByteString;
import io.moraine.gateway.error.S3Error;
import io.moraine.gateway.error.S3Exception;
import io.moraine.gateway.http.S3Request;
import io.moraine.gateway.http.S3Response;
import io.moraine.metadata.api.MetadataClient;
import io.moraine.metadata.api.ObjectVersion;
import io.moraine.proto.meta.v1.EncryptionRecord;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * SSE-S3 for the object path (docs/encryption.md): what a request asks for, a fresh data key per
 * object or upload (wrapped by the active master key), and the package ciphers of a stored
 * object's blobs. Without a root key a gateway refuses SSE requests and reads of encrypted
 * objects with 501 NotImplemented and serves everything else.
 */
public final class Sse {
  public static final String HEADER = "x-amz-server-side-encryption";
  public static final String AES256 = "AES256";
  /** EncryptionRecord.mode of SSE-S3. */
  public static final int MODE_SSE_S3 = 1;
  /** EncryptionRecord.mode of SSE-KMS. */
  public static final int MODE_SSE_KMS = 2;
  /** EncryptionRecord.mode of SSE-C. */
  public static final int MODE_SSE_C = 3;
  private static final String NO_ROOT_KEY =
      "Server-side encryption is not configured on this gateway (no root key: MORAINE_ROOT_KEY or encryption.root-key-file)";

  private final Optional<MasterKeys> masterKeys;
  private final RandomGenerator random;
  private final boolean customerKeysNeedTls;
  private volatile SseKms kms;

  /**
   * @param customerKeysNeedTls refuse SSE-C keys on plain-HTTP requests (S3's rule; off only where
   *     the operator allows plain HTTP, {@code encryption.sse-c.allow-http}, docs/encryption.md)
   */
  public Sse(Optional<RootKey> root, MetadataClient metadata, RandomGenerator random, boolean customerKeysNeedTls) {
    this.masterKeys = root.map(r -> new MasterKeys(metadata, r, random));
    this.random = random;
    this.customerKeysNeedTls = customerKeysNeedTls;
  }

  public Sse(Optional<RootKey> root, MetadataClient metadata, RandomGenerator random) {
    this(root, metadata, random, true);
  }

  /** Enables SSE-KMS through the gateway's KMS (set once, before the gateway serves). */
  public void useKms(SseKms kms) {
    this.kms = kms;
  }

  private SseKms kms() {
    SseKms k = kms;
    if (k == null || masterKeys.isEmpty()) {
      throw new S3Exception(new S3Error.NotImplemented(NO_ROOT_KEY));
    }
    return k;
  }

  /** The keyring as this gateway sees it; empty without a root key. */
  public Optional<MasterKeys> masterKeys() {
    return masterKeys;
  }

  /** A gateway without a root key (tests of the refusal). */
  public static Sse disabled(RandomGenerator random) {
    return new Sse(Optional.empty(), null, random);
  }

  /** 501 NotImplemented on a gateway without a root key. */
  public void requireRootKey() {
    if (masterKeys.isEmpty()) {
      throw new S3Exception(new S3Error.NotImplemented(NO_ROOT_KEY));
    }
  }

  /**
   * Whether a write to a bucket is encrypted with SSE-S3: it asks so ({@link #requested(S3Request)}),
   * or it asks for nothing and the bucket's default encryption ({@code bucketDefault}) is SSE-S3.
   */
  private boolean requested(S3Request r, boolean bucketDefault) {
    if (requested(r)) {
      return true;
    }
    if (bucketDefault) {
      requireRootKey();
    }
    return bucketDefault;
  }

  /**
   * Whether a write asks for SSE-S3 ({@code x-amz-server-side-encryption: AES256}). Unknown
   * values are 400 InvalidArgument, as S3 answers; SSE-KMS and SSE-C are not built yet (501).
   */
  public boolean requested(S3Request r) {
    Optional<String> h = r.header(HEADER).map(String::strip);
    if (h.isEmpty()) {
      return false;
    }
    switch (h.get()) {
      case AES256 -> {
        if (masterKeys.isEmpty()) {
          throw new S3Exception(new S3Error.NotImplemented(NO_ROOT_KEY));
        }
        return true;
      }
      case SseKms.AWS_KMS -> {
        kms();
        return true;
      }
      case "aws:kms:dsse" -> throw new S3Exception(new S3Error.NotImplemented("DSSE-KMS is not implemented"));
      default -> throw new S3Exception(new S3Error.InvalidArgument("The encryption method specified is not supported"));
    }
  }

  /**
   * How a write is sealed: SSE-C when it carries a customer key, else SSE-S3 when it asks for it or
   * the bucket's default says so ({@code bucketDefault}); null: plaintext.
   */
  public Sealed forWrite(S3Request r, boolean bucketDefault) {
    Optional<CustomerKey> customer = customerKey(r);
    if (customer.isPresent()) {
      if (r.header(HEADER).isPresent()) {
        throw new S3Exception(new S3Error.InvalidArgument(
            "Server Side Encryption with Customer provided key is incompatible with the encryption method specified"));
      }
      return newCustomerEncryption(customer.get());
    }
    return requested(r, bucketDefault) ? newEncryption() : null;
  }

  /**
   * As {@link #forWrite(S3Request, boolean)} with the bucket's default encryption (SSE-S3 or
   * SSE-KMS with its KMSMasterKeyID and BucketKeyEnabled), and SSE-KMS requests
   * ({@code aws:kms}, the key id, context and bucket-key headers).
   */
  public Sealed forWrite(S3Request r, Optional<io.moraine.proto.config.v1.BucketEncryptionConfig> bucketDefault) {
    if (customerKey(r).isPresent()) {
      return forWrite(r, false); // SSE-C, or the refusal of SSE-C with another method
    }
    Optional<String> h = r.header(HEADER).map(String::strip);
    boolean kmsAsked = h.isPresent() && h.get().equals(SseKms.AWS_KMS);
    if (!kmsAsked && (r.header(SseKms.KEY_ID_HEADER).isPresent() || r.header(SseKms.CONTEXT_HEADER).isPresent())) {
      throw new S3Exception(new S3Error.InvalidArgument("Server Side Encryption with AWS KMS managed key requires "
          + "HTTP header x-amz-server-side-encryption : aws:kms"));
    }
    boolean kmsDefault = h.isEmpty() && bucketDefault.isPresent()
        && bucketDefault.get().getSseAlgorithm().equals(SseKms.AWS_KMS);
    if (kmsAsked || kmsDefault) {
      Optional<String> bucketKeyHeader = r.header(SseKms.BUCKET_KEY_HEADER).map(String::strip);
      boolean bucketKey = bucketKeyHeader.map(Boolean::parseBoolean)
          .orElse(bucketDefault.map(d -> d.getSseAlgorithm().equals(SseKms.AWS_KMS) && d.getBucketKeyEnabled())
              .orElse(false));
      String keyId = r.header(SseKms.KEY_ID_HEADER).map(String::strip)
          .orElse(bucketDefault.filter(d -> d.getSseAlgorithm().equals(SseKms.AWS_KMS))
              .map(io.moraine.proto.config.v1.BucketEncryptionConfig::getKmsMasterKeyId).orElse(""));
      return kms().seal(r, keyId, bucketKey);
    }
    return forWrite(r, bucketDefault.map(d -> d.getSseAlgorithm().equals(AES256)).orElse(false));
  }

  /** The SSE-KMS side, for the bucket-default handler (key ARNs); empty without a root key. */
  public Optional<SseKms> kmsIfEnabled() {
    return masterKeys.isEmpty() ? Optional.empty() : Optional.ofNullable(kms);
  }

  /**
   * {@link #open(EncryptionRecord, Optional)} at the request level: an SSE-KMS record is opened
   * through the KMS as the request's caller (kms:Decrypt, the key enabled), which the data path's
   * later {@code open} of the same record relies on.
   */
  public Sealed open(EncryptionRecord record, Optional<CustomerKey> customer, S3Request r) {
    if (record != null && record.getMode() == MODE_SSE_KMS) {
      if (customer.isPresent()) {
        throw new S3Exception(new S3Error.InvalidRequest("The encryption parameters are not applicable to this object."));
      }
      return kms().open(r, record);
    }
    return open(record, customer);
  }

  /** The SSE-C key of the request's own object, checked for TLS as S3 requires. */
  public Optional<CustomerKey> customerKey(S3Request r) {
    return secure(r, CustomerKey.of(r));
  }

  /** The SSE-C key of a copy request's source object. */
  public Optional<CustomerKey> copySourceKey(S3Request r) {
    return secure(r, CustomerKey.ofCopySource(r));
  }

  private Optional<CustomerKey> secure(S3Request r, Optional<CustomerKey> key) {
    if (key.isPresent() && customerKeysNeedTls && !r.secure()) {
      throw new S3Exception(new S3Error.InvalidRequest(
          "Requests specifying Server Side Encryption with Customer provided keys must be made over a secure connection."));
    }
    return key;
  }

  /** SSE-C: a fresh data key, nonce base and instance id, the data key wrapped by the customer's key. */
  Sealed newCustomerEncryption(CustomerKey customer) {
    byte[] salt = new byte[CustomerKey.SALT_BYTES];
    random.nextBytes(salt);
    return fresh(MODE_SSE_C, customer.key(), CustomerKey::purpose, r -> r.setCustomerKeySalt(ByteString.copyFrom(salt))
        .setCustomerKeyHmac(ByteString.copyFrom(customer.hmac(salt))));
  }

  /**
   * A fresh encryption for one object (or multipart upload): a 32-byte data key, a 12-byte nonce
   * base and an instance id from the injected randomness, the data key wrapped by the active master key.
   */
  public Sealed newEncryption() {
    MasterKeys.MasterKey master = masterKeys.orElseThrow(() -> new S3Exception(new S3Error.NotImplemented(NO_ROOT_KEY)))
        .active();
    return fresh(MODE_SSE_S3, master.key(), KeyWrap::dataKeyPurpose, r -> r.setMasterKeyId(master.id()));
  }

  /** A random data key, nonce base and instance id; the data key wrapped by {@code kek} for the instance. */
  private Sealed fresh(int mode, byte[] kek, java.util.function.Function<String, String> purpose,
      java.util.function.Consumer<EncryptionRecord.Builder> details) {
    byte[] dataKey = new byte[PackageFormat.KEY_BYTES];
    random.nextBytes(dataKey);
    byte[] nonceBase = new byte[PackageFormat.NONCE_BYTES];
    random.nextBytes(nonceBase);
    byte[] instance = new byte[16];
    random.nextBytes(instance);
    String instanceId = HexFormat.of().formatHex(instance);
    byte[] wrapped = KeyWrap.wrap(kek, dataKey, purpose.apply(instanceId), random);
    EncryptionRecord.Builder record = EncryptionRecord.newBuilder().setFormatVersion(PackageFormat.FORMAT_VERSION)
        .setMode(mode).setWrappedDataKey(ByteString.copyFrom(wrapped)).setNonceBase(ByteString.copyFrom(nonceBase))
        .setInstanceId(instanceId);
    details.accept(record);
    return new Sealed(record.build(), dataKey);
  }

  /**
   * The data key of a stored SSE-S3 record, unwrapped (the master key from the keyring, cached).
   * An SSE-C record needs its key: {@link #open(EncryptionRecord, Optional)}.
   */
  public Sealed open(EncryptionRecord record) {
    return open(record, Optional.empty());
  }

  /**
   * The data key of a stored encryption record, for a request that carries {@code customer} (or
   * not). As S3 answers: an SSE-C object without its key, or with a key that does not match the
   * MD5 stored, is 400 InvalidRequest / 403 AccessDenied; a key sent for an object that is not SSE-C
   * is 400 InvalidRequest.
   */
  public Sealed open(EncryptionRecord record, Optional<CustomerKey> customer) {
    if (record == null) {
      if (customer.isPresent()) {
        throw new S3Exception(new S3Error.InvalidRequest("The encryption parameters are not applicable to this object."));
      }
      return null;
    }
    if (record.getFormatVersion() != PackageFormat.FORMAT_VERSION
        || (record.getMode() != MODE_SSE_S3 && record.getMode() != MODE_SSE_C && record.getMode() != MODE_SSE_KMS)) {
      throw new IllegalStateException("unknown encryption record: format " + record.getFormatVersion() + " mode "
          + record.getMode());
    }
    if (record.getMode() == MODE_SSE_KMS) {
      if (customer.isPresent()) {
        throw new S3Exception(new S3Error.InvalidRequest("The encryption parameters are not applicable to this object."));
      }
      return kms().opened(record);
    }
    if (record.getMode() == MODE_SSE_C) {
      CustomerKey key = customer.orElseThrow(() -> new S3Exception(new S3Error.InvalidRequest("The object was stored "
          + "using a form of Server Side Encryption. The correct parameters must be provided to retrieve the object.")));
      if (!java.security.MessageDigest.isEqual(key.hmac(record.getCustomerKeySalt().toByteArray()),
          record.getCustomerKeyHmac().toByteArray())) {
        throw new S3Exception(new S3Error.AccessDenied("Requests specifying Server Side Encryption with Customer "
            + "provided keys must provide the correct secret key."));
      }
      try {
        return new Sealed(record, KeyWrap.unwrap(key.key(), record.getWrappedDataKey().toByteArray(),
            CustomerKey.purpose(record.getInstanceId())));
      } catch (GeneralSecurityException e) {
        throw new TamperedPackageException("the data key of instance " + record.getInstanceId()
            + " does not unwrap with the customer key whose HMAC it records");
      }
    }
    if (customer.isPresent()) {
      throw new S3Exception(new S3Error.InvalidRequest("The encryption parameters are not applicable to this object."));
    }
    MasterKeys keys = masterKeys.orElseThrow(() -> new S3Exception(new S3Error.NotImplemented(NO_ROOT_KEY)));
    byte[] master = keys.byId(record.getMasterKeyId());
    try {
      return new Sealed(record, KeyWrap.unwrap(master, record.getWrappedDataKey().toByteArray(),
          KeyWrap.dataKeyPurpose(record.getInstanceId())));
    } catch (GeneralSecurityException e) {
      throw new TamperedPackageException("the data key of instance " + record.getInstanceId()
          + " does not unwrap with master key " + record.getMasterKeyId());
    }
  }

  /** The response header of an encrypted object (GET, HEAD, PUT, copy, multipart). */
  public static void header(S3Response out, EncryptionRecord record) {
    header(out, record, Optional.empty());
  }

  /**
   * The response headers of an object sealed as {@code record}; SSE-C answers the algorithm and, when
   * the request carried it, the MD5 of the customer's key (the key and its MD5 are never stored).
   */
  public static void header(S3Response out, EncryptionRecord record, Optional<CustomerKey> customer) {
    if (record == null) {
      return;
    }
    if (record.getMode() == MODE_SSE_C) {
      out.header(CustomerKey.ALGORITHM_HEADER, AES256);
      customer.ifPresent(k -> out.header(CustomerKey.MD5_HEADER, k.md5Base64()));
    } else if (record.getMode() == MODE_SSE_KMS) {
      out.header(HEADER, SseKms.AWS_KMS);
      out.header(SseKms.KEY_ID_HEADER, record.getKmsKeyArn());
      if (record.getBucketKeyEnabled()) {
        out.header(SseKms.BUCKET_KEY_HEADER, "true");
      }
      String context = SseKms.echoedContext(record);
      if (context != null) {
        out.header(SseKms.CONTEXT_HEADER, context);
      }
    } else {
      out.header(HEADER, AES256);
    }
  }

  public static void header(S3Response out, ObjectVersion v) {
    header(out, v.encryption());
  }

  /** An encryption record with its data key in the clear: the ciphers of its blobs. */
  public record Sealed(EncryptionRecord record, byte[] dataKey) {
    /** The cipher of a single PUT's blob of {@code key} in {@code bucket}. */
    public PackageCipher single(String bucket, String key) {
      return new PackageCipher(dataKey, record.getNonceBase().toByteArray(), 0,
          new ObjectIdentity(bucket, key, record.getInstanceId()));
    }

    /** The cipher of part {@code partNumber} stored as blob {@code dataId}. */
    public PackageCipher part(String bucket, String key, int partNumber, String dataId) {
      return new PackageCipher(dataKey, PackageFormat.partNonceBase(record.getNonceBase().toByteArray(), dataId),
          partNumber, new ObjectIdentity(bucket, key, record.getInstanceId()));
    }
  }
}
