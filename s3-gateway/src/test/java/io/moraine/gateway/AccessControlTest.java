package io.moraine.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import io.moraine.metadata.api.Account;
import io.moraine.proto.meta.v1.CreateAccessKey;
import io.moraine.proto.meta.v1.CreateIamUser;
import io.moraine.proto.meta.v1.IamCommand;
import io.moraine.proto.meta.v1.IamEntityKind;
import io.moraine.proto.meta.v1.PutInlinePolicy;
import io.moraine.proto.meta.v1.UpdateAccessKey;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.AccessControlPolicy;
import software.amazon.awssdk.services.s3.model.Grant;
import software.amazon.awssdk.services.s3.model.Grantee;
import software.amazon.awssdk.services.s3.model.ObjectCannedACL;
import software.amazon.awssdk.services.s3.model.ObjectOwnership;
import software.amazon.awssdk.services.s3.model.Owner;
import software.amazon.awssdk.services.s3.model.Permission;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.Type;

/**
 * S3's access control through the SDK and plain HTTP against a real gateway: accounts, IAM user
 * policies, bucket policies, ACLs, anonymous access, Block Public Access and Object Ownership,
 * as the S3 User Guide ("Identity and Access Management for Amazon S3", "Access control list
 * (ACL) overview", "Blocking public access", "Controlling ownership of objects") describes them.
 * Every refusal asserts the exact status and code and that nothing changed.
 */
