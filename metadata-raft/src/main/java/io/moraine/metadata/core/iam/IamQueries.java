package io.moraine.metadata.core.iam;

import static io.moraine.metadata.core.Tables.ok;
import static io.moraine.metadata.core.Tables.reply;

import io.moraine.metadata.core.ApplyResult;
import io.moraine.metadata.core.Keys;
import io.moraine.metadata.core.Records;
import io.moraine.metadata.core.Tables;
import io.moraine.metadata.store.StateStore;
import io.moraine.proto.meta.v1.AccessKeyList;
import io.moraine.proto.meta.v1.AccessKeyRecord;
import io.moraine.proto.meta.v1.AccountConfigRecord;
import io.moraine.proto.meta.v1.AccountRecord;
import io.moraine.proto.meta.v1.AccountReply;
import io.moraine.proto.meta.v1.BucketDirRecord;
import io.moraine.proto.meta.v1.FindAccount;
import io.moraine.proto.meta.v1.GetIamEntity;
import io.moraine.proto.meta.v1.IamEntityKind;
import io.moraine.proto.meta.v1.IamEntityList;
import io.moraine.proto.meta.v1.IamEntityReply;
import io.moraine.proto.meta.v1.IamGroupRecord;
import io.moraine.proto.meta.v1.IamQuery;
import io.moraine.proto.meta.v1.IamReply;
import io.moraine.proto.meta.v1.IamRoleRecord;
import io.moraine.proto.meta.v1.IamUserRecord;
import io.moraine.proto.meta.v1.IdentityReply;
import io.moraine.proto.meta.v1.InlinePolicy;
import io.moraine.proto.meta.v1.ListIamEntities;
import io.moraine.proto.meta.v1.ManagedPolicyRecord;
import io.moraine.proto.meta.v1.MfaDeviceRecord;
import io.moraine.proto.meta.v1.ResolveIdentity;
import io.moraine.proto.meta.v1.ResolvedPolicy;
import io.moraine.proto.meta.v1.SessionRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * IAM's reads (directory group g1). {@link #resolve} is the one read authorization makes per
 * request: the signer's credential, identity and identity policies, and the bucket owner's
 * account settings, together, so a change acknowledged before the request is always seen.
 */
public final class IamQueries {
  public static final int MAX_ITEMS = 1000;

  private final Tables t;
  private final IamCommands records;

  public IamQueries(Tables t) {
    this.t = t;
    this.records = new IamCommands(t);
  }

  public ApplyResult query(IamQuery q) {
    return switch (q.getBodyCase()) {
      case RESOLVE_IDENTITY -> resolve(q.getResolveIdentity());
      case GET_ENTITY -> get(q.getGetEntity());
      case LIST_ENTITIES -> list(q.getListEntities());
      case LIST_ACCESS_KEYS -> accessKeys(q.getListAccessKeys().getAccountId(), q.getListAccessKeys().getUserName());
      case FIND_ACCOUNT -> find(q.getFindAccount());
      case GET_ACCOUNT_CONFIG -> {
        AccountConfigRecord c = t.read(Keys.accountConfig(q.getGetAccountConfig().getAccountId(),
            q.getGetAccountConfig().getKind()), AccountConfigRecord.parser());
        yield ok(reply().setIam(IamReply.newBuilder().setAccountConfig(c == null ? AccountConfigRecord.getDefaultInstance() : c)));
      }
      case BODY_NOT_SET -> new ApplyResult.Invalid("empty IAM query");
    };
  }

