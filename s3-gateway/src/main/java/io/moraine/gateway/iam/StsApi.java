package io.moraine.gateway.iam;

import io.moraine.gateway.Ids;
import io.moraine.gateway.access.Access;
import io.moraine.gateway.access.policy.MalformedPolicyException;
import io.moraine.gateway.access.policy.PolicyDocument;
import io.moraine.gateway.access.policy.PolicyEvaluator;
import io.moraine.gateway.access.policy.PolicyParser;
import io.moraine.gateway.access.policy.RequestContext;
import io.moraine.gateway.auth.Identity;
import io.moraine.gateway.error.S3Error;
import io.moraine.gateway.http.S3Request;
import io.moraine.gateway.http.S3Response;
import io.moraine.gateway.http.ServiceApi;
import io.moraine.metadata.api.MetadataClient;
import io.moraine.proto.meta.v1.ConsumeMfaStep;
import io.moraine.proto.meta.v1.CreateSession;
import io.moraine.proto.meta.v1.FindAccount;
import io.moraine.proto.meta.v1.GetIamEntity;
import io.moraine.proto.meta.v1.IamCommand;
import io.moraine.proto.meta.v1.IamEntityKind;
import io.moraine.proto.meta.v1.IamQuery;
import io.moraine.proto.meta.v1.IamRoleRecord;
import io.moraine.proto.meta.v1.SessionRecord;
import java.io.IOException;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;

/**
 * The STS query API (SigV4 service {@code sts}, the gateway's region): AssumeRole and
 * GetCallerIdentity. AssumeRole checks both sides as IAM documents it: the role's trust policy
 * must allow the caller, and the caller's identity policies must allow {@code sts:AssumeRole} on
 * the role — unless the trust policy names the caller specifically within the role's own account.
 * The temporary credentials work with {@code x-amz-security-token} until they expire.
 */
public final class StsApi implements ServiceApi {
  static final String NS = "https://sts.amazonaws.com/doc/2011-06-15/";
  private static final int MIN_SECONDS = 900;
  private static final int DEFAULT_SECONDS = 3600;
  private static final int MFA_WINDOW = 2;

  private final MetadataClient metadata;
  private final Access access;
  private final Ids ids;
  private final InstantSource clock;
  private final String region;

  public StsApi(MetadataClient metadata, Access access, Ids ids, InstantSource clock, String region) {
    this.metadata = metadata;
    this.access = access;
    this.ids = ids;
    this.clock = clock;
    this.region = region;
  }

  @Override
  public String service() {
    return "sts";
  }

