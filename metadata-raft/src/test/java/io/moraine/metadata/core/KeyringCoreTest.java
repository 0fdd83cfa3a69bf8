package io.moraine.metadata.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.moraine.metadata.core.keyring.Keyring;
import io.moraine.proto.meta.v1.AddMasterKey;
import io.moraine.proto.meta.v1.EmptyReply;
import io.moraine.proto.meta.v1.KeyringCommand;
import io.moraine.proto.meta.v1.KeyringQuery;
import io.moraine.proto.meta.v1.KeyringReply;
import io.moraine.proto.meta.v1.MasterKeyRecord;
import io.moraine.proto.meta.v1.MetaRequest;
import io.moraine.proto.meta.v1.SetMasterKeyMaterial;
import org.junit.jupiter.api.Test;

/** The SSE-S3 keyring in the pure core: one active key, conditional first key, first material wins. */
class KeyringCoreTest {
  private final CoreHarness h = new CoreHarness();

  private static MetaRequest.Builder add(String id, String material, boolean ifNoneActive) {
    return MetaRequest.newBuilder().setKeyringCommand(KeyringCommand.newBuilder().setAddMasterKey(AddMasterKey.newBuilder()
        .setId(id).setWrappedKey(ByteString.copyFromUtf8(material)).setRootKeyId("root1").setIfNoneActive(ifNoneActive)));
  }

  private static MetaRequest.Builder setMaterial(String id, String material) {
    return MetaRequest.newBuilder().setKeyringCommand(KeyringCommand.newBuilder().setSetMasterKeyMaterial(
        SetMasterKeyMaterial.newBuilder().setId(id).setWrappedKey(ByteString.copyFromUtf8(material)).setRootKeyId("root1")));
  }

  private KeyringReply active() {
    return h.query(MetaRequest.newBuilder().setKeyringQuery(KeyringQuery.newBuilder()
        .setActive(EmptyReply.getDefaultInstance()))).getKeyring();
  }

  @Test
  void noKeyUntilTheFirstIsAdded() {
    assertThat(active().getKeysList()).isEmpty();
  }

  @Test
  void twoRacingFirstKeysEndWithOneActive() {
    KeyringReply first = h.ok(add("k1", "m1", true)).getKeyring();
    KeyringReply second = h.ok(add("k2", "m2", true)).getKeyring();
    assertThat(first.getCreated()).isTrue();
    assertThat(first.getKeys(0).getCreatedMillis()).isEqualTo(1000); // the leader's time of entry 1
    assertThat(second.getCreated()).isFalse();
    assertThat(second.getKeys(0).getId()).isEqualTo("k1");
    assertThat(active().getKeys(0).getId()).isEqualTo("k1");
    KeyringReply all = h.query(MetaRequest.newBuilder().setKeyringQuery(KeyringQuery.newBuilder()
        .setList(EmptyReply.getDefaultInstance()))).getKeyring();
    assertThat(all.getKeysList()).extracting(MasterKeyRecord::getId).containsExactly("k1");
  }

  @Test
  void rotationRetiresTheActiveKeyAndKeepsIt() {
    h.ok(add("k1", "m1", true));
    h.ok(add("k2", "", false));
    assertThat(active().getKeys(0).getId()).isEqualTo("k2");
    KeyringReply all = h.query(MetaRequest.newBuilder().setKeyringQuery(KeyringQuery.newBuilder()
        .setList(EmptyReply.getDefaultInstance()))).getKeyring();
    assertThat(all.getKeysList()).extracting(MasterKeyRecord::getId).containsExactly("k1", "k2");
    assertThat(all.getKeys(0).getState()).isEqualTo(Keyring.RETIRED);
    assertThat(all.getKeys(0).getWrappedKey().toStringUtf8()).isEqualTo("m1");
    assertThat(all.getKeys(1).getState()).isEqualTo(Keyring.ACTIVE);
    assertThat(all.getKeys(1).getWrappedKey().isEmpty()).isTrue();
  }

