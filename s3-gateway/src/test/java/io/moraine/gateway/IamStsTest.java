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
import software.amazon.awssdk.services.iam.model.StatusType;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.MFADelete;
import software.amazon.awssdk.services.s3.model.MFADeleteStatus;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.Credentials;

/**
 * The IAM and STS query APIs through the AWS SDK for Java v2 IAM and STS clients against a real
 * gateway, and the identities they create used through S3 (IAM User Guide: "IAM JSON policy
 * evaluation", "Granting a user permissions to pass a role", AssumeRole API reference).
 */
class IamStsTest {
  static GatewayFixture fx;
  static Account alice;
  static Account bob;
  static IamClient iam;
  static StsClient aliceSts;
  static S3Client aliceS3;

  static final String READ_HOME = """
      {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],
       "Resource":"arn:aws:s3:::iam-bucket/${aws:username}/*"}]}""";

  @BeforeAll
  static void start() throws Exception {
    fx = GatewayFixture.start(100, 29);
    alice = fx.metadata.createAccount("alice", "AKIAMAINALICE", "alice-secret");
    bob = fx.metadata.createAccount("bob", "AKIAMAINBOB", "bob-secret");
    iam = iam(AwsBasicCredentials.create("AKIAMAINALICE", "alice-secret"));
    aliceSts = sts(AwsBasicCredentials.create("AKIAMAINALICE", "alice-secret"));
    aliceS3 = s3(AwsBasicCredentials.create("AKIAMAINALICE", "alice-secret"));
    aliceS3.createBucket(b -> b.bucket("iam-bucket"));
    aliceS3.putObject(b -> b.bucket("iam-bucket").key("dave/notes.txt"), RequestBody.fromString("notes"));
    aliceS3.putObject(b -> b.bucket("iam-bucket").key("shared.txt"), RequestBody.fromString("shared"));
  }

