package io.moraine.metadata.core.kms;

import static io.moraine.metadata.core.Tables.ok;
import static io.moraine.metadata.core.Tables.reply;
import static io.moraine.metadata.core.Tables.validName;

import io.moraine.metadata.core.ApplyResult;
import io.moraine.metadata.core.Command;
import io.moraine.metadata.core.Keys;
import io.moraine.metadata.core.Records;
import io.moraine.metadata.core.Tables;
import io.moraine.metadata.store.StateStore;
import io.moraine.metadata.store.StoreBatch;
import io.moraine.proto.meta.v1.AppendKmsAudit;
import io.moraine.proto.meta.v1.CreateKmsKey;
import io.moraine.proto.meta.v1.DeleteKmsAlias;
import io.moraine.proto.meta.v1.KmsAliasRecord;
import io.moraine.proto.meta.v1.KmsAuditEntry;
import io.moraine.proto.meta.v1.KmsCommand;
import io.moraine.proto.meta.v1.KmsKeyRecord;
import io.moraine.proto.meta.v1.KmsQuery;
import io.moraine.proto.meta.v1.KmsReply;
import io.moraine.proto.meta.v1.ListKmsAudit;
import io.moraine.proto.meta.v1.PutKmsAlias;
import io.moraine.proto.meta.v1.UpdateKmsKey;
import java.util.function.Consumer;

/**
 * The built-in KMS's records (directory group g1, table {@code 'w'}): keys, aliases and the
 * key-use audit log (kms.proto). The core stores what the gateway decided — key material arrives
 * wrapped by the root key — and guards integrity only: key ids and accounts never change, material
 * versions only grow, an alias is unique per account and names a key of its account, and updates
 * are optimistic (a gateway's read-modify-write names the revision it read; a lost race is
 * {@code applied = false}, not an error).
 *
 * <pre>
 *   'w' 'k' keyId                   → KmsKeyRecord
 *   'w' 'a' account 0x00 aliasName  → KmsAliasRecord
 *   'w' 'l' seq (8 bytes)           → KmsAuditEntry
 * </pre>
 */
public final class KmsStore {
  public static final int FORMAT_VERSION = 1;
  private static final byte KEY = 'k';
  private static final byte ALIAS = 'a';
  private static final byte AUDIT = 'l';
  private static final int MAX_AUDIT_BATCH = 10_000;
  private static final int DEFAULT_AUDIT_LIMIT = 1000;

  private final Tables t;

  public KmsStore(Tables t) {
    this.t = t;
  }

  public ApplyResult apply(long seq, Command c, KmsCommand cmd, StoreBatch batch) {
    return switch (cmd.getBodyCase()) {
      case CREATE_KEY -> create(c, cmd.getCreateKey(), batch);
      case UPDATE_KEY -> update(cmd.getUpdateKey(), batch);
      case PUT_ALIAS -> putAlias(c, cmd.getPutAlias(), batch);
      case DELETE_ALIAS -> deleteAlias(cmd.getDeleteAlias(), batch);
      case APPEND_AUDIT -> appendAudit(seq, cmd.getAppendAudit(), batch);
      case BODY_NOT_SET -> new ApplyResult.Invalid("empty kms command");
    };
  }

  private ApplyResult create(Command c, CreateKmsKey cmd, StoreBatch batch) {
    KmsKeyRecord k = cmd.getKey();
    if (k.getFormatVersion() != FORMAT_VERSION || !validName(k.getKeyId()) || !validName(k.getAccountId())
        || k.getArn().isEmpty()) {
      return new ApplyResult.Invalid("a kms key needs format_version 1, a key id, an account and an ARN");
    }
    KmsKeyRecord existing = key(k.getKeyId());
    if (existing != null) {
      return result(r -> r.addKeys(existing).setCreated(false));
    }
    if (!cmd.getAliasName().isEmpty()) {
      if (!validName(cmd.getAliasName())) {
        return new ApplyResult.Invalid("alias name must be non-empty, without NUL");
      }
      KmsAliasRecord alias = alias(k.getAccountId(), cmd.getAliasName());
      if (alias != null) {
        KmsKeyRecord target = key(alias.getTargetKeyId());
        return result(r -> {
          r.addAliases(alias).setCreated(false);
          if (target != null) {
            r.addKeys(target);
          }
        });
      }
    }
    KmsKeyRecord stored = k.toBuilder().setCreatedMillis(c.leaderTimeMillis()).setRevision(1).build();
    batch.put(keyKey(stored.getKeyId()), Records.encode(stored));
    KmsReply.Builder reply = KmsReply.newBuilder().addKeys(stored).setCreated(true);
    if (!cmd.getAliasName().isEmpty()) {
      KmsAliasRecord alias = KmsAliasRecord.newBuilder().setAccountId(k.getAccountId()).setAliasName(cmd.getAliasName())
          .setTargetKeyId(k.getKeyId()).setAliasArn(aliasArn(k.getArn(), cmd.getAliasName()))
          .setCreatedMillis(c.leaderTimeMillis()).setUpdatedMillis(c.leaderTimeMillis()).build();
      batch.put(aliasKey(alias.getAccountId(), alias.getAliasName()), Records.encode(alias));
      reply.addAliases(alias);
    }
    return ok(reply().setKms(reply));
  }

