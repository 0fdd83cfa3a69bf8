package io.moraine.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moraine.gateway.iam.Totp;
import io.moraine.metadata.api.Account;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.MFADelete;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.Credentials;

/**
 * The IAM and STS edges {@link IamStsTest} leaves out, through the SDK's IAM, STS and S3 clients
 * against one real gateway: authentication failures in the query protocol's words, IAM's own
 * actions authorized by identity policies (AWS managed ones included, an explicit deny winning),
 * the two-sided AssumeRole check within one account (IAM User Guide, "Cross account resource
 * access in IAM" and the AssumeRole API reference), IAM's quotas and conflicts, and MFA delete
 * refusing everyone but the bucket owner's root.
 */
class IamStsEdgesTest {
  static GatewayFixture fx;
  static Account acme;
  static IamClient root;
  static StsClient rootSts;
  static S3Client rootS3;

  @BeforeAll
  static void start() throws Exception {
    fx = GatewayFixture.start(100, 31);
    acme = fx.metadata.createAccount("acme", "AKIAEDGEACME", "acme-secret");
    root = iam(AwsBasicCredentials.create("AKIAEDGEACME", "acme-secret"));
    rootSts = sts(AwsBasicCredentials.create("AKIAEDGEACME", "acme-secret"));
    rootS3 = s3(AwsBasicCredentials.create("AKIAEDGEACME", "acme-secret"));
  }

  @AfterAll
  static void stop() throws Exception {
    root.close();
    rootSts.close();
    rootS3.close();
    fx.close();
  }