  /**
   * Session expiry is not decided here (a query has no trustworthy clock): the session's expiry
   * is returned and the gateway refuses an expired one.
   */
  ApplyResult resolve(ResolveIdentity q) {
    IdentityReply.Builder r = IdentityReply.newBuilder();
    if (!q.getAccessKeyId().isEmpty()) {
      AccessKeyRecord key = t.read(Keys.accessKey(q.getAccessKeyId()), AccessKeyRecord.parser());
      if (key != null) {
        AccountRecord account = account(key.getAccountId());
        r.setFound(true).setAccessKeyId(key.getAccessKeyId()).setSecretKey(key.getSecretKey())
            .setActive(!key.getInactive()).setAccount(account);
        if (key.getUserName().isEmpty()) {
          r.setPrincipalType(1);
          r.addAllMfaSerials(mfaSerials(account.getAccountId(), "root"));
        } else {
          IamUserRecord user = records.user(key.getAccountId(), key.getUserName());
          if (user == null) {
            throw new IllegalStateException("access key " + key.getAccessKeyId() + " names missing user " + key.getUserName());
          }
          r.setPrincipalType(2).setUser(user);
          userPolicies(account, user, r);
          r.addAllMfaSerials(mfaSerials(account.getAccountId(), user.getUserName()));
        }
      } else {
        SessionRecord s = t.read(Keys.session(q.getAccessKeyId()), SessionRecord.parser());
        IamRoleRecord role = s == null ? null : records.role(s.getAccountId(), s.getRoleName());
        // A session whose role was deleted (or recreated: another id) authenticates nothing.
        if (role != null && role.getRoleId().equals(s.getRoleId())) {
          AccountRecord account = account(s.getAccountId());
          r.setFound(true).setAccessKeyId(s.getAccessKeyId()).setSecretKey(s.getSecretKey()).setActive(true)
              .setAccount(account).setPrincipalType(3).setSession(s).setRole(role);
          inline(r, "role", role.getRoleName(), role.getInlinePoliciesList());
          attached(r, account, role.getAttachedPolicyArnsList());
        }
      }
    }
    if (!q.getBucket().isEmpty()) {
      BucketDirRecord dir = t.read(Keys.bucketDir(q.getBucket()), BucketDirRecord.parser());
      if (dir != null) {
        AccountRecord owner = t.read(Keys.account(dir.getOwnerAccountId()), AccountRecord.parser());
        if (owner != null) {
          r.setBucketOwner(owner);
          r.addAllBucketOwnerConfigs(accountConfigs(owner.getAccountId()));
        }
      }
    }
    return ok(reply().setIam(IamReply.newBuilder().setIdentity(r)));
  }

  private void userPolicies(AccountRecord account, IamUserRecord user, IdentityReply.Builder r) {
    inline(r, "user", user.getUserName(), user.getInlinePoliciesList());
    attached(r, account, user.getAttachedPolicyArnsList());
    for (String groupName : user.getGroupsList()) {
      IamGroupRecord g = records.group(account.getAccountId(), groupName);
      if (g != null) {
        inline(r, "group", g.getGroupName(), g.getInlinePoliciesList());
        attached(r, account, g.getAttachedPolicyArnsList());
      }
    }
  }

  private static void inline(IdentityReply.Builder r, String kind, String name, List<InlinePolicy> policies) {
    for (InlinePolicy p : policies) {
      r.addPolicies(ResolvedPolicy.newBuilder().setSource("inline:" + kind + "/" + name + "/" + p.getName())
          .setDocument(p.getDocument()));
    }
  }

  private void attached(IdentityReply.Builder r, AccountRecord account, List<String> arns) {
    for (String arn : arns) {
      ResolvedPolicy.Builder p = ResolvedPolicy.newBuilder().setSource(arn);
      ManagedPolicyRecord m = records.policyByArn(account.getAccountId(), arn);
      if (m != null) {
        m.getVersionsList().stream().filter(v -> v.getVersionId().equals(m.getDefaultVersionId())).findFirst()
            .ifPresent(v -> p.setDocument(v.getDocument()));
      }
      r.addPolicies(p);
    }
  }

  private List<String> mfaSerials(String accountId, String userName) {
    List<String> out = new ArrayList<>();
    forEach(Keys.iamEntityPrefix(Keys.MFA_DEVICE, accountId), v -> {
      MfaDeviceRecord d = Records.decode(v, MfaDeviceRecord.parser());
      if (d.getEnabled() && d.getUserName().equalsIgnoreCase(userName)) {
        out.add(d.getSerial());
      }
    });
    return out;
  }

