package io.moraine.metadata.core.iam;

import static io.moraine.metadata.api.MetadataError.DELETE_CONFLICT;
import static io.moraine.metadata.api.MetadataError.ENTITY_ALREADY_EXISTS;
import static io.moraine.metadata.api.MetadataError.INVALID_AUTHENTICATION_CODE;
import static io.moraine.metadata.api.MetadataError.INVALID_INPUT;
import static io.moraine.metadata.api.MetadataError.LIMIT_EXCEEDED;
import static io.moraine.metadata.api.MetadataError.NO_SUCH_ENTITY;
import static io.moraine.metadata.core.Tables.ok;
import static io.moraine.metadata.core.Tables.reply;
import static io.moraine.metadata.core.Tables.validName;

import com.google.protobuf.MessageLite;
import io.moraine.metadata.core.ApplyResult;
import io.moraine.metadata.core.Command;
import io.moraine.metadata.core.Keys;
import io.moraine.metadata.core.Records;
import io.moraine.metadata.core.Tables;
import io.moraine.metadata.store.StateStore;
import io.moraine.metadata.store.StoreBatch;
import io.moraine.proto.meta.v1.AccessKeyRecord;
import io.moraine.proto.meta.v1.AccessKeyReply;
import io.moraine.proto.meta.v1.AccountConfigRecord;
import io.moraine.proto.meta.v1.AccountRecord;
import io.moraine.proto.meta.v1.AttachPolicy;
import io.moraine.proto.meta.v1.ConsumeMfaStep;
import io.moraine.proto.meta.v1.CreateAccessKey;
import io.moraine.proto.meta.v1.CreateIamGroup;
import io.moraine.proto.meta.v1.CreateIamRole;
import io.moraine.proto.meta.v1.CreateIamUser;
import io.moraine.proto.meta.v1.CreateManagedPolicy;
import io.moraine.proto.meta.v1.CreateMfaDevice;
import io.moraine.proto.meta.v1.CreatePolicyVersion;
import io.moraine.proto.meta.v1.CreateSession;
import io.moraine.proto.meta.v1.DeactivateMfaDevice;
import io.moraine.proto.meta.v1.DeleteAccessKey;
import io.moraine.proto.meta.v1.DeleteIamEntity;
import io.moraine.proto.meta.v1.DeleteInlinePolicy;
import io.moraine.proto.meta.v1.DeletePolicyVersion;
import io.moraine.proto.meta.v1.EmptyReply;
import io.moraine.proto.meta.v1.EnableMfaDevice;
import io.moraine.proto.meta.v1.GroupMembership;
import io.moraine.proto.meta.v1.IamCommand;
import io.moraine.proto.meta.v1.IamEntityKind;
import io.moraine.proto.meta.v1.IamEntityReply;
import io.moraine.proto.meta.v1.IamGroupRecord;
import io.moraine.proto.meta.v1.IamReply;
import io.moraine.proto.meta.v1.IamRoleRecord;
import io.moraine.proto.meta.v1.IamUserRecord;
import io.moraine.proto.meta.v1.InlinePolicy;
import io.moraine.proto.meta.v1.KeyUse;
import io.moraine.proto.meta.v1.ManagedPolicyRecord;
import io.moraine.proto.meta.v1.MfaDeviceRecord;
import io.moraine.proto.meta.v1.PolicyVersionRecord;
import io.moraine.proto.meta.v1.PutAccountConfig;
import io.moraine.proto.meta.v1.PutInlinePolicy;
import io.moraine.proto.meta.v1.SessionRecord;
import io.moraine.proto.meta.v1.SetDefaultPolicyVersion;
import io.moraine.proto.meta.v1.UpdateAccessKey;
import io.moraine.proto.meta.v1.UpdateTrustPolicy;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * IAM's mutations (directory group g1): users, access keys, groups, managed policies, roles,
 * temporary sessions, virtual MFA devices, account-level configs. Ids (user, role, policy, key
 * ids, secrets, MFA seeds) come in the command, chosen by the gateway from its randomness;
 * validation of policy documents and names is the gateway's (its policy parser), checks that
 * need the state (existence, limits, conflicts) are here. IAM's limits: 2 access keys per user,
 * 10 managed policies attached per entity, 10 groups per user, 5 versions per managed policy.
 */
public final class IamCommands {
  public static final int MAX_KEYS_PER_USER = 2;
  public static final int MAX_ATTACHED_POLICIES = 10;
  public static final int MAX_GROUPS_PER_USER = 10;
  public static final int MAX_POLICY_VERSIONS = 5;
  /** Expired sessions purged per CreateSession (bounds the work of one entry). */
  static final int PURGE_PER_SESSION = 100;

  private final Tables t;

  public IamCommands(Tables t) {
    this.t = t;
  }

