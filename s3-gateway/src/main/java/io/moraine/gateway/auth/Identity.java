package io.moraine.gateway.auth;

import io.moraine.gateway.access.policy.RequestContext.Caller;
import io.moraine.gateway.access.policy.RequestContext.CallerType;
import io.moraine.proto.meta.v1.AccountRecord;
import io.moraine.proto.meta.v1.IdentityReply;
import io.moraine.proto.meta.v1.SessionRecord;
import java.util.Optional;

/**
 * Who signed a request, as the metadata tier resolved its access key in one read: the caller as
 * policies name it, the account it acts for, and (in {@link #reply}) its identity policies, its
 * session and the settings of the bucket's owner.
 *
 * @param accountId the canonical id of the caller's account (S3 owner ids, ACL grantees)
 * @param awsAccountId the caller's 12-digit account id (ARNs, policies)
 * @param accountName the account's name, its S3 display name
 * @param userName the IAM user, or null for the account root and for role sessions
 * @param userId the IAM unique id ({@code aws:userid}): the account id for a root, the user's
 *     id, or {@code ROLEID:SESSION} for a role session
 */
public record Identity(Caller caller, String accountId, String awsAccountId, String accountName, String userName,
    String userId, String secretKey, boolean active, IdentityReply reply) {

  /** The identity of a resolved key; empty when the key is unknown. */
  public static Optional<Identity> of(IdentityReply r) {
    if (!r.getFound()) {
      return Optional.empty();
    }
    AccountRecord a = r.getAccount();
    String id = a.getAwsAccountId();
    return Optional.of(switch (r.getPrincipalType()) {
      case 2 -> {
        var u = r.getUser();
        yield new Identity(new Caller(CallerType.IAM_USER, id, a.getAccountId(),
            "arn:aws:iam::" + id + ":user" + path(u.getPath()) + u.getUserName(), null),
            a.getAccountId(), id, a.getUserName(), u.getUserName(), u.getUserId(), r.getSecretKey(), r.getActive(), r);
      }
      case 3 -> {
        SessionRecord s = r.getSession();
        String roleArn = "arn:aws:iam::" + id + ":role" + path(s.getRolePath()) + s.getRoleName();
        yield new Identity(new Caller(CallerType.ROLE_SESSION, id, a.getAccountId(),
            "arn:aws:sts::" + id + ":assumed-role/" + s.getRoleName() + "/" + s.getSessionName(), roleArn),
            a.getAccountId(), id, a.getUserName(), null, s.getRoleId() + ":" + s.getSessionName(), r.getSecretKey(),
            r.getActive(), r);
      }
      default -> root(r.getAccessKeyId(), r.getSecretKey(), a.getAccountId(), id, a.getUserName(), r);
    });
  }

  /** An account's root identity (also what tests build directly). */
  public static Identity root(String accessKeyId, String secretKey, String canonicalId, String awsAccountId,
      String accountName, IdentityReply reply) {
    return new Identity(new Caller(CallerType.ACCOUNT_ROOT, awsAccountId, canonicalId,
        "arn:aws:iam::" + awsAccountId + ":root", null), canonicalId, awsAccountId, accountName, null, awsAccountId,
        secretKey, reply == null || reply.getActive(), reply != null ? reply : IdentityReply.newBuilder().setFound(true).setActive(true)
        .setAccessKeyId(accessKeyId).setSecretKey(secretKey).setPrincipalType(1).build());
  }

  /** The temporary session behind a role-session key. */
  public Optional<SessionRecord> session() {
    return reply.hasSession() ? Optional.of(reply.getSession()) : Optional.empty();
  }

  public boolean root() {
    return caller.type() == CallerType.ACCOUNT_ROOT;
  }

  private static String path(String p) {
    return p == null || p.isEmpty() ? "/" : p;
  }
}