  private List<AccountConfigRecord> accountConfigs(String accountId) {
    List<AccountConfigRecord> out = new ArrayList<>();
    forEach(Keys.accountConfigPrefix(accountId), v -> out.add(Records.decode(v, AccountConfigRecord.parser())));
    return out;
  }

  private AccountRecord account(String accountId) {
    AccountRecord a = t.read(Keys.account(accountId), AccountRecord.parser());
    if (a == null) {
      throw new IllegalStateException("IAM record names missing account " + accountId);
    }
    return a;
  }

  ApplyResult get(GetIamEntity q) {
    IamEntityReply.Builder e = IamEntityReply.newBuilder();
    switch (q.getKind()) {
      case IAM_USER -> {
        IamUserRecord u = records.user(q.getAccountId(), q.getName());
        if (u != null) {
          e.setUser(u);
        }
      }
      case IAM_GROUP -> {
        IamGroupRecord g = records.group(q.getAccountId(), q.getName());
        if (g != null) {
          e.setGroup(g).addAllMembers(members(t, q.getAccountId(), g.getGroupName()));
        }
      }
      case IAM_ROLE -> {
        IamRoleRecord r = records.role(q.getAccountId(), q.getName());
        if (r != null) {
          e.setRole(r);
        }
      }
      case IAM_POLICY -> {
        // By name, or by this account's ARN.
        ManagedPolicyRecord p = q.getName().startsWith("arn:") ? records.policyByArn(q.getAccountId(), q.getName())
            : records.policy(q.getAccountId(), q.getName());
        if (p != null) {
          e.setPolicy(p);
        }
      }
      case IAM_MFA_DEVICE -> {
        MfaDeviceRecord d = records.mfa(q.getAccountId(), q.getName());
        if (d != null) {
          e.setMfaDevice(d);
        }
      }
      default -> {
        return new ApplyResult.Invalid("no IAM entity kind " + q.getKind());
      }
    }
    return ok(reply().setIam(IamReply.newBuilder().setEntity(e)));
  }

  ApplyResult list(ListIamEntities q) {
    byte table = switch (q.getKind()) {
      case IAM_USER -> Keys.IAM_USER;
      case IAM_GROUP -> Keys.IAM_GROUP;
      case IAM_ROLE -> Keys.IAM_ROLE;
      case IAM_POLICY -> Keys.IAM_POLICY;
      case IAM_MFA_DEVICE -> Keys.MFA_DEVICE;
      default -> 0;
    };
    if (table == 0) {
      return new ApplyResult.Invalid("no IAM entity kind " + q.getKind());
    }
    int max = q.getMaxItems() <= 0 || q.getMaxItems() > MAX_ITEMS ? 100 : q.getMaxItems();
    byte[] prefix = Keys.iamEntityPrefix(table, q.getAccountId());
    byte[] from = q.getMarker().isEmpty() ? prefix
        : Keys.concat(Keys.iamEntity(table, q.getAccountId(), q.getMarker()), new byte[] {0});
    IamEntityList.Builder out = IamEntityList.newBuilder();
    String pathPrefix = q.getPathPrefix().isEmpty() ? "/" : q.getPathPrefix();
    String last = null;
    try (StateStore.Cursor cur = t.store().cursor()) {
      for (cur.seek(from); cur.valid() && Keys.startsWith(cur.key(), prefix); cur.next()) {
        IamEntityReply.Builder e = IamEntityReply.newBuilder();
        String name;
        String path;
        switch (q.getKind()) {
          case IAM_USER -> {
            IamUserRecord u = Records.decode(cur.value(), IamUserRecord.parser());
            e.setUser(u);
            name = u.getUserName();
            path = u.getPath();
          }
          case IAM_GROUP -> {
            IamGroupRecord g = Records.decode(cur.value(), IamGroupRecord.parser());
            e.setGroup(g);
            name = g.getGroupName();
            path = g.getPath();
          }
          case IAM_ROLE -> {
            IamRoleRecord r = Records.decode(cur.value(), IamRoleRecord.parser());
            e.setRole(r);
            name = r.getRoleName();
            path = r.getPath();
          }
          case IAM_POLICY -> {
            ManagedPolicyRecord p = Records.decode(cur.value(), ManagedPolicyRecord.parser());
            e.setPolicy(p);
            name = p.getPolicyName();
            path = p.getPath();
          }
          default -> {
            MfaDeviceRecord d = Records.decode(cur.value(), MfaDeviceRecord.parser());
            e.setMfaDevice(d);
            name = d.getSerial();
            path = "/";
          }
        }
        if (!path.startsWith(pathPrefix)) {
          continue;
        }
        if (out.getEntitiesCount() == max) {
          out.setTruncated(true).setMarker(last.toLowerCase(Locale.ROOT));
          break;
        }
        out.addEntities(e);
        last = name;
      }
    }
    return ok(reply().setIam(IamReply.newBuilder().setEntities(out)));
  }