  static IamClient iam(AwsCredentials c) {
    return IamClient.builder().endpointOverride(fx.endpoint).region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(c)).build();
  }

  static StsClient sts(AwsCredentials c) {
    return StsClient.builder().endpointOverride(fx.endpoint).region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(c)).build();
  }

  static S3Client s3(AwsCredentials c) {
    return S3Client.builder().endpointOverride(fx.endpoint).region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(c))
        .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build()).build();
  }

  static void refused(ThrowingCallable call, int status, String code) {
    assertThatThrownBy(call).isInstanceOfSatisfying(AwsServiceException.class, e -> {
      assertThat(e.awsErrorDetails().errorCode()).isEqualTo(code);
      assertThat(e.statusCode()).isEqualTo(status);
    });
  }

  static AwsBasicCredentials keyFor(String user) {
    var k = root.createAccessKey(b -> b.userName(user)).accessKey();
    return AwsBasicCredentials.create(k.accessKeyId(), k.secretAccessKey());
  }

  @Test
  void authenticationFailuresSpeakTheQueryProtocol() {
    try (IamClient unknown = iam(AwsBasicCredentials.create("AKIANOSUCHKEY0000000", "x"));
        StsClient unknownSts = sts(AwsBasicCredentials.create("AKIANOSUCHKEY0000000", "x"));
        IamClient wrongSecret = iam(AwsBasicCredentials.create("AKIAEDGEACME", "not-the-secret"));
        StsClient wrongSecretSts = sts(AwsBasicCredentials.create("AKIAEDGEACME", "not-the-secret"))) {
      refused(unknown::listUsers, 403, "InvalidClientTokenId");
      refused(unknownSts::getCallerIdentity, 403, "InvalidClientTokenId");
      refused(wrongSecret::listUsers, 403, "SignatureDoesNotMatch");
      refused(wrongSecretSts::getCallerIdentity, 403, "SignatureDoesNotMatch");
    }
  }

  @Test
  void iamActionsAreAuthorizedByIdentityPolicies() {
    root.createUser(b -> b.userName("ops"));
    root.createUser(b -> b.userName("auditor"));
    root.attachUserPolicy(b -> b.userName("ops").policyArn("arn:aws:iam::aws:policy/IAMFullAccess"));
    root.attachUserPolicy(b -> b.userName("auditor").policyArn("arn:aws:iam::aws:policy/IAMReadOnlyAccess"));
    AwsBasicCredentials opsKey = keyFor("ops");
    try (IamClient ops = iam(opsKey); IamClient auditor = iam(keyFor("auditor")); StsClient opsSts = sts(opsKey)) {
      var me = opsSts.getCallerIdentity();
      assertThat(me.arn()).isEqualTo("arn:aws:iam::" + acme.awsAccountId() + ":user/ops");
      assertThat(me.account()).isEqualTo(acme.awsAccountId()).hasSize(12);
      assertThat(me.userId()).isEqualTo(root.getUser(b -> b.userName("ops")).user().userId());

      ops.createUser(b -> b.userName("temp"));
      assertThat(auditor.listUsers().users()).extracting(u -> u.userName()).contains("ops", "auditor", "temp");
      assertThat(auditor.getUser(b -> b.userName("temp")).user().arn()).endsWith(":user/temp");
      refused(() -> auditor.createUser(b -> b.userName("nope")), 403, "AccessDenied");
      refused(() -> auditor.deleteUser(b -> b.userName("temp")), 403, "AccessDenied");
      // An explicit deny beats the managed policy's allow.
      root.putUserPolicy(b -> b.userName("ops").policyName("no-deletes").policyDocument("""
          {"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:DeleteUser","Resource":"*"}]}"""));
      refused(() -> ops.deleteUser(b -> b.userName("temp")), 403, "AccessDenied");
      root.deleteUserPolicy(b -> b.userName("ops").policyName("no-deletes"));
      ops.deleteUser(b -> b.userName("temp"));
      refused(() -> auditor.getUser(b -> b.userName("temp")), 404, "NoSuchEntity");
      // Without a user name GetUser answers for the caller itself.
      assertThat(auditor.getUser().user().userName()).isEqualTo("auditor");
    }
  }

  /** An identity policy scoped to a path (user/team/*) covers every operation on users under it. */
  @Test
  void policiesScopedToAPathCoverTheEntitiesUnderIt() {
    root.createUser(b -> b.userName("lead"));
    root.createUser(b -> b.userName("tina").path("/team/"));
    root.createUser(b -> b.userName("outsider"));
    root.putUserPolicy(b -> b.userName("lead").policyName("team").policyDocument("""
        {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:*","Resource":"arn:aws:iam::%s:user/team/*"}]}"""
        .formatted(acme.awsAccountId())));
    String doc = """
        {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*"}]}""";
    try (IamClient lead = iam(keyFor("lead"))) {
      assertThat(lead.getUser(b -> b.userName("tina")).user().arn()).endsWith(":user/team/tina");
      assertThat(lead.createAccessKey(b -> b.userName("tina")).accessKey().userName()).isEqualTo("tina");
      lead.putUserPolicy(b -> b.userName("tina").policyName("p").policyDocument(doc));
      assertThat(lead.listUserPolicies(b -> b.userName("tina")).policyNames()).containsExactly("p");
      lead.attachUserPolicy(b -> b.userName("tina").policyArn("arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"));
      refused(() -> lead.getUser(b -> b.userName("outsider")), 403, "AccessDenied");
      refused(() -> lead.createAccessKey(b -> b.userName("outsider")), 403, "AccessDenied");
      refused(() -> lead.putUserPolicy(b -> b.userName("outsider").policyName("p").policyDocument(doc)), 403, "AccessDenied");
    }
  }

  @Test
  void assumeRoleInOneAccountNeedsTheIdentityPolicyUnlessTheTrustNamesTheCaller() {
    root.createUser(b -> b.userName("worker"));
    AwsBasicCredentials workerKey = keyFor("worker");
    String workerArn = "arn:aws:iam::" + acme.awsAccountId() + ":user/worker";
    String byAccount = root.createRole(b -> b.roleName("by-account").assumeRolePolicyDocument("""
        {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"%s"},"Action":"sts:AssumeRole"}]}"""
        .formatted(acme.awsAccountId()))).role().arn();
    String trustUser = """
        {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"%s"},"Action":"sts:AssumeRole"}]}"""
        .formatted(workerArn);
    String byUser = root.createRole(b -> b.roleName("by-user").assumeRolePolicyDocument(trustUser)
        .maxSessionDuration(7200)).role().arn();
    var role = root.getRole(b -> b.roleName("by-user")).role();
    assertThat(URLDecoder.decode(role.assumeRolePolicyDocument(), StandardCharsets.UTF_8)).isEqualTo(trustUser);
    assertThat(role.maxSessionDuration()).isEqualTo(7200);
    refused(() -> root.createRole(b -> b.roleName("BY-USER").assumeRolePolicyDocument(trustUser)), 409,
        "EntityAlreadyExists");
    refused(() -> root.createRole(b -> b.roleName("bad-trust").assumeRolePolicyDocument("""
        {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]}""")), 400,
        "MalformedPolicyDocument");

    try (StsClient worker = sts(workerKey)) {
      // The trust names only the account: the worker's own policies must allow sts:AssumeRole too.
      refused(() -> worker.assumeRole(b -> b.roleArn(byAccount).roleSessionName("w1")), 403, "AccessDenied");
      root.putUserPolicy(b -> b.userName("worker").policyName("assume").policyDocument("""
          {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"%s"}]}"""
          .formatted(byAccount)));
      Credentials c = worker.assumeRole(b -> b.roleArn(byAccount).roleSessionName("w1")).credentials();
      try (StsClient asRole = sts(AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(), c.sessionToken()))) {
        var me = asRole.getCallerIdentity();
        assertThat(me.arn()).isEqualTo("arn:aws:sts::" + acme.awsAccountId() + ":assumed-role/by-account/w1");
        assertThat(me.userId()).endsWith(":w1").startsWith("AROA");
      }
      // The trust names the worker itself: no identity policy is needed.
      root.deleteUserPolicy(b -> b.userName("worker").policyName("assume"));
      refused(() -> worker.assumeRole(b -> b.roleArn(byAccount).roleSessionName("w2")), 403, "AccessDenied");
      assertThat(worker.assumeRole(b -> b.roleArn(byUser).roleSessionName("w3").durationSeconds(7200)).credentials()
          .accessKeyId()).startsWith("ASIA");
      refused(() -> worker.assumeRole(b -> b.roleArn(byUser).roleSessionName("w4").durationSeconds(899)), 400,
          "ValidationError");
      refused(() -> worker.assumeRole(b -> b.roleArn(byUser).roleSessionName("w5").durationSeconds(7201)), 400,
          "ValidationError");
      refused(() -> worker.assumeRole(b -> b.roleArn(byUser).roleSessionName("w6").policy("{\"Version\":")), 400,
          "MalformedPolicyDocument");
      // No such role and no such account are both AccessDenied (STS does not say which).
      refused(() -> worker.assumeRole(b -> b.roleArn("arn:aws:iam::" + acme.awsAccountId() + ":role/none")
          .roleSessionName("w7")), 403, "AccessDenied");
      refused(() -> worker.assumeRole(b -> b.roleArn("arn:aws:iam::999999999999:role/by-user").roleSessionName("w8")), 403,
          "AccessDenied");
    }
    // A role with an inline policy cannot be deleted until the policy is.
    root.putRolePolicy(b -> b.roleName("by-user").policyName("p").policyDocument("""
        {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*"}]}"""));
    refused(() -> root.deleteRole(b -> b.roleName("by-user")), 409, "DeleteConflict");
    root.deleteRolePolicy(b -> b.roleName("by-user").policyName("p"));
    root.deleteRole(b -> b.roleName("by-user"));
    refused(() -> root.getRole(b -> b.roleName("by-user")), 404, "NoSuchEntity");
  }

  @Test
  void quotasAndMissingEntitiesHaveIamsCodes() {
    root.createUser(b -> b.userName("keys"));
    root.createAccessKey(b -> b.userName("keys"));
    root.createAccessKey(b -> b.userName("keys"));
    refused(() -> root.createAccessKey(b -> b.userName("keys")), 409, "LimitExceeded");
    refused(() -> root.createAccessKey(b -> b.userName("nobody")), 404, "NoSuchEntity");
    refused(() -> root.deleteUser(b -> b.userName("nobody")), 404, "NoSuchEntity");
    refused(() -> root.putUserPolicy(b -> b.userName("nobody").policyName("p").policyDocument("""
        {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}""")), 404, "NoSuchEntity");
    refused(() -> root.getUserPolicy(b -> b.userName("keys").policyName("none")), 404, "NoSuchEntity");
    refused(() -> root.addUserToGroup(b -> b.userName("keys").groupName("no-group")), 404, "NoSuchEntity");
    refused(() -> root.attachUserPolicy(b -> b.userName("keys").policyArn("arn:aws:iam::aws:policy/NoSuchPolicy")), 404,
        "NoSuchEntity");
    root.createGroup(b -> b.groupName("g"));
    refused(() -> root.createGroup(b -> b.groupName("g")), 409, "EntityAlreadyExists");
    refused(() -> root.createPolicy(b -> b.policyName("bad").policyDocument("""
        {"Version":"2012-10-17","Statement":[{"Effect":"Maybe","Action":"s3:*","Resource":"*"}]}""")), 400,
        "MalformedPolicyDocument");
    // A user with keys is a DeleteConflict until they are gone.
    refused(() -> root.deleteUser(b -> b.userName("keys")), 409, "DeleteConflict");
    String arn = root.createPolicy(b -> b.policyName("versions").policyDocument("""
        {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*"}]}""")).policy().arn();
    for (int i = 0; i < 4; i++) {
      root.createPolicyVersion(b -> b.policyArn(arn).policyDocument("""
          {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"""));
    }
    refused(() -> root.createPolicyVersion(b -> b.policyArn(arn).policyDocument("""
        {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}""")), 409,
        "LimitExceeded");
  }

  /** CreateVirtualMFADevice's QRCodePNG scans (here with ZXing's reader) to the seed's otpauth:// URI. */
  @Test
  void theQrCodeScansToTheSeed() throws Exception {
    var device = root.createVirtualMFADevice(b -> b.virtualMFADeviceName("scan-me")).virtualMFADevice();
    var image = javax.imageio.ImageIO.read(device.qrCodePNG().asInputStream());
    assertThat(image).isNotNull();
    int[] pixels = image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
    var bitmap = new com.google.zxing.BinaryBitmap(new com.google.zxing.common.HybridBinarizer(
        new com.google.zxing.RGBLuminanceSource(image.getWidth(), image.getHeight(), pixels)));
    String text = new com.google.zxing.qrcode.QRCodeReader().decode(bitmap).getText();
    assertThat(URLDecoder.decode(text, StandardCharsets.UTF_8))
        .isEqualTo("otpauth://totp/scan-me@acme?secret=" + device.base32StringSeed().asUtf8String());
  }

  /** MFA delete is the bucket owner's root's alone: a user with every S3 permission cannot turn it on. */
  @Test
  void mfaDeleteIsOnlyForTheOwnersRoot() {
    var device = root.createVirtualMFADevice(b -> b.virtualMFADeviceName("root-token")).virtualMFADevice();
    byte[] seed = Totp.fromBase32(device.base32StringSeed().asUtf8String());
    long now = Totp.step(System.currentTimeMillis());
    root.enableMFADevice(b -> b.serialNumber(device.serialNumber()).authenticationCode1(Totp.code(seed, now - 1))
        .authenticationCode2(Totp.code(seed, now)));
    String serial = device.serialNumber();
    rootS3.createBucket(b -> b.bucket("edge-vault"));
    rootS3.putBucketVersioning(b -> b.bucket("edge-vault").versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
    root.createUser(b -> b.userName("s3admin"));
    root.attachUserPolicy(b -> b.userName("s3admin").policyArn("arn:aws:iam::aws:policy/AmazonS3FullAccess"));
    try (S3Client admin = s3(keyFor("s3admin"))) {
      // Even with the root's device and a good code the user is refused, and the code stays unused.
      refused(() -> admin.putBucketVersioning(b -> b.bucket("edge-vault").mfa(serial + " " + Totp.code(seed, now + 1))
          .versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED).mfaDelete(MFADelete.ENABLED))), 403,
          "AccessDenied");
      rootS3.putBucketVersioning(b -> b.bucket("edge-vault").mfa(serial + " " + Totp.code(seed, now + 1))
          .versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED).mfaDelete(MFADelete.ENABLED)));
      String v1 = admin.putObject(b -> b.bucket("edge-vault").key("k"), RequestBody.fromString("1")).versionId();
      // DeleteObjects API reference: without the token "the entire request will fail, even if there are
      // non-versioned objects you are trying to delete".
      refused(() -> admin.deleteObjects(b -> b.bucket("edge-vault").delete(d -> d.objects(o -> o.key("k").versionId(v1),
          o -> o.key("other")))), 403, "AccessDenied");
    }
    assertThat(rootS3.listObjectVersions(b -> b.bucket("edge-vault")).versions()).hasSize(1);
    // Nor can an IAM administrator mint a device of its own as the root's (not even through an IAM
    // user named root), which would get it past MFA delete.
    root.createUser(b -> b.userName("minter"));
    root.attachUserPolicy(b -> b.userName("minter").policyArn("arn:aws:iam::aws:policy/AdministratorAccess"));
    try (IamClient minter = iam(keyFor("minter"))) {
      var own = minter.createVirtualMFADevice(b -> b.virtualMFADeviceName("minted")).virtualMFADevice();
      byte[] ownSeed = Totp.fromBase32(own.base32StringSeed().asUtf8String());
      refused(() -> minter.enableMFADevice(b -> b.userName("root").serialNumber(own.serialNumber())
          .authenticationCode1(Totp.code(ownSeed, now - 1)).authenticationCode2(Totp.code(ownSeed, now))), 403, "AccessDenied");
      minter.createUser(b -> b.userName("root"));
      refused(() -> minter.enableMFADevice(b -> b.userName("ROOT").serialNumber(own.serialNumber())
          .authenticationCode1(Totp.code(ownSeed, now - 1)).authenticationCode2(Totp.code(ownSeed, now))), 403, "AccessDenied");
      refused(() -> minter.deactivateMFADevice(b -> b.userName("root").serialNumber(serial)), 403, "AccessDenied");
      refused(() -> rootS3.deleteObject(b -> b.bucket("edge-vault").key("k")
          .versionId(rootS3.listObjectVersions(x -> x.bucket("edge-vault")).versions().get(0).versionId())
          .mfa(own.serialNumber() + " " + Totp.code(ownSeed, now + 1))), 403, "AccessDenied");
    }
    // A code from the device of another account's root does not count either.
    refused(() -> rootS3.deleteObject(b -> b.bucket("edge-vault").key("k")
        .versionId(rootS3.listObjectVersions(x -> x.bucket("edge-vault")).versions().get(0).versionId())
        .mfa("arn:aws:iam::123456789012:mfa/other " + Totp.code(seed, now + 2))), 403, "AccessDenied");
    assertThat(rootS3.listObjectVersions(b -> b.bucket("edge-vault")).versions()).hasSize(1);
  }
}
