package io.moraine.gateway.post;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.moraine.gateway.auth.Authenticator;
import io.moraine.gateway.error.S3Error;
import io.moraine.gateway.error.S3Exception;
import io.moraine.gateway.http.S3Request;
import io.moraine.gateway.http.S3Response;
import io.moraine.gateway.object.ObjectApi;
import io.moraine.gateway.xml.XmlWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * POST Object — browser-based uploads (S3 API reference, "POST Object"; "Browser-based uploads
 * using POST (AWS Signature Version 4)"): a {@code multipart/form-data} form with the key, an
 * optional SigV4-signed POST policy (expiration; conditions {@code eq}, {@code starts-with},
 * {@code content-length-range}; every field must be covered), ACL, metadata and content fields,
 * then the file. The file is spooled to a temporary file (its length is not known until it ends)
 * and stored exactly as a PutObject of the form's caller would be; the answer follows
 * {@code success_action_redirect} / {@code success_action_status}.
 */
public final class PostObjectApi {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Fields never covered by the policy (S3: the signature fields, the file, x-ignore-*). */
  private static final Set<String> UNCHECKED = Set.of("policy", "x-amz-signature", "file", "awsaccesskeyid", "signature");
  /** Form fields that become the headers of the stored object. */
  private static final List<String> HEADER_FIELDS = List.of("content-type", "cache-control", "content-disposition",
      "content-encoding", "expires", "x-amz-acl", "x-amz-storage-class", "x-amz-website-redirect-location",
      "x-amz-server-side-encryption", "x-amz-server-side-encryption-customer-algorithm",
      "x-amz-server-side-encryption-customer-key", "x-amz-server-side-encryption-customer-key-md5",
      "x-amz-grant-read", "x-amz-grant-full-control", "x-amz-grant-read-acp",
      "x-amz-grant-write-acp");

  private final Authenticator authenticator;
  private final ObjectApi objects;
  private final InstantSource clock;

  public PostObjectApi(Authenticator authenticator, ObjectApi objects, InstantSource clock) {
    this.authenticator = authenticator;
    this.objects = objects;
    this.clock = clock;
  }

  public void post(S3Request r, S3Response out, String bucket) throws IOException {
    String contentType = r.header("content-type").orElse("");
    if (!contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
      throw new S3Exception(new S3Error.PreconditionFailed("Bucket POST must be of the enclosure-type multipart/form-data"));
    }
    Path spool = Files.createTempFile("moraine-post-", ".part");
    try {
      FormParts.Form form;
      try (OutputStream sink = Files.newOutputStream(spool)) {
        form = new FormParts(r.body(), FormParts.boundary(contentType)).read(sink);
      }
      Map<String, String> f = form.fields();
      String key = Optional.ofNullable(f.get("key")).filter(k -> !k.isEmpty()).orElseThrow(() -> new S3Exception(
          new S3Error.InvalidArgument("Bucket POST must contain a field named 'key'.  If it is specified, please check the order of the fields.")))
          .replace("${filename}", form.fileName());
      Authenticator.Principal principal = authenticate(f, bucket);
      if (f.containsKey("policy")) {
        checkPolicy(f, bucket, key, form.fileBytes());
      }
      Map<String, List<String>> headers = new LinkedHashMap<>();
      headers.put("content-length", List.of(Long.toString(form.fileBytes())));
      for (String h : HEADER_FIELDS) {
        if (f.containsKey(h)) {
          headers.put(h, List.of(f.get(h)));
        }
      }
      if (!headers.containsKey("content-type") && form.fileContentType() != null) {
        headers.put("content-type", List.of(form.fileContentType()));
      }
      f.forEach((name, value) -> {
        if (name.startsWith("x-amz-meta-")) {
          headers.put(name, List.of(value));
        }
      });
      ObjectApi.Written w;
      try (InputStream file = Files.newInputStream(spool)) {
        w = objects.write(r.derive(key, headers, file, principal), bucket, key);
      }
      respond(out, f, bucket, key, w);
    } finally {
      Files.deleteIfExists(spool);
    }
  }

  /** The form's signer (a signed policy), or the anonymous caller for a form without one. */
  private Authenticator.Principal authenticate(Map<String, String> f, String bucket) {
    if (!f.containsKey("policy")) {
      if (f.containsKey("x-amz-signature") || f.containsKey("x-amz-credential")) {
        throw new S3Exception(new S3Error.InvalidArgument("Bucket POST with a signature must contain a policy."));
      }
      return Authenticator.Principal.anonymous();
    }
    if (f.containsKey("awsaccesskeyid")) {
      throw new S3Exception(new S3Error.NotImplemented("POST policies signed with Signature Version 2 are not supported"));
    }
    if (!"AWS4-HMAC-SHA256".equals(f.get("x-amz-algorithm"))) {
      throw new S3Exception(new S3Error.InvalidArgument("Bucket POST requires x-amz-algorithm AWS4-HMAC-SHA256"));
    }
    for (String required : List.of("x-amz-credential", "x-amz-date", "x-amz-signature")) {
      if (!f.containsKey(required)) {
        throw new S3Exception(new S3Error.InvalidArgument("Bucket POST must contain a field named '" + required + "'."));
      }
    }
    return authenticator.authenticatePost(f.get("x-amz-credential"), f.get("x-amz-date"), f.get("policy"),
        f.get("x-amz-signature"), Optional.ofNullable(f.get("x-amz-security-token")), bucket);
  }

  /** The POST policy: not expired, every condition met, every form field covered by one. */
  private void checkPolicy(Map<String, String> f, String bucket, String key, long size) {
    JsonNode policy;
    try {
      policy = JSON.readTree(Base64.getDecoder().decode(f.get("policy")));
    } catch (IllegalArgumentException | IOException e) {
      throw invalid("Invalid Policy: Invalid JSON.");
    }
    JsonNode expiration = policy.get("expiration");
    if (expiration == null || !expiration.isTextual()) {
      throw invalid("Invalid Policy: Policy missing expiration.");
    }
    try {
      if (!clock.instant().isBefore(Instant.parse(expiration.asText()))) {
        throw denied("Invalid according to Policy: Policy expired.");
      }
    } catch (DateTimeParseException e) {
      throw invalid("Invalid Policy: Invalid 'expiration' value: '" + expiration.asText() + "'");
    }
    JsonNode conditions = policy.get("conditions");
    if (conditions == null || !conditions.isArray()) {
      throw invalid("Invalid Policy: Policy missing conditions.");
    }
    Map<String, String> values = new LinkedHashMap<>(f);
    values.put("bucket", bucket);
    values.put("key", key);
    List<String> covered = new ArrayList<>();
    for (JsonNode c : conditions) {
      if (c.isObject()) {
        c.fields().forEachRemaining(e -> {
          String field = e.getKey().toLowerCase(Locale.ROOT);
          covered.add(field);
          if (!e.getValue().asText().equals(values.getOrDefault(field, null))) {
            throw denied("Invalid according to Policy: Policy Condition failed: [\"eq\", \"$" + e.getKey() + "\", \""
                + e.getValue().asText() + "\"]");
          }
        });
      } else if (c.isArray() && c.size() == 3) {
        String op = c.get(0).asText().toLowerCase(Locale.ROOT);
        if (op.equals("content-length-range")) {
          long min = c.get(1).asLong();
          long max = c.get(2).asLong();
          if (size > max) {
            throw new S3Exception(new S3Error.EntityTooLarge("Your proposed upload exceeds the maximum allowed size"));
          }
          if (size < min) {
            throw new S3Exception(new S3Error.EntityTooSmall("Your proposed upload is smaller than the minimum allowed size"));
          }
          continue;
        }
        String ref = c.get(1).asText();
        if (!ref.startsWith("$")) {
          throw invalid("Invalid Policy: Invalid Condition: " + c);
        }
        String field = ref.substring(1).toLowerCase(Locale.ROOT);
        covered.add(field);
        String actual = values.getOrDefault(field, "");
        String expected = c.get(2).asText();
        boolean ok = switch (op) {
          case "eq" -> actual.equals(expected);
          case "starts-with" -> field.equals("content-type")
              ? java.util.Arrays.stream(actual.split(",")).allMatch(v -> v.strip().startsWith(expected))
              : actual.startsWith(expected);
          default -> throw invalid("Invalid Policy: Invalid Condition: " + c);
        };
        if (!ok) {
          throw denied("Invalid according to Policy: Policy Condition failed: " + c);
        }
      } else {
        throw invalid("Invalid Policy: Invalid Condition: " + c);
      }
    }
    for (String field : f.keySet()) {
      if (!UNCHECKED.contains(field) && !field.startsWith("x-ignore-") && !covered.contains(field)) {
        throw denied("Invalid according to Policy: Extra input fields: " + field);
      }
    }
  }

  private void respond(S3Response out, Map<String, String> f, String bucket, String key, ObjectApi.Written w)
      throws IOException {
    String etag = "\"" + w.etag() + "\"";
    out.header("ETag", etag);
    if (w.versionId() != null && !w.versionId().equals("null")) {
      out.header("x-amz-version-id", w.versionId());
    }
    String redirect = f.get("success_action_redirect");
    if (redirect == null) {
      redirect = f.get("redirect");
    }
    if (redirect != null && !redirect.isEmpty()) {
      String sep = redirect.contains("?") ? "&" : "?";
      out.header("Location", redirect + sep + "bucket=" + enc(bucket) + "&key=" + enc(key) + "&etag=" + enc(etag))
          .empty(303);
      return;
    }
    String location = "/" + bucket + "/" + key;
    out.header("Location", location);
    switch (f.getOrDefault("success_action_status", "204")) {
      case "200" -> out.empty(200);
      case "201" -> out.xml(201, new XmlWriter().start("PostResponse").element("Location", location)
          .element("Bucket", bucket).element("Key", key).element("ETag", etag).end("PostResponse").toBytes());
      default -> out.empty(204);
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static S3Exception denied(String message) {
    return new S3Exception(new S3Error.AccessDenied(message));
  }

  private static S3Exception invalid(String message) {
    return new S3Exception(new S3Error.InvalidPolicyDocument(message));
  }
}
