package io.moraine.metadata.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.moraine.proto.meta.v1.AppendKmsAudit;
import io.moraine.proto.meta.v1.CreateKmsKey;
import io.moraine.proto.meta.v1.DeleteKmsAlias;
import io.moraine.proto.meta.v1.FindKmsAlias;
import io.moraine.proto.meta.v1.KmsAuditEntry;
import io.moraine.proto.meta.v1.KmsCommand;
import io.moraine.proto.meta.v1.KmsKeyMaterial;
import io.moraine.proto.meta.v1.KmsKeyRecord;
import io.moraine.proto.meta.v1.KmsQuery;
import io.moraine.proto.meta.v1.KmsReply;
import io.moraine.proto.meta.v1.ListKmsAliases;
import io.moraine.proto.meta.v1.ListKmsAudit;
import io.moraine.proto.meta.v1.MetaRequest;
import io.moraine.proto.meta.v1.PutKmsAlias;
import io.moraine.proto.meta.v1.UpdateKmsKey;
import org.junit.jupiter.api.Test;

/** The built-in KMS's records in the pure core: keys, optimistic updates, aliases, the audit log. */
class KmsCoreTest {
  private final CoreHarness h = new CoreHarness();

  private static KmsKeyRecord key(String id, String account) {
    return KmsKeyRecord.newBuilder().setFormatVersion(1).setKeyId(id).setAccountId(account).setAwsAccountId("111122223333")
        .setArn("arn:aws:kms:us-east-1:111122223333:key/" + id).setState(1)
        .addMaterials(KmsKeyMaterial.newBuilder().setVersion(1).setWrapped(ByteString.copyFromUtf8("m1"))).build();
  }

  private KmsReply cmd(KmsCommand.Builder c) {
    return h.ok(MetaRequest.newBuilder().setKmsCommand(c)).getKms();
  }

  private KmsReply query(KmsQuery.Builder q) {
    return h.query(MetaRequest.newBuilder().setKmsQuery(q)).getKms();
  }

  @Test
  void createGetAndListKeysPerAccount() {
    KmsReply created = cmd(KmsCommand.newBuilder().setCreateKey(CreateKmsKey.newBuilder().setKey(key("k1", "acct"))));
    assertThat(created.getCreated()).isTrue();
    assertThat(created.getKeys(0).getRevision()).isEqualTo(1);
    assertThat(created.getKeys(0).getCreatedMillis()).isEqualTo(1000);
    cmd(KmsCommand.newBuilder().setCreateKey(CreateKmsKey.newBuilder().setKey(key("k2", "other"))));
    assertThat(cmd(KmsCommand.newBuilder().setCreateKey(CreateKmsKey.newBuilder().setKey(key("k1", "acct"))))
        .getCreated()).isFalse();
    assertThat(query(KmsQuery.newBuilder().setGetKey("k1")).getKeys(0).getKeyId()).isEqualTo("k1");
    assertThat(query(KmsQuery.newBuilder().setGetKey("nope")).getKeysList()).isEmpty();
    assertThat(query(KmsQuery.newBuilder().setListKeys("acct")).getKeysList()).extracting(KmsKeyRecord::getKeyId)
        .containsExactly("k1");
  }

  @Test
  void racingCreatesOfTheSameAliasEndWithOneKey() {
    KmsReply first = cmd(KmsCommand.newBuilder().setCreateKey(CreateKmsKey.newBuilder().setKey(key("k1", "acct"))
        .setAliasName("alias/aws/s3")));
    KmsReply second = cmd(KmsCommand.newBuilder().setCreateKey(CreateKmsKey.newBuilder().setKey(key("k2", "acct"))
        .setAliasName("alias/aws/s3")));
    assertThat(first.getCreated()).isTrue();
    assertThat(first.getAliases(0).getAliasArn()).isEqualTo("arn:aws:kms:us-east-1:111122223333:alias/aws/s3");
    assertThat(second.getCreated()).isFalse();
    assertThat(second.getKeys(0).getKeyId()).isEqualTo("k1");
    assertThat(query(KmsQuery.newBuilder().setGetKey("k2")).getKeysList()).isEmpty();
    assertThat(query(KmsQuery.newBuilder().setFindAlias(FindKmsAlias.newBuilder().setAccountId("acct")
        .setAliasName("alias/aws/s3"))).getKeys(0).getKeyId()).isEqualTo("k1");
  }