  public ApplyResult apply(Command c, IamCommand cmd, StoreBatch batch) {
    return switch (cmd.getBodyCase()) {
      case CREATE_USER -> createUser(c, cmd.getCreateUser(), batch);
      case DELETE_ENTITY -> delete(cmd.getDeleteEntity(), batch);
      case CREATE_ACCESS_KEY -> createAccessKey(c, cmd.getCreateAccessKey(), batch);
      case UPDATE_ACCESS_KEY -> updateAccessKey(cmd.getUpdateAccessKey(), batch);
      case DELETE_ACCESS_KEY -> deleteAccessKey(cmd.getDeleteAccessKey(), batch);
      case PUT_INLINE_POLICY -> putInline(cmd.getPutInlinePolicy(), batch);
      case DELETE_INLINE_POLICY -> deleteInline(cmd.getDeleteInlinePolicy(), batch);
      case CREATE_GROUP -> createGroup(c, cmd.getCreateGroup(), batch);
      case GROUP_MEMBERSHIP -> membership(cmd.getGroupMembership(), batch);
      case CREATE_POLICY -> createPolicy(c, cmd.getCreatePolicy(), batch);
      case CREATE_POLICY_VERSION -> createVersion(c, cmd.getCreatePolicyVersion(), batch);
      case DELETE_POLICY_VERSION -> deleteVersion(cmd.getDeletePolicyVersion(), batch);
      case SET_DEFAULT_POLICY_VERSION -> setDefault(c, cmd.getSetDefaultPolicyVersion(), batch);
      case ATTACH_POLICY -> attach(cmd.getAttachPolicy(), batch);
      case CREATE_ROLE -> createRole(c, cmd.getCreateRole(), batch);
      case UPDATE_TRUST_POLICY -> updateTrust(cmd.getUpdateTrustPolicy(), batch);
      case CREATE_SESSION -> createSession(c, cmd.getCreateSession(), batch);
      case CREATE_MFA_DEVICE -> createMfa(c, cmd.getCreateMfaDevice(), batch);
      case ENABLE_MFA_DEVICE -> enableMfa(c, cmd.getEnableMfaDevice(), batch);
      case CONSUME_MFA_STEP -> consumeMfa(cmd.getConsumeMfaStep(), batch);
      case DEACTIVATE_MFA_DEVICE -> deactivateMfa(cmd.getDeactivateMfaDevice(), batch);
      case PUT_ACCOUNT_CONFIG -> putAccountConfig(c, cmd.getPutAccountConfig(), batch);
      case TOUCH_ACCESS_KEYS -> touch(cmd.getTouchAccessKeys().getUsesList(), batch);
      case BODY_NOT_SET -> new ApplyResult.Invalid("empty IAM command");
    };
  }

  // ---- users and keys ---------------------------------------------------------------------------

  private ApplyResult createUser(Command c, CreateIamUser cmd, StoreBatch batch) {
    ApplyResult bad = account(cmd.getAccountId(), cmd.getUserName());
    if (bad != null) {
      return bad;
    }
    byte[] key = Keys.iamEntity(Keys.IAM_USER, cmd.getAccountId(), cmd.getUserName());
    if (t.exists(key)) {
      return exists("User with name " + cmd.getUserName() + " already exists.");
    }
    IamUserRecord user = IamUserRecord.newBuilder().setAccountId(cmd.getAccountId()).setUserName(cmd.getUserName())
        .setUserId(cmd.getUserId()).setPath(path(cmd.getPath())).setCreatedMillis(c.leaderTimeMillis()).build();
    batch.put(key, Records.encode(user));
    return entity(IamEntityReply.newBuilder().setUser(user));
  }

  private ApplyResult createAccessKey(Command c, CreateAccessKey cmd, StoreBatch batch) {
    if (!validName(cmd.getAccessKeyId()) || cmd.getSecretKey().isEmpty() || !validName(cmd.getAccountId())) {
      return new ApplyResult.Invalid("access key needs an id, a secret and an account");
    }
    if (!cmd.getUserName().isEmpty() && user(cmd.getAccountId(), cmd.getUserName()) == null) {
      return noSuch("The user with name " + cmd.getUserName() + " cannot be found.");
    }
    if (t.exists(Keys.accessKey(cmd.getAccessKeyId()))) {
      return new ApplyResult.Failed(io.moraine.metadata.api.MetadataError.ACCESS_KEY_ALREADY_EXISTS, cmd.getAccessKeyId());
    }
    if (!cmd.getUserName().isEmpty()
        && t.countPrefix(Keys.userKeyPrefix(cmd.getAccountId(), cmd.getUserName()), MAX_KEYS_PER_USER) >= MAX_KEYS_PER_USER) {
      return new ApplyResult.Failed(LIMIT_EXCEEDED, "Cannot exceed quota for AccessKeysPerUser: " + MAX_KEYS_PER_USER);
    }
    String userName = cmd.getUserName().isEmpty() ? "" : user(cmd.getAccountId(), cmd.getUserName()).getUserName();
    AccessKeyRecord k = AccessKeyRecord.newBuilder().setAccessKeyId(cmd.getAccessKeyId()).setSecretKey(cmd.getSecretKey())
        .setAccountId(cmd.getAccountId()).setUserName(userName).setCreatedMillis(c.leaderTimeMillis()).build();
    batch.put(Keys.accessKey(cmd.getAccessKeyId()), Records.encode(k));
    batch.put(Keys.userKey(cmd.getAccountId(), userName, cmd.getAccessKeyId()), Records.encode(EmptyReply.getDefaultInstance()));
    return ok(reply().setIam(IamReply.newBuilder().setAccessKey(AccessKeyReply.newBuilder().setKey(k))));
  }

  /** The key of {@code userName} ("" = the root) in the account, or null. */
  private AccessKeyRecord ownKey(String accountId, String userName, String accessKeyId) {
    AccessKeyRecord k = t.read(Keys.accessKey(accessKeyId), AccessKeyRecord.parser());
    if (k == null || !k.getAccountId().equals(accountId) || !k.getUserName().equalsIgnoreCase(userName)) {
      return null;
    }
    return k;
  }

