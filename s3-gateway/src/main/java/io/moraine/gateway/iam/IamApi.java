package io.moraine.gateway.iam;

import com.google.protobuf.ByteString;
import io.moraine.gateway.Ids;
import io.moraine.gateway.access.Access;
import io.moraine.gateway.access.policy.MalformedPolicyException;
import io.moraine.gateway.access.policy.ManagedPolicies;
import io.moraine.gateway.access.policy.PolicyParser;
import io.moraine.gateway.auth.Identity;
import io.moraine.gateway.error.S3Error;
import io.moraine.gateway.http.S3Request;
import io.moraine.gateway.http.S3Response;
import io.moraine.gateway.http.ServiceApi;
import io.moraine.gateway.xml.XmlWriter;
import io.moraine.metadata.api.MetadataClient;
import io.moraine.proto.meta.v1.AccessKeyRecord;
import io.moraine.proto.meta.v1.AttachPolicy;
import io.moraine.proto.meta.v1.CreateAccessKey;
import io.moraine.proto.meta.v1.CreateIamGroup;
import io.moraine.proto.meta.v1.CreateIamRole;
import io.moraine.proto.meta.v1.CreateIamUser;
import io.moraine.proto.meta.v1.CreateManagedPolicy;
import io.moraine.proto.meta.v1.CreateMfaDevice;
import io.moraine.proto.meta.v1.CreatePolicyVersion;
import io.moraine.proto.meta.v1.DeactivateMfaDevice;
import io.moraine.proto.meta.v1.DeleteAccessKey;
import io.moraine.proto.meta.v1.DeleteIamEntity;
import io.moraine.proto.meta.v1.DeleteInlinePolicy;
import io.moraine.proto.meta.v1.EnableMfaDevice;
import io.moraine.proto.meta.v1.GetIamEntity;
import io.moraine.proto.meta.v1.GroupMembership;
import io.moraine.proto.meta.v1.IamCommand;
import io.moraine.proto.meta.v1.IamEntityKind;
import io.moraine.proto.meta.v1.IamEntityReply;
import io.moraine.proto.meta.v1.IamGroupRecord;
import io.moraine.proto.meta.v1.IamQuery;
import io.moraine.proto.meta.v1.IamReply;
import io.moraine.proto.meta.v1.IamRoleRecord;
import io.moraine.proto.meta.v1.IamUserRecord;
import io.moraine.proto.meta.v1.InlinePolicy;
import io.moraine.proto.meta.v1.ListAccessKeys;
import io.moraine.proto.meta.v1.ListIamEntities;
import io.moraine.proto.meta.v1.ManagedPolicyRecord;
import io.moraine.proto.meta.v1.MfaDeviceRecord;
import io.moraine.proto.meta.v1.PolicyVersionRecord;
import io.moraine.proto.meta.v1.PutInlinePolicy;
import io.moraine.proto.meta.v1.UpdateAccessKey;
import io.moraine.proto.meta.v1.UpdateTrustPolicy;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The IAM query API (SigV4 service {@code iam}, region {@code us-east-1}) on the gateway's
 * listener: users, access keys, groups, inline and managed policies, roles, virtual MFA devices,
 * each in the caller's own account. Callers are authorized by their identity policies for the
 * {@code iam:} action on the entity's ARN (an account root may do everything in its account).
 * Policy documents are validated by the one policy engine before they are stored.
 */
public final class IamApi implements ServiceApi {
  static final String NS = "https://iam.amazonaws.com/doc/2010-05-08/";
  /** MFA codes are accepted this many 30-second steps either side of now. */
  private static final int MFA_WINDOW = 2;

  private final MetadataClient metadata;
  private final Access access;
  private final Ids ids;
  private final InstantSource clock;

  public IamApi(MetadataClient metadata, Access access, Ids ids, InstantSource clock) {
    this.metadata = metadata;
    this.access = access;
    this.ids = ids;
    this.clock = clock;
  }

  @Override
  public String service() {
    return "iam";
  }

  @Override
  public String signingRegion() {
    return "us-east-1";
  }

  @Override
  public void error(S3Response out, S3Error error, String requestId) throws IOException {
    QueryApi.error(out, NS, QueryApi.fromS3(error), requestId);
  }

