package io.moraine.metadata.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.moraine.metadata.api.MetadataError;
import io.moraine.metadata.core.account.Accounts;
import io.moraine.metadata.core.iam.IamCommands;
import io.moraine.proto.meta.v1.AttachPolicy;
import io.moraine.proto.meta.v1.ConsumeMfaStep;
import io.moraine.proto.meta.v1.CreateAccessKey;
import io.moraine.proto.meta.v1.CreateAccount;
import io.moraine.proto.meta.v1.CreateIamGroup;
import io.moraine.proto.meta.v1.CreateIamRole;
import io.moraine.proto.meta.v1.CreateIamUser;
import io.moraine.proto.meta.v1.CreateManagedPolicy;
import io.moraine.proto.meta.v1.CreateMfaDevice;
import io.moraine.proto.meta.v1.CreatePolicyVersion;
import io.moraine.proto.meta.v1.CreateSession;
import io.moraine.proto.meta.v1.DeleteAccessKey;
import io.moraine.proto.meta.v1.DeleteIamEntity;
import io.moraine.proto.meta.v1.DeleteInlinePolicy;
import io.moraine.proto.meta.v1.EnableMfaDevice;
import io.moraine.proto.meta.v1.EnsureRootAccount;
import io.moraine.proto.meta.v1.FindAccount;
import io.moraine.proto.meta.v1.GroupMembership;
import io.moraine.proto.meta.v1.IamCommand;
import io.moraine.proto.meta.v1.IamEntityKind;
import io.moraine.proto.meta.v1.IamQuery;
import io.moraine.proto.meta.v1.IdentityReply;
import io.moraine.proto.meta.v1.MetaRequest;
import io.moraine.proto.meta.v1.PutInlinePolicy;
import io.moraine.proto.meta.v1.ResolveIdentity;
import io.moraine.proto.meta.v1.ResolvedPolicy;
import io.moraine.proto.meta.v1.SessionRecord;
import io.moraine.proto.meta.v1.UpdateAccessKey;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** IAM in the metadata core: the records, IAM's limits and conflicts, and identity resolution. */
class IamCoreTest {
  CoreHarness h;
  String acct;

  static MetaRequest.Builder iam(IamCommand.Builder c) {
    return MetaRequest.newBuilder().setIamCommand(c);
  }

  IdentityReply resolve(String ak, String bucket) {
    return h.query(MetaRequest.newBuilder().setIamQuery(IamQuery.newBuilder().setResolveIdentity(
        ResolveIdentity.newBuilder().setAccessKeyId(ak).setBucket(bucket)))).getIam().getIdentity();
  }

  @BeforeEach
  void setUp() {
    h = new CoreHarness();
    h.ok(MetaRequest.newBuilder().setEnsureRootAccount(EnsureRootAccount.newBuilder().setAccessKeyId("ROOTKEY").setSecretKey("s")));
    acct = h.ok(MetaRequest.newBuilder().setCreateAccount(CreateAccount.newBuilder().setUserName("acme")
        .setEmail("ops@acme.example").setAccessKeyId("ACMEKEY").setSecretKey("s"))).getAccount().getAccountId();
    h.ok(iam(IamCommand.newBuilder().setCreateUser(CreateIamUser.newBuilder().setAccountId(acct).setUserName("Alice")
        .setUserId("AIDAALICE"))));
  }

  @Test
  void accountsGetDistinctTwelveDigitIdsAndAreFoundByIdEmailAndName() {
    var root = h.query(MetaRequest.newBuilder().setIamQuery(IamQuery.newBuilder().setFindAccount(
        FindAccount.newBuilder().setName("root")))).getIam().getAccount().getAccount();
    var acme = h.query(MetaRequest.newBuilder().setIamQuery(IamQuery.newBuilder().setFindAccount(
        FindAccount.newBuilder().setEmail("OPS@acme.example")))).getIam().getAccount().getAccount();
    assertThat(root.getAwsAccountId()).matches("[1-9]\\d{11}");
    assertThat(acme.getAwsAccountId()).matches("[1-9]\\d{11}").isNotEqualTo(root.getAwsAccountId());
    assertThat(acme.getAccountId()).isEqualTo(Accounts.accountIdFor("acme"));
    var byId = h.query(MetaRequest.newBuilder().setIamQuery(IamQuery.newBuilder().setFindAccount(
        FindAccount.newBuilder().setAwsAccountId(acme.getAwsAccountId())))).getIam().getAccount().getAccount();
    assertThat(byId.getUserName()).isEqualTo("acme");
    // The same names give the same ids in a fresh core: ids are a function of the log.
    CoreHarness other = new CoreHarness();
    other.ok(MetaRequest.newBuilder().setEnsureRootAccount(EnsureRootAccount.newBuilder().setAccessKeyId("K2").setSecretKey("s")));
    assertThat(other.ok(MetaRequest.newBuilder().setCreateAccount(CreateAccount.newBuilder().setUserName("acme")
        .setAccessKeyId("K3").setSecretKey("s"))).getAccount().getAwsAccountId()).isEqualTo(acme.getAwsAccountId());
  }