class AccessControlTest {
  static GatewayFixture fx;
  static S3Client admin;
  static S3Client alice;
  static S3Client bob;
  static S3Client carol; // an IAM user of alice's account
  static Account aliceAccount;
  static Account bobAccount;
  static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    fx = GatewayFixture.start(100, 11);
    admin = fx.client(GatewayFixture.AK, GatewayFixture.SK);
    aliceAccount = fx.metadata.createAccount("alice", "alice@example.com", "AKIAALICE", "alice-secret");
    bobAccount = fx.metadata.createAccount("bob", "bob@example.com", "AKIABOB", "bob-secret");
    alice = fx.client("AKIAALICE", "alice-secret");
    bob = fx.client("AKIABOB", "bob-secret");
    String acct = aliceAccount.accountId();
    fx.metadata.iam(IamCommand.newBuilder().setCreateUser(CreateIamUser.newBuilder().setAccountId(acct)
        .setUserName("carol").setUserId("AIDACAROL")).build());
    fx.metadata.iam(IamCommand.newBuilder().setCreateAccessKey(CreateAccessKey.newBuilder().setAccountId(acct)
        .setUserName("carol").setAccessKeyId("AKIACAROL").setSecretKey("carol-secret")).build());
    fx.metadata.iam(IamCommand.newBuilder().setPutInlinePolicy(PutInlinePolicy.newBuilder().setAccountId(acct)
        .setKind(IamEntityKind.IAM_USER).setName("carol").setPolicyName("home").setDocument("""
            {"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],
               "Resource":"arn:aws:s3:::*/home/${aws:username}/*"},
              {"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::*",
               "Condition":{"StringLike":{"s3:prefix":"home/${aws:username}/*"}}}]}""")).build());
    carol = fx.client("AKIACAROL", "carol-secret");
  }

  @AfterAll
  static void stop() throws Exception {
    for (S3Client c : List.of(admin, alice, bob, carol)) {
      c.close();
    }
    fx.close();
  }

  static void refused(ThrowingCallable call, int status, String code) {
    assertThatThrownBy(call).isInstanceOfSatisfying(S3Exception.class, e -> {
      assertThat(e.awsErrorDetails().errorCode()).isEqualTo(code);
      assertThat(e.statusCode()).isEqualTo(status);
    });
  }

  /** HEAD answers 404 without a body: the object is not there (a refused write stored nothing). */
  static void absent(ThrowingCallable call) {
    assertThatThrownBy(call).isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(404));
  }

  static void denied(ThrowingCallable call) {
    refused(call, 403, "AccessDenied");
  }

  static void put(S3Client c, String bucket, String key, String body) {
    c.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString(body));
  }

  static String get(S3Client c, String bucket, String key) {
    return c.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asUtf8String();
  }

  static HttpResponse<String> anonymous(String method, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(fx.endpoint + path)).method(method,
        HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
  }

  static String policy(String statements) {
    return "{\"Version\":\"2012-10-17\",\"Statement\":[" + statements + "]}";
  }

  @Test
  void anonymousRequestsSeeOnlyWhatIsPublic() throws Exception {
    alice.createBucket(b -> b.bucket("anon-bucket"));
    put(alice, "anon-bucket", "private.txt", "secret");
    put(alice, "anon-bucket", "public.txt", "hello world");
    assertThat(anonymous("GET", "/anon-bucket/public.txt").statusCode()).isEqualTo(403);
    alice.putObjectAcl(b -> b.bucket("anon-bucket").key("public.txt").acl(ObjectCannedACL.PUBLIC_READ));

    HttpResponse<String> ok = anonymous("GET", "/anon-bucket/public.txt");
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.body()).isEqualTo("hello world");
    HttpResponse<String> no = anonymous("GET", "/anon-bucket/private.txt");
    assertThat(no.statusCode()).isEqualTo(403);
    assertThat(no.body()).contains("<Code>AccessDenied</Code>");
    assertThat(anonymous("GET", "/anon-bucket").statusCode()).isEqualTo(403); // listing is not public
    assertThat(anonymous("GET", "/").statusCode()).isEqualTo(403); // ListBuckets needs a signer
    assertThat(anonymous("DELETE", "/anon-bucket/public.txt").statusCode()).isEqualTo(403);
    assertThat(anonymous("PUT", "/anon-bucket/new.txt").statusCode()).isEqualTo(403);
    assertThat(anonymous("PUT", "/anon-new-bucket").statusCode()).isEqualTo(403);
    assertThat(get(alice, "anon-bucket", "public.txt")).isEqualTo("hello world");
    absent(() -> alice.headObject(b -> b.bucket("anon-bucket").key("new.txt")));
  }

  @Test
  void crossAccountNeedsTheBucketPolicyAndDenyWins() {
    alice.createBucket(b -> b.bucket("shared-bucket"));
    put(alice, "shared-bucket", "doc.txt", "v1");
    put(alice, "shared-bucket", "secret/plan.txt", "p");
    denied(() -> get(bob, "shared-bucket", "doc.txt"));
    denied(() -> bob.listObjectsV2(b -> b.bucket("shared-bucket")));
    // Not the bucket owner: cannot even read or set its policy.
    denied(() -> bob.putBucketPolicy(b -> b.bucket("shared-bucket").policy(policy(""))));

    String bobRoot = "arn:aws:iam::" + bobAccount.awsAccountId() + ":root";
    alice.putBucketPolicy(b -> b.bucket("shared-bucket").policy(policy("""
        {"Effect":"Allow","Principal":{"AWS":"%s"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::shared-bucket/*"},
        {"Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::shared-bucket/secret/*"}"""
        .formatted(bobRoot))));
    assertThat(get(bob, "shared-bucket", "doc.txt")).isEqualTo("v1");
    denied(() -> get(bob, "shared-bucket", "secret/plan.txt"));
    // The deny binds the bucket owner itself too.
    denied(() -> get(alice, "shared-bucket", "secret/plan.txt"));
    denied(() -> bob.listObjectsV2(b -> b.bucket("shared-bucket")));
    denied(() -> put(bob, "shared-bucket", "doc.txt", "overwritten"));
    denied(() -> bob.deleteObject(b -> b.bucket("shared-bucket").key("doc.txt")));
    assertThat(get(alice, "shared-bucket", "doc.txt")).isEqualTo("v1");
    // A missing key: bob may not list, so S3 answers 403 rather than revealing absence.
    denied(() -> get(bob, "shared-bucket", "absent.txt"));

    // The owner's root may always read and remove the policy, even one that denies everyone.
    assertThat(alice.getBucketPolicy(b -> b.bucket("shared-bucket")).policy()).contains(bobRoot);
    alice.deleteBucketPolicy(b -> b.bucket("shared-bucket"));
    denied(() -> get(bob, "shared-bucket", "doc.txt")); // applies to the very next request
    assertThat(get(alice, "shared-bucket", "secret/plan.txt")).isEqualTo("p");
  }

  @Test
  void iamUserPoliciesScopeAUserToItsPrefix() {
    alice.createBucket(b -> b.bucket("team-bucket"));
    put(alice, "team-bucket", "other/x.txt", "x");
    put(carol, "team-bucket", "home/carol/a.txt", "mine");
    assertThat(get(carol, "team-bucket", "home/carol/a.txt")).isEqualTo("mine");
    assertThat(carol.listObjectsV2(b -> b.bucket("team-bucket").prefix("home/carol/")).keyCount()).isEqualTo(1);
    denied(() -> carol.listObjectsV2(b -> b.bucket("team-bucket")));
    denied(() -> carol.listObjectsV2(b -> b.bucket("team-bucket").prefix("other/")));
    denied(() -> get(carol, "team-bucket", "other/x.txt"));
    denied(() -> put(carol, "team-bucket", "home/dave/a.txt", "not mine"));
    denied(() -> carol.deleteObject(b -> b.bucket("team-bucket").key("home/carol/a.txt")));
    denied(() -> carol.createBucket(b -> b.bucket("carols-own")));
    denied(() -> carol.putBucketPolicy(b -> b.bucket("team-bucket").policy(policy(""))));
    // A bucket that does not exist is 404 NoSuchBucket before any 403.
    refused(() -> get(carol, "no-such-bucket-anywhere", "x"), 404, "NoSuchBucket");
    // A deny in the bucket policy naming the user beats the user's own allow.
    alice.putBucketPolicy(b -> b.bucket("team-bucket").policy(policy("""
        {"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::%s:user/carol"},"Action":"s3:PutObject",
         "Resource":"arn:aws:s3:::team-bucket/*"}""".formatted(aliceAccount.awsAccountId()))));
    denied(() -> put(carol, "team-bucket", "home/carol/b.txt", "blocked"));
    assertThat(get(carol, "team-bucket", "home/carol/a.txt")).isEqualTo("mine");
    // A deactivated key fails its very next request.
    fx.metadata.iam(IamCommand.newBuilder().setUpdateAccessKey(UpdateAccessKey.newBuilder()
        .setAccountId(aliceAccount.accountId()).setUserName("carol").setAccessKeyId("AKIACAROL").setActive(false)).build());
    refused(() -> get(carol, "team-bucket", "home/carol/a.txt"), 403, "InvalidAccessKeyId");
    fx.metadata.iam(IamCommand.newBuilder().setUpdateAccessKey(UpdateAccessKey.newBuilder()
        .setAccountId(aliceAccount.accountId()).setUserName("carol").setAccessKeyId("AKIACAROL").setActive(true)).build());
    assertThat(get(carol, "team-bucket", "home/carol/a.txt")).isEqualTo("mine");
  }

  @Test
  void aclsGrantListingWritingAndReadingAcrossAccounts() {
    alice.createBucket(b -> b.bucket("acl-bucket"));
    put(alice, "acl-bucket", "a.txt", "A");
    String bobId = bobAccount.accountId();
    alice.putBucketAcl(b -> b.bucket("acl-bucket").grantRead("id=" + bobId).grantFullControl("id=" + aliceAccount.accountId()));
    assertThat(bob.listObjectsV2(b -> b.bucket("acl-bucket")).keyCount()).isEqualTo(1);
    denied(() -> get(bob, "acl-bucket", "a.txt")); // bucket READ is listing only
    denied(() -> put(bob, "acl-bucket", "b.txt", "B"));
    denied(() -> bob.getBucketAcl(b -> b.bucket("acl-bucket")));

    // Grant by e-mail: stored as the canonical id.
    alice.putObjectAcl(b -> b.bucket("acl-bucket").key("a.txt").grantRead("emailAddress=bob@example.com"));
    assertThat(get(bob, "acl-bucket", "a.txt")).isEqualTo("A");
    var acl = alice.getObjectAcl(b -> b.bucket("acl-bucket").key("a.txt"));
    assertThat(acl.owner().id()).isEqualTo(aliceAccount.accountId());
    assertThat(acl.grants()).anySatisfy(g -> {
      assertThat(g.grantee().id()).isEqualTo(bobId);
      assertThat(g.permission()).isEqualTo(Permission.READ);
    });
    refused(() -> alice.putObjectAcl(b -> b.bucket("acl-bucket").key("a.txt").grantRead("emailAddress=nobody@example.com")),
        400, "UnresolvableGrantByEmailAddress");
    denied(() -> bob.putObjectAcl(b -> b.bucket("acl-bucket").key("a.txt").acl(ObjectCannedACL.PUBLIC_READ)));

    // Bucket WRITE: bob writes; bob's object is bob's, the bucket owner cannot read it...
    alice.putBucketAcl(b -> b.bucket("acl-bucket").grantWrite("id=" + bobId).grantFullControl("id=" + aliceAccount.accountId()));
    put(bob, "acl-bucket", "from-bob.txt", "B");
    assertThat(get(bob, "acl-bucket", "from-bob.txt")).isEqualTo("B");
    denied(() -> get(alice, "acl-bucket", "from-bob.txt"));
    assertThat(bob.getObjectAcl(b -> b.bucket("acl-bucket").key("from-bob.txt")).owner().id()).isEqualTo(bobId);
    // ... unless bob grants it bucket-owner-full-control; and the owner may delete anything.
    bob.putObject(b -> b.bucket("acl-bucket").key("for-alice.txt").acl(ObjectCannedACL.BUCKET_OWNER_FULL_CONTROL),
        RequestBody.fromString("C"));
    assertThat(get(alice, "acl-bucket", "for-alice.txt")).isEqualTo("C");
    alice.deleteObject(b -> b.bucket("acl-bucket").key("from-bob.txt"));
  }

  @Test
  void aclDocumentsRoundTripAndBadOnesAreRefused() {
    alice.createBucket(b -> b.bucket("acl-xml"));
    Owner owner = Owner.builder().id(aliceAccount.accountId()).build();
    AccessControlPolicy doc = AccessControlPolicy.builder().owner(owner).grants(
        Grant.builder().grantee(Grantee.builder().type(Type.CANONICAL_USER).id(aliceAccount.accountId()).build())
            .permission(Permission.FULL_CONTROL).build(),
        Grant.builder().grantee(Grantee.builder().type(Type.GROUP).uri("http://acs.amazonaws.com/groups/global/AuthenticatedUsers").build())
            .permission(Permission.READ).build()).build();
    alice.putBucketAcl(b -> b.bucket("acl-xml").accessControlPolicy(doc));
    var got = alice.getBucketAcl(b -> b.bucket("acl-xml"));
    assertThat(got.owner().displayName()).isEqualTo("alice");
    assertThat(got.grants()).hasSize(2);
    // AuthenticatedUsers READ: any signed caller lists, the anonymous one does not.
    assertThat(bob.listObjectsV2(b -> b.bucket("acl-xml")).keyCount()).isZero();

    List<Grant> many = new ArrayList<>();
    for (int i = 0; i < 101; i++) {
      many.add(Grant.builder().grantee(Grantee.builder().type(Type.CANONICAL_USER).id("id" + i).build())
          .permission(Permission.READ).build());
    }
    refused(() -> alice.putBucketAcl(b -> b.bucket("acl-xml").accessControlPolicy(
        AccessControlPolicy.builder().owner(owner).grants(many).build())), 400, "MalformedACLError");
    refused(() -> alice.putBucketAcl(b -> b.bucket("acl-xml").acl("public-read").grantRead("id=x")), 400, "InvalidRequest");
    assertThat(alice.getBucketAcl(b -> b.bucket("acl-xml")).grants()).hasSize(2);
  }

  @Test
  void bucketOwnerEnforcedTurnsAclsOff() {
    alice.createBucket(b -> b.bucket("enforced").objectOwnership(ObjectOwnership.BUCKET_OWNER_ENFORCED));
    assertThat(alice.getBucketOwnershipControls(b -> b.bucket("enforced")).ownershipControls().rules().get(0)
        .objectOwnership()).isEqualTo(ObjectOwnership.BUCKET_OWNER_ENFORCED);
    refused(() -> alice.putObject(b -> b.bucket("enforced").key("k").acl(ObjectCannedACL.PUBLIC_READ),
        RequestBody.fromString("x")), 400, "AccessControlListNotSupported");
    refused(() -> alice.putBucketAcl(b -> b.bucket("enforced").acl("public-read")), 400, "AccessControlListNotSupported");
    absent(() -> alice.headObject(b -> b.bucket("enforced").key("k")));
    alice.putObject(b -> b.bucket("enforced").key("k").acl(ObjectCannedACL.BUCKET_OWNER_FULL_CONTROL),
        RequestBody.fromString("x"));
    assertThat(alice.getObjectAcl(b -> b.bucket("enforced").key("k")).grants()).hasSize(1);
    // A bucket with a non-private ACL cannot switch to enforced ownership.
    alice.createBucket(b -> b.bucket("acl-then-enforce").acl("public-read"));
    refused(() -> alice.putBucketOwnershipControls(b -> b.bucket("acl-then-enforce").ownershipControls(o -> o.rules(
        r -> r.objectOwnership(ObjectOwnership.BUCKET_OWNER_ENFORCED)))), 400, "InvalidBucketAclWithObjectOwnership");
    refused(() -> alice.getBucketOwnershipControls(b -> b.bucket("acl-then-enforce")), 404, "OwnershipControlsNotFoundError");
  }

  @Test
  void blockPublicAccessBlocksAndIgnoresPublicGrants() throws Exception {
    alice.createBucket(b -> b.bucket("pab-bucket"));
    alice.putObject(b -> b.bucket("pab-bucket").key("open.txt").acl(ObjectCannedACL.PUBLIC_READ), RequestBody.fromString("o"));
    assertThat(anonymous("GET", "/pab-bucket/open.txt").statusCode()).isEqualTo(200);
    refused(() -> alice.getPublicAccessBlock(b -> b.bucket("pab-bucket")), 404, "NoSuchPublicAccessBlockConfiguration");

    alice.putPublicAccessBlock(b -> b.bucket("pab-bucket").publicAccessBlockConfiguration(c -> c.blockPublicAcls(true)
        .blockPublicPolicy(true)));
    denied(() -> alice.putObject(b -> b.bucket("pab-bucket").key("new.txt").acl(ObjectCannedACL.PUBLIC_READ),
        RequestBody.fromString("n")));
    absent(() -> alice.headObject(b -> b.bucket("pab-bucket").key("new.txt")));
    denied(() -> alice.putBucketAcl(b -> b.bucket("pab-bucket").acl("public-read")));
    String publicPolicy = policy("""
        {"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::pab-bucket/*"}""");
    denied(() -> alice.putBucketPolicy(b -> b.bucket("pab-bucket").policy(publicPolicy)));
    refused(() -> alice.getBucketPolicy(b -> b.bucket("pab-bucket")), 404, "NoSuchBucketPolicy");
    // Blocking new public ACLs leaves existing ones working; ignoring them does not.
    assertThat(anonymous("GET", "/pab-bucket/open.txt").statusCode()).isEqualTo(200);
    alice.putPublicAccessBlock(b -> b.bucket("pab-bucket").publicAccessBlockConfiguration(c -> c.ignorePublicAcls(true)));
    assertThat(anonymous("GET", "/pab-bucket/open.txt").statusCode()).isEqualTo(403);
    assertThat(alice.getPublicAccessBlock(b -> b.bucket("pab-bucket")).publicAccessBlockConfiguration().ignorePublicAcls())
        .isTrue();

    // A public policy works until RestrictPublicBuckets confines it to the owner's account.
    alice.putPublicAccessBlock(b -> b.bucket("pab-bucket").publicAccessBlockConfiguration(c -> c.blockPublicAcls(false)));
    put(alice, "pab-bucket", "by-policy.txt", "p");
    assertThat(anonymous("GET", "/pab-bucket/by-policy.txt").statusCode()).isEqualTo(403);
    alice.putBucketPolicy(b -> b.bucket("pab-bucket").policy(publicPolicy));
    assertThat(alice.getBucketPolicyStatus(b -> b.bucket("pab-bucket")).policyStatus().isPublic()).isTrue();
    assertThat(anonymous("GET", "/pab-bucket/by-policy.txt").statusCode()).isEqualTo(200);
    assertThat(get(bob, "pab-bucket", "by-policy.txt")).isEqualTo("p");
    alice.putPublicAccessBlock(b -> b.bucket("pab-bucket").publicAccessBlockConfiguration(c -> c.restrictPublicBuckets(true)));
    assertThat(anonymous("GET", "/pab-bucket/by-policy.txt").statusCode()).isEqualTo(403);
    denied(() -> get(bob, "pab-bucket", "by-policy.txt"));
    assertThat(get(alice, "pab-bucket", "by-policy.txt")).isEqualTo("p");
    // The object's own public ACL is not the policy: it still serves until ignored.
    assertThat(anonymous("GET", "/pab-bucket/open.txt").statusCode()).isEqualTo(200);
    alice.deletePublicAccessBlock(b -> b.bucket("pab-bucket"));
    assertThat(anonymous("GET", "/pab-bucket/open.txt").statusCode()).isEqualTo(200);
  }

  /** S3 Control's account-level Block Public Access binds every bucket of the account. */
  @Test
  void accountLevelBlockPublicAccess() throws Exception {
    Account dora = fx.metadata.createAccount("dora", "dora@example.com", "AKIADORA", "dora-secret");
    try (S3Client doraS3 = fx.client("AKIADORA", "dora-secret");
        var control = software.amazon.awssdk.services.s3control.S3ControlClient.builder()
            .region(software.amazon.awssdk.regions.Region.US_EAST_1)
            .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("AKIADORA", "dora-secret")))
            // AWS puts the account id in the host name; here the gateway's own address serves S3 Control.
            .endpointProvider(params -> java.util.concurrent.CompletableFuture.completedFuture(
                software.amazon.awssdk.endpoints.Endpoint.builder().url(fx.endpoint).build()))
            .build()) {
      doraS3.createBucket(b -> b.bucket("dora-bucket"));
      doraS3.putObject(b -> b.bucket("dora-bucket").key("o").acl(ObjectCannedACL.PUBLIC_READ), RequestBody.fromString("o"));
      assertThat(anonymous("GET", "/dora-bucket/o").statusCode()).isEqualTo(200);
      assertThatThrownBy(() -> control.getPublicAccessBlock(b -> b.accountId(dora.awsAccountId())))
          .isInstanceOfSatisfying(software.amazon.awssdk.services.s3control.model.S3ControlException.class,
              e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("NoSuchPublicAccessBlockConfiguration"));
      control.putPublicAccessBlock(b -> b.accountId(dora.awsAccountId()).publicAccessBlockConfiguration(
          c -> c.ignorePublicAcls(true).blockPublicAcls(true)));
      assertThat(control.getPublicAccessBlock(b -> b.accountId(dora.awsAccountId())).publicAccessBlockConfiguration()
          .ignorePublicAcls()).isTrue();
      assertThat(anonymous("GET", "/dora-bucket/o").statusCode()).isEqualTo(403);
      denied(() -> doraS3.putObjectAcl(b -> b.bucket("dora-bucket").key("o").acl(ObjectCannedACL.PUBLIC_READ_WRITE)));
      // Another account's id is not the caller's to configure.
      assertThatThrownBy(() -> control.putPublicAccessBlock(b -> b.accountId(aliceAccount.awsAccountId())
          .publicAccessBlockConfiguration(c -> c.blockPublicAcls(true))))
          .isInstanceOfSatisfying(software.amazon.awssdk.services.s3control.model.S3ControlException.class,
              e -> assertThat(e.statusCode()).isEqualTo(403));
      control.deletePublicAccessBlock(b -> b.accountId(dora.awsAccountId()));
      assertThat(anonymous("GET", "/dora-bucket/o").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void bucketPoliciesAreValidatedAndSized() {
    alice.createBucket(b -> b.bucket("policy-bucket"));
    refused(() -> alice.putBucketPolicy(b -> b.bucket("policy-bucket").policy("not json")), 400, "MalformedPolicy");
    refused(() -> alice.putBucketPolicy(b -> b.bucket("policy-bucket").policy(policy("""
        {"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::other-bucket/*"}"""))),
        400, "MalformedPolicy");
    refused(() -> alice.putBucketPolicy(b -> b.bucket("policy-bucket").policy(policy("""
        {"Effect":"Allow","Principal":"*","Action":"s3:NoSuchAction","Resource":"arn:aws:s3:::policy-bucket/*"}"""))),
        400, "MalformedPolicy");
    StringBuilder big = new StringBuilder();
    for (int i = 0; big.length() < 21 * 1024; i++) {
      if (i > 0) {
        big.append(',');
      }
      big.append("""
          {"Sid":"s%d","Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::policy-bucket/k%d"}"""
          .formatted(i, i));
    }
    refused(() -> alice.putBucketPolicy(b -> b.bucket("policy-bucket").policy(policy(big.toString()))), 400, "PolicyTooLarge");
    refused(() -> alice.getBucketPolicy(b -> b.bucket("policy-bucket")), 404, "NoSuchBucketPolicy");
    refused(() -> alice.getBucketPolicyStatus(b -> b.bucket("policy-bucket")), 404, "NoSuchBucketPolicy");
    String own = policy("""
        {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::%s:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::policy-bucket/*"}"""
        .formatted(bobAccount.awsAccountId()));
    alice.putBucketPolicy(b -> b.bucket("policy-bucket").policy(own));
    assertThat(alice.getBucketPolicy(b -> b.bucket("policy-bucket")).policy()).isEqualTo(own);
    assertThat(alice.getBucketPolicyStatus(b -> b.bucket("policy-bucket")).policyStatus().isPublic()).isFalse();
  }
}