  private ApplyResult updateAccessKey(UpdateAccessKey cmd, StoreBatch batch) {
    AccessKeyRecord k = ownKey(cmd.getAccountId(), cmd.getUserName(), cmd.getAccessKeyId());
    if (k == null) {
      return noSuch("The Access Key with id " + cmd.getAccessKeyId() + " cannot be found.");
    }
    AccessKeyRecord updated = k.toBuilder().setInactive(!cmd.getActive()).build();
    batch.put(Keys.accessKey(cmd.getAccessKeyId()), Records.encode(updated));
    return ok(reply().setIam(IamReply.newBuilder().setAccessKey(AccessKeyReply.newBuilder().setKey(updated))));
  }

  private ApplyResult deleteAccessKey(DeleteAccessKey cmd, StoreBatch batch) {
    AccessKeyRecord k = ownKey(cmd.getAccountId(), cmd.getUserName(), cmd.getAccessKeyId());
    if (k == null) {
      return noSuch("The Access Key with id " + cmd.getAccessKeyId() + " cannot be found.");
    }
    batch.delete(Keys.accessKey(cmd.getAccessKeyId()));
    batch.delete(Keys.userKey(cmd.getAccountId(), k.getUserName(), cmd.getAccessKeyId()));
    return empty();
  }

  /** Updates when keys were last used; unknown keys (deleted since) are skipped. */
  private ApplyResult touch(List<KeyUse> uses, StoreBatch batch) {
    for (KeyUse u : uses) {
      AccessKeyRecord k = t.read(Keys.accessKey(u.getAccessKeyId()), AccessKeyRecord.parser());
      if (k != null && u.getUsedMillis() > k.getLastUsedMillis()) {
        batch.put(Keys.accessKey(u.getAccessKeyId()), Records.encode(k.toBuilder()
            .setLastUsedMillis(u.getUsedMillis()).setLastUsedService(u.getService()).build()));
      }
    }
    return empty();
  }

  // ---- groups -------------------------------------------------------------------------------------

  private ApplyResult createGroup(Command c, CreateIamGroup cmd, StoreBatch batch) {
    ApplyResult bad = account(cmd.getAccountId(), cmd.getGroupName());
    if (bad != null) {
      return bad;
    }
    byte[] key = Keys.iamEntity(Keys.IAM_GROUP, cmd.getAccountId(), cmd.getGroupName());
    if (t.exists(key)) {
      return exists("Group with name " + cmd.getGroupName() + " already exists.");
    }
    IamGroupRecord g = IamGroupRecord.newBuilder().setAccountId(cmd.getAccountId()).setGroupName(cmd.getGroupName())
        .setGroupId(cmd.getGroupId()).setPath(path(cmd.getPath())).setCreatedMillis(c.leaderTimeMillis()).build();
    batch.put(key, Records.encode(g));
    return entity(IamEntityReply.newBuilder().setGroup(g));
  }

  private ApplyResult membership(GroupMembership cmd, StoreBatch batch) {
    IamGroupRecord g = group(cmd.getAccountId(), cmd.getGroupName());
    if (g == null) {
      return noSuch("The group with name " + cmd.getGroupName() + " cannot be found.");
    }
    IamUserRecord u = user(cmd.getAccountId(), cmd.getUserName());
    if (u == null) {
      return noSuch("The user with name " + cmd.getUserName() + " cannot be found.");
    }
    List<String> groups = new ArrayList<>(u.getGroupsList());
    boolean member = groups.stream().anyMatch(n -> n.equalsIgnoreCase(g.getGroupName()));
    if (cmd.getAdd()) {
      if (member) {
        return empty(); // IAM: adding a member again succeeds
      }
      if (groups.size() >= MAX_GROUPS_PER_USER) {
        return new ApplyResult.Failed(LIMIT_EXCEEDED, "Cannot exceed quota for GroupsPerUser: " + MAX_GROUPS_PER_USER);
      }
      groups.add(g.getGroupName());
    } else {
      if (!member) {
        return noSuch("The user with name " + cmd.getUserName() + " is not in group " + cmd.getGroupName() + ".");
      }
      groups.removeIf(n -> n.equalsIgnoreCase(g.getGroupName()));
    }
    groups.sort(String.CASE_INSENSITIVE_ORDER);
    put(Keys.IAM_USER, u.getAccountId(), u.getUserName(), u.toBuilder().clearGroups().addAllGroups(groups).build(), batch);
    return empty();
  }

  // ---- inline and managed policies ----------------------------------------------------------------

  private ApplyResult putInline(PutInlinePolicy cmd, StoreBatch batch) {
    if (!validName(cmd.getPolicyName()) || cmd.getDocument().isEmpty()) {
      return new ApplyResult.Invalid("inline policy needs a name and a document");
    }
    return editInline(cmd.getAccountId(), cmd.getKind(), cmd.getName(), list -> {
      list.removeIf(p -> p.getName().equals(cmd.getPolicyName()));
      list.add(InlinePolicy.newBuilder().setName(cmd.getPolicyName()).setDocument(cmd.getDocument()).build());
      return null;
    }, batch);
  }