  @AfterAll
  static void stop() throws Exception {
    iam.close();
    aliceSts.close();
    aliceS3.close();
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

  @Test
  void usersKeysAndInlinePoliciesDecideWhatAUserMayDo() {
    var created = iam.createUser(b -> b.userName("dave")).user();
    assertThat(created.arn()).isEqualTo("arn:aws:iam::" + alice.awsAccountId() + ":user/dave");
    assertThat(created.userId()).startsWith("AIDA").hasSize(21);
    refused(() -> iam.createUser(b -> b.userName("DAVE")), 409, "EntityAlreadyExists");
    assertThat(iam.getUser(b -> b.userName("dave")).user().userId()).isEqualTo(created.userId());
    assertThat(iam.listUsers().users()).extracting(u -> u.userName()).contains("dave");
    refused(() -> iam.getUser(b -> b.userName("nobody")), 404, "NoSuchEntity");

    var key = iam.createAccessKey(b -> b.userName("dave")).accessKey();
    assertThat(key.accessKeyId()).startsWith("AKIA").hasSize(20);
    assertThat(key.secretAccessKey()).hasSize(40);
    try (S3Client dave = s3(AwsBasicCredentials.create(key.accessKeyId(), key.secretAccessKey()));
        IamClient daveIam = iam(AwsBasicCredentials.create(key.accessKeyId(), key.secretAccessKey()))) {
      refused(() -> dave.getObjectAsBytes(b -> b.bucket("iam-bucket").key("dave/notes.txt")), 403, "AccessDenied");
      refused(() -> iam.putUserPolicy(b -> b.userName("dave").policyName("home").policyDocument("{\"Version\":\"2012-10-17\"")),
          400, "MalformedPolicyDocument");
      iam.putUserPolicy(b -> b.userName("dave").policyName("home").policyDocument(READ_HOME));
      assertThat(URLDecoder.decode(iam.getUserPolicy(b -> b.userName("dave").policyName("home")).policyDocument(),
          StandardCharsets.UTF_8)).isEqualTo(READ_HOME);
      assertThat(iam.listUserPolicies(b -> b.userName("dave")).policyNames()).containsExactly("home");
      assertThat(dave.getObjectAsBytes(b -> b.bucket("iam-bucket").key("dave/notes.txt")).asUtf8String()).isEqualTo("notes");
      refused(() -> dave.getObjectAsBytes(b -> b.bucket("iam-bucket").key("shared.txt")), 403, "AccessDenied");
      refused(() -> daveIam.createUser(b -> b.userName("eve")), 403, "AccessDenied");

      // AWS managed policies attach by ARN; groups pass their policies to members.
      iam.attachUserPolicy(b -> b.userName("dave").policyArn("arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"));
      assertThat(dave.getObjectAsBytes(b -> b.bucket("iam-bucket").key("shared.txt")).asUtf8String()).isEqualTo("shared");
      assertThat(iam.listAttachedUserPolicies(b -> b.userName("dave")).attachedPolicies()).hasSize(1);
      iam.detachUserPolicy(b -> b.userName("dave").policyArn("arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"));
      refused(() -> dave.getObjectAsBytes(b -> b.bucket("iam-bucket").key("shared.txt")), 403, "AccessDenied");
      iam.createGroup(b -> b.groupName("readers"));
      iam.addUserToGroup(b -> b.groupName("readers").userName("dave"));
      iam.putGroupPolicy(b -> b.groupName("readers").policyName("r").policyDocument("""
          {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::iam-bucket/shared.txt"}]}"""));
      assertThat(iam.listGroupsForUser(b -> b.userName("dave")).groups()).extracting(g -> g.groupName()).containsExactly("readers");
      assertThat(dave.getObjectAsBytes(b -> b.bucket("iam-bucket").key("shared.txt")).asUtf8String()).isEqualTo("shared");
      iam.removeUserFromGroup(b -> b.groupName("readers").userName("dave"));
      refused(() -> dave.getObjectAsBytes(b -> b.bucket("iam-bucket").key("shared.txt")), 403, "AccessDenied");

      // Customer managed policies with versions.
      String arn = iam.createPolicy(b -> b.policyName("deny-notes").policyDocument("""
          {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*"}]}""")).policy().arn();
      iam.attachUserPolicy(b -> b.userName("dave").policyArn(arn));
      iam.createPolicyVersion(b -> b.policyArn(arn).setAsDefault(true).policyDocument("""
          {"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:GetObject","Resource":"*"}]}"""));
      assertThat(iam.listPolicyVersions(b -> b.policyArn(arn)).versions()).hasSize(2);
      assertThat(iam.getPolicy(b -> b.policyArn(arn)).policy().defaultVersionId()).isEqualTo("v2");
      refused(() -> dave.getObjectAsBytes(b -> b.bucket("iam-bucket").key("dave/notes.txt")), 403, "AccessDenied");
      refused(() -> iam.deleteUser(b -> b.userName("dave")), 409, "DeleteConflict");
      iam.detachUserPolicy(b -> b.userName("dave").policyArn(arn));

      // Keys: deactivated keys stop at once, deleted ones too.
      iam.updateAccessKey(b -> b.userName("dave").accessKeyId(key.accessKeyId()).status(StatusType.INACTIVE));
      assertThat(iam.listAccessKeys(b -> b.userName("dave")).accessKeyMetadata().get(0).status()).isEqualTo(StatusType.INACTIVE);
      refused(() -> dave.getObjectAsBytes(b -> b.bucket("iam-bucket").key("dave/notes.txt")), 403, "InvalidAccessKeyId");
      iam.deleteAccessKey(b -> b.userName("dave").accessKeyId(key.accessKeyId()));
      assertThat(iam.listAccessKeys(b -> b.userName("dave")).accessKeyMetadata()).isEmpty();
    }
  }

  /** A deactivated access key of an account's root stops at once, as an IAM user's does (IAM UpdateAccessKey). */
  @Test
  void aDeactivatedRootKeyIsRefused() {
    fx.metadata.createAccount("erin", "AKIAMAINERIN", "erin-secret");
    try (IamClient erinIam = iam(AwsBasicCredentials.create("AKIAMAINERIN", "erin-secret"))) {
      var second = erinIam.createAccessKey(b -> {}).accessKey();
      try (S3Client viaSecond = s3(AwsBasicCredentials.create(second.accessKeyId(), second.secretAccessKey()));
          S3Client viaFirst = s3(AwsBasicCredentials.create("AKIAMAINERIN", "erin-secret"))) {
        viaSecond.listBuckets();
        erinIam.updateAccessKey(b -> b.accessKeyId(second.accessKeyId()).status(StatusType.INACTIVE));
        refused(viaSecond::listBuckets, 403, "InvalidAccessKeyId");
        viaFirst.listBuckets();
        erinIam.updateAccessKey(b -> b.accessKeyId(second.accessKeyId()).status(StatusType.ACTIVE));
        viaSecond.listBuckets();
      }
    }
  }

  @Test
  void assumeRoleGivesTemporaryCredentialsWithinTheRolesPolicies() {
    String trust = """
        {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::%s:root","arn:aws:iam::%s:root"]},
         "Action":"sts:AssumeRole"}]}""".formatted(alice.awsAccountId(), bob.awsAccountId());
    String roleArn = iam.createRole(b -> b.roleName("reader").assumeRolePolicyDocument(trust)).role().arn();
    iam.putRolePolicy(b -> b.roleName("reader").policyName("read").policyDocument("""
        {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::iam-bucket/*"}]}"""));
    assertThat(aliceSts.getCallerIdentity().arn()).isEqualTo("arn:aws:iam::" + alice.awsAccountId() + ":root");

    Credentials c = aliceSts.assumeRole(b -> b.roleArn(roleArn).roleSessionName("job-1").durationSeconds(900)).credentials();
    assertThat(c.accessKeyId()).startsWith("ASIA");
    AwsSessionCredentials session = AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(), c.sessionToken());
    try (S3Client asRole = s3(session); StsClient roleSts = sts(session)) {
      assertThat(roleSts.getCallerIdentity().arn())
          .isEqualTo("arn:aws:sts::" + alice.awsAccountId() + ":assumed-role/reader/job-1");
      assertThat(asRole.getObjectAsBytes(b -> b.bucket("iam-bucket").key("shared.txt")).asUtf8String()).isEqualTo("shared");
      refused(() -> asRole.putObject(b -> b.bucket("iam-bucket").key("x"), RequestBody.fromString("x")), 403, "AccessDenied");
    }
    // Without its session token the key is not a credential.
    try (S3Client noToken = s3(AwsBasicCredentials.create(c.accessKeyId(), c.secretAccessKey()))) {
      refused(() -> noToken.getObjectAsBytes(b -> b.bucket("iam-bucket").key("shared.txt")), 400, "InvalidToken");
    }
    // A session policy narrows the session to what both allow.
    Credentials narrow = aliceSts.assumeRole(b -> b.roleArn(roleArn).roleSessionName("narrow").policy("""
        {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::iam-bucket/dave/*"}]}"""))
        .credentials();
    try (S3Client n = s3(AwsSessionCredentials.create(narrow.accessKeyId(), narrow.secretAccessKey(), narrow.sessionToken()))) {
      assertThat(n.getObjectAsBytes(b -> b.bucket("iam-bucket").key("dave/notes.txt")).asUtf8String()).isEqualTo("notes");
      refused(() -> n.getObjectAsBytes(b -> b.bucket("iam-bucket").key("shared.txt")), 403, "AccessDenied");
    }
    refused(() -> aliceSts.assumeRole(b -> b.roleArn(roleArn).roleSessionName("long").durationSeconds(7200)), 400,
        "ValidationError");
    // Cross-account: bob's account is trusted, and a root may assume what it is trusted for...
    try (StsClient bobSts = sts(AwsBasicCredentials.create("AKIAMAINBOB", "bob-secret"))) {
      Credentials b = bobSts.assumeRole(x -> x.roleArn(roleArn).roleSessionName("from-bob")).credentials();
      try (S3Client asRole = s3(AwsSessionCredentials.create(b.accessKeyId(), b.secretAccessKey(), b.sessionToken()))) {
        assertThat(asRole.getObjectAsBytes(x -> x.bucket("iam-bucket").key("shared.txt")).asUtf8String()).isEqualTo("shared");
      }
    }
    // ... a third account is not.
    fx.metadata.createAccount("carl", "AKIAMAINCARL", "carl-secret");
    try (StsClient carl = sts(AwsBasicCredentials.create("AKIAMAINCARL", "carl-secret"))) {
      refused(() -> carl.assumeRole(x -> x.roleArn(roleArn).roleSessionName("nope")), 403, "AccessDenied");
    }
  }