  @Test
  void namesAreUniquePerAccountCaseInsensitively() {
    assertThat(h.error(iam(IamCommand.newBuilder().setCreateUser(CreateIamUser.newBuilder().setAccountId(acct)
        .setUserName("ALICE").setUserId("AIDA2"))))).isEqualTo(MetadataError.ENTITY_ALREADY_EXISTS);
  }

  @Test
  void aUserHasAtMostTwoKeysAndAnInactiveKeyResolvesAsInactive() {
    for (String k : new String[] {"AK1", "AK2"}) {
      h.ok(iam(IamCommand.newBuilder().setCreateAccessKey(CreateAccessKey.newBuilder().setAccountId(acct)
          .setUserName("alice").setAccessKeyId(k).setSecretKey("sec-" + k))));
    }
    assertThat(h.error(iam(IamCommand.newBuilder().setCreateAccessKey(CreateAccessKey.newBuilder().setAccountId(acct)
        .setUserName("alice").setAccessKeyId("AK3").setSecretKey("x"))))).isEqualTo(MetadataError.LIMIT_EXCEEDED);
    IdentityReply id = resolve("AK1", "");
    assertThat(id.getFound()).isTrue();
    assertThat(id.getActive()).isTrue();
    assertThat(id.getPrincipalType()).isEqualTo(2);
    assertThat(id.getUser().getUserName()).isEqualTo("Alice");
    h.ok(iam(IamCommand.newBuilder().setUpdateAccessKey(UpdateAccessKey.newBuilder().setAccountId(acct)
        .setUserName("alice").setAccessKeyId("AK1").setActive(false))));
    assertThat(resolve("AK1", "").getActive()).isFalse();
    // Another account cannot touch the key.
    assertThat(h.error(iam(IamCommand.newBuilder().setDeleteAccessKey(DeleteAccessKey.newBuilder()
        .setAccountId(Accounts.accountIdFor("root")).setUserName("alice").setAccessKeyId("AK1")))))
        .isEqualTo(MetadataError.NO_SUCH_ENTITY);
    h.ok(iam(IamCommand.newBuilder().setDeleteAccessKey(DeleteAccessKey.newBuilder().setAccountId(acct)
        .setUserName("alice").setAccessKeyId("AK1"))));
    assertThat(resolve("AK1", "").getFound()).isFalse();
  }