  private ApplyResult deleteInline(DeleteInlinePolicy cmd, StoreBatch batch) {
    return editInline(cmd.getAccountId(), cmd.getKind(), cmd.getName(), list -> list.removeIf(
        p -> p.getName().equals(cmd.getPolicyName())) ? null
        : noSuch("The " + kindName(cmd.getKind()) + " policy with name " + cmd.getPolicyName() + " cannot be found."), batch);
  }

  private interface Edit<T> {
    ApplyResult apply(List<T> list);
  }

  private ApplyResult editInline(String accountId, IamEntityKind kind, String name, Edit<InlinePolicy> edit,
      StoreBatch batch) {
    switch (kind) {
      case IAM_USER -> {
        IamUserRecord u = user(accountId, name);
        if (u == null) {
          return noSuch("The user with name " + name + " cannot be found.");
        }
        List<InlinePolicy> list = new ArrayList<>(u.getInlinePoliciesList());
        ApplyResult failed = edit.apply(list);
        if (failed != null) {
          return failed;
        }
        list.sort(Comparator.comparing(InlinePolicy::getName));
        put(Keys.IAM_USER, accountId, u.getUserName(), u.toBuilder().clearInlinePolicies().addAllInlinePolicies(list).build(), batch);
      }
      case IAM_GROUP -> {
        IamGroupRecord g = group(accountId, name);
        if (g == null) {
          return noSuch("The group with name " + name + " cannot be found.");
        }
        List<InlinePolicy> list = new ArrayList<>(g.getInlinePoliciesList());
        ApplyResult failed = edit.apply(list);
        if (failed != null) {
          return failed;
        }
        list.sort(Comparator.comparing(InlinePolicy::getName));
        put(Keys.IAM_GROUP, accountId, g.getGroupName(), g.toBuilder().clearInlinePolicies().addAllInlinePolicies(list).build(), batch);
      }
      case IAM_ROLE -> {
        IamRoleRecord r = role(accountId, name);
        if (r == null) {
          return noSuch("The role with name " + name + " cannot be found.");
        }
        List<InlinePolicy> list = new ArrayList<>(r.getInlinePoliciesList());
        ApplyResult failed = edit.apply(list);
        if (failed != null) {
          return failed;
        }
        list.sort(Comparator.comparing(InlinePolicy::getName));
        put(Keys.IAM_ROLE, accountId, r.getRoleName(), r.toBuilder().clearInlinePolicies().addAllInlinePolicies(list).build(), batch);
      }
      default -> {
        return new ApplyResult.Invalid("inline policies belong to users, groups and roles, not " + kind);
      }
    }
    return empty();
  }

  private ApplyResult createPolicy(Command c, CreateManagedPolicy cmd, StoreBatch batch) {
    ApplyResult bad = account(cmd.getAccountId(), cmd.getPolicyName());
    if (bad != null) {
      return bad;
    }
    byte[] key = Keys.iamEntity(Keys.IAM_POLICY, cmd.getAccountId(), cmd.getPolicyName());
    if (t.exists(key)) {
      return exists("A policy called " + cmd.getPolicyName() + " already exists. Duplicate names are not allowed.");
    }
    ManagedPolicyRecord p = ManagedPolicyRecord.newBuilder().setAccountId(cmd.getAccountId())
        .setPolicyName(cmd.getPolicyName()).setPolicyId(cmd.getPolicyId()).setPath(path(cmd.getPath()))
        .setCreatedMillis(c.leaderTimeMillis()).setUpdatedMillis(c.leaderTimeMillis()).setDefaultVersionId("v1")
        .addVersions(PolicyVersionRecord.newBuilder().setVersionId("v1").setDocument(cmd.getDocument())
            .setCreatedMillis(c.leaderTimeMillis()))
        .setNextVersion(2).setDescription(cmd.getDescription()).build();
    batch.put(key, Records.encode(p));
    return entity(IamEntityReply.newBuilder().setPolicy(p));
  }

  private ApplyResult createVersion(Command c, CreatePolicyVersion cmd, StoreBatch batch) {
    ManagedPolicyRecord p = policy(cmd.getAccountId(), cmd.getPolicyName());
    if (p == null) {
      return noSuch("Policy " + cmd.getPolicyName() + " does not exist or is not attachable.");
    }
    if (p.getVersionsCount() >= MAX_POLICY_VERSIONS) {
      return new ApplyResult.Failed(LIMIT_EXCEEDED, "A managed policy can have up to " + MAX_POLICY_VERSIONS
          + " versions. Before you create a new version, you must delete an existing version.");
    }
    String id = "v" + p.getNextVersion();
    ManagedPolicyRecord.Builder b = p.toBuilder().setNextVersion(p.getNextVersion() + 1).setUpdatedMillis(c.leaderTimeMillis())
        .addVersions(PolicyVersionRecord.newBuilder().setVersionId(id).setDocument(cmd.getDocument())
            .setCreatedMillis(c.leaderTimeMillis()));
    if (cmd.getSetAsDefault()) {
      b.setDefaultVersionId(id);
    }
    ManagedPolicyRecord updated = b.build();
    put(Keys.IAM_POLICY, p.getAccountId(), p.getPolicyName(), updated, batch);
    return entity(IamEntityReply.newBuilder().setPolicy(updated));
  }