  @Override
  public String signingRegion() {
    return region;
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
      Identity id = r.principal().identity();
      switch (action) {
        case "GetCallerIdentity" -> QueryApi.reply(out, NS, action, r.requestId(), w -> w
            .element("UserId", id.userId()).element("Account", id.awsAccountId()).element("Arn", id.caller().arn()));
        case "AssumeRole" -> assumeRole(r, out, p, id);
        default -> throw new IamException("InvalidAction", 400, "Could not find operation " + action + " for version "
            + p.getOrDefault("Version", "2011-06-15"));
      }
    });
  }

  private void assumeRole(S3Request r, S3Response out, Map<String, String> p, Identity id) throws IOException {
    String roleArn = QueryApi.required(p, "RoleArn");
    String sessionName = QueryApi.required(p, "RoleSessionName");
    if (!sessionName.matches("[\\w+=,.@-]{2,64}")) {
      throw IamException.validation("1 validation error detected: Value '" + sessionName
          + "' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*");
    }
    String[] arn = roleArn.split(":", 6);
    if (arn.length != 6 || !arn[0].equals("arn") || !arn[2].equals("iam") || !arn[5].startsWith("role/")) {
      throw IamException.validation("Invalid RoleArn: " + roleArn);
    }
    String denied = "User: " + id.caller().arn() + " is not authorized to perform: sts:AssumeRole on resource: " + roleArn;
    var account = metadata.iamQuery(IamQuery.newBuilder().setFindAccount(FindAccount.newBuilder()
        .setAwsAccountId(arn[4])).build()).getAccount();
    if (!account.hasAccount()) {
      throw IamException.accessDenied(denied);
    }
    String roleName = arn[5].substring(arn[5].lastIndexOf('/') + 1);
    var entity = metadata.iamQuery(IamQuery.newBuilder().setGetEntity(GetIamEntity.newBuilder()
        .setAccountId(account.getAccount().getAccountId()).setKind(IamEntityKind.IAM_ROLE).setName(roleName)).build())
        .getEntity();
    if (!entity.hasRole()) {
      throw IamException.accessDenied(denied);
    }
    IamRoleRecord role = entity.getRole();
    PolicyDocument trust;
    try {
      trust = PolicyParser.parse(role.getTrustPolicy(), PolicyParser.Kind.TRUST, null);
    } catch (MalformedPolicyException e) {
      throw IamException.accessDenied(denied);
    }
    RequestContext ctx = new RequestContext("sts:AssumeRole", roleArn, id.caller(), Map.of(
        "aws:PrincipalArn", List.of(id.caller().roleArn() != null ? id.caller().roleArn() : id.caller().arn()),
        "aws:PrincipalAccount", List.of(id.awsAccountId()),
        "aws:CurrentTime", List.of(clock.instant().toString())));
    var trusted = PolicyEvaluator.evaluate(trust, ctx, true);
    if (!trusted.allows()) {
      throw IamException.accessDenied(denied);
    }
    boolean sameAccountSpecific = trusted.specific() && id.accountId().equals(role.getAccountId());
    if (!sameAccountSpecific && !access.identityAllows(r, "sts:AssumeRole", roleArn)) {
      throw IamException.accessDenied(denied);
    }
    int max = role.getMaxSessionSeconds() == 0 ? DEFAULT_SECONDS : role.getMaxSessionSeconds();
    int seconds;
    try {
      seconds = Integer.parseInt(p.getOrDefault("DurationSeconds", Integer.toString(DEFAULT_SECONDS)));
    } catch (NumberFormatException e) {
      throw IamException.validation("DurationSeconds must be a number");
    }
    if (seconds < MIN_SECONDS || seconds > max) {
      throw IamException.validation("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
    }
    String sessionPolicy = p.getOrDefault("Policy", "");
    if (!sessionPolicy.isEmpty()) {
      try {
        PolicyParser.parse(sessionPolicy, PolicyParser.Kind.IDENTITY, null);
      } catch (MalformedPolicyException e) {
        throw IamException.malformedPolicy(e.getMessage());
      }
    }
    boolean mfa = false;
    if (p.containsKey("SerialNumber") || p.containsKey("TokenCode")) {
      mfa = checkMfa(QueryApi.required(p, "SerialNumber"), QueryApi.required(p, "TokenCode"), id);
    }
    long now = clock.millis();
    SessionRecord session = SessionRecord.newBuilder().setAccessKeyId(ids.accessKeyId("ASIA")).setSecretKey(ids.secretKey())
        .setSessionToken(ids.sessionToken()).setAccountId(role.getAccountId()).setRoleName(role.getRoleName())
        .setRoleId(role.getRoleId()).setRolePath(role.getPath()).setSessionName(sessionName)
        .setExpiresMillis(now + seconds * 1000L).setMfaAuthenticated(mfa).setCreatedMillis(now)
        .setSessionPolicy(sessionPolicy).build();
    metadata.iam(IamCommand.newBuilder().setCreateSession(CreateSession.newBuilder().setSession(session)).build());
    String assumedArn = "arn:aws:sts::" + arn[4] + ":assumed-role/" + role.getRoleName() + "/" + sessionName;
    QueryApi.reply(out, NS, "AssumeRole", r.requestId(), w -> w.start("Credentials")
        .element("AccessKeyId", session.getAccessKeyId()).element("SecretAccessKey", session.getSecretKey())
        .element("SessionToken", session.getSessionToken()).element("Expiration", QueryApi.iso(session.getExpiresMillis()))
        .end("Credentials").start("AssumedRoleUser").element("AssumedRoleId", role.getRoleId() + ":" + sessionName)
        .element("Arn", assumedArn).end("AssumedRoleUser").element("PackedPolicySize", 0));
  }

  /** The caller's own MFA device and a fresh code from it (each 30-second code is usable once). */
  private boolean checkMfa(String serial, String code, Identity id) {
    var e = metadata.iamQuery(IamQuery.newBuilder().setGetEntity(GetIamEntity.newBuilder().setAccountId(id.accountId())
        .setKind(IamEntityKind.IAM_MFA_DEVICE).setName(serial)).build()).getEntity();
    if (!e.hasMfaDevice() || !id.reply().getMfaSerialsList().contains(serial)) {
      throw IamException.accessDenied("MultiFactorAuthentication failed with invalid MFA one time pass code.");
    }
    long step = Totp.match(e.getMfaDevice().getSeed().toByteArray(), code, clock.millis(), MFA_WINDOW);
    if (step < 0) {
      throw IamException.accessDenied("MultiFactorAuthentication failed with invalid MFA one time pass code.");
    }
    try {
      metadata.iam(IamCommand.newBuilder().setConsumeMfaStep(ConsumeMfaStep.newBuilder().setSerial(serial).setStep(step))
          .build());
    } catch (io.moraine.metadata.api.MetadataException reused) {
      throw IamException.accessDenied("MultiFactorAuthentication failed with invalid MFA one time pass code.");
    }
    return true;
  }
}