  @Override
  public void handle(S3Request r, S3Response out) throws IOException {
    QueryApi.run(out, NS, r.requestId(), () -> {
      Map<String, String> p = QueryApi.params(r);
      String action = QueryApi.required(p, "Action");
      Call c = new Call(r, out, p, action, r.principal().identity());
      switch (action) {
        case "CreateUser" -> c.createUser();
        case "GetUser" -> c.getUser();
        case "ListUsers" -> c.listUsers();
        case "DeleteUser" -> c.delete(IamEntityKind.IAM_USER, "UserName", "user");
        case "CreateAccessKey" -> c.createAccessKey();
        case "ListAccessKeys" -> c.listAccessKeys();
        case "UpdateAccessKey" -> c.updateAccessKey();
        case "DeleteAccessKey" -> c.deleteAccessKey();
        case "CreateGroup" -> c.createGroup();
        case "GetGroup" -> c.getGroup();
        case "ListGroups" -> c.listGroups();
        case "DeleteGroup" -> c.delete(IamEntityKind.IAM_GROUP, "GroupName", "group");
        case "AddUserToGroup" -> c.membership(true);
        case "RemoveUserFromGroup" -> c.membership(false);
        case "ListGroupsForUser" -> c.listGroupsForUser();
        case "PutUserPolicy" -> c.putInline(IamEntityKind.IAM_USER, "UserName", "user");
        case "PutGroupPolicy" -> c.putInline(IamEntityKind.IAM_GROUP, "GroupName", "group");
        case "PutRolePolicy" -> c.putInline(IamEntityKind.IAM_ROLE, "RoleName", "role");
        case "GetUserPolicy" -> c.getInline(IamEntityKind.IAM_USER, "UserName", "user");
        case "GetGroupPolicy" -> c.getInline(IamEntityKind.IAM_GROUP, "GroupName", "group");
        case "GetRolePolicy" -> c.getInline(IamEntityKind.IAM_ROLE, "RoleName", "role");
        case "ListUserPolicies" -> c.listInline(IamEntityKind.IAM_USER, "UserName", "user");
        case "ListGroupPolicies" -> c.listInline(IamEntityKind.IAM_GROUP, "GroupName", "group");
        case "ListRolePolicies" -> c.listInline(IamEntityKind.IAM_ROLE, "RoleName", "role");
        case "DeleteUserPolicy" -> c.deleteInline(IamEntityKind.IAM_USER, "UserName", "user");
        case "DeleteGroupPolicy" -> c.deleteInline(IamEntityKind.IAM_GROUP, "GroupName", "group");
        case "DeleteRolePolicy" -> c.deleteInline(IamEntityKind.IAM_ROLE, "RoleName", "role");
        case "CreatePolicy" -> c.createPolicy();
        case "GetPolicy" -> c.getPolicy();
        case "DeletePolicy" -> c.deletePolicy();
        case "ListPolicies" -> c.listPolicies();
        case "CreatePolicyVersion" -> c.createPolicyVersion();
        case "GetPolicyVersion" -> c.getPolicyVersion();
        case "ListPolicyVersions" -> c.listPolicyVersions();
        case "AttachUserPolicy" -> c.attach(IamEntityKind.IAM_USER, "UserName", "user", false);
        case "AttachGroupPolicy" -> c.attach(IamEntityKind.IAM_GROUP, "GroupName", "group", false);
        case "AttachRolePolicy" -> c.attach(IamEntityKind.IAM_ROLE, "RoleName", "role", false);
        case "DetachUserPolicy" -> c.attach(IamEntityKind.IAM_USER, "UserName", "user", true);
        case "DetachGroupPolicy" -> c.attach(IamEntityKind.IAM_GROUP, "GroupName", "group", true);
        case "DetachRolePolicy" -> c.attach(IamEntityKind.IAM_ROLE, "RoleName", "role", true);
        case "ListAttachedUserPolicies" -> c.listAttached(IamEntityKind.IAM_USER, "UserName", "user");
        case "ListAttachedGroupPolicies" -> c.listAttached(IamEntityKind.IAM_GROUP, "GroupName", "group");
        case "ListAttachedRolePolicies" -> c.listAttached(IamEntityKind.IAM_ROLE, "RoleName", "role");
        case "CreateRole" -> c.createRole();
        case "GetRole" -> c.getRole();
        case "ListRoles" -> c.listRoles();
        case "DeleteRole" -> c.delete(IamEntityKind.IAM_ROLE, "RoleName", "role");
        case "UpdateAssumeRolePolicy" -> c.updateTrust();
        case "CreateVirtualMFADevice" -> c.createMfa();
        case "EnableMFADevice" -> c.enableMfa();
        case "DeactivateMFADevice" -> c.deactivateMfa();
        case "ListMFADevices" -> c.listMfa();
        case "GetAccessKeyLastUsed" -> c.keyLastUsed();
        default -> throw new IamException("InvalidAction", 400, "Could not find operation " + action + " for version "
            + p.getOrDefault("Version", "2010-05-08"));
      }
    });
  }

  /** One request: its parameters, its caller, and the operations on the caller's account. */
  private final class Call {
    final S3Request r;
    final S3Response out;
    final Map<String, String> p;
    final String action;
    final Identity id;
    final String account;

    Call(S3Request r, S3Response out, Map<String, String> p, String action, Identity id) {
      this.r = r;
      this.out = out;
      this.p = p;
      this.action = action;
      this.id = id;
      this.account = id.accountId();
    }

