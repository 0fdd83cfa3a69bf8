package io.moraine.gateway.kms;

import com.google.protobuf.ByteString;
import io.moraine.gateway.access.Access;
import io.moraine.gateway.access.policy.MalformedPolicyException;
import io.moraine.gateway.access.policy.PolicyDocument;
import io.moraine.gateway.access.policy.PolicyEvaluator;
import io.moraine.gateway.access.policy.PolicyParser;
import io.moraine.gateway.access.policy.RequestContext;
import io.moraine.gateway.auth.Identity;
import io.moraine.gateway.crypto.RootKey;
import io.moraine.gateway.kms.KmsException.Code;
import io.moraine.metadata.api.DayScale;
import io.moraine.metadata.api.MetadataClient;
import io.moraine.proto.meta.v1.CreateKmsKey;
import io.moraine.proto.meta.v1.FindAccount;
import io.moraine.proto.meta.v1.FindKmsAlias;
import io.moraine.proto.meta.v1.IamQuery;
import io.moraine.proto.meta.v1.KmsAuditEntry;
import io.moraine.proto.meta.v1.KmsCommand;
import io.moraine.proto.meta.v1.KmsKeyMaterial;
import io.moraine.proto.meta.v1.KmsKeyRecord;
import io.moraine.proto.meta.v1.KmsQuery;
import io.moraine.proto.meta.v1.KmsReply;
import io.moraine.proto.meta.v1.UpdateKmsKey;
import java.security.GeneralSecurityException;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.random.RandomGenerator;

/**
 * The built-in KMS: resolves key ids, ARNs and aliases to key records in metadata, authorizes
 * each use (key policy plus the caller's IAM policies), enforces key states, rotates lazily, seals
 * and opens {@link CiphertextBlob}s and records every cryptographic use in the {@link KmsAudit}.
 *
 * <p>Staleness: none for decisions. Every use reads the key record linearizably (a DisableKey
 * acknowledged before a Decrypt starts refuses that Decrypt on every gateway). Unwrapped material
 * is cached by key id and version: a version's material never changes once stored (the core
 * refuses it), so that cache cannot be stale.
 *
 * <p>Time: deletion windows and rotation periods are counted in scaled days ({@link DayScale}).
 * Both are lazy: a key past its deletion date is treated as deleted (NotFoundException) from then
 * on; a key due for rotation gets a new material version at its next encrypting use (the write is
 * optimistic, so gateways racing add one version).
 */
public final class KmsKeys implements Kms {
  public static final int ENABLED = 1;
  public static final int DISABLED = 2;
  public static final int PENDING_DELETION = 3;
  public static final String AWS_S3_ALIAS = "alias/aws/s3";
  public static final long ROTATION_DAYS = 365;
  private static final int MAX_RETRIES = 8;

  private final MetadataClient metadata;
  private final Optional<RootKey> root;
  private final Access access;
  private final InstantSource clock;
  private final DayScale days;
  private final RandomGenerator random;
  private final String region;
  private final KmsAudit audit;
  private final ConcurrentHashMap<String, byte[]> materials = new ConcurrentHashMap<>();

  public KmsKeys(MetadataClient metadata, Optional<RootKey> root, Access access, InstantSource clock, DayScale days,
      RandomGenerator random, String region, KmsAudit audit) {
    this.metadata = metadata;
    this.root = root;
    this.access = access;
    this.clock = clock;
    this.days = days;
    this.random = random;
    this.region = region;
    this.audit = audit;
  }

  public String region() {
    return region;
  }

  public DayScale days() {
    return days;
  }

  public long now() {
    return clock.millis();
  }

  public KmsAudit audit() {
    return audit;
  }

  public MetadataClient metadataClient() {
    return metadata;
  }

  public RandomGenerator random() {
    return random;
  }

  /** Every key of an account (deleted ones too: filter with {@link #live}). */
  public List<KmsKeyRecord> keysOf(String accountId) {
    return metadata.kmsQuery(KmsQuery.newBuilder().setListKeys(accountId).build()).getKeysList();
  }

  // ---- the Kms seam (SSE-KMS) -------------------------------------------------------------------

  @Override
  public DataKey generateDataKey(Identity caller, String keyId, Map<String, String> context, String resource)
      throws KmsException {
    byte[] plaintext = new byte[32];
    random.nextBytes(plaintext);
    Sealed s = encrypt(caller, keyId == null || keyId.isEmpty() ? AWS_S3_ALIAS : keyId, plaintext, context,
        "GenerateDataKey", resource);
    return new DataKey(s.key().getArn(), plaintext, s.blob());
  }

  @Override
  public byte[] decrypt(Identity caller, byte[] blob, Map<String, String> context, String resource)
      throws KmsException {
    return decrypt(caller, blob, context, null, resource).plaintext();
  }