  @Test
  void virtualMfaDevicesEnableWithTwoConsecutiveCodes() {
    var device = iam.createVirtualMFADevice(b -> b.virtualMFADeviceName("alice-phone")).virtualMFADevice();
    assertThat(device.serialNumber()).isEqualTo("arn:aws:iam::" + alice.awsAccountId() + ":mfa/alice-phone");
    byte[] seed = Totp.fromBase32(device.base32StringSeed().asUtf8String());
    long step = Totp.step(System.currentTimeMillis()) - 1;
    refused(() -> iam.enableMFADevice(b -> b.serialNumber(device.serialNumber()).authenticationCode1("000000")
        .authenticationCode2("000000")), 403, "InvalidAuthenticationCode");
    iam.enableMFADevice(b -> b.serialNumber(device.serialNumber()).authenticationCode1(Totp.code(seed, step))
        .authenticationCode2(Totp.code(seed, step + 1)));
    assertThat(iam.listMFADevices().mfaDevices()).extracting(d -> d.serialNumber()).containsExactly(device.serialNumber());
  }

  /** MFA delete: the owner root's device and a fresh code for every change and permanent delete. */
  @Test
  void mfaDeleteNeedsAFreshCodeFromTheOwnersDevice() {
    var device = iam.createVirtualMFADevice(b -> b.virtualMFADeviceName("vault-key")).virtualMFADevice();
    byte[] seed = Totp.fromBase32(device.base32StringSeed().asUtf8String());
    long now = Totp.step(System.currentTimeMillis());
    iam.enableMFADevice(b -> b.serialNumber(device.serialNumber()).authenticationCode1(Totp.code(seed, now - 1))
        .authenticationCode2(Totp.code(seed, now)));
    String serial = device.serialNumber();
    aliceS3.createBucket(b -> b.bucket("vault"));
    String v1 = null;
    aliceS3.putBucketVersioning(b -> b.bucket("vault").versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
    v1 = aliceS3.putObject(b -> b.bucket("vault").key("k"), RequestBody.fromString("1")).versionId();
    String version = v1;
    refused(() -> aliceS3.putBucketVersioning(b -> b.bucket("vault").versioningConfiguration(v -> v
        .status(BucketVersioningStatus.ENABLED).mfaDelete(MFADelete.ENABLED))), 403, "AccessDenied");
    refused(() -> aliceS3.putBucketVersioning(b -> b.bucket("vault").mfa(serial + " 000000").versioningConfiguration(v -> v
        .status(BucketVersioningStatus.ENABLED).mfaDelete(MFADelete.ENABLED))), 403, "AccessDenied");
    String code1 = Totp.code(seed, now + 1);
    aliceS3.putBucketVersioning(b -> b.bucket("vault").mfa(serial + " " + code1).versioningConfiguration(v -> v
        .status(BucketVersioningStatus.ENABLED).mfaDelete(MFADelete.ENABLED)));
    assertThat(aliceS3.getBucketVersioning(b -> b.bucket("vault")).mfaDelete()).isEqualTo(MFADeleteStatus.ENABLED);

    refused(() -> aliceS3.deleteObject(b -> b.bucket("vault").key("k").versionId(version)), 403, "AccessDenied");
    refused(() -> aliceS3.deleteObject(b -> b.bucket("vault").key("k").versionId(version).mfa(serial + " " + code1)),
        403, "AccessDenied"); // a code is good once
    refused(() -> aliceS3.putBucketVersioning(b -> b.bucket("vault").versioningConfiguration(v -> v
        .status(BucketVersioningStatus.SUSPENDED))), 403, "AccessDenied");
    assertThat(aliceS3.listObjectVersions(b -> b.bucket("vault")).versions()).hasSize(1);
    // A simple DELETE (a delete marker) needs no MFA; the permanent one with a fresh code works.
    aliceS3.deleteObject(b -> b.bucket("vault").key("k"));
    aliceS3.deleteObject(b -> b.bucket("vault").key("k").versionId(version).mfa(serial + " " + Totp.code(seed, now + 2)));
    assertThat(aliceS3.listObjectVersions(b -> b.bucket("vault")).versions()).isEmpty();
  }
}