  /** arn:aws:kms:REGION:ACCOUNT:alias/NAME from the key's arn:aws:kms:REGION:ACCOUNT:key/ID. */
  static String aliasArn(String keyArn, String aliasName) {
    int slash = keyArn.lastIndexOf(":key/");
    return (slash < 0 ? keyArn : keyArn.substring(0, slash)) + ":" + aliasName;
  }

  private ApplyResult update(UpdateKmsKey cmd, StoreBatch batch) {
    KmsKeyRecord k = cmd.getKey();
    KmsKeyRecord stored = key(k.getKeyId());
    if (stored == null) {
      return new ApplyResult.Invalid("no kms key " + k.getKeyId());
    }
    if (stored.getRevision() != cmd.getExpectedRevision()) {
      return result(r -> r.addKeys(stored).setApplied(false));
    }
    if (k.getFormatVersion() != FORMAT_VERSION || !k.getAccountId().equals(stored.getAccountId())
        || !k.getArn().equals(stored.getArn()) || k.getMaterialsCount() < stored.getMaterialsCount()) {
      return new ApplyResult.Invalid("a kms key's id, account and ARN never change, and its material only grows");
    }
    for (int i = 0; i < stored.getMaterialsCount(); i++) {
      if (!stored.getMaterials(i).equals(k.getMaterials(i))) {
        return new ApplyResult.Invalid("a kms key's material versions never change");
      }
    }
    KmsKeyRecord next = k.toBuilder().setCreatedMillis(stored.getCreatedMillis()).setRevision(stored.getRevision() + 1)
        .build();
    batch.put(keyKey(next.getKeyId()), Records.encode(next));
    return result(r -> r.addKeys(next).setApplied(true));
  }

  private ApplyResult putAlias(Command c, PutKmsAlias cmd, StoreBatch batch) {
    if (!validName(cmd.getAccountId()) || !validName(cmd.getAliasName())) {
      return new ApplyResult.Invalid("an alias needs an account and a name");
    }
    KmsKeyRecord target = key(cmd.getTargetKeyId());
    if (target == null || !target.getAccountId().equals(cmd.getAccountId())) {
      return new ApplyResult.Invalid("alias target " + cmd.getTargetKeyId() + " is not a key of the account");
    }
    KmsAliasRecord existing = alias(cmd.getAccountId(), cmd.getAliasName());
    if ((existing != null) != cmd.getMustExist()) {
      return result(r -> {
        r.setApplied(false);
        if (existing != null) {
          r.addAliases(existing);
        }
      });
    }
    KmsAliasRecord alias = KmsAliasRecord.newBuilder().setAccountId(cmd.getAccountId()).setAliasName(cmd.getAliasName())
        .setTargetKeyId(cmd.getTargetKeyId()).setAliasArn(cmd.getAliasArn())
        .setCreatedMillis(existing != null ? existing.getCreatedMillis() : c.leaderTimeMillis())
        .setUpdatedMillis(c.leaderTimeMillis()).build();
    batch.put(aliasKey(alias.getAccountId(), alias.getAliasName()), Records.encode(alias));
    return result(r -> r.addAliases(alias).setApplied(true));
  }

  private ApplyResult deleteAlias(DeleteKmsAlias cmd, StoreBatch batch) {
    KmsAliasRecord existing = alias(cmd.getAccountId(), cmd.getAliasName());
    if (existing == null) {
      return result(r -> r.setApplied(false));
    }
    batch.delete(aliasKey(cmd.getAccountId(), cmd.getAliasName()));
    return result(r -> r.addAliases(existing).setApplied(true));
  }