    String arn(String type, String path, String name) {
      return "arn:aws:iam::" + id.awsAccountId() + ":" + type + (path == null || path.isEmpty() ? "/" : path) + name;
    }

    /** iam:ACTION on {@code resource}, by the caller's identity policies. */
    void authorize(String resource) {
      if (!access.identityAllows(r, "iam:" + action, resource)) {
        throw IamException.accessDenied("User: " + id.caller().arn() + " is not authorized to perform: iam:" + action
            + " on resource: " + resource);
      }
    }

    IamReply command(IamCommand c) {
      return metadata.iam(c);
    }

    IamEntityReply entity(IamEntityKind kind, String name) {
      return metadata.iamQuery(IamQuery.newBuilder().setGetEntity(GetIamEntity.newBuilder().setAccountId(account)
          .setKind(kind).setName(name)).build()).getEntity();
    }

    List<IamEntityReply> list(IamEntityKind kind) {
      return metadata.iamQuery(IamQuery.newBuilder().setListEntities(ListIamEntities.newBuilder().setAccountId(account)
          .setKind(kind).setPathPrefix(p.getOrDefault("PathPrefix", "")).setMaxItems(1000)).build())
          .getEntities().getEntitiesList();
    }

    void reply(Consumer<XmlWriter> result) throws IOException {
      QueryApi.reply(out, NS, action, r.requestId(), result);
    }

    String name(String param) {
      return QueryApi.required(p, param);
    }

    /** The user a key or MFA operation names; absent: the caller itself (its user, or the root). */
    String userOrCaller() {
      return QueryApi.optional(p, "UserName").orElse(id.userName() == null ? "" : id.userName());
    }

    String document(String param, PolicyParser.Kind kind) {
      String doc = name(param);
      try {
        PolicyParser.parse(doc, kind, null);
      } catch (MalformedPolicyException e) {
        throw IamException.malformedPolicy(e.getMessage());
      }
      return doc;
    }

    // ---- users --------------------------------------------------------------------------------

    void createUser() throws IOException {
      String name = name("UserName");
      String path = p.getOrDefault("Path", "/");
      authorize(arn("user", path, name));
      IamUserRecord u = command(IamCommand.newBuilder().setCreateUser(CreateIamUser.newBuilder().setAccountId(account)
          .setUserName(name).setPath(path).setUserId(ids.iamId("AIDA"))).build()).getEntity().getUser();
      reply(w -> user(w.start("User"), u).end("User"));
    }

    void getUser() throws IOException {
      Optional<String> name = QueryApi.optional(p, "UserName");
      if (name.isEmpty() && id.userName() == null) {
        authorize(id.caller().arn());
        reply(w -> w.start("User").element("UserId", id.awsAccountId()).element("Arn", id.caller().arn())
            .element("CreateDate", QueryApi.iso(id.reply().getAccount().getCreatedMillis())).end("User"));
        return;
      }
      IamUserRecord u = existingUser(name.orElse(id.userName()));
      authorize(arn("user", u.getPath(), u.getUserName()));
      reply(w -> user(w.start("User"), u).end("User"));
    }

    IamUserRecord existingUser(String name) {
      IamEntityReply e = entity(IamEntityKind.IAM_USER, name);
      if (!e.hasUser()) {
        throw IamException.noSuchEntity("The user with name " + name + " cannot be found.");
      }
      return e.getUser();
    }

    void listUsers() throws IOException {
      authorize(arn("user", "/", "*"));
      List<IamEntityReply> users = list(IamEntityKind.IAM_USER);
      reply(w -> {
        w.start("Users");
        users.forEach(e -> user(w.start("member"), e.getUser()).end("member"));
        w.end("Users").element("IsTruncated", false);
      });
    }

    XmlWriter user(XmlWriter w, IamUserRecord u) {
      return w.element("Path", u.getPath().isEmpty() ? "/" : u.getPath()).element("UserName", u.getUserName())
          .element("UserId", u.getUserId()).element("Arn", arn("user", u.getPath(), u.getUserName()))
          .element("CreateDate", QueryApi.iso(u.getCreatedMillis()));
    }

    void delete(IamEntityKind kind, String param, String type) throws IOException {
      String name = name(param);
      authorize(existingArn(type, name));
      command(IamCommand.newBuilder().setDeleteEntity(DeleteIamEntity.newBuilder().setAccountId(account).setKind(kind)
          .setName(name)).build());
      reply(null);
    }

    // ---- access keys --------------------------------------------------------------------------

    String userArn(String user) {
      return user.isEmpty() ? "arn:aws:iam::" + id.awsAccountId() + ":root" : existingArn("user", user);
    }

