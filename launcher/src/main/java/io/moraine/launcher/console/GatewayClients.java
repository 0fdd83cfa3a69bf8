package io.moraine.launcher.console;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * The console is an S3 (and IAM) client of its own gateway with the logged-in caller's keys, so
 * the gateway's access control decides what the console may show or change, exactly as for any
 * other S3 client. One HTTP connection pool is shared; the SDK clients built on it are cheap and
 * made per request (closing them leaves the shared pool open).
 */
final class GatewayClients implements AutoCloseable {

  private final URI endpoint;
  private final Region region;
  private final SdkHttpClient http = ApacheHttpClient.builder().maxConnections(32).build();
  private final HttpClient raw = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(10)).build();

  GatewayClients(URI endpoint, String region) {
    this.endpoint = endpoint;
    this.region = Region.of(region);
  }

  URI endpoint() {
    return endpoint;
  }

  private static StaticCredentialsProvider creds(Sessions.Session s) {
    return StaticCredentialsProvider.create(AwsBasicCredentials.create(s.accessKey(), s.secretKey()));
  }

  S3Client s3(Sessions.Session s) {
    return S3Client.builder().endpointOverride(endpoint).region(region).forcePathStyle(true)
        .credentialsProvider(creds(s)).httpClient(http).build();
  }

  S3Presigner presigner(Sessions.Session s) {
    return S3Presigner.builder().endpointOverride(endpoint).region(region).credentialsProvider(creds(s))
        .serviceConfiguration(software.amazon.awssdk.services.s3.S3Configuration.builder().pathStyleAccessEnabled(true)
            .build()).build();
  }

  IamClient iam(Sessions.Session s) {
    return IamClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1).credentialsProvider(creds(s))
        .httpClient(http).build();
  }

  /** The streaming HTTP client the upload proxy sends presigned PUTs with. */
  HttpClient raw() {
    return raw;
  }

  /** A sub-resource answer as the gateway sends it. */
  record Raw(int status, String body) {}

  /**
   * {@code GET /BUCKET?KIND} signed with the caller's keys, the answer's body as it is (the stored
   * configuration's XML or JSON, or the S3 error document): what the settings page shows.
   */
  Raw subresource(Sessions.Session s, String bucket, String kind) throws Exception {
    SdkHttpRequest request = SdkHttpRequest.builder().method(SdkHttpMethod.GET).uri(endpoint)
        .encodedPath("/" + Html.url(bucket)).putRawQueryParameter(kind, (String) null).build();
    AwsCredentialsIdentity id = AwsCredentialsIdentity.create(s.accessKey(), s.secretKey());
    SignedRequest signed = AwsV4HttpSigner.create().sign(r -> r.identity(id).request(request)
        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "s3")
        .putProperty(AwsV4HttpSigner.REGION_NAME, region.id())
        .putProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, false));
    HttpRequest.Builder b = HttpRequest.newBuilder(signed.request().getUri()).GET().timeout(Duration.ofSeconds(30));
    signed.request().forEachHeader((name, values) -> {
      if (!name.equalsIgnoreCase("host")) {
        values.forEach(v -> b.header(name, v));
      }
    });
    HttpResponse<String> r = raw.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Raw(r.statusCode(), r.body());
  }

  /** The {@code Code} of an S3 error document, if the body is one. */
  static Optional<String> errorCode(String body) {
    int a = body.indexOf("<Code>");
    int b = body.indexOf("</Code>");
    return a >= 0 && b > a ? Optional.of(body.substring(a + 6, b)) : Optional.empty();
  }

  @Override
  public void close() {
    http.close();
  }
}