  private ApplyResult deleteVersion(DeletePolicyVersion cmd, StoreBatch batch) {
    ManagedPolicyRecord p = policy(cmd.getAccountId(), cmd.getPolicyName());
    if (p == null) {
      return noSuch("Policy " + cmd.getPolicyName() + " does not exist or is not attachable.");
    }
    if (cmd.getVersionId().equals(p.getDefaultVersionId())) {
      return new ApplyResult.Failed(DELETE_CONFLICT, "Cannot delete the default version of a policy.");
    }
    List<PolicyVersionRecord> versions = new ArrayList<>(p.getVersionsList());
    if (!versions.removeIf(v -> v.getVersionId().equals(cmd.getVersionId()))) {
      return noSuch("Policy " + cmd.getPolicyName() + " version " + cmd.getVersionId() + " does not exist.");
    }
    put(Keys.IAM_POLICY, p.getAccountId(), p.getPolicyName(), p.toBuilder().clearVersions().addAllVersions(versions).build(), batch);
    return empty();
  }

  private ApplyResult setDefault(Command c, SetDefaultPolicyVersion cmd, StoreBatch batch) {
    ManagedPolicyRecord p = policy(cmd.getAccountId(), cmd.getPolicyName());
    if (p == null) {
      return noSuch("Policy " + cmd.getPolicyName() + " does not exist or is not attachable.");
    }
    if (p.getVersionsList().stream().noneMatch(v -> v.getVersionId().equals(cmd.getVersionId()))) {
      return noSuch("Policy " + cmd.getPolicyName() + " version " + cmd.getVersionId() + " does not exist.");
    }
    put(Keys.IAM_POLICY, p.getAccountId(), p.getPolicyName(), p.toBuilder().setDefaultVersionId(cmd.getVersionId())
        .setUpdatedMillis(c.leaderTimeMillis()).build(), batch);
    return empty();
  }

  private ApplyResult attach(AttachPolicy cmd, StoreBatch batch) {
    String arn = cmd.getPolicyArn();
    ManagedPolicyRecord own = null;
    if (!arn.startsWith("arn:aws:iam::aws:policy/")) {
      own = policyByArn(cmd.getAccountId(), arn);
      if (own == null) {
        return noSuch("Policy " + arn + " does not exist or is not attachable.");
      }
    }
    List<String> attached;
    MessageLite updated;
    String name;
    byte table;
    switch (cmd.getKind()) {
      case IAM_USER -> {
        IamUserRecord u = user(cmd.getAccountId(), cmd.getName());
        if (u == null) {
          return noSuch("The user with name " + cmd.getName() + " cannot be found.");
        }
        attached = edit(u.getAttachedPolicyArnsList(), arn, cmd.getDetach());
        if (attached == null) {
          return attachFailure(cmd);
        }
        updated = u.toBuilder().clearAttachedPolicyArns().addAllAttachedPolicyArns(attached).build();
        name = u.getUserName();
        table = Keys.IAM_USER;
      }
      case IAM_GROUP -> {
        IamGroupRecord g = group(cmd.getAccountId(), cmd.getName());
        if (g == null) {
          return noSuch("The group with name " + cmd.getName() + " cannot be found.");
        }
        attached = edit(g.getAttachedPolicyArnsList(), arn, cmd.getDetach());
        if (attached == null) {
          return attachFailure(cmd);
        }
        updated = g.toBuilder().clearAttachedPolicyArns().addAllAttachedPolicyArns(attached).build();
        name = g.getGroupName();
        table = Keys.IAM_GROUP;
      }
      case IAM_ROLE -> {
        IamRoleRecord r = role(cmd.getAccountId(), cmd.getName());
        if (r == null) {
          return noSuch("The role with name " + cmd.getName() + " cannot be found.");
        }
        attached = edit(r.getAttachedPolicyArnsList(), arn, cmd.getDetach());
        if (attached == null) {
          return attachFailure(cmd);
        }
        updated = r.toBuilder().clearAttachedPolicyArns().addAllAttachedPolicyArns(attached).build();
        name = r.getRoleName();
        table = Keys.IAM_ROLE;
      }
      default -> {
        return new ApplyResult.Invalid("policies attach to users, groups and roles, not " + cmd.getKind());
      }
    }
    if (!cmd.getDetach() && attached.size() > MAX_ATTACHED_POLICIES) {
      return new ApplyResult.Failed(LIMIT_EXCEEDED, "Cannot exceed quota for PoliciesPerUser: " + MAX_ATTACHED_POLICIES);
    }
    batch.put(Keys.iamEntity(table, cmd.getAccountId(), name), Records.encode(updated));
    if (own != null) {
      int count = Math.max(0, own.getAttachmentCount() + (cmd.getDetach() ? -1 : 1));
      put(Keys.IAM_POLICY, own.getAccountId(), own.getPolicyName(), own.toBuilder().setAttachmentCount(count).build(), batch);
    }
    return empty();
  }

  private static ApplyResult attachFailure(AttachPolicy cmd) {
    return cmd.getDetach() ? noSuch("Policy " + cmd.getPolicyArn() + " was not found.")
        : new ApplyResult.Ok(reply().setEmpty(EmptyReply.getDefaultInstance()).build());
  }

  /** The sorted list with {@code arn} added (null when already there) or removed (null when absent). */
  private static List<String> edit(List<String> list, String arn, boolean remove) {
    List<String> out = new ArrayList<>(list);
    boolean present = out.contains(arn);
    if (remove == !present) {
      return null;
    }
    if (remove) {
      out.remove(arn);
    } else {
      out.add(arn);
      out.sort(null);
    }
    return out;
  }