  @Override
  public String resolveArn(Identity caller, String keyId) throws KmsException {
    return keyId == null || keyId.isEmpty() ? awsS3Key(caller).getArn() : find(caller, keyId).getArn();
  }

  // ---- operations the KMS API shares ------------------------------------------------------------

  /** A blob and the key that sealed it. */
  public record Sealed(KmsKeyRecord key, byte[] blob) {}

  /** What a blob held and its key. */
  public record Opened(KmsKeyRecord key, byte[] plaintext) {}

  /** Seals {@code plaintext} under the current material of {@code keyRef} (kms:{@code op}). */
  public Sealed encrypt(Identity caller, String keyRef, byte[] plaintext, Map<String, String> context, String op,
      String resource) throws KmsException {
    KmsKeyRecord key = keyRef.equals(AWS_S3_ALIAS) ? awsS3Key(caller) : find(caller, keyRef);
    authorize(caller, key, op);
    usable(key);
    key = rotatedIfDue(key);
    KmsKeyMaterial m = key.getMaterials(key.getMaterialsCount() - 1);
    byte[] blob = CiphertextBlob.seal(key.getKeyId(), m.getVersion(), material(key, m), plaintext, context, random);
    record(caller, key, op, resource);
    return new Sealed(key, blob);
  }

  /** Opens a blob (kms:Decrypt on the key it names); {@code expectedKeyRef} (optional) must name that key. */
  public Opened decrypt(Identity caller, byte[] blob, Map<String, String> context, String expectedKeyRef,
      String resource) throws KmsException {
    CiphertextBlob.Header h = CiphertextBlob.header(blob);
    KmsKeyRecord key = live(read(h.keyId()));
    if (key == null) {
      throw new KmsException(Code.INVALID_CIPHERTEXT, null);
    }
    if (expectedKeyRef != null && !expectedKeyRef.isEmpty()
        && !find(caller, expectedKeyRef).getKeyId().equals(key.getKeyId())) {
      throw new KmsException(Code.INCORRECT_KEY,
          "The key ID in the request does not identify a KMS key that can perform this operation.");
    }
    authorize(caller, key, "Decrypt");
    usable(key);
    KmsKeyMaterial m = key.getMaterialsList().stream().filter(x -> x.getVersion() == h.materialVersion()).findFirst()
        .orElseThrow(() -> new KmsException(Code.INVALID_CIPHERTEXT, null));
    byte[] plaintext = CiphertextBlob.open(blob, material(key, m), context);
    record(caller, key, "Decrypt", resource);
    return new Opened(key, plaintext);
  }

  @Override
  public void recordCachedUse(Identity caller, String keyArn, String op, String resource) {
    String keyId = keyArn.substring(keyArn.lastIndexOf('/') + 1);
    audit.add(KmsAuditEntry.newBuilder().setKeyId(keyId).setOp(op).setPrincipal(caller.caller().arn())
        .setResource(resource).setTimeMillis(clock.millis()).build());
  }

  /** Records a use of a key served without calling the KMS (an S3 Bucket Key from the cache). */
  public void record(Identity caller, KmsKeyRecord key, String op, String resource) {
    audit.add(KmsAuditEntry.newBuilder().setKeyId(key.getKeyId()).setAccountId(key.getAccountId()).setOp(op)
        .setPrincipal(caller.caller().arn()).setResource(resource == null || resource.isEmpty() ? "-" : resource)
        .setTimeMillis(clock.millis()).build());
  }

  /** The record behind a key id, key ARN, alias name or alias ARN (live: not past its deletion). */
  public KmsKeyRecord find(Identity caller, String ref) throws KmsException {
    if (ref == null || ref.isEmpty()) {
      throw new KmsException(Code.VALIDATION, "1 validation error detected: Value null at 'keyId' failed to satisfy "
          + "constraint: Member must not be null");
    }
    KmsKeyRecord key;
    if (ref.startsWith("arn:")) {
      String[] arn = ref.split(":", 6);
      if (arn.length != 6 || !arn[2].equals("kms")) {
        throw notFound(ref);
      }
      if (arn[5].startsWith("key/")) {
        key = live(read(arn[5].substring(4)));
        if (key != null && !key.getArn().equals(ref)) {
          key = null;
        }
      } else if (arn[5].startsWith("alias/")) {
        key = alias(accountOf(caller, arn[4]), arn[5]);
      } else {
        throw notFound(ref);
      }
    } else if (ref.startsWith("alias/")) {
      key = alias(caller.accountId(), ref);
    } else {
      key = live(read(ref));
      if (key != null && !key.getAccountId().equals(caller.accountId())) {
        key = null; // another account's key is named by its ARN only
      }
    }
    if (key == null) {
      throw notFound(ref);
    }
    return key;
  }

