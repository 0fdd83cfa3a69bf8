package io.moraine.metadata.core.keyring;

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
import io.moraine.proto.meta.v1.AddMasterKey;
import io.moraine.proto.meta.v1.KeyringCommand;
import io.moraine.proto.meta.v1.KeyringQuery;
import io.moraine.proto.meta.v1.KeyringReply;
import io.moraine.proto.meta.v1.MasterKeyRecord;
import io.moraine.proto.meta.v1.SetMasterKeyMaterial;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The SSE-S3 keyring (directory group g1): master-key records, each wrapped by the root key that
 * only gateways hold — the core stores opaque bytes and never unwraps. At most one key is active
 * (used for new objects); older ones are retired and keep decrypting what they wrapped.
 *
 * <p>Races: two gateways making the cluster's first key both send {@code AddMasterKey} with
 * {@code if_none_active}; the log orders them and the second finds the first's key active, so the
 * cluster ends with one. Material set on a key without any is first-writer-wins the same way.
 */
public final class Keyring {
  public static final int ACTIVE = 1;
  public static final int RETIRED = 2;

  private final Tables t;

  public Keyring(Tables t) {
    this.t = t;
  }

  public ApplyResult apply(long seq, Command c, KeyringCommand cmd, StoreBatch batch) {
    return switch (cmd.getBodyCase()) {
      case ADD_MASTER_KEY -> add(seq, c, cmd.getAddMasterKey(), batch);
      case SET_MASTER_KEY_MATERIAL -> setMaterial(cmd.getSetMasterKeyMaterial(), batch);
      case REWRAP_DATA_KEY -> new ApplyResult.Invalid("RewrapDataKey is applied by core.object");
      case BODY_NOT_SET -> new ApplyResult.Invalid("empty keyring command");
    };
  }

  private ApplyResult add(long seq, Command c, AddMasterKey cmd, StoreBatch batch) {
    if (!validName(cmd.getId())) {
      return new ApplyResult.Invalid("master key id must be non-empty, without NUL");
    }
    MasterKeyRecord active = active();
    if (cmd.getIfNoneActive() && active != null) {
      return ok(reply().setKeyring(KeyringReply.newBuilder().addKeys(active).setCreated(false)));
    }
    MasterKeyRecord existing = t.read(Keys.masterKey(cmd.getId()), MasterKeyRecord.parser());
    if (existing != null) {
      // A retry of this very command (same id): answer what it made.
      return ok(reply().setKeyring(KeyringReply.newBuilder().addKeys(existing).setCreated(false)));
    }
    if (active != null) {
      batch.put(Keys.masterKey(active.getId()), Records.encode(active.toBuilder().setState(RETIRED).build()));
    }
    MasterKeyRecord key = MasterKeyRecord.newBuilder().setId(cmd.getId()).setWrappedKey(cmd.getWrappedKey())
        .setRootKeyId(cmd.getRootKeyId()).setCreatedMillis(c.leaderTimeMillis()).setState(ACTIVE).setSeq(seq).build();
    batch.put(Keys.masterKey(key.getId()), Records.encode(key));
    batch.put(Keys.activeMasterKey(), Records.encode(MasterKeyRecord.newBuilder().setId(key.getId()).build()));
    return ok(reply().setKeyring(KeyringReply.newBuilder().addKeys(key).setCreated(true)));
  }

  private ApplyResult setMaterial(SetMasterKeyMaterial cmd, StoreBatch batch) {
    if (cmd.getWrappedKey().isEmpty()) {
      return new ApplyResult.Invalid("master key material must be non-empty");
    }
    MasterKeyRecord key = t.read(Keys.masterKey(cmd.getId()), MasterKeyRecord.parser());
    if (key == null) {
      return new ApplyResult.Invalid("no master key " + cmd.getId());
    }
    if (key.getWrappedKey().isEmpty()) {
      key = key.toBuilder().setWrappedKey(cmd.getWrappedKey()).setRootKeyId(cmd.getRootKeyId()).build();
      batch.put(Keys.masterKey(key.getId()), Records.encode(key));
    }
    return ok(reply().setKeyring(KeyringReply.newBuilder().addKeys(key)));
  }

  public ApplyResult query(KeyringQuery q) {
    KeyringReply.Builder r = KeyringReply.newBuilder();
    switch (q.getBodyCase()) {
      case ACTIVE -> {
        MasterKeyRecord a = active();
        if (a != null) {
          r.addKeys(a);
        }
      }
      case GET -> {
        MasterKeyRecord k = t.read(Keys.masterKey(q.getGet()), MasterKeyRecord.parser());
        if (k != null) {
          r.addKeys(k);
        }
      }
      case LIST -> r.addAllKeys(all());
      case BODY_NOT_SET -> {
        return new ApplyResult.Invalid("empty keyring query");
      }
    }
    return ok(reply().setKeyring(r));
  }

  private MasterKeyRecord active() {
    MasterKeyRecord pointer = t.read(Keys.activeMasterKey(), MasterKeyRecord.parser());
    if (pointer == null) {
      return null;
    }
    MasterKeyRecord key = t.read(Keys.masterKey(pointer.getId()), MasterKeyRecord.parser());
    if (key == null) {
      throw new IllegalStateException("the active master key " + pointer.getId() + " has no record");
    }
    return key;
  }

  private List<MasterKeyRecord> all() {
    List<MasterKeyRecord> keys = new ArrayList<>();
    byte[] prefix = Keys.masterKeyPrefix();
    try (StateStore.Cursor cur = t.store().cursor()) {
      for (cur.seek(prefix); cur.valid() && Keys.startsWith(cur.key(), prefix); cur.next()) {
        keys.add(Records.decode(cur.value(), MasterKeyRecord.parser()));
      }
    }
    keys.sort(Comparator.comparingLong(MasterKeyRecord::getSeq));
    return keys;
  }
}