  // ---- roles and sessions -------------------------------------------------------------------------

  private ApplyResult createRole(Command c, CreateIamRole cmd, StoreBatch batch) {
    ApplyResult bad = account(cmd.getAccountId(), cmd.getRoleName());
    if (bad != null) {
      return bad;
    }
    byte[] key = Keys.iamEntity(Keys.IAM_ROLE, cmd.getAccountId(), cmd.getRoleName());
    if (t.exists(key)) {
      return exists("Role with name " + cmd.getRoleName() + " already exists.");
    }
    IamRoleRecord r = IamRoleRecord.newBuilder().setAccountId(cmd.getAccountId()).setRoleName(cmd.getRoleName())
        .setRoleId(cmd.getRoleId()).setPath(path(cmd.getPath())).setCreatedMillis(c.leaderTimeMillis())
        .setTrustPolicy(cmd.getTrustPolicy()).setMaxSessionSeconds(cmd.getMaxSessionSeconds() == 0 ? 3600 : cmd.getMaxSessionSeconds())
        .setDescription(cmd.getDescription()).build();
    batch.put(key, Records.encode(r));
    return entity(IamEntityReply.newBuilder().setRole(r));
  }

  private ApplyResult updateTrust(UpdateTrustPolicy cmd, StoreBatch batch) {
    IamRoleRecord r = role(cmd.getAccountId(), cmd.getRoleName());
    if (r == null) {
      return noSuch("The role with name " + cmd.getRoleName() + " cannot be found.");
    }
    put(Keys.IAM_ROLE, r.getAccountId(), r.getRoleName(), r.toBuilder().setTrustPolicy(cmd.getTrustPolicy()).build(), batch);
    return empty();
  }

  private ApplyResult createSession(Command c, CreateSession cmd, StoreBatch batch) {
    SessionRecord s = cmd.getSession();
    if (!validName(s.getAccessKeyId()) || s.getSecretKey().isEmpty() || s.getSessionToken().isEmpty()) {
      return new ApplyResult.Invalid("a session needs an access key, a secret and a token");
    }
    IamRoleRecord role = role(s.getAccountId(), s.getRoleName());
    if (role == null) {
      return noSuch("The role with name " + s.getRoleName() + " cannot be found.");
    }
    if (t.exists(Keys.session(s.getAccessKeyId())) || t.exists(Keys.accessKey(s.getAccessKeyId()))) {
      return new ApplyResult.Failed(io.moraine.metadata.api.MetadataError.ACCESS_KEY_ALREADY_EXISTS, s.getAccessKeyId());
    }
    purgeExpired(c.leaderTimeMillis(), batch);
    SessionRecord stored = s.toBuilder().setRoleId(role.getRoleId()).setRolePath(role.getPath())
        .setRoleName(role.getRoleName()).setCreatedMillis(c.leaderTimeMillis()).build();
    batch.put(Keys.session(s.getAccessKeyId()), Records.encode(stored));
    batch.put(Keys.sessionExpiry(s.getExpiresMillis(), s.getAccessKeyId()), Records.encode(EmptyReply.getDefaultInstance()));
    return ok(reply().setIam(IamReply.newBuilder().setSession(stored)));
  }

  /**
   * Sessions are kept this long past their expiry, so a client using one late is told
   * ExpiredToken (as STS does) rather than that the key never existed.
   */
  public static final long EXPIRED_SESSION_GRACE_MILLIS = 24 * 3600 * 1000L;

  /** Drops sessions that expired a grace period before {@code now} (the entry's leader time), oldest first. */
  private void purgeExpired(long now, StoreBatch batch) {
    byte[] prefix = Keys.sessionExpiryPrefix();
    int n = 0;
    try (StateStore.Cursor cur = t.store().cursor()) {
      for (cur.seek(prefix); cur.valid() && Keys.startsWith(cur.key(), prefix) && n < PURGE_PER_SESSION; cur.next()) {
        byte[] k = cur.key();
        long expires = java.nio.ByteBuffer.wrap(k, 1, 8).getLong();
        if (expires >= now - EXPIRED_SESSION_GRACE_MILLIS) {
          break;
        }
        String accessKeyId = new String(k, 9, k.length - 9, java.nio.charset.StandardCharsets.UTF_8);
        batch.delete(k);
        batch.delete(Keys.session(accessKeyId));
        n++;
      }
    }
  }

  // ---- MFA ------------------------------------------------------------------------------------------

  private ApplyResult createMfa(Command c, CreateMfaDevice cmd, StoreBatch batch) {
    if (!validName(cmd.getSerial()) || cmd.getSeed().isEmpty() || t.read(Keys.account(cmd.getAccountId()), AccountRecord.parser()) == null) {
      return new ApplyResult.Invalid("an MFA device needs an existing account, a serial and a seed");
    }
    byte[] key = Keys.iamEntity(Keys.MFA_DEVICE, cmd.getAccountId(), cmd.getSerial());
    if (t.exists(key)) {
      return exists("MFADevice entity at the same path and name already exists.");
    }
    MfaDeviceRecord d = MfaDeviceRecord.newBuilder().setAccountId(cmd.getAccountId()).setSerial(cmd.getSerial())
        .setSeed(cmd.getSeed()).setCreatedMillis(c.leaderTimeMillis()).build();
    batch.put(key, Records.encode(d));
    batch.put(Keys.mfaSerial(cmd.getSerial()), Records.encode(AccountRecord.newBuilder().setAccountId(cmd.getAccountId()).build()));
    return entity(IamEntityReply.newBuilder().setMfaDevice(d));
  }