  /** The account's AWS managed key for S3, made on first use (one per account, however many gateways race). */
  public KmsKeyRecord awsS3Key(Identity caller) throws KmsException {
    KmsKeyRecord existing = alias(caller.accountId(), AWS_S3_ALIAS);
    if (existing != null) {
      return existing;
    }
    KmsReply r = create(caller, "Default key that protects my S3 objects when no other key is defined", null, "AWS",
        AWS_S3_ALIAS);
    return r.getKeys(0);
  }

  /** Stores a new key (and, with {@code aliasName}, its alias in the same entry). */
  public KmsReply create(Identity caller, String description, String policy, String keyManager, String aliasName)
      throws KmsException {
    // A version-4 (random) UUID, from the injected randomness.
    String id = new UUID((random.nextLong() & ~0xF000L) | 0x4000L,
        (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L).toString();
    String arn = "arn:aws:kms:" + region + ":" + caller.awsAccountId() + ":key/" + id;
    long now = clock.millis();
    KmsKeyRecord key = KmsKeyRecord.newBuilder().setFormatVersion(1).setKeyId(id).setAccountId(caller.accountId())
        .setAwsAccountId(caller.awsAccountId()).setArn(arn).setDescription(description == null ? "" : description)
        .setState(ENABLED).setPolicy(policy == null ? defaultPolicy(caller.awsAccountId()) : policy)
        .setKeyManager(keyManager).addMaterials(newMaterial(id, 1, now))
        .setRotationEnabled(keyManager.equals("AWS"))
        .setNextRotationMillis(keyManager.equals("AWS") ? now + days.daysMillis(ROTATION_DAYS) : 0).build();
    return metadata.kms(KmsCommand.newBuilder().setCreateKey(CreateKmsKey.newBuilder().setKey(key)
        .setAliasName(aliasName == null ? "" : aliasName)).build());
  }

  /** KMS's default key policy: the account's root principal may do everything (IAM policies then decide). */
  public static String defaultPolicy(String awsAccountId) {
    return "{\n  \"Version\" : \"2012-10-17\",\n  \"Id\" : \"key-default-1\",\n  \"Statement\" : [ {\n"
        + "    \"Sid\" : \"Enable IAM User Permissions\",\n    \"Effect\" : \"Allow\",\n"
        + "    \"Principal\" : {\n      \"AWS\" : \"arn:aws:iam::" + awsAccountId + ":root\"\n    },\n"
        + "    \"Action\" : \"kms:*\",\n    \"Resource\" : \"*\"\n  } ]\n}";
  }

  /** A mutation of a key record that may refuse (a state check on the record as read). */
  @FunctionalInterface
  public interface Change {
    void apply(KmsKeyRecord current, KmsKeyRecord.Builder next) throws KmsException;
  }

  /** Applies {@code change} to the key's latest record (optimistic: re-read and re-applied on a lost race). */
  public KmsKeyRecord update(KmsKeyRecord key, Change change) throws KmsException {
    for (int i = 0; i < MAX_RETRIES; i++) {
      KmsKeyRecord.Builder next = key.toBuilder();
      change.apply(key, next);
      KmsReply r = metadata.kms(KmsCommand.newBuilder().setUpdateKey(UpdateKmsKey.newBuilder().setKey(next)
          .setExpectedRevision(key.getRevision())).build());
      if (r.getApplied()) {
        return r.getKeys(0);
      }
      key = live(r.getKeys(0));
      if (key == null) {
        throw notFound(next.getKeyId());
      }
    }
    throw new KmsException(Code.INTERNAL, "the key kept changing; retry");
  }

  /** Refuses unless the key policy and the caller's IAM policies allow {@code kms:op} on the key. */
  public void authorize(Identity caller, KmsKeyRecord key, String op) throws KmsException {
    String action = "kms:" + op;
    Map<String, List<String>> keys = Map.of("aws:CurrentTime", List.of(clock.instant().toString()),
        "aws:PrincipalArn", List.of(caller.caller().roleArn() != null ? caller.caller().roleArn() : caller.caller().arn()),
        "aws:PrincipalAccount", List.of(caller.awsAccountId()));
    PolicyEvaluator.Result keyPolicy;
    try {
      PolicyDocument doc = PolicyParser.parse(key.getPolicy(), PolicyParser.Kind.KEY, null);
      keyPolicy = PolicyEvaluator.evaluate(doc, new RequestContext(action, key.getArn(), caller.caller(), keys), true);
    } catch (MalformedPolicyException e) {
      keyPolicy = PolicyEvaluator.Result.NONE;
    }
    boolean allowed = false;
    if (!keyPolicy.denies() && keyPolicy.allows()) {
      PolicyEvaluator.Result identity = access.identityResult(caller, action, key.getArn(), keys);
      allowed = !identity.denies() && (keyPolicy.specific() || identity.allows());
    }
    if (!allowed) {
      throw new KmsException(Code.ACCESS_DENIED, "User: " + caller.caller().arn() + " is not authorized to perform: "
          + action + " on resource: " + key.getArn() + " because no identity-based or resource-based policy allows the "
          + action + " action");
    }
  }

  /** Refuses a cryptographic use of a key that is not Enabled. */
  public static void usable(KmsKeyRecord key) throws KmsException {
    switch (key.getState()) {
      case ENABLED -> { }
      case DISABLED -> throw new KmsException(Code.DISABLED, key.getArn() + " is disabled.");
      default -> throw new KmsException(Code.INVALID_STATE, key.getArn() + " is pending deletion.");
    }
  }

  public static KmsException notFound(String ref) {
    return new KmsException(Code.NOT_FOUND, (ref.startsWith("alias/") || ref.contains(":alias/") ? "Alias " : "Key '")
        + ref + (ref.startsWith("alias/") || ref.contains(":alias/") ? " is not found." : "' does not exist"));
  }

  /** The key record (deleted ones too), or null. */
  public KmsKeyRecord read(String keyId) {
    KmsReply r = metadata.kmsQuery(KmsQuery.newBuilder().setGetKey(keyId).build());
    return r.getKeysCount() == 0 ? null : r.getKeys(0);
  }

  /** {@code key} unless it is past its deletion date (then null: deleted). */
  public KmsKeyRecord live(KmsKeyRecord key) {
    if (key == null || (key.getState() == PENDING_DELETION && clock.millis() >= key.getDeletionMillis())) {
      return null;
    }
    return key;
  }

  private KmsKeyRecord alias(String accountId, String name) {
    if (accountId == null) {
      return null;
    }
    KmsReply r = metadata.kmsQuery(KmsQuery.newBuilder().setFindAlias(FindKmsAlias.newBuilder().setAccountId(accountId)
        .setAliasName(name)).build());
    return r.getKeysCount() == 0 ? null : live(r.getKeys(0));
  }

  private String accountOf(Identity caller, String awsAccountId) {
    if (awsAccountId.equals(caller.awsAccountId())) {
      return caller.accountId();
    }
    var a = metadata.iamQuery(IamQuery.newBuilder().setFindAccount(FindAccount.newBuilder().setAwsAccountId(awsAccountId))
        .build()).getAccount();
    return a.hasAccount() ? a.getAccount().getAccountId() : null;
  }

  private KmsKeyRecord rotatedIfDue(KmsKeyRecord key) throws KmsException {
    if (!key.getRotationEnabled() || key.getNextRotationMillis() == 0 || clock.millis() < key.getNextRotationMillis()) {
      return key;
    }
    return update(key, (current, next) -> {
      if (current.getRotationEnabled() && clock.millis() >= current.getNextRotationMillis()) {
        int version = current.getMaterials(current.getMaterialsCount() - 1).getVersion() + 1;
        next.addMaterials(newMaterial(current.getKeyId(), version, clock.millis()))
            .setNextRotationMillis(clock.millis() + days.daysMillis(ROTATION_DAYS));
      }
    });
  }

  /** A new material version of key {@code keyId} (the rotation of {@link #rotatedIfDue}). */
  public KmsKeyMaterial newMaterial(String keyId, int version, long now) throws KmsException {
    byte[] m = new byte[32];
    random.nextBytes(m);
    RootKey r = rootKey();
    return KmsKeyMaterial.newBuilder().setVersion(version).setWrapped(ByteString.copyFrom(r.wrap(m, purpose(keyId, version))))
        .setRootKeyId(r.id()).setCreatedMillis(now).build();
  }

  private byte[] material(KmsKeyRecord key, KmsKeyMaterial m) throws KmsException {
    String cacheKey = key.getKeyId() + ":" + m.getVersion();
    byte[] cached = materials.get(cacheKey);
    if (cached != null) {
      return cached;
    }
    try {
      byte[] plain = rootKey().unwrap(m.getWrapped().toByteArray(), purpose(key.getKeyId(), m.getVersion()));
      materials.put(cacheKey, plain);
      return plain;
    } catch (GeneralSecurityException e) {
      throw new KmsException(Code.INTERNAL, "key material of " + key.getArn() + " does not unwrap with root key "
          + rootKey().id() + " (it was wrapped by " + m.getRootKeyId() + ")");
    }
  }

  private RootKey rootKey() throws KmsException {
    return root.orElseThrow(() -> new KmsException(Code.INTERNAL,
        "the KMS needs a root key (MORAINE_ROOT_KEY or encryption.root-key-file); none is configured"));
  }

  /** The AAD of a key material version wrapped by the root key. */
  static String purpose(String keyId, int version) {
    return "kms-key:" + keyId + ":" + version;
  }
}