    /**
     * The ARN of an existing user, group or role with its path (arn:aws:iam::ACCOUNT:user/PATH/NAME),
     * so policies scoped to a path apply to every operation on it; "/" when it does not exist (the
     * operation then answers NoSuchEntity) or the caller is the root (who needs no check).
     */
    String existingArn(String type, String name) {
      if (id.root()) {
        return arn(type, "/", name);
      }
      IamEntityReply e = entity(switch (type) {
        case "user" -> IamEntityKind.IAM_USER;
        case "group" -> IamEntityKind.IAM_GROUP;
        default -> IamEntityKind.IAM_ROLE;
      }, name);
      String path = e.hasUser() ? e.getUser().getPath() : e.hasGroup() ? e.getGroup().getPath()
          : e.hasRole() ? e.getRole().getPath() : "/";
      return arn(type, path, name);
    }

    void createAccessKey() throws IOException {
      String user = userOrCaller();
      authorize(userArn(user));
      String ak = ids.accessKeyId("AKIA");
      String sk = ids.secretKey();
      command(IamCommand.newBuilder().setCreateAccessKey(CreateAccessKey.newBuilder().setAccountId(account)
          .setUserName(user).setAccessKeyId(ak).setSecretKey(sk)).build());
      long now = clock.millis();
      reply(w -> w.start("AccessKey").element("UserName", user.isEmpty() ? null : user).element("AccessKeyId", ak)
          .element("Status", "Active").element("SecretAccessKey", sk).element("CreateDate", QueryApi.iso(now))
          .end("AccessKey"));
    }

    List<AccessKeyRecord> keys(String user) {
      return metadata.iamQuery(IamQuery.newBuilder().setListAccessKeys(ListAccessKeys.newBuilder().setAccountId(account)
          .setUserName(user)).build()).getAccessKeys().getKeysList();
    }

    void listAccessKeys() throws IOException {
      String user = userOrCaller();
      authorize(userArn(user));
      List<AccessKeyRecord> keys = keys(user);
      reply(w -> {
        w.start("AccessKeyMetadata");
        for (AccessKeyRecord k : keys) {
          w.start("member").element("UserName", k.getUserName().isEmpty() ? null : k.getUserName())
              .element("AccessKeyId", k.getAccessKeyId()).element("Status", k.getInactive() ? "Inactive" : "Active")
              .element("CreateDate", QueryApi.iso(k.getCreatedMillis())).end("member");
        }
        w.end("AccessKeyMetadata").element("IsTruncated", false);
      });
    }

    void updateAccessKey() throws IOException {
      String user = userOrCaller();
      authorize(userArn(user));
      String status = name("Status");
      if (!status.equals("Active") && !status.equals("Inactive")) {
        throw IamException.validation("1 validation error detected: Value '" + status
            + "' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Active, Inactive]");
      }
      command(IamCommand.newBuilder().setUpdateAccessKey(UpdateAccessKey.newBuilder().setAccountId(account)
          .setUserName(user).setAccessKeyId(name("AccessKeyId")).setActive(status.equals("Active"))).build());
      reply(null);
    }

    void deleteAccessKey() throws IOException {
      String user = userOrCaller();
      authorize(userArn(user));
      command(IamCommand.newBuilder().setDeleteAccessKey(DeleteAccessKey.newBuilder().setAccountId(account)
          .setUserName(user).setAccessKeyId(name("AccessKeyId"))).build());
      reply(null);
    }

    void keyLastUsed() throws IOException {
      String ak = name("AccessKeyId");
      for (IamEntityReply u : list(IamEntityKind.IAM_USER)) {
        for (AccessKeyRecord k : keys(u.getUser().getUserName())) {
          if (k.getAccessKeyId().equals(ak)) {
            authorize(userArn(k.getUserName()));
            reply(w -> lastUsed(w.element("UserName", k.getUserName()), k));
            return;
          }
        }
      }
      for (AccessKeyRecord k : keys("")) {
        if (k.getAccessKeyId().equals(ak)) {
          authorize(userArn(""));
          reply(w -> lastUsed(w, k));
          return;
        }
      }
      throw IamException.accessDenied("The access key " + ak + " is not in this account");
    }

    void lastUsed(XmlWriter w, AccessKeyRecord k) {
      w.start("AccessKeyLastUsed");
      if (k.getLastUsedMillis() > 0) {
        w.element("LastUsedDate", QueryApi.iso(k.getLastUsedMillis())).element("ServiceName", k.getLastUsedService())
            .element("Region", "us-east-1");
      } else {
        w.element("ServiceName", "N/A").element("Region", "N/A");
      }
      w.end("AccessKeyLastUsed");
    }

    // ---- groups ----------------------------------------------------------------------------------

    void createGroup() throws IOException {
      String name = name("GroupName");
      String path = p.getOrDefault("Path", "/");
      authorize(arn("group", path, name));
      IamGroupRecord g = command(IamCommand.newBuilder().setCreateGroup(CreateIamGroup.newBuilder().setAccountId(account)
          .setGroupName(name).setPath(path).setGroupId(ids.iamId("AGPA"))).build()).getEntity().getGroup();
      reply(w -> group(w.start("Group"), g).end("Group"));
    }

