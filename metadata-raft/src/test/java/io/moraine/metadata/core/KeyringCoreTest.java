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
  void malformedCommandsAreInvalid() {
    assertThat(h.apply(add("", "m", false))).isInstanceOf(ApplyResult.Invalid.class);
    assertThat(h.apply(setMaterial("missing", "m"))).isInstanceOf(ApplyResult.Invalid.class);
    assertThat(h.query(MetaRequest.newBuilder().setKeyringQuery(KeyringQuery.newBuilder().setGet("missing")))
        .getKeyring().getKeysList()).isEmpty();
  }
}