  @Test
  void identityPoliciesComeFromTheUserItsGroupsAndAttachedPolicies() {
    h.ok(iam(IamCommand.newBuilder().setCreateAccessKey(CreateAccessKey.newBuilder().setAccountId(acct)
        .setUserName("alice").setAccessKeyId("AK1").setSecretKey("s"))));
    h.ok(iam(IamCommand.newBuilder().setPutInlinePolicy(PutInlinePolicy.newBuilder().setAccountId(acct)
        .setKind(IamEntityKind.IAM_USER).setName("alice").setPolicyName("own").setDocument("{user}"))));
    h.ok(iam(IamCommand.newBuilder().setCreateGroup(CreateIamGroup.newBuilder().setAccountId(acct).setGroupName("devs").setGroupId("AGPA1"))));
    h.ok(iam(IamCommand.newBuilder().setPutInlinePolicy(PutInlinePolicy.newBuilder().setAccountId(acct)
        .setKind(IamEntityKind.IAM_GROUP).setName("devs").setPolicyName("g").setDocument("{group}"))));
    h.ok(iam(IamCommand.newBuilder().setGroupMembership(GroupMembership.newBuilder().setAccountId(acct)
        .setGroupName("devs").setUserName("alice").setAdd(true))));
    var created = h.ok(iam(IamCommand.newBuilder().setCreatePolicy(CreateManagedPolicy.newBuilder().setAccountId(acct)
        .setPolicyName("ReadAll").setPolicyId("ANPA1").setDocument("{v1}")))).getIam().getEntity().getPolicy();
    String arn = "arn:aws:iam::" + resolve("AK1", "").getAccount().getAwsAccountId() + ":policy/ReadAll";
    h.ok(iam(IamCommand.newBuilder().setAttachPolicy(AttachPolicy.newBuilder().setAccountId(acct)
        .setKind(IamEntityKind.IAM_USER).setName("alice").setPolicyArn(arn))));
    h.ok(iam(IamCommand.newBuilder().setAttachPolicy(AttachPolicy.newBuilder().setAccountId(acct)
        .setKind(IamEntityKind.IAM_GROUP).setName("devs").setPolicyArn("arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"))));
    h.ok(iam(IamCommand.newBuilder().setCreatePolicyVersion(CreatePolicyVersion.newBuilder().setAccountId(acct)
        .setPolicyName("readall").setDocument("{v2}").setSetAsDefault(true))));

    assertThat(created.getDefaultVersionId()).isEqualTo("v1");
    assertThat(resolve("AK1", "").getPoliciesList()).extracting(ResolvedPolicy::getSource, ResolvedPolicy::getDocument)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("inline:user/Alice/own", "{user}"),
            org.assertj.core.groups.Tuple.tuple(arn, "{v2}"),
            org.assertj.core.groups.Tuple.tuple("inline:group/devs/g", "{group}"),
            org.assertj.core.groups.Tuple.tuple("arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess", ""));