    XmlWriter group(XmlWriter w, IamGroupRecord g) {
      return w.element("Path", g.getPath().isEmpty() ? "/" : g.getPath()).element("GroupName", g.getGroupName())
          .element("GroupId", g.getGroupId()).element("Arn", arn("group", g.getPath(), g.getGroupName()))
          .element("CreateDate", QueryApi.iso(g.getCreatedMillis()));
    }

    IamEntityReply existingGroup(String name) {
      IamEntityReply e = entity(IamEntityKind.IAM_GROUP, name);
      if (!e.hasGroup()) {
        throw IamException.noSuchEntity("The group with name " + name + " cannot be found.");
      }
      return e;
    }

    void getGroup() throws IOException {
      IamEntityReply e = existingGroup(name("GroupName"));
      authorize(arn("group", e.getGroup().getPath(), e.getGroup().getGroupName()));
      reply(w -> {
        group(w.start("Group"), e.getGroup()).end("Group").start("Users");
        e.getMembersList().forEach(u -> user(w.start("member"), u).end("member"));
        w.end("Users").element("IsTruncated", false);
      });
    }

    void listGroups() throws IOException {
      authorize(arn("group", "/", "*"));
      List<IamEntityReply> groups = list(IamEntityKind.IAM_GROUP);
      reply(w -> {
        w.start("Groups");
        groups.forEach(e -> group(w.start("member"), e.getGroup()).end("member"));
        w.end("Groups").element("IsTruncated", false);
      });
    }

    void membership(boolean add) throws IOException {
      String group = name("GroupName");
      authorize(existingArn("group", group));
      command(IamCommand.newBuilder().setGroupMembership(GroupMembership.newBuilder().setAccountId(account)
          .setGroupName(group).setUserName(name("UserName")).setAdd(add)).build());
      reply(null);
    }

    void listGroupsForUser() throws IOException {
      IamUserRecord u = existingUser(name("UserName"));
      authorize(arn("user", u.getPath(), u.getUserName()));
      List<IamGroupRecord> groups = u.getGroupsList().stream().map(g -> entity(IamEntityKind.IAM_GROUP, g))
          .filter(IamEntityReply::hasGroup).map(IamEntityReply::getGroup).toList();
      reply(w -> {
        w.start("Groups");
        groups.forEach(g -> group(w.start("member"), g).end("member"));
        w.end("Groups").element("IsTruncated", false);
      });
    }

    // ---- inline policies -------------------------------------------------------------------------

    List<InlinePolicy> inlineOf(IamEntityKind kind, String name, String type) {
      IamEntityReply e = entity(kind, name);
      return switch (kind) {
        case IAM_USER -> e.hasUser() ? e.getUser().getInlinePoliciesList() : null;
        case IAM_GROUP -> e.hasGroup() ? e.getGroup().getInlinePoliciesList() : null;
        default -> e.hasRole() ? e.getRole().getInlinePoliciesList() : null;
      };
    }

    List<InlinePolicy> existingInline(IamEntityKind kind, String name, String type) {
      List<InlinePolicy> l = inlineOf(kind, name, type);
      if (l == null) {
        throw IamException.noSuchEntity("The " + type + " with name " + name + " cannot be found.");
      }
      return l;
    }

    void putInline(IamEntityKind kind, String param, String type) throws IOException {
      String name = name(param);
      authorize(existingArn(type, name));
      String doc = document("PolicyDocument", PolicyParser.Kind.IDENTITY);
      command(IamCommand.newBuilder().setPutInlinePolicy(PutInlinePolicy.newBuilder().setAccountId(account).setKind(kind)
          .setName(name).setPolicyName(name("PolicyName")).setDocument(doc)).build());
      reply(null);
    }

    void getInline(IamEntityKind kind, String param, String type) throws IOException {
      String name = name(param);
      authorize(existingArn(type, name));
      String policy = name("PolicyName");
      InlinePolicy found = existingInline(kind, name, type).stream().filter(i -> i.getName().equalsIgnoreCase(policy))
          .findFirst().orElseThrow(() -> IamException.noSuchEntity("The " + type + " policy with name " + policy
              + " cannot be found."));
      reply(w -> w.element(param, name).element("PolicyName", found.getName())
          .element("PolicyDocument", urlEncode(found.getDocument())));
    }

    void listInline(IamEntityKind kind, String param, String type) throws IOException {
      String name = name(param);
      authorize(existingArn(type, name));
      List<InlinePolicy> l = existingInline(kind, name, type);
      reply(w -> {
        w.start("PolicyNames");
        l.forEach(i -> w.element("member", i.getName()));
        w.end("PolicyNames").element("IsTruncated", false);
      });
    }