  @Test
  void materialOfAKeyWithoutAnyIsFirstWriterWins() {
    h.ok(add("k1", "", false));
    MasterKeyRecord first = h.ok(setMaterial("k1", "gateway-1")).getKeyring().getKeys(0);
    MasterKeyRecord second = h.ok(setMaterial("k1", "gateway-2")).getKeyring().getKeys(0);
    assertThat(first.getWrappedKey().toStringUtf8()).isEqualTo("gateway-1");
    assertThat(second.getWrappedKey().toStringUtf8()).isEqualTo("gateway-1");
    assertThat(h.query(MetaRequest.newBuilder().setKeyringQuery(KeyringQuery.newBuilder().setGet("k1")))
        .getKeyring().getKeys(0).getWrappedKey().toStringUtf8()).isEqualTo("gateway-1");
  }

  @Test
  void retryOfAnAddChangesNothing() {
    h.ok(add("k1", "m1", false));
    h.ok(add("k2", "m2", false));
    KeyringReply retry = h.ok(add("k1", "m1", false)).getKeyring();
    assertThat(retry.getCreated()).isFalse();
    assertThat(active().getKeys(0).getId()).isEqualTo("k2");
  }

  @Test
  void rewrapChangesOnlyTheWrappedKeyOfAnUnchangedRecord() {
    h.ok(CoreHarness.createBucket("owner", "b"));
    io.moraine.proto.meta.v1.EncryptionRecord enc = io.moraine.proto.meta.v1.EncryptionRecord.newBuilder()
        .setFormatVersion(1).setMode(1).setMasterKeyId("k1").setWrappedDataKey(ByteString.copyFromUtf8("old"))
        .setInstanceId("i1").setNonceBase(ByteString.copyFrom(new byte[12])).build();
    MetaRequest.Builder put = CoreHarness.put("b", "key", "d1");
    put.getPutObjectBuilder().getVersionBuilder().setEncryption(enc);
    h.ok(put);
    MetaRequest.Builder rewrap = MetaRequest.newBuilder().setKeyringCommand(KeyringCommand.newBuilder().setRewrapDataKey(
        io.moraine.proto.meta.v1.RewrapDataKey.newBuilder().setBucket("b").setKey("key").setVersionId("null")
            .setInstanceId("i1").setExpectedMasterKeyId("k1").setMasterKeyId("k2")
            .setWrappedDataKey(ByteString.copyFromUtf8("new"))));
    assertThat(h.ok(rewrap.clone()).getKeyring().getApplied()).isTrue();
    io.moraine.proto.meta.v1.ObjectRecord after = h.query(MetaRequest.newBuilder().setGetObject(
        io.moraine.proto.meta.v1.GetObject.newBuilder().setBucket("b").setKey("key"))).getObject().getObject();
    assertThat(after.getEncryption().getMasterKeyId()).isEqualTo("k2");
    assertThat(after.getEncryption().getWrappedDataKey().toStringUtf8()).isEqualTo("new");
    assertThat(after.getEncryption().getInstanceId()).isEqualTo("i1");
    assertThat(after.getLayout()).isEqualTo(CoreHarness.segments("d1"));
    // The same re-wrap again: the record no longer names k1, so it is not applied.
    assertThat(h.ok(rewrap.clone()).getKeyring().getApplied()).isFalse();
    // An overwrite (another instance) wins over a re-wrap that read the old record.
    h.ok(CoreHarness.put("b", "key", "d2"));
    MetaRequest.Builder stale = rewrap.clone();
    stale.getKeyringCommandBuilder().getRewrapDataKeyBuilder().setExpectedMasterKeyId("k2").setMasterKeyId("k3");
    assertThat(h.ok(stale).getKeyring().getApplied()).isFalse();
  }

  @Test
  void malformedCommandsAreInvalid() {
    assertThat(h.apply(add("", "m", false))).isInstanceOf(ApplyResult.Invalid.class);
    assertThat(h.apply(setMaterial("missing", "m"))).isInstanceOf(ApplyResult.Invalid.class);
    assertThat(h.query(MetaRequest.newBuilder().setKeyringQuery(KeyringQuery.newBuilder().setGet("missing")))
        .getKeyring().getKeysList()).isEmpty();
  }
}
