package io.moraine.gateway.crypto;

import com.google.protobuf.ByteString;
import io.moraine.metadata.api.MetadataClient;
import io.moraine.proto.meta.v1.AddMasterKey;
import io.moraine.proto.meta.v1.EmptyReply;
import io.moraine.proto.meta.v1.KeyringCommand;
import io.moraine.proto.meta.v1.KeyringQuery;
import io.moraine.proto.meta.v1.KeyringReply;
import io.moraine.proto.meta.v1.MasterKeyRecord;
import io.moraine.proto.meta.v1.SetMasterKeyMaterial;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.concurrent.ConcurrentHashMap;
import java.util.random.RandomGenerator;

/**
 * The gateway's view of the SSE-S3 keyring in metadata: the active master key for new objects
 * and any master key by id for reads, unwrapped with the root key.
 *
 * <p>Staleness: none. The active key's id is read linearizably on every encrypting write, so a
 * rotation acknowledged before a PUT starts is used by that PUT on every gateway; objects written
 * before keep their key. Unwrapped keys are cached by id: a key's material never changes once set
 * (first writer wins in the keyring), so the cache cannot be stale.
 *
 * <p>A cluster with no key gets one on its first SSE write ({@code AddMasterKey if_none_active}:
 * gateways racing end with one). A key made by {@code admin kms rotate-master} has no material
 * until a gateway needs it and sets it (first writer wins again) — the admin tool never holds the
 * root key.
 */
public final class MasterKeys {
  /** A master key in the clear, with its id. */
  public record MasterKey(String id, byte[] key) {}

  private final MetadataClient metadata;
  private final RootKey root;
  private final RandomGenerator random;
  private final ConcurrentHashMap<String, byte[]> unwrapped = new ConcurrentHashMap<>();

  public MasterKeys(MetadataClient metadata, RootKey root, RandomGenerator random) {
    this.metadata = metadata;
    this.root = root;
    this.random = random;
  }

  /** A fresh master key id: 32 hex characters from the injected randomness. */
  public static String newId(RandomGenerator random) {
    byte[] b = new byte[16];
    random.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  /** The key new objects are sealed under, created (or given material) first when needed. */
  public MasterKey active() {
    KeyringReply r = metadata.keyringQuery(KeyringQuery.newBuilder().setActive(EmptyReply.getDefaultInstance()).build());
    MasterKeyRecord record;
    if (r.getKeysCount() == 0) {
      String id = newId(random);
      byte[] material = newMaterial();
      record = metadata.keyring(KeyringCommand.newBuilder().setAddMasterKey(AddMasterKey.newBuilder().setId(id)
          .setWrappedKey(ByteString.copyFrom(wrap(id, material))).setRootKeyId(root.id()).setIfNoneActive(true))
          .build()).getKeys(0);
    } else {
      record = r.getKeys(0);
    }
    return new MasterKey(record.getId(), unwrap(withMaterial(record)));
  }

  /** The active key if the cluster has one (never creates one): the re-wrap's target. */
  public java.util.Optional<MasterKey> activeIfAny() {
    KeyringReply r = metadata.keyringQuery(KeyringQuery.newBuilder().setActive(EmptyReply.getDefaultInstance()).build());
    if (r.getKeysCount() == 0) {
      return java.util.Optional.empty();
    }
    MasterKeyRecord record = r.getKeys(0);
    return java.util.Optional.of(new MasterKey(record.getId(), unwrap(withMaterial(record))));
  }

  /** Master key {@code id} (a retired one too), for reading what it sealed. */
  public byte[] byId(String id) {
    byte[] cached = unwrapped.get(id);
    if (cached != null) {
      return cached;
    }
    KeyringReply r = metadata.keyringQuery(KeyringQuery.newBuilder().setGet(id).build());
    if (r.getKeysCount() == 0) {
      throw new IllegalStateException("master key " + id + " named by an object is not in the keyring");
    }
    return unwrap(withMaterial(r.getKeys(0)));
  }

  private MasterKeyRecord withMaterial(MasterKeyRecord record) {
    if (!record.getWrappedKey().isEmpty()) {
      return record;
    }
    byte[] material = newMaterial();
    return metadata.keyring(KeyringCommand.newBuilder().setSetMasterKeyMaterial(SetMasterKeyMaterial.newBuilder()
        .setId(record.getId()).setWrappedKey(ByteString.copyFrom(wrap(record.getId(), material)))
        .setRootKeyId(root.id())).build()).getKeys(0);
  }

  private byte[] newMaterial() {
    byte[] material = new byte[PackageFormat.KEY_BYTES];
    random.nextBytes(material);
    return material;
  }

  private byte[] wrap(String id, byte[] material) {
    return root.wrap(material, KeyWrap.masterKeyPurpose(id));
  }

  private byte[] unwrap(MasterKeyRecord record) {
    return unwrapped.computeIfAbsent(record.getId(), id -> {
      try {
        return root.unwrap(record.getWrappedKey().toByteArray(), KeyWrap.masterKeyPurpose(id));
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("master key " + id + " does not unwrap with root key " + root.id()
            + " (it was wrapped by " + record.getRootKeyId() + "): wrong or changed root key", e);
      }
    });
  }
}