    void deleteInline(IamEntityKind kind, String param, String type) throws IOException {
      String name = name(param);
      authorize(existingArn(type, name));
      command(IamCommand.newBuilder().setDeleteInlinePolicy(DeleteInlinePolicy.newBuilder().setAccountId(account)
          .setKind(kind).setName(name).setPolicyName(name("PolicyName"))).build());
      reply(null);
    }

    // ---- managed policies ------------------------------------------------------------------------

    XmlWriter policy(XmlWriter w, ManagedPolicyRecord m) {
      w.element("PolicyName", m.getPolicyName()).element("PolicyId", m.getPolicyId())
          .element("Arn", arn("policy", m.getPath(), m.getPolicyName())).element("Path", m.getPath().isEmpty() ? "/" : m.getPath())
          .element("DefaultVersionId", m.getDefaultVersionId()).element("AttachmentCount", m.getAttachmentCount())
          .element("IsAttachable", true);
      if (!m.getDescription().isEmpty()) {
        w.element("Description", m.getDescription());
      }
      return w.element("CreateDate", QueryApi.iso(m.getCreatedMillis())).element("UpdateDate", QueryApi.iso(m.getUpdatedMillis()));
    }

    void createPolicy() throws IOException {
      String name = name("PolicyName");
      String path = p.getOrDefault("Path", "/");
      authorize(arn("policy", path, name));
      String doc = document("PolicyDocument", PolicyParser.Kind.IDENTITY);
      ManagedPolicyRecord m = command(IamCommand.newBuilder().setCreatePolicy(CreateManagedPolicy.newBuilder()
          .setAccountId(account).setPolicyName(name).setPath(path).setPolicyId(ids.iamId("ANPA")).setDocument(doc)
          .setDescription(p.getOrDefault("Description", ""))).build()).getEntity().getPolicy();
      reply(w -> policy(w.start("Policy"), m).end("Policy"));
    }

    ManagedPolicyRecord existingPolicy(String policyArn) {
      IamEntityReply e = entity(IamEntityKind.IAM_POLICY, policyArn);
      if (!e.hasPolicy()) {
        throw IamException.noSuchEntity("Policy " + policyArn + " does not exist or is not attachable.");
      }
      return e.getPolicy();
    }

    void getPolicy() throws IOException {
      String policyArn = name("PolicyArn");
      authorize(policyArn);
      ManagedPolicyRecord m = existingPolicy(policyArn);
      reply(w -> policy(w.start("Policy"), m).end("Policy"));
    }

    void deletePolicy() throws IOException {
      String policyArn = name("PolicyArn");
      authorize(policyArn);
      ManagedPolicyRecord m = existingPolicy(policyArn);
      command(IamCommand.newBuilder().setDeleteEntity(DeleteIamEntity.newBuilder().setAccountId(account)
          .setKind(IamEntityKind.IAM_POLICY).setName(m.getPolicyName())).build());
      reply(null);
    }

    void listPolicies() throws IOException {
      authorize(arn("policy", "/", "*"));
      List<IamEntityReply> policies = list(IamEntityKind.IAM_POLICY);
      reply(w -> {
        w.start("Policies");
        policies.forEach(e -> policy(w.start("member"), e.getPolicy()).end("member"));
        w.end("Policies").element("IsTruncated", false);
      });
    }

    void createPolicyVersion() throws IOException {
      String policyArn = name("PolicyArn");
      authorize(policyArn);
      ManagedPolicyRecord m = existingPolicy(policyArn);
      String doc = document("PolicyDocument", PolicyParser.Kind.IDENTITY);
      ManagedPolicyRecord updated = command(IamCommand.newBuilder().setCreatePolicyVersion(CreatePolicyVersion.newBuilder()
          .setAccountId(account).setPolicyName(m.getPolicyName()).setDocument(doc)
          .setSetAsDefault(Boolean.parseBoolean(p.getOrDefault("SetAsDefault", "false")))).build()).getEntity().getPolicy();
      PolicyVersionRecord v = updated.getVersions(updated.getVersionsCount() - 1);
      reply(w -> version(w.start("PolicyVersion"), updated, v, false).end("PolicyVersion"));
    }

    XmlWriter version(XmlWriter w, ManagedPolicyRecord m, PolicyVersionRecord v, boolean withDocument) {
      if (withDocument) {
        w.element("Document", urlEncode(v.getDocument()));
      }
      return w.element("VersionId", v.getVersionId()).element("IsDefaultVersion", v.getVersionId().equals(m.getDefaultVersionId()))
          .element("CreateDate", QueryApi.iso(v.getCreatedMillis()));
    }