  @Test
  void updatesAreOptimisticAndMaterialOnlyGrows() {
    cmd(KmsCommand.newBuilder().setCreateKey(CreateKmsKey.newBuilder().setKey(key("k1", "acct"))));
    KmsKeyRecord disabled = key("k1", "acct").toBuilder().setState(2).build();
    assertThat(cmd(KmsCommand.newBuilder().setUpdateKey(UpdateKmsKey.newBuilder().setKey(disabled)
        .setExpectedRevision(1))).getApplied()).isTrue();
    KmsReply lost = cmd(KmsCommand.newBuilder().setUpdateKey(UpdateKmsKey.newBuilder()
        .setKey(key("k1", "acct")).setExpectedRevision(1)));
    assertThat(lost.getApplied()).isFalse();
    assertThat(lost.getKeys(0).getState()).isEqualTo(2);
    assertThat(lost.getKeys(0).getRevision()).isEqualTo(2);
    ApplyResult shrink = h.apply(MetaRequest.newBuilder().setKmsCommand(KmsCommand.newBuilder().setUpdateKey(
        UpdateKmsKey.newBuilder().setKey(disabled.toBuilder().clearMaterials()).setExpectedRevision(2))));
    assertThat(shrink).isInstanceOf(ApplyResult.Invalid.class);
    ApplyResult otherAccount = h.apply(MetaRequest.newBuilder().setKmsCommand(KmsCommand.newBuilder().setUpdateKey(
        UpdateKmsKey.newBuilder().setKey(disabled.toBuilder().setAccountId("thief")).setExpectedRevision(2))));
    assertThat(otherAccount).isInstanceOf(ApplyResult.Invalid.class);
  }

  @Test
  void aliasesAreUniquePerAccountAndNameAKeyOfTheirAccount() {
    cmd(KmsCommand.newBuilder().setCreateKey(CreateKmsKey.newBuilder().setKey(key("k1", "acct"))));
    cmd(KmsCommand.newBuilder().setCreateKey(CreateKmsKey.newBuilder().setKey(key("k2", "acct"))));
    cmd(KmsCommand.newBuilder().setCreateKey(CreateKmsKey.newBuilder().setKey(key("x1", "other"))));
    PutKmsAlias.Builder a = PutKmsAlias.newBuilder().setAccountId("acct").setAliasName("alias/app").setTargetKeyId("k1");
    assertThat(cmd(KmsCommand.newBuilder().setPutAlias(a)).getApplied()).isTrue();
    assertThat(cmd(KmsCommand.newBuilder().setPutAlias(a.clone().setTargetKeyId("k2"))).getApplied()).isFalse();
    assertThat(cmd(KmsCommand.newBuilder().setPutAlias(a.clone().setTargetKeyId("k2").setMustExist(true)))
        .getApplied()).isTrue();
    assertThat(h.apply(MetaRequest.newBuilder().setKmsCommand(KmsCommand.newBuilder().setPutAlias(
        a.clone().setTargetKeyId("x1").setMustExist(true))))).isInstanceOf(ApplyResult.Invalid.class);
    assertThat(query(KmsQuery.newBuilder().setListAliases(ListKmsAliases.newBuilder().setAccountId("acct")
        .setKeyId("k2"))).getAliases(0).getAliasName()).isEqualTo("alias/app");
    assertThat(query(KmsQuery.newBuilder().setListAliases(ListKmsAliases.newBuilder().setAccountId("acct")
        .setKeyId("k1"))).getAliasesList()).isEmpty();
    assertThat(cmd(KmsCommand.newBuilder().setDeleteAlias(DeleteKmsAlias.newBuilder().setAccountId("acct")
        .setAliasName("alias/app"))).getApplied()).isTrue();
    assertThat(cmd(KmsCommand.newBuilder().setDeleteAlias(DeleteKmsAlias.newBuilder().setAccountId("acct")
        .setAliasName("alias/app"))).getApplied()).isFalse();
  }

  @Test
  void auditEntriesKeepTheirOrderAcrossBatchesAndFilterByKey() {
    for (int batch = 0; batch < 2; batch++) {
      AppendKmsAudit.Builder a = AppendKmsAudit.newBuilder();
      for (int i = 0; i < 3; i++) {
        a.addEntries(KmsAuditEntry.newBuilder().setKeyId(i == 1 ? "k2" : "k1").setOp("Decrypt")
            .setResource("b" + batch + "/" + i).setTimeMillis(batch * 10 + i));
      }
      cmd(KmsCommand.newBuilder().setAppendAudit(a));
    }
    KmsReply all = query(KmsQuery.newBuilder().setListAudit(ListKmsAudit.newBuilder()));
    assertThat(all.getAuditList()).extracting(KmsAuditEntry::getResource)
        .containsExactly("b0/0", "b0/1", "b0/2", "b1/0", "b1/1", "b1/2");
    KmsReply page = query(KmsQuery.newBuilder().setListAudit(ListKmsAudit.newBuilder().setKeyId("k1").setLimit(2)));
    assertThat(page.getAuditList()).extracting(KmsAuditEntry::getResource).containsExactly("b0/0", "b0/2");
    assertThat(page.getTruncated()).isTrue();
    KmsReply next = query(KmsQuery.newBuilder().setListAudit(ListKmsAudit.newBuilder().setKeyId("k1")
        .setAfterSeq(page.getAudit(1).getSeq())));
    assertThat(next.getAuditList()).extracting(KmsAuditEntry::getResource).containsExactly("b1/0", "b1/2");
    assertThat(next.getTruncated()).isFalse();
  }
}