  ApplyResult accessKeys(String accountId, String userName) {
    AccessKeyList.Builder out = AccessKeyList.newBuilder();
    byte[] prefix = Keys.userKeyPrefix(accountId, userName);
    try (StateStore.Cursor cur = t.store().cursor()) {
      for (cur.seek(prefix); cur.valid() && Keys.startsWith(cur.key(), prefix); cur.next()) {
        String id = new String(cur.key(), prefix.length, cur.key().length - prefix.length, java.nio.charset.StandardCharsets.UTF_8);
        AccessKeyRecord k = t.read(Keys.accessKey(id), AccessKeyRecord.parser());
        if (k != null) {
          out.addKeys(k.toBuilder().clearSecretKey());
        }
      }
    }
    return ok(reply().setIam(IamReply.newBuilder().setAccessKeys(out)));
  }

  ApplyResult find(FindAccount q) {
    String accountId = null;
    if (!q.getCanonicalId().isEmpty()) {
      accountId = q.getCanonicalId();
    } else {
      byte[] index = !q.getAwsAccountId().isEmpty() ? Keys.awsAccountId(q.getAwsAccountId())
          : !q.getEmail().isEmpty() ? Keys.email(q.getEmail())
          : !q.getName().isEmpty() ? Keys.userName(q.getName()) : null;
      AccountRecord hit = index == null ? null : t.read(index, AccountRecord.parser());
      accountId = hit == null ? null : hit.getAccountId();
    }
    AccountRecord a = accountId == null ? null : t.read(Keys.account(accountId), AccountRecord.parser());
    AccountReply.Builder r = AccountReply.newBuilder();
    if (a != null) {
      r.setAccount(a);
    }
    return ok(reply().setIam(IamReply.newBuilder().setAccount(r)));
  }

  /** The users of an account that are members of {@code groupName}, by name (a scan: groups are small). */
  static List<IamUserRecord> members(Tables t, String accountId, String groupName) {
    List<IamUserRecord> out = new ArrayList<>();
    byte[] prefix = Keys.iamEntityPrefix(Keys.IAM_USER, accountId);
    try (StateStore.Cursor cur = t.store().cursor()) {
      for (cur.seek(prefix); cur.valid() && Keys.startsWith(cur.key(), prefix); cur.next()) {
        IamUserRecord u = Records.decode(cur.value(), IamUserRecord.parser());
        if (u.getGroupsList().stream().anyMatch(g -> g.equalsIgnoreCase(groupName))) {
          out.add(u);
        }
      }
    }
    return out;
  }

  /** arn:aws:iam::AWS_ACCOUNT_ID:policy/PATH/NAME (the path keeps its slashes). */
  public static String policyArn(AccountRecord account, ManagedPolicyRecord p) {
    return "arn:aws:iam::" + account.getAwsAccountId() + ":policy" + p.getPath() + p.getPolicyName();
  }

  private void forEach(byte[] prefix, java.util.function.Consumer<byte[]> value) {
    try (StateStore.Cursor cur = t.store().cursor()) {
      for (cur.seek(prefix); cur.valid() && Keys.startsWith(cur.key(), prefix); cur.next()) {
        value.accept(cur.value());
      }
    }
  }
}
