package io.moraine.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moraine.gateway.fakes.FixedPlacement;
import io.moraine.gateway.fakes.InMemoryMetadata;
import io.moraine.gateway.fakes.InMemoryShards;
import io.moraine.metadata.api.MetadataClient;
import io.moraine.tls.Pem;
import io.moraine.tls.TlsFiles;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.List;
import java.util.SplittableRandom;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * HTTPS on the gateway with the AWS SDK v2: a client trusting the generated CA round-trips, one
 * trusting another CA is refused in the handshake, a gateway with HTTP off has no plain listener,
 * and {@code aws:SecureTransport} is true exactly on TLS requests (a bucket policy denying
 * insecure transport refuses HTTP and allows HTTPS).
 */
class GatewayTlsTest {
  static final String AK = "tlsadmin";
  static final String SK = "tlsadmin-secret";

  static Path dir;
  static TlsFiles files;
  static TlsFiles otherCa;
  static MetadataClient metadata;
  static S3Gateway both;
  static S3Gateway httpsOnly;

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory("gateway-tls");
    files = TlsFiles.dev(dir.resolve("tls"), InstantSource.system(), new SecureRandom());
    otherCa = TlsFiles.dev(dir.resolve("other"), InstantSource.system(), new SecureRandom());
    InstantSource clock = InstantSource.system();
    metadata = InMemoryMetadata.create(clock, 100);
    InMemoryShards shards = new InMemoryShards();
    FixedPlacement placement = new FixedPlacement();
    GatewayConfig plain = new GatewayConfig("gateway-1", "127.0.0.1", 0, "us-east-1", List.of("localhost", "s3.localhost"),
        AK, SK, 64 * 1024, 4096, 1000, 10_000, 10_000, 5L * 1024 * 1024);
    both = new S3Gateway(plain.withTls(new GatewayTls(files.certFile(), files.keyFile(), 0, true)), metadata, shards,
        placement, clock, new SplittableRandom(1));
    both.start();
    httpsOnly = new S3Gateway(plain.withTls(GatewayTls.onGatewayPort(files.certFile(), files.keyFile())), metadata,
        shards, placement, clock, new SplittableRandom(2));
    httpsOnly.start();
  }

  @AfterAll
  static void stop() throws Exception {
    both.close();
    httpsOnly.close();
  }

  static S3Client client(String scheme, int port, TlsFiles trusted) {
    ApacheHttpClient.Builder http = ApacheHttpClient.builder();
    if (trusted != null) {
      http.tlsTrustManagersProvider(() -> new TrustManager[] {Pem.trustManager(trusted.caFile())});
    }
    return S3Client.builder()
        .endpointOverride(URI.create(scheme + "://127.0.0.1:" + port))
        .region(Region.US_EAST_1)
        .httpClientBuilder(http)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(AK, SK)))
        .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build())
        .build();
  }

  @Test
  void aClientTrustingTheGeneratedCaPutsAndGetsOverHttps() {
    try (S3Client s3 = client("https", httpsOnly.port(), files)) {
      s3.createBucket(b -> b.bucket("tls-roundtrip"));
      s3.putObject(b -> b.bucket("tls-roundtrip").key("k"), RequestBody.fromString("over tls"));
      assertThat(s3.getObjectAsBytes(b -> b.bucket("tls-roundtrip").key("k")).asUtf8String()).isEqualTo("over tls");
    }
    assertThat(httpsOnly.httpsPort()).isEqualTo(httpsOnly.port());
  }

  @Test
  void aClientTrustingAnotherCaIsRefusedInTheHandshake() {
    try (S3Client s3 = client("https", httpsOnly.port(), otherCa)) {
      assertThatThrownBy(s3::listBuckets).isInstanceOf(SdkClientException.class)
          .satisfies(e -> assertThat(hasCause(e, SSLHandshakeException.class)).isTrue());
    }
  }

  @Test
  void withHttpOffThePortSpeaksOnlyTls() {
    try (S3Client s3 = client("http", httpsOnly.port(), null)) {
      assertThatThrownBy(s3::listBuckets).isInstanceOf(SdkClientException.class);
    }
  }

  @Test
  void aPolicyDenyingInsecureTransportRefusesHttpAndAllowsHttps() {
    try (S3Client overHttp = client("http", both.port(), null);
        S3Client overHttps = client("https", both.httpsPort(), files)) {
      overHttp.createBucket(b -> b.bucket("tls-only"));
      overHttp.putBucketPolicy(b -> b.bucket("tls-only").policy("""
          {"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":["s3:GetObject","s3:PutObject"],
           "Resource":"arn:aws:s3:::tls-only/*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}"""));
      assertThatThrownBy(() -> overHttp.putObject(b -> b.bucket("tls-only").key("k"), RequestBody.fromString("x")))
          .isInstanceOfSatisfying(S3Exception.class, e -> {
            assertThat(e.statusCode()).isEqualTo(403);
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
          });
      overHttps.putObject(b -> b.bucket("tls-only").key("k"), RequestBody.fromString("secure"));
      assertThat(overHttps.getObjectAsBytes(b -> b.bucket("tls-only").key("k")).asUtf8String()).isEqualTo("secure");
      assertThatThrownBy(() -> overHttp.getObjectAsBytes(b -> b.bucket("tls-only").key("k")))
          .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(403));
    }
  }

  @Test
  void byDefaultSseCKeysAreRefusedOverPlainHttpAndAcceptedOverHttps() throws Exception {
    byte[] k = new byte[32];
    java.util.Arrays.fill(k, (byte) 7);
    String key = java.util.Base64.getEncoder().encodeToString(k);
    String md5 = java.util.Base64.getEncoder().encodeToString(java.security.MessageDigest.getInstance("MD5").digest(k));
    try (S3Client overHttp = client("http", both.port(), null);
        S3Client overHttps = client("https", both.httpsPort(), files)) {
      overHttp.createBucket(b -> b.bucket("ssec-tls"));
      assertThatThrownBy(() -> overHttp.putObject(b -> b.bucket("ssec-tls").key("k").sseCustomerAlgorithm("AES256")
          .sseCustomerKey(key).sseCustomerKeyMD5(md5), RequestBody.fromString("x")))
          .isInstanceOfSatisfying(S3Exception.class, e -> {
            assertThat(e.statusCode()).isEqualTo(400);
            assertThat(e.awsErrorDetails().errorMessage()).contains("must be made over a secure connection");
          });
      overHttps.putObject(b -> b.bucket("ssec-tls").key("k").sseCustomerAlgorithm("AES256").sseCustomerKey(key)
          .sseCustomerKeyMD5(md5), RequestBody.fromString("sealed"));
      assertThat(overHttps.getObjectAsBytes(b -> b.bucket("ssec-tls").key("k").sseCustomerAlgorithm("AES256")
          .sseCustomerKey(key).sseCustomerKeyMD5(md5)).asUtf8String()).isEqualTo("sealed");
    }
  }

  @Test
  void tlsOnTheGatewayPortCannotAlsoServeHttp() {
    GatewayConfig c = GatewayConfig.defaults("g", "127.0.0.1", 0, AK, SK)
        .withTls(new GatewayTls(files.certFile(), files.keyFile(), GatewayTls.SAME_PORT, true));
    assertThatThrownBy(c::validate).hasMessageContaining("cannot share");
  }

  private static boolean hasCause(Throwable t, Class<?> type) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return true;
      }
    }
    return false;
  }
}
