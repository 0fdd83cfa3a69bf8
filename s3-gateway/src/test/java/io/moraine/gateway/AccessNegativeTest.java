package io.moraine.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.moraine.metadata.api.Account;
import io.moraine.proto.meta.v1.CreateAccessKey;
import io.moraine.proto.meta.v1.CreateIamUser;
import io.moraine.proto.meta.v1.IamCommand;
import io.moraine.proto.meta.v1.IamEntityKind;
import io.moraine.proto.meta.v1.PutInlinePolicy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.ObjectCannedACL;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * The negative suite: requests that must be refused — another account, another user, deny
 * statements, conditions not met, anonymous callers, Block Public Access, expired presigned URLs
 * and unknown keys — each with its exact status and S3 error code, and afterwards the victim
 * bucket exactly as it was (objects, bodies, ACLs, policy, versioning).
 */
class AccessNegativeTest {
  static GatewayFixture fx;
  static S3Client alice;
  static S3Client bob;
  static S3Client carol;
  static S3Client nobody;
  static Account aliceAccount;
  static final HttpClient http = HttpClient.newHttpClient();
  static final String VICTIM = "victim";
  static final String GUARDED = "guarded";

  /** One request that must fail: who sends it, what, and the answer it must get. */
  record Case(String name, int status, String code, Consumer<Void> call) {}

  static final List<Case> cases = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    fx = GatewayFixture.start(100, 23);
    aliceAccount = fx.metadata.createAccount("alice", "alice@example.org", "AKNEGALICE", "alice-secret");
    Account bobAccount = fx.metadata.createAccount("bob", "bob@example.org", "AKNEGBOB", "bob-secret");
    alice = fx.client("AKNEGALICE", "alice-secret");
    bob = fx.client("AKNEGBOB", "bob-secret");
    nobody = fx.client("AKNOSUCHKEY", "whatever");
    String acct = aliceAccount.accountId();
    fx.metadata.iam(IamCommand.newBuilder().setCreateUser(CreateIamUser.newBuilder().setAccountId(acct)
        .setUserName("carol").setUserId("AIDANEGCAROL")).build());
    fx.metadata.iam(IamCommand.newBuilder().setCreateAccessKey(CreateAccessKey.newBuilder().setAccountId(acct)
        .setUserName("carol").setAccessKeyId("AKNEGCAROL").setSecretKey("carol-secret")).build());
    // carol may read the victim's public/ prefix only, and never over plain HTTP from outside 10/8.
    fx.metadata.iam(IamCommand.newBuilder().setPutInlinePolicy(PutInlinePolicy.newBuilder().setAccountId(acct)
        .setKind(IamEntityKind.IAM_USER).setName("carol").setPolicyName("p").setDocument("""
            {"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::victim/public/*"},
              {"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::victim/tls/*",
               "Condition":{"Bool":{"aws:SecureTransport":"true"}}},
              {"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::victim/office/*",
               "Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}},
              {"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::victim/inbox/*",
               "Condition":{"StringEquals":{"s3:x-amz-acl":"bucket-owner-full-control"}}},
              {"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::victim/vault/*"},
              {"Effect":"Deny","Action":"s3:*","Resource":"arn:aws:s3:::victim/vault/*"}]}""")).build());
    carol = fx.client("AKNEGCAROL", "carol-secret");