  private ApplyResult enableMfa(Command c, EnableMfaDevice cmd, StoreBatch batch) {
    MfaDeviceRecord d = mfa(cmd.getAccountId(), cmd.getSerial());
    if (d == null) {
      return noSuch("MFA Device " + cmd.getSerial() + " cannot be found.");
    }
    if (d.getEnabled()) {
      return exists("MFA Device is already in use.");
    }
    if (!cmd.getUserName().equals("root") && user(cmd.getAccountId(), cmd.getUserName()) == null) {
      return noSuch("The user with name " + cmd.getUserName() + " cannot be found.");
    }
    if (cmd.getLastStep() <= d.getLastStep()) {
      return new ApplyResult.Failed(INVALID_AUTHENTICATION_CODE, "Authentication code for device is not valid.");
    }
    put(Keys.MFA_DEVICE, d.getAccountId(), d.getSerial(), d.toBuilder().setEnabled(true).setUserName(cmd.getUserName())
        .setEnabledMillis(c.leaderTimeMillis()).setLastStep(cmd.getLastStep()).build(), batch);
    return empty();
  }

  private ApplyResult consumeMfa(ConsumeMfaStep cmd, StoreBatch batch) {
    AccountRecord owner = t.read(Keys.mfaSerial(cmd.getSerial()), AccountRecord.parser());
    MfaDeviceRecord d = owner == null ? null : mfa(owner.getAccountId(), cmd.getSerial());
    if (d == null || !d.getEnabled() || cmd.getStep() <= d.getLastStep()) {
      return new ApplyResult.Failed(INVALID_AUTHENTICATION_CODE, "the MFA code was already used or the device is not enabled");
    }
    put(Keys.MFA_DEVICE, d.getAccountId(), d.getSerial(), d.toBuilder().setLastStep(cmd.getStep()).build(), batch);
    return empty();
  }

  private ApplyResult deactivateMfa(DeactivateMfaDevice cmd, StoreBatch batch) {
    MfaDeviceRecord d = mfa(cmd.getAccountId(), cmd.getSerial());
    if (d == null || !d.getEnabled() || !d.getUserName().equalsIgnoreCase(cmd.getUserName())) {
      return noSuch("MFA Device " + cmd.getSerial() + " is not enabled for " + cmd.getUserName() + ".");
    }
    put(Keys.MFA_DEVICE, d.getAccountId(), d.getSerial(), d.toBuilder().setEnabled(false).clearUserName().build(), batch);
    return empty();
  }

  // ---- account configs ------------------------------------------------------------------------------

  private ApplyResult putAccountConfig(Command c, PutAccountConfig cmd, StoreBatch batch) {
    if (!validName(cmd.getKind()) || t.read(Keys.account(cmd.getAccountId()), AccountRecord.parser()) == null) {
      return new ApplyResult.Invalid("an account config needs an existing account and a kind");
    }
    byte[] key = Keys.accountConfig(cmd.getAccountId(), cmd.getKind());
    if (cmd.getBody().isEmpty()) {
      batch.delete(key);
    } else {
      batch.put(key, Records.encode(AccountConfigRecord.newBuilder().setKind(cmd.getKind()).setBody(cmd.getBody())
          .setModifiedMillis(c.leaderTimeMillis()).build()));
    }
    return empty();
  }

  // ---- deletion -------------------------------------------------------------------------------------

  private ApplyResult delete(DeleteIamEntity cmd, StoreBatch batch) {
    String a = cmd.getAccountId();
    String name = cmd.getName();
    switch (cmd.getKind()) {
      case IAM_USER -> {
        IamUserRecord u = user(a, name);
        if (u == null) {
          return noSuch("The user with name " + name + " cannot be found.");
        }
        if (t.countPrefix(Keys.userKeyPrefix(a, name), 1) > 0) {
          return conflict("Cannot delete entity, must delete access keys first.");
        }
        if (u.getInlinePoliciesCount() > 0 || u.getAttachedPolicyArnsCount() > 0) {
          return conflict("Cannot delete entity, must delete policies first.");
        }
        if (u.getGroupsCount() > 0) {
          return conflict("Cannot delete entity, must remove users from group first.");
        }
        if (enabledDeviceOf(a, u.getUserName())) {
          return conflict("Cannot delete entity, must delete MFA device first.");
        }
        batch.delete(Keys.iamEntity(Keys.IAM_USER, a, name));
      }
      case IAM_GROUP -> {
        IamGroupRecord g = group(a, name);
        if (g == null) {
          return noSuch("The group with name " + name + " cannot be found.");
        }
        if (g.getInlinePoliciesCount() > 0 || g.getAttachedPolicyArnsCount() > 0) {
          return conflict("Cannot delete entity, must delete policies first.");
        }
        if (!IamQueries.members(t, a, g.getGroupName()).isEmpty()) {
          return conflict("Cannot delete entity, must remove users from group first.");
        }
        batch.delete(Keys.iamEntity(Keys.IAM_GROUP, a, name));
      }
      case IAM_ROLE -> {
        IamRoleRecord r = role(a, name);
        if (r == null) {
          return noSuch("The role with name " + name + " cannot be found.");
        }
        if (r.getInlinePoliciesCount() > 0 || r.getAttachedPolicyArnsCount() > 0) {
          return conflict("Cannot delete entity, must detach all policies first.");
        }
        batch.delete(Keys.iamEntity(Keys.IAM_ROLE, a, name));
      }
      case IAM_POLICY -> {
        ManagedPolicyRecord p = policy(a, name);
        if (p == null) {
          return noSuch("Policy " + name + " does not exist or is not attachable.");
        }
        if (p.getAttachmentCount() > 0) {
          return conflict("Cannot delete a policy attached to entities.");
        }
        if (p.getVersionsCount() > 1) {
          return conflict("This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.");
        }
        batch.delete(Keys.iamEntity(Keys.IAM_POLICY, a, name));
      }
      case IAM_MFA_DEVICE -> {
        MfaDeviceRecord d = mfa(a, name);
        if (d == null) {
          return noSuch("VirtualMFADevice with serial number " + name + " doesn't exist.");
        }
        if (d.getEnabled()) {
          return conflict("MFA Device is still in use.");
        }
        batch.delete(Keys.iamEntity(Keys.MFA_DEVICE, a, name));
        batch.delete(Keys.mfaSerial(d.getSerial()));
      }
      default -> {
        return new ApplyResult.Invalid("cannot delete an IAM entity of kind " + cmd.getKind());
      }
    }
    return empty();
  }