  private ApplyResult appendAudit(long seq, AppendKmsAudit cmd, StoreBatch batch) {
    if (cmd.getEntriesCount() > MAX_AUDIT_BATCH) {
      return new ApplyResult.Invalid("at most " + MAX_AUDIT_BATCH + " audit entries per command");
    }
    for (int i = 0; i < cmd.getEntriesCount(); i++) {
      long s = seq << 16 | i;
      KmsAuditEntry e = cmd.getEntries(i).toBuilder().setSeq(s).build();
      batch.put(Keys.Builder.of(Keys.KMS).raw(String.valueOf((char) AUDIT)).int64(s).build(), Records.encode(e));
    }
    return result(r -> r.setApplied(true));
  }

  public ApplyResult query(KmsQuery q) {
    KmsReply.Builder r = KmsReply.newBuilder();
    switch (q.getBodyCase()) {
      case GET_KEY -> {
        KmsKeyRecord k = key(q.getGetKey());
        if (k != null) {
          r.addKeys(k);
        }
      }
      case FIND_ALIAS -> {
        KmsAliasRecord a = alias(q.getFindAlias().getAccountId(), q.getFindAlias().getAliasName());
        if (a != null) {
          r.addAliases(a);
          KmsKeyRecord k = key(a.getTargetKeyId());
          if (k != null) {
            r.addKeys(k);
          }
        }
      }
      case LIST_KEYS -> scan(new byte[] {Keys.KMS, KEY}, v -> {
        KmsKeyRecord k = Records.decode(v, KmsKeyRecord.parser());
        if (k.getAccountId().equals(q.getListKeys())) {
          r.addKeys(k);
        }
      });
      case LIST_ALIASES -> scan(Keys.Builder.of(Keys.KMS).raw(String.valueOf((char) ALIAS))
          .terminated(q.getListAliases().getAccountId()).build(), v -> {
            KmsAliasRecord a = Records.decode(v, KmsAliasRecord.parser());
            if (q.getListAliases().getKeyId().isEmpty() || a.getTargetKeyId().equals(q.getListAliases().getKeyId())) {
              r.addAliases(a);
            }
          });
      case LIST_AUDIT -> listAudit(q.getListAudit(), r);
      case BODY_NOT_SET -> {
        return new ApplyResult.Invalid("empty kms query");
      }
    }
    return ok(reply().setKms(r));
  }

  private void listAudit(ListKmsAudit q, KmsReply.Builder r) {
    int limit = q.getLimit() == 0 ? DEFAULT_AUDIT_LIMIT : q.getLimit();
    byte[] prefix = new byte[] {Keys.KMS, AUDIT};
    try (StateStore.Cursor cur = t.store().cursor()) {
      cur.seek(Keys.Builder.of(Keys.KMS).raw(String.valueOf((char) AUDIT)).int64(q.getAfterSeq() + 1).build());
      for (; cur.valid() && Keys.startsWith(cur.key(), prefix); cur.next()) {
        KmsAuditEntry e = Records.decode(cur.value(), KmsAuditEntry.parser());
        if (!q.getKeyId().isEmpty() && !e.getKeyId().equals(q.getKeyId())) {
          continue;
        }
        if (r.getAuditCount() == limit) {
          r.setTruncated(true);
          return;
        }
        r.addAudit(e);
      }
    }
  }

  private void scan(byte[] prefix, Consumer<byte[]> each) {
    try (StateStore.Cursor cur = t.store().cursor()) {
      for (cur.seek(prefix); cur.valid() && Keys.startsWith(cur.key(), prefix); cur.next()) {
        each.accept(cur.value());
      }
    }
  }

  private ApplyResult result(Consumer<KmsReply.Builder> fill) {
    KmsReply.Builder r = KmsReply.newBuilder();
    fill.accept(r);
    return ok(reply().setKms(r));
  }

  private KmsKeyRecord key(String id) {
    return id.isEmpty() ? null : t.read(keyKey(id), KmsKeyRecord.parser());
  }

  private KmsAliasRecord alias(String account, String name) {
    return t.read(aliasKey(account, name), KmsAliasRecord.parser());
  }

  private static byte[] keyKey(String id) {
    return Keys.Builder.of(Keys.KMS).raw(String.valueOf((char) KEY)).raw(id).build();
  }

  private static byte[] aliasKey(String account, String name) {
    return Keys.Builder.of(Keys.KMS).raw(String.valueOf((char) ALIAS)).terminated(account).raw(name).build();
  }
}