    // IAM's delete order: nothing goes while something still hangs on it.
    assertThat(h.error(iam(IamCommand.newBuilder().setDeleteEntity(DeleteIamEntity.newBuilder().setAccountId(acct)
        .setKind(IamEntityKind.IAM_USER).setName("alice"))))).isEqualTo(MetadataError.DELETE_CONFLICT);
    assertThat(h.error(iam(IamCommand.newBuilder().setDeleteEntity(DeleteIamEntity.newBuilder().setAccountId(acct)
        .setKind(IamEntityKind.IAM_POLICY).setName("ReadAll"))))).isEqualTo(MetadataError.DELETE_CONFLICT);
    assertThat(h.error(iam(IamCommand.newBuilder().setDeleteEntity(DeleteIamEntity.newBuilder().setAccountId(acct)
        .setKind(IamEntityKind.IAM_GROUP).setName("devs"))))).isEqualTo(MetadataError.DELETE_CONFLICT);
    assertThat(h.error(iam(IamCommand.newBuilder().setDeleteInlinePolicy(DeleteInlinePolicy.newBuilder().setAccountId(acct)
        .setKind(IamEntityKind.IAM_USER).setName("alice").setPolicyName("nope"))))).isEqualTo(MetadataError.NO_SUCH_ENTITY);
  }

  @Test
  void sessionsResolveToTheirRoleAndExpiredOnesArePurged() {
    h.ok(iam(IamCommand.newBuilder().setCreateRole(CreateIamRole.newBuilder().setAccountId(acct).setRoleName("reader")
        .setRoleId("AROA1").setTrustPolicy("{trust}"))));
    h.ok(iam(IamCommand.newBuilder().setPutInlinePolicy(PutInlinePolicy.newBuilder().setAccountId(acct)
        .setKind(IamEntityKind.IAM_ROLE).setName("reader").setPolicyName("r").setDocument("{role}"))));
    h.epochMillis = 2 * IamCommands.EXPIRED_SESSION_GRACE_MILLIS;
    long now = h.epochMillis + 1000 * (h.index + 1); // the harness's leader time of the next entry
    h.ok(iam(IamCommand.newBuilder().setCreateSession(CreateSession.newBuilder().setSession(SessionRecord.newBuilder()
        .setAccessKeyId("ASIA1").setSecretKey("s").setSessionToken("tok").setAccountId(acct).setRoleName("Reader")
        .setSessionName("s1").setExpiresMillis(now + 1500 - IamCommands.EXPIRED_SESSION_GRACE_MILLIS)))));
    IdentityReply id = resolve("ASIA1", "");
    assertThat(id.getPrincipalType()).isEqualTo(3);
    assertThat(id.getRole().getRoleId()).isEqualTo("AROA1");
    assertThat(id.getSession().getSessionToken()).isEqualTo("tok");
    assertThat(id.getPoliciesList()).extracting(ResolvedPolicy::getDocument).containsExactly("{role}");
    // Two entries later the leader's time is past the expiry and its grace: the next session purges it;
    // one that expired just now is kept (the gateway answers ExpiredToken for it).
    h.ok(iam(IamCommand.newBuilder().setCreateSession(CreateSession.newBuilder().setSession(SessionRecord.newBuilder()
        .setAccessKeyId("ASIA2").setSecretKey("s").setSessionToken("tok2").setAccountId(acct).setRoleName("reader")
        .setSessionName("s2").setExpiresMillis(now + 1500)))));
    h.ok(iam(IamCommand.newBuilder().setCreateSession(CreateSession.newBuilder().setSession(SessionRecord.newBuilder()
        .setAccessKeyId("ASIA3").setSecretKey("s").setSessionToken("tok3").setAccountId(acct).setRoleName("reader")
        .setSessionName("s3").setExpiresMillis(now + 100_000)))));
    assertThat(resolve("ASIA1", "").getFound()).isFalse();
    assertThat(resolve("ASIA2", "").getFound()).isTrue();
  }

  @Test
  void anMfaCodeIsAcceptedOncePerTimeStep() {
    String serial = "arn:aws:iam::000000000000:mfa/root-device";
    h.ok(iam(IamCommand.newBuilder().setCreateMfaDevice(CreateMfaDevice.newBuilder().setAccountId(acct).setSerial(serial)
        .setSeed(ByteString.copyFromUtf8("12345678901234567890")))));
    assertThat(h.error(iam(IamCommand.newBuilder().setConsumeMfaStep(ConsumeMfaStep.newBuilder().setSerial(serial).setStep(10)))))
        .isEqualTo(MetadataError.INVALID_AUTHENTICATION_CODE); // not enabled yet
    h.ok(iam(IamCommand.newBuilder().setEnableMfaDevice(EnableMfaDevice.newBuilder().setAccountId(acct).setSerial(serial)
        .setUserName("root").setLastStep(10))));
    assertThat(h.error(iam(IamCommand.newBuilder().setConsumeMfaStep(ConsumeMfaStep.newBuilder().setSerial(serial).setStep(10)))))
        .isEqualTo(MetadataError.INVALID_AUTHENTICATION_CODE); // the enabling code itself
    h.ok(iam(IamCommand.newBuilder().setConsumeMfaStep(ConsumeMfaStep.newBuilder().setSerial(serial).setStep(11))));
    assertThat(h.error(iam(IamCommand.newBuilder().setConsumeMfaStep(ConsumeMfaStep.newBuilder().setSerial(serial).setStep(11)))))
        .isEqualTo(MetadataError.INVALID_AUTHENTICATION_CODE); // replayed
    assertThat(resolve("ACMEKEY", "").getMfaSerialsList()).containsExactly(serial);
  }

  @Test
  void resolvingWithABucketNamesItsOwnerAndTheOwnersSettings() {
    h.ok(MetaRequest.newBuilder().setReserveBucketName(io.moraine.proto.meta.v1.ReserveBucketName.newBuilder()
        .setOwnerAccountId(acct).setBucket("photos")));
    h.ok(iam(IamCommand.newBuilder().setPutAccountConfig(io.moraine.proto.meta.v1.PutAccountConfig.newBuilder()
        .setAccountId(acct).setKind("publicAccessBlock").setBody(ByteString.copyFromUtf8("pab")))));
    IdentityReply anonymous = resolve("", "photos");
    assertThat(anonymous.getFound()).isFalse();
    assertThat(anonymous.getBucketOwner().getAccountId()).isEqualTo(acct);
    assertThat(anonymous.getBucketOwnerConfigs(0).getBody().toStringUtf8()).isEqualTo("pab");
    assertThat(resolve("", "nope").hasBucketOwner()).isFalse();
  }
}