    alice.createBucket(b -> b.bucket(VICTIM));
    alice.putBucketVersioning(b -> b.bucket(VICTIM).versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
    for (String key : List.of("doc.txt", "public/p.txt", "tls/t.txt", "office/o.txt", "vault/v.txt", "inbox/i.txt")) {
      alice.putObject(b -> b.bucket(VICTIM).key(key), RequestBody.fromString("content of " + key));
    }
    alice.putBucketPolicy(b -> b.bucket(VICTIM).policy("""
        {"Version":"2012-10-17","Statement":[
          {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::%s:root"},"Action":"s3:GetObject",
           "Resource":"arn:aws:s3:::victim/*","Condition":{"StringEquals":{"aws:UserAgent":"trusted-agent"}}},
          {"Effect":"Deny","Principal":"*","Action":"s3:DeleteObject","Resource":"arn:aws:s3:::victim/doc.txt"}]}"""
        .formatted(bobAccount.awsAccountId())));
    alice.createBucket(b -> b.bucket(GUARDED));
    alice.putPublicAccessBlock(b -> b.bucket(GUARDED).publicAccessBlockConfiguration(c -> c.blockPublicAcls(true)
        .blockPublicPolicy(true).ignorePublicAcls(true).restrictPublicBuckets(true)));
    alice.putObject(b -> b.bucket(GUARDED).key("g.txt"), RequestBody.fromString("guarded"));
    // Role sessions: one live, one expired a minute ago.
    fx.metadata.iam(IamCommand.newBuilder().setCreateRole(io.moraine.proto.meta.v1.CreateIamRole.newBuilder()
        .setAccountId(acct).setRoleName("negrole").setRoleId("AROANEGROLE").setTrustPolicy("{}")).build());
    long now = System.currentTimeMillis();
    for (String[] s : new String[][] {{"ASIANEGLIVE", "3600000"}, {"ASIANEGOLD", "-60000"}}) {
      fx.metadata.iam(IamCommand.newBuilder().setCreateSession(io.moraine.proto.meta.v1.CreateSession.newBuilder()
          .setSession(io.moraine.proto.meta.v1.SessionRecord.newBuilder().setAccessKeyId(s[0]).setSecretKey("session-secret")
              .setSessionToken("token-of-" + s[0]).setAccountId(acct).setRoleName("negrole").setRoleId("AROANEGROLE")
              .setSessionName("neg").setExpiresMillis(now + Long.parseLong(s[1])).setCreatedMillis(now))).build());
    }
    // MFA delete on the victim, with the owner root's device.
    String serial = "arn:aws:iam::" + aliceAccount.awsAccountId() + ":mfa/neg-device";
    fx.metadata.iam(IamCommand.newBuilder().setCreateMfaDevice(io.moraine.proto.meta.v1.CreateMfaDevice.newBuilder()
        .setAccountId(acct).setSerial(serial).setSeed(com.google.protobuf.ByteString.copyFrom(MFA_SEED))).build());
    long step = io.moraine.gateway.iam.Totp.step(now);
    fx.metadata.iam(IamCommand.newBuilder().setEnableMfaDevice(io.moraine.proto.meta.v1.EnableMfaDevice.newBuilder()
        .setAccountId(acct).setSerial(serial).setUserName("root").setLastStep(step - 1)).build());
    alice.putBucketVersioning(b -> b.bucket(VICTIM).mfa(serial + " " + io.moraine.gateway.iam.Totp.code(MFA_SEED, step))
        .versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)
            .mfaDelete(software.amazon.awssdk.services.s3.model.MFADelete.ENABLED)));
    mfaSerial = serial;
    docVersion = alice.listObjectVersions(b -> b.bucket(VICTIM).prefix("doc.txt")).versions().get(0).versionId();
    buildCases(bobAccount);
  }

  static final byte[] MFA_SEED = "negative-suite-seed!".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  static String mfaSerial;
  static String docVersion;

  static S3Client sessionClient(String ak, String token) {
    return S3Client.builder().endpointOverride(fx.endpoint).region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(token == null
            ? AwsBasicCredentials.create(ak, "session-secret")
            : software.amazon.awssdk.auth.credentials.AwsSessionCredentials.create(ak, "session-secret", token)))
        .serviceConfiguration(software.amazon.awssdk.services.s3.S3Configuration.builder().pathStyleAccessEnabled(true).build())
        .build();
  }

  @AfterAll
  static void stop() throws Exception {
    for (S3Client c : List.of(alice, bob, carol, nobody)) {
      c.close();
    }
    fx.close();
  }

  static void add(String name, int status, String code, Runnable call) {
    cases.add(new Case(name, status, code, v -> call.run()));
  }

  /** Every S3 operation a stranger might try on someone else's bucket. */
  static void strangerOps(String who, S3Client c) {
    add(who + " GetObject", 403, "AccessDenied", () -> c.getObjectAsBytes(b -> b.bucket(VICTIM).key("doc.txt")));
    add(who + " GetObject version", 403, "AccessDenied", () -> c.getObjectAsBytes(b -> b.bucket(VICTIM).key("doc.txt").versionId("null")));
    add(who + " GetObject missing key", 403, "AccessDenied", () -> c.getObjectAsBytes(b -> b.bucket(VICTIM).key("nope")));
    add(who + " PutObject", 403, "AccessDenied", () -> c.putObject(b -> b.bucket(VICTIM).key("doc.txt"), RequestBody.fromString("x")));
    add(who + " PutObject new", 403, "AccessDenied", () -> c.putObject(b -> b.bucket(VICTIM).key("new.txt"), RequestBody.fromString("x")));
    add(who + " DeleteObject", 403, "AccessDenied", () -> c.deleteObject(b -> b.bucket(VICTIM).key("public/p.txt")));
    add(who + " DeleteObject version", 403, "AccessDenied", () -> c.deleteObject(b -> b.bucket(VICTIM).key("public/p.txt").versionId("null")));
    add(who + " CopyObject out", 403, "AccessDenied", () -> c.copyObject(b -> b.sourceBucket(VICTIM).sourceKey("doc.txt").destinationBucket(VICTIM).destinationKey("copy.txt")));
    add(who + " ListObjectsV2", 403, "AccessDenied", () -> c.listObjectsV2(b -> b.bucket(VICTIM)));
    add(who + " ListObjects", 403, "AccessDenied", () -> c.listObjects(b -> b.bucket(VICTIM)));
    add(who + " ListObjectVersions", 403, "AccessDenied", () -> c.listObjectVersions(b -> b.bucket(VICTIM)));
    add(who + " ListMultipartUploads", 403, "AccessDenied", () -> c.listMultipartUploads(b -> b.bucket(VICTIM)));
    add(who + " CreateMultipartUpload", 403, "AccessDenied", () -> c.createMultipartUpload(b -> b.bucket(VICTIM).key("mp")));
    add(who + " GetBucketAcl", 403, "AccessDenied", () -> c.getBucketAcl(b -> b.bucket(VICTIM)));
    add(who + " PutBucketAcl", 403, "AccessDenied", () -> c.putBucketAcl(b -> b.bucket(VICTIM).acl("public-read-write")));
    add(who + " GetObjectAcl", 403, "AccessDenied", () -> c.getObjectAcl(b -> b.bucket(VICTIM).key("doc.txt")));
    add(who + " PutObjectAcl", 403, "AccessDenied", () -> c.putObjectAcl(b -> b.bucket(VICTIM).key("doc.txt").acl(ObjectCannedACL.PUBLIC_READ)));
    add(who + " GetBucketPolicy", 403, "AccessDenied", () -> c.getBucketPolicy(b -> b.bucket(VICTIM)));
    add(who + " PutBucketPolicy", 403, "AccessDenied", () -> c.putBucketPolicy(b -> b.bucket(VICTIM).policy("{\"Version\":\"2012-10-17\",\"Statement\":[]}")));
    add(who + " DeleteBucketPolicy", 403, "AccessDenied", () -> c.deleteBucketPolicy(b -> b.bucket(VICTIM)));
    add(who + " GetBucketPolicyStatus", 403, "AccessDenied", () -> c.getBucketPolicyStatus(b -> b.bucket(VICTIM)));
    add(who + " PutPublicAccessBlock", 403, "AccessDenied", () -> c.putPublicAccessBlock(b -> b.bucket(VICTIM).publicAccessBlockConfiguration(p -> p.blockPublicAcls(false))));
    add(who + " GetPublicAccessBlock", 403, "AccessDenied", () -> c.getPublicAccessBlock(b -> b.bucket(VICTIM)));
    add(who + " DeletePublicAccessBlock", 403, "AccessDenied", () -> c.deletePublicAccessBlock(b -> b.bucket(GUARDED)));
    add(who + " PutOwnershipControls", 403, "AccessDenied", () -> c.putBucketOwnershipControls(b -> b.bucket(VICTIM).ownershipControls(o -> o.rules(r -> r.objectOwnership("BucketOwnerEnforced")))));
    add(who + " GetOwnershipControls", 403, "AccessDenied", () -> c.getBucketOwnershipControls(b -> b.bucket(VICTIM)));
    add(who + " PutBucketVersioning", 403, "AccessDenied", () -> c.putBucketVersioning(b -> b.bucket(VICTIM).versioningConfiguration(v -> v.status(BucketVersioningStatus.SUSPENDED))));
    add(who + " GetBucketVersioning", 403, "AccessDenied", () -> c.getBucketVersioning(b -> b.bucket(VICTIM)));
    add(who + " GetBucketLocation", 403, "AccessDenied", () -> c.getBucketLocation(b -> b.bucket(VICTIM)));
    add(who + " HeadBucket", 403, null, () -> c.headBucket(b -> b.bucket(VICTIM)));
    add(who + " HeadObject", 403, null, () -> c.headObject(b -> b.bucket(VICTIM).key("doc.txt")));
    add(who + " DeleteBucket", 403, "AccessDenied", () -> c.deleteBucket(b -> b.bucket(GUARDED)));
    add(who + " GetObjectAttributes", 403, "AccessDenied", () -> c.getObjectAttributes(b -> b.bucket(VICTIM).key("doc.txt").objectAttributes(software.amazon.awssdk.services.s3.model.ObjectAttributes.E_TAG)));
    add(who + " GetObject guarded", 403, "AccessDenied", () -> c.getObjectAsBytes(b -> b.bucket(GUARDED).key("g.txt")));
  }

  static void buildCases(Account bobAccount) {
    strangerOps("other account", bob);
    strangerOps("iam user without grant", carol);
    add("unknown key GetObject", 403, "InvalidAccessKeyId", () -> nobody.getObjectAsBytes(b -> b.bucket(VICTIM).key("public/p.txt")));
    add("unknown key ListBuckets", 403, "InvalidAccessKeyId", () -> nobody.listBuckets());
    add("unknown key PutObject", 403, "InvalidAccessKeyId", () -> nobody.putObject(b -> b.bucket(VICTIM).key("x"), RequestBody.fromString("x")));
    S3Client wrongSecret = fx.client("AKNEGALICE", "not-the-secret");
    add("wrong secret GetObject", 403, "SignatureDoesNotMatch", () -> wrongSecret.getObjectAsBytes(b -> b.bucket(VICTIM).key("doc.txt")));
    add("wrong secret PutObject", 403, "SignatureDoesNotMatch", () -> wrongSecret.putObject(b -> b.bucket(VICTIM).key("doc.txt"), RequestBody.fromString("x")));
    // Deny statements beat allows.
    add("user deny beats user allow GET", 403, "AccessDenied", () -> carol.getObjectAsBytes(b -> b.bucket(VICTIM).key("vault/v.txt")));
    add("user deny beats user allow PUT", 403, "AccessDenied", () -> carol.putObject(b -> b.bucket(VICTIM).key("vault/v.txt"), RequestBody.fromString("x")));
    add("user deny beats user allow DELETE", 403, "AccessDenied", () -> carol.deleteObject(b -> b.bucket(VICTIM).key("vault/v.txt")));
    add("bucket deny binds the owner", 403, "AccessDenied", () -> alice.deleteObject(b -> b.bucket(VICTIM).key("doc.txt")));
    // Conditions not met.
    add("SecureTransport required", 403, "AccessDenied", () -> carol.getObjectAsBytes(b -> b.bucket(VICTIM).key("tls/t.txt")));
    add("SourceIp outside range", 403, "AccessDenied", () -> carol.getObjectAsBytes(b -> b.bucket(VICTIM).key("office/o.txt")));
    add("x-amz-acl condition missing", 403, "AccessDenied", () -> carol.putObject(b -> b.bucket(VICTIM).key("inbox/new.txt"), RequestBody.fromString("x")));
    add("x-amz-acl condition wrong", 403, "AccessDenied", () -> carol.putObject(b -> b.bucket(VICTIM).key("inbox/new.txt").acl(ObjectCannedACL.PRIVATE), RequestBody.fromString("x")));
    add("UserAgent condition (cross-account)", 403, "AccessDenied", () -> bob.getObjectAsBytes(b -> b.bucket(VICTIM).key("public/p.txt")));
    add("user allow outside its prefix", 403, "AccessDenied", () -> carol.getObjectAsBytes(b -> b.bucket(VICTIM).key("doc.txt")));
    // Block Public Access, for the owner itself.
    add("BlockPublicAcls PutObject", 403, "AccessDenied", () -> alice.putObject(b -> b.bucket(GUARDED).key("pub.txt").acl(ObjectCannedACL.PUBLIC_READ), RequestBody.fromString("x")));
    add("BlockPublicAcls PutObject authenticated-read", 403, "AccessDenied", () -> alice.putObject(b -> b.bucket(GUARDED).key("pub.txt").acl(ObjectCannedACL.AUTHENTICATED_READ), RequestBody.fromString("x")));
    add("BlockPublicAcls grant header", 403, "AccessDenied", () -> alice.putObject(b -> b.bucket(GUARDED).key("pub.txt").grantRead("uri=http://acs.amazonaws.com/groups/global/AllUsers"), RequestBody.fromString("x")));
    add("BlockPublicAcls PutObjectAcl", 403, "AccessDenied", () -> alice.putObjectAcl(b -> b.bucket(GUARDED).key("g.txt").acl(ObjectCannedACL.PUBLIC_READ_WRITE)));
    add("BlockPublicAcls PutBucketAcl", 403, "AccessDenied", () -> alice.putBucketAcl(b -> b.bucket(GUARDED).acl("public-read")));
    add("BlockPublicAcls CreateMultipartUpload", 403, "AccessDenied", () -> alice.createMultipartUpload(b -> b.bucket(GUARDED).key("mp").acl(ObjectCannedACL.PUBLIC_READ)));
    add("BlockPublicPolicy", 403, "AccessDenied", () -> alice.putBucketPolicy(b -> b.bucket(GUARDED).policy("""
        {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::guarded/*"}]}""")));
    add("BlockPublicPolicy AWS *", 403, "AccessDenied", () -> alice.putBucketPolicy(b -> b.bucket(GUARDED).policy("""
        {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:ListBucket","Resource":"arn:aws:s3:::guarded"}]}""")));
    // Temporary credentials: expired, with a wrong token, without one.
    S3Client expired = sessionClient("ASIANEGOLD", "token-of-ASIANEGOLD");
    S3Client wrongToken = sessionClient("ASIANEGLIVE", "token-of-someone-else");
    S3Client noToken = sessionClient("ASIANEGLIVE", null);
    add("expired session GetObject", 400, "ExpiredToken", () -> expired.getObjectAsBytes(b -> b.bucket(VICTIM).key("doc.txt")));
    add("expired session PutObject", 400, "ExpiredToken", () -> expired.putObject(b -> b.bucket(VICTIM).key("doc.txt"), RequestBody.fromString("x")));
    add("expired session ListBuckets", 400, "ExpiredToken", () -> expired.listBuckets());
    add("wrong session token", 400, "InvalidToken", () -> wrongToken.getObjectAsBytes(b -> b.bucket(VICTIM).key("doc.txt")));
    add("session key without its token", 400, "InvalidToken", () -> noToken.getObjectAsBytes(b -> b.bucket(VICTIM).key("doc.txt")));
    // MFA delete: missing, wrong, malformed, another device's serial.
    add("MFA missing: delete version", 403, "AccessDenied", () -> alice.deleteObject(b -> b.bucket(VICTIM).key("doc.txt").versionId(docVersion)));
    add("MFA wrong code: delete version", 403, "AccessDenied", () -> alice.deleteObject(b -> b.bucket(VICTIM).key("doc.txt").versionId(docVersion).mfa(mfaSerial + " 000000")));
    add("MFA unknown serial: delete version", 403, "AccessDenied", () -> alice.deleteObject(b -> b.bucket(VICTIM).key("doc.txt").versionId(docVersion).mfa("arn:aws:iam::000000000000:mfa/x 123456")));
    add("MFA missing: suspend versioning", 403, "AccessDenied", () -> alice.putBucketVersioning(b -> b.bucket(VICTIM).versioningConfiguration(v -> v.status(BucketVersioningStatus.SUSPENDED))));
    add("MFA missing: disable MFA delete", 403, "AccessDenied", () -> alice.putBucketVersioning(b -> b.bucket(VICTIM).versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED).mfaDelete(software.amazon.awssdk.services.s3.model.MFADelete.DISABLED))));
    add("MFA missing: DeleteObjects with versions", 403, "AccessDenied", () -> alice.deleteObjects(b -> b.bucket(VICTIM)
        .delete(d -> d.objects(o -> o.key("doc.txt").versionId(docVersion)))));
    // Validation failures also change nothing.
    add("malformed policy", 400, "MalformedPolicy", () -> alice.putBucketPolicy(b -> b.bucket(VICTIM).policy("{")));
    add("malformed ACL XML", 400, "MalformedACLError", () -> alice.putBucketAcl(b -> b.bucket(VICTIM).accessControlPolicy(p -> p.owner(o -> o.id(aliceAccount.accountId())).grants(g -> g.permission("READ")))));
    add("canned and grant headers", 400, "InvalidRequest", () -> alice.putObjectAcl(b -> b.bucket(VICTIM).key("doc.txt").acl(ObjectCannedACL.PRIVATE).grantRead("id=x")));
    add("unknown canned ACL", 400, "InvalidArgument", () -> alice.putObject(b -> b.bucket(VICTIM).key("doc.txt").acl(ObjectCannedACL.fromValue("everyone")), RequestBody.fromString("x")));
    add("email nobody has", 400, "UnresolvableGrantByEmailAddress", () -> alice.putObjectAcl(b -> b.bucket(VICTIM).key("doc.txt").grantRead("emailAddress=ghost@example.org")));
    add("ACL owner not the owner", 403, "AccessDenied", () -> alice.putObjectAcl(b -> b.bucket(VICTIM).key("doc.txt").accessControlPolicy(p -> p.owner(o -> o.id("someone-else")))));
  }

  /** Anonymous requests, by plain HTTP. */
  static List<String[]> anonymousRequests() {
    List<String[]> r = new ArrayList<>();
    for (String[] m : new String[][] {{"GET", "/victim/doc.txt"}, {"GET", "/victim/public/p.txt"}, {"HEAD", "/victim/doc.txt"},
        {"PUT", "/victim/doc.txt"}, {"PUT", "/victim/new.txt"}, {"DELETE", "/victim/doc.txt"}, {"GET", "/victim"},
        {"GET", "/victim?list-type=2"}, {"GET", "/victim?versions"}, {"GET", "/victim?uploads"}, {"GET", "/victim?acl"},
        {"PUT", "/victim?acl"}, {"GET", "/victim?policy"}, {"DELETE", "/victim?policy"}, {"GET", "/victim?versioning"},
        {"GET", "/victim/doc.txt?acl"}, {"POST", "/victim/mp?uploads"}, {"DELETE", "/victim"}, {"PUT", "/anon-bucket"},
        {"GET", "/"}, {"GET", "/guarded/g.txt"}, {"GET", "/victim?location"}, {"GET", "/victim?publicAccessBlock"}}) {
      r.add(m);
    }
    return r;
  }

  @TestFactory
  List<DynamicTest> everyRequestIsRefusedAndNothingChanges() throws Exception {
    Map<String, String> before = snapshot();
    List<DynamicTest> tests = new ArrayList<>();
    for (Case c : cases) {
      tests.add(DynamicTest.dynamicTest(c.name(), () -> {
        try {
          c.call().accept(null);
          throw new AssertionError(c.name() + " was allowed");
        } catch (S3Exception e) {
          assertThat(e.statusCode()).as(c.name()).isEqualTo(c.status());
          if (c.code() != null) {
            assertThat(e.awsErrorDetails().errorCode()).as(c.name()).isEqualTo(c.code());
          }
        }
      }));
    }
    for (String[] m : anonymousRequests()) {
      tests.add(DynamicTest.dynamicTest("anonymous " + m[0] + " " + m[1], () -> {
        HttpResponse<String> resp = http.send(HttpRequest.newBuilder(URI.create(fx.endpoint + m[1]))
            .method(m[0], m[0].equals("PUT") ? HttpRequest.BodyPublishers.ofString("x") : HttpRequest.BodyPublishers.noBody())
            .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(resp.statusCode()).as(m[0] + " " + m[1]).isEqualTo(403);
        if (!m[0].equals("HEAD")) {
          assertThat(resp.body()).contains("<Code>AccessDenied</Code>");
        }
      }));
    }
    tests.add(DynamicTest.dynamicTest("presigned URLs past their expiry", () -> {
      try (S3Presigner presigner = S3Presigner.builder().endpointOverride(fx.endpoint).region(Region.US_EAST_1)
          .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKNEGALICE", "alice-secret")))
          .serviceConfiguration(software.amazon.awssdk.services.s3.S3Configuration.builder().pathStyleAccessEnabled(true).build())
          .build()) {
        URI url = presigner.presignGetObject(p -> p.signatureDuration(Duration.ofSeconds(1))
            .getObjectRequest(g -> g.bucket(VICTIM).key("public/p.txt"))).url().toURI();
        assertThat(http.send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        Thread.sleep(2100);
        HttpResponse<String> late = http.send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(late.statusCode()).isEqualTo(403);
        assertThat(late.body()).contains("<Code>AccessDenied</Code>").contains("Request has expired");
      }
    }));
    tests.add(DynamicTest.dynamicTest("nothing changed", () -> assertThat(snapshot()).isEqualTo(before)));
    assertThat(tests.size()).isGreaterThanOrEqualTo(100);
    return tests;
  }

  /** Controls: the same users and conditions do allow what they should, so the refusals are not blanket. */
  @Test
  void theGrantsBehindTheRefusalsWork() {
    assertThat(carol.getObjectAsBytes(b -> b.bucket(VICTIM).key("public/p.txt")).asUtf8String()).isEqualTo("content of public/p.txt");
    carol.putObject(b -> b.bucket(VICTIM).key("inbox/ok.txt").acl(ObjectCannedACL.BUCKET_OWNER_FULL_CONTROL),
        RequestBody.fromString("ok"));
    alice.deleteObject(b -> b.bucket(VICTIM).key("inbox/ok.txt"));
  }

  @Test
  void theSuiteHasAtLeastOneHundredRefusals() {
    assertThat(cases.size() + anonymousRequests().size() + 1).isGreaterThanOrEqualTo(100);
  }

  /** Everything a refused request could have changed, as text. */
  static Map<String, String> snapshot() {
    Map<String, String> s = new LinkedHashMap<>();
    for (String bucket : List.of(VICTIM, GUARDED)) {
      s.put(bucket + " versions", alice.listObjectVersions(b -> b.bucket(bucket)).versions().stream()
          .map(v -> v.key() + "@" + v.versionId() + "=" + v.eTag()).toList().toString());
      s.put(bucket + " uploads", alice.listMultipartUploads(b -> b.bucket(bucket)).uploads().toString());
      s.put(bucket + " acl", alice.getBucketAcl(b -> b.bucket(bucket)).grants().toString());
      String pab;
      try {
        pab = alice.getPublicAccessBlock(b -> b.bucket(bucket)).publicAccessBlockConfiguration().toString();
      } catch (S3Exception e) {
        pab = e.awsErrorDetails().errorCode();
      }
      s.put(bucket + " pab", pab);
    }
    s.put("policy", alice.getBucketPolicy(b -> b.bucket(VICTIM)).policy());
    s.put("versioning", alice.getBucketVersioning(b -> b.bucket(VICTIM)).statusAsString()
        + " mfa " + alice.getBucketVersioning(b -> b.bucket(VICTIM)).mfaDeleteAsString());
    s.put("doc acl", alice.getObjectAcl(b -> b.bucket(VICTIM).key("doc.txt")).grants().toString());
    s.put("buckets", alice.listBuckets().buckets().stream().map(b -> b.name()).toList().toString());
    return s;
  }
}
