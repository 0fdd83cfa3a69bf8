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
  private static final String NO_ROOT_KEY =
      "Server-side encryption is not configured on this gateway (no root key: MORAINE_ROOT_KEY or encryption.root-key-file)";

  private final Optional<MasterKeys> masterKeys;
  private final RandomGenerator random;

  public Sse(Optional<RootKey> root, MetadataClient metadata, RandomGenerator random) {
    this.masterKeys = root.map(r -> new MasterKeys(metadata, r, random));
    this.random = random;
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
  public boolean requested(S3Request r, boolean bucketDefault) {
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
    if (r.header("x-amz-server-side-encryption-customer-algorithm").isPresent()) {
      throw new S3Exception(new S3Error.NotImplemented("SSE-C is not implemented yet"));
    }
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
      case "aws:kms", "aws:kms:dsse" -> throw new S3Exception(new S3Error.NotImplemented("SSE-KMS is not implemented yet"));
      default -> throw new S3Exception(new S3Error.InvalidArgument("The encryption method specified is not supported"));
    }
  }

  /**
   * A fresh encryption for one object (or multipart upload): a 32-byte data key, a 12-byte nonce
   * base and an instance id from the injected randomness, the data key wrapped by the active master key.
   */
  public Sealed newEncryption() {
    MasterKeys.MasterKey master = masterKeys.orElseThrow(() -> new S3Exception(new S3Error.NotImplemented(NO_ROOT_KEY)))
        .active();
    byte[] dataKey = new byte[PackageFormat.KEY_BYTES];
    random.nextBytes(dataKey);
    byte[] nonceBase = new byte[PackageFormat.NONCE_BYTES];
    random.nextBytes(nonceBase);
    byte[] instance = new byte[16];
    random.nextBytes(instance);
    String instanceId = HexFormat.of().formatHex(instance);
    byte[] wrapped = KeyWrap.wrap(master.key(), dataKey, KeyWrap.dataKeyPurpose(instanceId), random);
    EncryptionRecord record = EncryptionRecord.newBuilder().setFormatVersion(PackageFormat.FORMAT_VERSION)
        .setMode(MODE_SSE_S3).setMasterKeyId(master.id()).setWrappedDataKey(ByteString.copyFrom(wrapped))
        .setNonceBase(ByteString.copyFrom(nonceBase)).setInstanceId(instanceId).build();
    return new Sealed(record, dataKey);
  }

  /** The data key of a stored encryption record, unwrapped (the master key from the keyring, cached). */
  public Sealed open(EncryptionRecord record) {
    if (record.getFormatVersion() != PackageFormat.FORMAT_VERSION || record.getMode() != MODE_SSE_S3) {
      throw new IllegalStateException("unknown encryption record: format " + record.getFormatVersion() + " mode "
          + record.getMode());
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
    if (record != null) {
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
