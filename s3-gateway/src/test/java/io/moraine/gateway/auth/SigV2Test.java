package io.moraine.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moraine.gateway.error.S3Error;
import io.moraine.gateway.error.S3Exception;
import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Signature Version 2 against the examples of the S3 Developer Guide ("Signing and authenticating
 * REST requests": the johnsmith bucket, 2007-03-27) and S3's errors for its failures.
 */
class SigV2Test {
  static final String AK = "AKIAIOSFODNN7EXAMPLE";
  static final String SK = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  final IdentityStore store = (ak, bucket) -> ak.equals(AK)
      ? Optional.of(Identity.root(AK, SK, "acct", "123456789012", "example", null)) : Optional.empty();
  final InstantSource at = InstantSource.fixed(Instant.parse("2007-03-27T19:40:00Z"));

  static SignedRequest request(String method, String path, String query, Map<String, List<String>> headers) {
    return new SignedRequest(method, path, AwsUris.decode(path, false), AwsUris.parseQuery(query), headers);
  }

  static Map<String, List<String>> headers(String... kv) {
    Map<String, List<String>> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], List.of(kv[i + 1]));
    }
    return m;
  }

  @Test
  void theDeveloperGuidesGetExample() {
    String toSign = SigV2.stringToSign("GET", headers("host", "johnsmith.s3.amazonaws.com"),
        "Tue, 27 Mar 2007 19:36:42 +0000", "/johnsmith/photos/puppy.jpg", List.of());
    assertThat(toSign).isEqualTo("GET\n\n\nTue, 27 Mar 2007 19:36:42 +0000\n/johnsmith/photos/puppy.jpg");
    assertThat(SigV2.sign(SK, toSign)).isEqualTo("bWq2s1WEIj+Ydj0vQ697zp+IXMU=");
  }

  @Test
  void virtualHostedHeaderRequestsAuthenticate() {
    Authenticator auth = new Authenticator(store, at, "us-east-1");
    var h = headers("host", "johnsmith.s3.amazonaws.com", "date", "Tue, 27 Mar 2007 19:36:42 +0000",
        "authorization", "AWS " + AK + ":bWq2s1WEIj+Ydj0vQ697zp+IXMU=");
    Authenticator.Principal p = auth.authenticate(request("GET", "/photos/puppy.jpg", null, h), "johnsmith");
    assertThat(p.auth().signatureVersion()).isEqualTo("AWS");
    assertThat(p.identity().accountId()).isEqualTo("acct");
  }

  @Test
  void subresourcesAndAmzHeadersAreSigned() {
    var h = headers("host", "s3.amazonaws.com", "x-amz-date", "Tue, 27 Mar 2007 19:36:42 +0000",
        "x-amz-meta-b", "two", "X-Amz-Meta-A", " one ");
    String toSign = SigV2.stringToSign("PUT", h, "", "/johnsmith/k", AwsUris.parseQuery("acl&foo=bar&versionId=v1"));
    assertThat(toSign).isEqualTo("PUT\n\n\n\nx-amz-date:Tue, 27 Mar 2007 19:36:42 +0000\nx-amz-meta-a:one\n"
        + "x-amz-meta-b:two\n/johnsmith/k?acl&versionId=v1");
  }

  @Test
  void failuresAnswerS3sErrors() {
    Authenticator auth = new Authenticator(store, at, "us-east-1");
    var wrong = headers("date", "Tue, 27 Mar 2007 19:36:42 +0000", "authorization", "AWS " + AK + ":AAAAbWq2s1WEIj+Ydj0vQ69=");
    assertThatThrownBy(() -> auth.authenticate(request("GET", "/johnsmith/photos/puppy.jpg", null, wrong), "johnsmith"))
        .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.error()).isInstanceOf(S3Error.SignatureDoesNotMatch.class));
    var noDate = headers("authorization", "AWS " + AK + ":bWq2s1WEIj+Ydj0vQ697zp+IXMU=");
    assertThatThrownBy(() -> auth.authenticate(request("GET", "/johnsmith/photos/puppy.jpg", null, noDate), "johnsmith"))
        .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.error()).isInstanceOf(S3Error.AccessDenied.class));
    var badDate = headers("date", "yesterday", "authorization", "AWS " + AK + ":bWq2s1WEIj+Ydj0vQ697zp+IXMU=");
    assertThatThrownBy(() -> auth.authenticate(request("GET", "/johnsmith/photos/puppy.jpg", null, badDate), "johnsmith"))
        .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.error()).isInstanceOf(S3Error.AccessDenied.class));
    var malformed = headers("date", "Tue, 27 Mar 2007 19:36:42 +0000", "authorization", "AWS " + AK);
    assertThatThrownBy(() -> auth.authenticate(request("GET", "/johnsmith/photos/puppy.jpg", null, malformed), "johnsmith"))
        .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.error()).isInstanceOf(S3Error.InvalidArgument.class));
    // Turned off: S3's answer for a mechanism it does not accept.
    Authenticator v4only = new Authenticator(store, at, "us-east-1", false);
    var ok = headers("host", "johnsmith.s3.amazonaws.com", "date", "Tue, 27 Mar 2007 19:36:42 +0000",
        "authorization", "AWS " + AK + ":bWq2s1WEIj+Ydj0vQ697zp+IXMU=");
    assertThatThrownBy(() -> v4only.authenticate(request("GET", "/photos/puppy.jpg", null, ok), "johnsmith"))
        .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.error()).isInstanceOf(S3Error.InvalidRequest.class));
  }

  @Test
  void queryStringAuthenticationExpires() {
    long expires = Instant.parse("2007-03-27T20:00:00Z").getEpochSecond();
    String sig = SigV2.sign(SK, "GET\n\n\n" + expires + "\n/johnsmith/photos/puppy.jpg");
    String query = "AWSAccessKeyId=" + AK + "&Expires=" + expires + "&Signature=" + AwsUris.encode(sig, true);
    Authenticator auth = new Authenticator(store, at, "us-east-1");
    assertThat(auth.authenticate(request("GET", "/photos/puppy.jpg", query, headers("host", "johnsmith.s3.amazonaws.com")),
        "johnsmith").auth().authType()).isEqualTo("REST-QUERY-STRING");
    Authenticator later = new Authenticator(store, InstantSource.fixed(Instant.parse("2007-03-27T20:00:01Z")), "us-east-1");
    assertThatThrownBy(() -> later.authenticate(request("GET", "/photos/puppy.jpg", query, headers()), "johnsmith"))
        .isInstanceOfSatisfying(S3Exception.class, e -> {
          assertThat(e.error()).isInstanceOf(S3Error.AccessDenied.class);
          assertThat(e.error().detail()).isEqualTo("Request has expired");
        });
  }
}