    void getPolicyVersion() throws IOException {
      String policyArn = name("PolicyArn");
      authorize(policyArn);
      ManagedPolicyRecord m = existingPolicy(policyArn);
      String vid = name("VersionId");
      PolicyVersionRecord v = m.getVersionsList().stream().filter(x -> x.getVersionId().equals(vid)).findFirst()
          .orElseThrow(() -> IamException.noSuchEntity("Policy " + policyArn + " version " + vid + " does not exist."));
      reply(w -> version(w.start("PolicyVersion"), m, v, true).end("PolicyVersion"));
    }

    void listPolicyVersions() throws IOException {
      String policyArn = name("PolicyArn");
      authorize(policyArn);
      ManagedPolicyRecord m = existingPolicy(policyArn);
      reply(w -> {
        w.start("Versions");
        m.getVersionsList().forEach(v -> version(w.start("member"), m, v, false).end("member"));
        w.end("Versions").element("IsTruncated", false);
      });
    }

    void attach(IamEntityKind kind, String param, String type, boolean detach) throws IOException {
      String name = name(param);
      authorize(existingArn(type, name));
      String policyArn = name("PolicyArn");
      if (!policyArn.startsWith(ManagedPolicies.PREFIX)) {
        existingPolicy(policyArn);
      } else if (!detach && ManagedPolicies.document(policyArn).isEmpty()) {
        throw IamException.noSuchEntity("Policy " + policyArn + " does not exist or is not attachable.");
      }
      command(IamCommand.newBuilder().setAttachPolicy(AttachPolicy.newBuilder().setAccountId(account).setKind(kind)
          .setName(name).setPolicyArn(policyArn).setDetach(detach)).build());
      reply(null);
    }

    void listAttached(IamEntityKind kind, String param, String type) throws IOException {
      String name = name(param);
      authorize(existingArn(type, name));
      IamEntityReply e = entity(kind, name);
      List<String> arns = switch (kind) {
        case IAM_USER -> e.hasUser() ? e.getUser().getAttachedPolicyArnsList() : null;
        case IAM_GROUP -> e.hasGroup() ? e.getGroup().getAttachedPolicyArnsList() : null;
        default -> e.hasRole() ? e.getRole().getAttachedPolicyArnsList() : null;
      };
      if (arns == null) {
        throw IamException.noSuchEntity("The " + type + " with name " + name + " cannot be found.");
      }
      reply(w -> {
        w.start("AttachedPolicies");
        arns.forEach(a -> w.start("member").element("PolicyName", a.substring(a.lastIndexOf('/') + 1))
            .element("PolicyArn", a).end("member"));
        w.end("AttachedPolicies").element("IsTruncated", false);
      });
    }

    // ---- roles --------------------------------------------------------------------------------

    XmlWriter role(XmlWriter w, IamRoleRecord role) {
      w.element("Path", role.getPath().isEmpty() ? "/" : role.getPath()).element("RoleName", role.getRoleName())
          .element("RoleId", role.getRoleId()).element("Arn", arn("role", role.getPath(), role.getRoleName()))
          .element("CreateDate", QueryApi.iso(role.getCreatedMillis()))
          .element("AssumeRolePolicyDocument", urlEncode(role.getTrustPolicy()))
          .element("MaxSessionDuration", role.getMaxSessionSeconds() == 0 ? 3600 : role.getMaxSessionSeconds());
      if (!role.getDescription().isEmpty()) {
        w.element("Description", role.getDescription());
      }
      return w;
    }

    void createRole() throws IOException {
      String name = name("RoleName");
      String path = p.getOrDefault("Path", "/");
      authorize(arn("role", path, name));
      String trust = document("AssumeRolePolicyDocument", PolicyParser.Kind.TRUST);
      int max = Integer.parseInt(p.getOrDefault("MaxSessionDuration", "3600"));
      if (max < 3600 || max > 43200) {
        throw IamException.validation("1 validation error detected: Value '" + max
            + "' at 'maxSessionDuration' failed to satisfy constraint: Member must have value between 3600 and 43200");
      }
      IamRoleRecord role = command(IamCommand.newBuilder().setCreateRole(CreateIamRole.newBuilder().setAccountId(account)
          .setRoleName(name).setPath(path).setRoleId(ids.iamId("AROA")).setTrustPolicy(trust).setMaxSessionSeconds(max)
          .setDescription(p.getOrDefault("Description", ""))).build()).getEntity().getRole();
      reply(w -> role(w.start("Role"), role).end("Role"));
    }

    void getRole() throws IOException {
      String name = name("RoleName");
      IamEntityReply e = entity(IamEntityKind.IAM_ROLE, name);
      if (!e.hasRole()) {
        throw IamException.noSuchEntity("The role with name " + name + " cannot be found.");
      }
      authorize(arn("role", e.getRole().getPath(), e.getRole().getRoleName()));
      reply(w -> role(w.start("Role"), e.getRole()).end("Role"));
    }

    void listRoles() throws IOException {
      authorize(arn("role", "/", "*"));
      List<IamEntityReply> roles = list(IamEntityKind.IAM_ROLE);
      reply(w -> {
        w.start("Roles");
        roles.forEach(e -> role(w.start("member"), e.getRole()).end("member"));
        w.end("Roles").element("IsTruncated", false);
      });
    }