  private boolean enabledDeviceOf(String accountId, String userName) {
    byte[] prefix = Keys.iamEntityPrefix(Keys.MFA_DEVICE, accountId);
    try (StateStore.Cursor cur = t.store().cursor()) {
      for (cur.seek(prefix); cur.valid() && Keys.startsWith(cur.key(), prefix); cur.next()) {
        MfaDeviceRecord d = Records.decode(cur.value(), MfaDeviceRecord.parser());
        if (d.getEnabled() && d.getUserName().equalsIgnoreCase(userName)) {
          return true;
        }
      }
    }
    return false;
  }

  // ---- helpers --------------------------------------------------------------------------------------

  IamUserRecord user(String accountId, String name) {
    return t.read(Keys.iamEntity(Keys.IAM_USER, accountId, name), IamUserRecord.parser());
  }

  IamGroupRecord group(String accountId, String name) {
    return t.read(Keys.iamEntity(Keys.IAM_GROUP, accountId, name), IamGroupRecord.parser());
  }

  IamRoleRecord role(String accountId, String name) {
    return t.read(Keys.iamEntity(Keys.IAM_ROLE, accountId, name), IamRoleRecord.parser());
  }

  ManagedPolicyRecord policy(String accountId, String name) {
    return t.read(Keys.iamEntity(Keys.IAM_POLICY, accountId, name), ManagedPolicyRecord.parser());
  }

  MfaDeviceRecord mfa(String accountId, String serial) {
    return t.read(Keys.iamEntity(Keys.MFA_DEVICE, accountId, serial), MfaDeviceRecord.parser());
  }

  /** This account's managed policy named by {@code arn} (arn:aws:iam::ID:policy/PATH/NAME), or null. */
  ManagedPolicyRecord policyByArn(String accountId, String arn) {
    int slash = arn.lastIndexOf('/');
    if (!arn.startsWith("arn:aws:iam::") || slash < 0) {
      return null;
    }
    ManagedPolicyRecord p = policy(accountId, arn.substring(slash + 1));
    AccountRecord account = t.read(Keys.account(accountId), AccountRecord.parser());
    return p != null && account != null && IamQueries.policyArn(account, p).equals(arn) ? p : null;
  }

  private void put(byte table, String accountId, String name, MessageLite record, StoreBatch batch) {
    batch.put(Keys.iamEntity(table, accountId, name), Records.encode(record));
  }

  private ApplyResult account(String accountId, String name) {
    if (!validName(accountId) || !validName(name)) {
      return new ApplyResult.Invalid("an IAM entity needs an account and a name");
    }
    if (t.read(Keys.account(accountId), AccountRecord.parser()) == null) {
      return new ApplyResult.Failed(INVALID_INPUT, "no account " + accountId);
    }
    return null;
  }

  private static String path(String p) {
    return p.isEmpty() ? "/" : p;
  }

  private static String kindName(IamEntityKind k) {
    return switch (k) {
      case IAM_USER -> "user";
      case IAM_GROUP -> "group";
      case IAM_ROLE -> "role";
      default -> k.name().toLowerCase(Locale.ROOT);
    };
  }

  private static ApplyResult noSuch(String message) {
    return new ApplyResult.Failed(NO_SUCH_ENTITY, message);
  }

  private static ApplyResult exists(String message) {
    return new ApplyResult.Failed(ENTITY_ALREADY_EXISTS, message);
  }

  private static ApplyResult conflict(String message) {
    return new ApplyResult.Failed(DELETE_CONFLICT, message);
  }

  private static ApplyResult entity(IamEntityReply.Builder e) {
    return ok(reply().setIam(IamReply.newBuilder().setEntity(e)));
  }

  private static ApplyResult empty() {
    return ok(reply().setEmpty(EmptyReply.getDefaultInstance()));
  }
}