    void updateTrust() throws IOException {
      String name = name("RoleName");
      authorize(existingArn("role", name));
      command(IamCommand.newBuilder().setUpdateTrustPolicy(UpdateTrustPolicy.newBuilder().setAccountId(account)
          .setRoleName(name).setTrustPolicy(document("PolicyDocument", PolicyParser.Kind.TRUST))).build());
      reply(null);
    }

    // ---- virtual MFA devices --------------------------------------------------------------------

    void createMfa() throws IOException {
      String name = name("VirtualMFADeviceName");
      String path = p.getOrDefault("Path", "/");
      String serial = arn("mfa", path, name);
      authorize(serial);
      byte[] seed = ids.mfaSeed();
      command(IamCommand.newBuilder().setCreateMfaDevice(CreateMfaDevice.newBuilder().setAccountId(account)
          .setSerial(serial).setSeed(ByteString.copyFrom(seed))).build());
      String base32 = Totp.base32(seed);
      // IAM's QR code holds otpauth://totp/NAME@ACCOUNT?secret=SEED (CreateVirtualMFADevice API reference).
      String uri = "otpauth://totp/" + urlEncode(name + "@" + id.accountName()) + "?secret=" + base32;
      reply(w -> w.start("VirtualMFADevice").element("SerialNumber", serial)
          .element("Base32StringSeed", java.util.Base64.getEncoder().encodeToString(base32.getBytes(StandardCharsets.US_ASCII)))
          .element("QRCodePNG", java.util.Base64.getEncoder().encodeToString(QrCode.png(uri)))
          .end("VirtualMFADevice"));
    }

    /**
     * A device bound to {@code root} is the account root's, the one MFA delete accepts: only the
     * root itself may bind or unbind it (an IAM user with iam:EnableMFADevice must not be able to
     * mint the root's device and so get past MFA delete). The aws cli needs a user name, so
     * {@code --user-name root} from the root means the root.
     */
    void rootDeviceOnlyByRoot(String user) {
      if ((user.isEmpty() || user.equalsIgnoreCase("root")) && !id.root()) {
        throw IamException.accessDenied("User: " + id.caller().arn() + " is not authorized to perform: iam:" + action
            + " on resource: arn:aws:iam::" + id.awsAccountId() + ":root");
      }
    }

    void enableMfa() throws IOException {
      String user = userOrCaller();
      rootDeviceOnlyByRoot(user);
      authorize(userArn(user));
      String serial = name("SerialNumber");
      IamEntityReply e = entity(IamEntityKind.IAM_MFA_DEVICE, serial);
      if (!e.hasMfaDevice()) {
        throw IamException.noSuchEntity("MFA Device " + serial + " cannot be found.");
      }
      byte[] seed = e.getMfaDevice().getSeed().toByteArray();
      long first = Totp.match(seed, name("AuthenticationCode1"), clock.millis(), MFA_WINDOW + 8);
      if (first < 0 || !Totp.code(seed, first + 1).equals(name("AuthenticationCode2"))) {
        throw new IamException("InvalidAuthenticationCode", 403, "Authentication code for device is not valid.");
      }
      command(IamCommand.newBuilder().setEnableMfaDevice(EnableMfaDevice.newBuilder().setAccountId(account)
          .setSerial(serial).setUserName(user.isEmpty() ? "root" : user).setLastStep(first + 1)).build());
      reply(null);
    }

    void deactivateMfa() throws IOException {
      String user = userOrCaller();
      rootDeviceOnlyByRoot(user);
      authorize(userArn(user));
      command(IamCommand.newBuilder().setDeactivateMfaDevice(DeactivateMfaDevice.newBuilder().setAccountId(account)
          .setSerial(name("SerialNumber")).setUserName(user.isEmpty() ? "root" : user)).build());
      reply(null);
    }

    void listMfa() throws IOException {
      String user = userOrCaller();
      authorize(userArn(user));
      String who = user.isEmpty() ? "root" : user;
      List<MfaDeviceRecord> devices = list(IamEntityKind.IAM_MFA_DEVICE).stream().map(IamEntityReply::getMfaDevice)
          .filter(d -> d.getEnabled() && d.getUserName().equalsIgnoreCase(who)).toList();
      reply(w -> {
        w.start("MFADevices");
        devices.forEach(d -> w.start("member").element("UserName", user.isEmpty() ? null : d.getUserName())
            .element("SerialNumber", d.getSerial()).element("EnableDate", QueryApi.iso(d.getEnabledMillis())).end("member"));
        w.end("MFADevices").element("IsTruncated", false);
      });
    }
  }

  /** IAM returns policy documents URL-encoded (RFC 3986). */
  static String urlEncode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
