package io.moraine.gateway.kms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.moraine.gateway.access.Access;
import io.moraine.gateway.access.policy.MalformedPolicyException;
import io.moraine.gateway.access.policy.PolicyParser;
import io.moraine.gateway.auth.Identity;
import io.moraine.gateway.error.S3Error;
import io.moraine.gateway.error.S3Errors;
import io.moraine.gateway.error.S3Exception;
import io.moraine.gateway.http.Bodies;
import io.moraine.gateway.http.S3Request;
import io.moraine.gateway.http.S3Response;
import io.moraine.gateway.http.ServiceApi;
import io.moraine.gateway.kms.KmsException.Code;
import io.moraine.metadata.api.MetadataException;
import io.moraine.proto.meta.v1.DeleteKmsAlias;
import io.moraine.proto.meta.v1.KmsAliasRecord;
import io.moraine.proto.meta.v1.KmsCommand;
import io.moraine.proto.meta.v1.KmsKeyRecord;
import io.moraine.proto.meta.v1.KmsQuery;
import io.moraine.proto.meta.v1.ListKmsAliases;
import io.moraine.proto.meta.v1.PutKmsAlias;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The KMS JSON 1.1 API on the gateway's listener (SigV4 service {@code kms}, the gateway's
 * region): {@code X-Amz-Target: TrentService.Op}, JSON bodies, errors as
 * {@code {"__type": ..., "message": ...}} with status 400 (500 for internal failures). Symmetric
 * keys only (SYMMETRIC_DEFAULT, ENCRYPT_DECRYPT). Each operation on a key is authorized as
 * {@code kms:Op} on the key's ARN by its key policy and the caller's IAM policies; CreateKey,
 * ListKeys and ListAliases by the caller's IAM policies on {@code *}.
 */
public final class KmsApi implements ServiceApi {
  private static final int MAX_BODY_BYTES = 64 * 1024;
  private static final String CONTENT_TYPE = "application/x-amz-json-1.1";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_PLAINTEXT = 4096;

  private final KmsKeys keys;
  private final Access access;

  public KmsApi(KmsKeys keys, Access access) {
    this.keys = keys;
    this.access = access;
  }

  @Override
  public String service() {
    return "kms";
  }

  @Override
  public String signingRegion() {
    return keys.region();
  }

  @Override
  public void error(S3Response out, S3Error error, String requestId) throws IOException {
    write(out, fromS3(error));
  }

  @Override
  public void handle(S3Request r, S3Response out) throws IOException {
    try {
      String target = r.header("x-amz-target").orElse("");
      if (!target.startsWith("TrentService.")) {
        throw new KmsException(Code.UNKNOWN_OPERATION, null);
      }
      String op = target.substring("TrentService.".length());
      byte[] body = Bodies.readSmall(r, MAX_BODY_BYTES);
      JsonNode in = body.length == 0 ? JSON.createObjectNode() : JSON.readTree(body);
      if (in == null || !in.isObject()) {
        throw new KmsException(Code.VALIDATION, "the request body must be a JSON object");
      }
      Identity caller = r.principal().identity();
      if (caller == null) {
        throw new KmsException(Code.UNRECOGNIZED_CLIENT, "The security token included in the request is invalid.");
      }
      ObjectNode result = serve(r, op, in, caller);
      out.body(200, CONTENT_TYPE, JSON.writeValueAsBytes(result));
    } catch (KmsException e) {
      write(out, e);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      write(out, new KmsException(Code.VALIDATION, "the request body is not valid JSON"));
    } catch (S3Exception e) {
      write(out, fromS3(e.error()));
    } catch (MetadataException e) {
      write(out, new KmsException(Code.INTERNAL, e.getMessage()));
    } catch (IllegalArgumentException e) {
      write(out, new KmsException(Code.VALIDATION, e.getMessage()));
    }
  }

  private ObjectNode serve(S3Request r, String op, JsonNode in, Identity caller) throws KmsException {
    ObjectNode o = JSON.createObjectNode();
    switch (op) {
      case "CreateKey" -> {
        identity(r, "kms:CreateKey", "*");
        String spec = text(in, "KeySpec", text(in, "CustomerMasterKeySpec", "SYMMETRIC_DEFAULT"));
        String usage = text(in, "KeyUsage", "ENCRYPT_DECRYPT");
        if (!spec.equals("SYMMETRIC_DEFAULT") || !usage.equals("ENCRYPT_DECRYPT")
            || !text(in, "Origin", "AWS_KMS").equals("AWS_KMS") || in.path("MultiRegion").asBoolean(false)) {
          throw new KmsException(Code.UNSUPPORTED, "Moraine's KMS makes symmetric ENCRYPT_DECRYPT keys (AWS_KMS) only");
        }
        String policy = in.hasNonNull("Policy") ? checkedPolicy(in.get("Policy").asText()) : null;
        KmsKeyRecord key = keys.create(caller, text(in, "Description", ""), policy, "CUSTOMER", null).getKeys(0);
        o.set("KeyMetadata", metadata(key));
      }
      case "DescribeKey" -> {
        KmsKeyRecord key = keys.find(caller, required(in, "KeyId"));
        keys.authorize(caller, key, op);
        o.set("KeyMetadata", metadata(key));
      }
      case "ListKeys" -> {
        identity(r, "kms:ListKeys", "*");
        List<KmsKeyRecord> all = keys.keysOf(caller.accountId()).stream().filter(k -> keys.live(k) != null)
            .sorted(Comparator.comparing(KmsKeyRecord::getKeyId)).toList();
        ArrayNode list = o.putArray("Keys");
        page(in, all.stream().map(KmsKeyRecord::getKeyId).toList(), o, i -> list.addObject()
            .put("KeyId", all.get(i).getKeyId()).put("KeyArn", all.get(i).getArn()));
      }
      case "CreateAlias", "UpdateAlias" -> {
        String name = aliasName(required(in, "AliasName"));
        KmsKeyRecord key = keys.find(caller, required(in, "TargetKeyId"));
        if (key.getKeyManager().equals("AWS")) {
          throw new KmsException(Code.UNSUPPORTED, "an alias cannot name an AWS managed key");
        }
        keys.authorize(caller, key, op);
        var reply = keys.metadataClient().kms(KmsCommand.newBuilder().setPutAlias(PutKmsAlias.newBuilder()
            .setAccountId(caller.accountId()).setAliasName(name).setTargetKeyId(key.getKeyId())
            .setAliasArn("arn:aws:kms:" + keys.region() + ":" + caller.awsAccountId() + ":" + name)
            .setMustExist(op.equals("UpdateAlias"))).build());
        if (!reply.getApplied()) {
          throw op.equals("UpdateAlias") ? KmsKeys.notFound(name) : new KmsException(Code.ALREADY_EXISTS,
              "An alias with the name " + "arn:aws:kms:" + keys.region() + ":" + caller.awsAccountId() + ":" + name
                  + " already exists");
        }
      }
      case "DeleteAlias" -> {
        String name = aliasName(required(in, "AliasName"));
        KmsKeyRecord key = keys.find(caller, name);
        keys.authorize(caller, key, op);
        var reply = keys.metadataClient().kms(KmsCommand.newBuilder().setDeleteAlias(DeleteKmsAlias.newBuilder()
            .setAccountId(caller.accountId()).setAliasName(name)).build());
        if (!reply.getApplied()) {
          throw KmsKeys.notFound(name);
        }
      }
      case "ListAliases" -> {
        String keyId = "";
        if (in.hasNonNull("KeyId")) {
          KmsKeyRecord key = keys.find(caller, in.get("KeyId").asText());
          keyId = key.getKeyId();
        } else {
          identity(r, "kms:ListAliases", "*");
        }
        List<KmsAliasRecord> all = keys.metadataClient().kmsQuery(KmsQuery.newBuilder().setListAliases(
            ListKmsAliases.newBuilder().setAccountId(caller.accountId()).setKeyId(keyId)).build()).getAliasesList();
        ArrayNode list = o.putArray("Aliases");
        page(in, all.stream().map(KmsAliasRecord::getAliasName).toList(), o, i -> list.addObject()
            .put("AliasName", all.get(i).getAliasName()).put("AliasArn", all.get(i).getAliasArn())
            .put("TargetKeyId", all.get(i).getTargetKeyId())
            .put("CreationDate", seconds(all.get(i).getCreatedMillis()))
            .put("LastUpdatedDate", seconds(all.get(i).getUpdatedMillis())));
      }
      case "EnableKey", "DisableKey" -> {
        KmsKeyRecord key = managed(caller, in, op);
        keys.update(key, (cur, next) -> {
          if (cur.getState() == KmsKeys.PENDING_DELETION) {
            throw new KmsException(Code.INVALID_STATE, cur.getArn() + " is pending deletion.");
          }
          next.setState(op.equals("EnableKey") ? KmsKeys.ENABLED : KmsKeys.DISABLED);
        });
      }
      case "ScheduleKeyDeletion" -> {
        KmsKeyRecord key = managed(caller, in, op);
        int window = in.path("PendingWindowInDays").asInt(30);
        if (window < 7 || window > 30) {
          throw new KmsException(Code.VALIDATION, "1 validation error detected: Value '" + window + "' at "
              + "'pendingWindowInDays' failed to satisfy constraint: Member must have value between 7 and 30");
        }
        long deletion = keys.now() + keys.days().daysMillis(window);
        KmsKeyRecord after = keys.update(key, (cur, next) -> {
          if (cur.getState() == KmsKeys.PENDING_DELETION) {
            throw new KmsException(Code.INVALID_STATE, cur.getArn() + " is pending deletion.");
          }
          next.setStateBeforeDeletion(cur.getState()).setState(KmsKeys.PENDING_DELETION).setDeletionMillis(deletion);
        });
        o.put("KeyId", after.getArn()).put("DeletionDate", seconds(after.getDeletionMillis()))
            .put("KeyState", "PendingDeletion").put("PendingWindowInDays", window);
      }
      case "CancelKeyDeletion" -> {
        KmsKeyRecord key = managed(caller, in, op);
        KmsKeyRecord after = keys.update(key, (cur, next) -> {
          if (cur.getState() != KmsKeys.PENDING_DELETION) {
            throw new KmsException(Code.INVALID_STATE, cur.getArn() + " is not pending deletion.");
          }
          next.setState(KmsKeys.DISABLED).setDeletionMillis(0).setStateBeforeDeletion(0);
        });
        o.put("KeyId", after.getArn());
      }
      case "EnableKeyRotation", "DisableKeyRotation" -> {
        KmsKeyRecord key = managed(caller, in, op);
        boolean on = op.equals("EnableKeyRotation");
        int period = in.path("RotationPeriodInDays").asInt((int) KmsKeys.ROTATION_DAYS);
        if (period < 90 || period > 2560) {
          throw new KmsException(Code.VALIDATION, "RotationPeriodInDays must be between 90 and 2560");
        }
        keys.update(key, (cur, next) -> {
          KmsKeys.usable(cur);
          next.setRotationEnabled(on).setNextRotationMillis(on ? keys.now() + keys.days().daysMillis(period) : 0);
        });
      }
      case "GetKeyRotationStatus" -> {
        KmsKeyRecord key = keys.find(caller, required(in, "KeyId"));
        keys.authorize(caller, key, op);
        o.put("KeyRotationEnabled", key.getRotationEnabled()).put("KeyId", key.getKeyId());
        if (key.getRotationEnabled()) {
          o.put("RotationPeriodInDays", KmsKeys.ROTATION_DAYS).put("NextRotationDate", seconds(key.getNextRotationMillis()));
        }
      }
      case "GetKeyPolicy" -> {
        KmsKeyRecord key = keys.find(caller, required(in, "KeyId"));
        keys.authorize(caller, key, op);
        policyName(in);
        o.put("Policy", key.getPolicy()).put("PolicyName", "default");
      }
      case "PutKeyPolicy" -> {
        KmsKeyRecord key = managed(caller, in, op);
        policyName(in);
        String policy = checkedPolicy(required(in, "Policy"));
        keys.update(key, (cur, next) -> next.setPolicy(policy));
      }
      case "Encrypt" -> {
        byte[] plaintext = blob(in, "Plaintext");
        if (plaintext.length == 0 || plaintext.length > MAX_PLAINTEXT) {
          throw new KmsException(Code.VALIDATION, "Plaintext must be 1 to 4096 bytes");
        }
        KmsKeys.Sealed s = keys.encrypt(caller, required(in, "KeyId"), plaintext, context(in), op, null);
        o.put("CiphertextBlob", s.blob()).put("KeyId", s.key().getArn()).put("EncryptionAlgorithm", "SYMMETRIC_DEFAULT");
      }
      case "Decrypt" -> {
        algorithm(in);
        KmsKeys.Opened p = keys.decrypt(caller, blob(in, "CiphertextBlob"), context(in), text(in, "KeyId", null), null);
        o.put("KeyId", p.key().getArn()).put("Plaintext", p.plaintext()).put("EncryptionAlgorithm", "SYMMETRIC_DEFAULT");
      }
      case "GenerateDataKey", "GenerateDataKeyWithoutPlaintext" -> {
        int bytes = dataKeyBytes(in);
        byte[] plaintext = new byte[bytes];
        keys.random().nextBytes(plaintext);
        KmsKeys.Sealed s = keys.encrypt(caller, required(in, "KeyId"), plaintext, context(in), op, null);
        o.put("CiphertextBlob", s.blob()).put("KeyId", s.key().getArn());
        if (op.equals("GenerateDataKey")) {
          o.put("Plaintext", plaintext);
        }
      }
      default -> throw new KmsException(Code.UNKNOWN_OPERATION, null);
    }
    return o;
  }

  /** A customer managed key the caller may run {@code op} on (AWS managed keys refuse management). */
  private KmsKeyRecord managed(Identity caller, JsonNode in, String op) throws KmsException {
    KmsKeyRecord key = keys.find(caller, required(in, "KeyId"));
    keys.authorize(caller, key, op);
    if (key.getKeyManager().equals("AWS")) {
      throw new KmsException(Code.UNSUPPORTED, key.getArn() + " is an AWS managed key; " + op + " is not allowed on it");
    }
    return key;
  }

  private void identity(S3Request r, String action, String resource) throws KmsException {
    if (!access.identityAllows(r, action, resource)) {
      Identity id = r.principal().identity();
      throw new KmsException(Code.ACCESS_DENIED, "User: " + id.caller().arn() + " is not authorized to perform: "
          + action + " on resource: " + resource);
    }
  }

  private ObjectNode metadata(KmsKeyRecord k) {
    ObjectNode m = JSON.createObjectNode();
    m.put("AWSAccountId", k.getAwsAccountId()).put("KeyId", k.getKeyId()).put("Arn", k.getArn())
        .put("CreationDate", seconds(k.getCreatedMillis())).put("Enabled", k.getState() == KmsKeys.ENABLED)
        .put("Description", k.getDescription()).put("KeyUsage", "ENCRYPT_DECRYPT")
        .put("KeyState", switch (k.getState()) {
          case KmsKeys.ENABLED -> "Enabled";
          case KmsKeys.DISABLED -> "Disabled";
          default -> "PendingDeletion";
        }).put("Origin", "AWS_KMS").put("KeyManager", k.getKeyManager())
        .put("CustomerMasterKeySpec", "SYMMETRIC_DEFAULT").put("KeySpec", "SYMMETRIC_DEFAULT").put("MultiRegion", false);
    if (k.getState() == KmsKeys.PENDING_DELETION) {
      m.put("DeletionDate", seconds(k.getDeletionMillis()));
    }
    m.putArray("EncryptionAlgorithms").add("SYMMETRIC_DEFAULT");
    return m;
  }

  private static void page(JsonNode in, List<String> markers, ObjectNode o, java.util.function.IntConsumer add)
      throws KmsException {
    int limit = in.path("Limit").asInt(100);
    if (limit < 1 || limit > 1000) {
      throw new KmsException(Code.VALIDATION, "Limit must be between 1 and 1000");
    }
    String marker = text(in, "Marker", "");
    int start = 0;
    while (!marker.isEmpty() && start < markers.size() && markers.get(start).compareTo(marker) <= 0) {
      start++;
    }
    int end = Math.min(markers.size(), start + limit);
    for (int i = start; i < end; i++) {
      add.accept(i);
    }
    o.put("Truncated", end < markers.size());
    if (end < markers.size()) {
      o.put("NextMarker", markers.get(end - 1));
    }
  }

  private static String aliasName(String name) throws KmsException {
    if (!name.matches("alias/[a-zA-Z0-9/_-]{1,250}")) {
      throw new KmsException(Code.VALIDATION, "1 validation error detected: Value '" + name + "' at 'aliasName' failed "
          + "to satisfy constraint: Member must satisfy regular expression pattern: ^alias/[a-zA-Z0-9/_-]+$");
    }
    if (name.startsWith("alias/aws/")) {
      throw new KmsException(Code.INVALID_ALIAS_NAME, "Alias must not begin with 'alias/aws/'");
    }
    return name;
  }

  private static String checkedPolicy(String policy) throws KmsException {
    try {
      PolicyParser.parse(policy, PolicyParser.Kind.KEY, null);
      return policy;
    } catch (MalformedPolicyException e) {
      throw new KmsException(Code.MALFORMED_POLICY, e.getMessage());
    }
  }

  private static void policyName(JsonNode in) throws KmsException {
    if (!text(in, "PolicyName", "default").equals("default")) {
      throw new KmsException(Code.NOT_FOUND, "The only valid policy name is 'default'");
    }
  }

  private static void algorithm(JsonNode in) throws KmsException {
    if (!text(in, "EncryptionAlgorithm", "SYMMETRIC_DEFAULT").equals("SYMMETRIC_DEFAULT")) {
      throw new KmsException(Code.INVALID_KEY_USAGE, "symmetric keys take SYMMETRIC_DEFAULT only");
    }
  }

  private static int dataKeyBytes(JsonNode in) throws KmsException {
    boolean spec = in.hasNonNull("KeySpec");
    boolean number = in.hasNonNull("NumberOfBytes");
    if (spec == number) {
      throw new KmsException(Code.VALIDATION, "Please specify either number of bytes or key spec.");
    }
    if (spec) {
      return switch (in.get("KeySpec").asText()) {
        case "AES_256" -> 32;
        case "AES_128" -> 16;
        default -> throw new KmsException(Code.VALIDATION, "KeySpec must be AES_256 or AES_128");
      };
    }
    int n = in.get("NumberOfBytes").asInt();
    if (n < 1 || n > 1024) {
      throw new KmsException(Code.VALIDATION, "NumberOfBytes must be between 1 and 1024");
    }
    return n;
  }

  static Map<String, String> context(JsonNode in) throws KmsException {
    JsonNode c = in.get("EncryptionContext");
    Map<String, String> out = new LinkedHashMap<>();
    if (c == null || c.isNull()) {
      return out;
    }
    if (!c.isObject()) {
      throw new KmsException(Code.VALIDATION, "EncryptionContext must be a map of strings");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = c.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().isTextual()) {
        throw new KmsException(Code.VALIDATION, "EncryptionContext must be a map of strings");
      }
      out.put(e.getKey(), e.getValue().asText());
    }
    return out;
  }

  private static byte[] blob(JsonNode in, String field) throws KmsException {
    String b64 = required(in, field);
    try {
      return Base64.getDecoder().decode(b64);
    } catch (IllegalArgumentException e) {
      throw new KmsException(Code.VALIDATION, field + " is not base64");
    }
  }

  private static String required(JsonNode in, String field) throws KmsException {
    JsonNode v = in.get(field);
    if (v == null || v.isNull() || v.asText().isEmpty()) {
      throw new KmsException(Code.VALIDATION, "1 validation error detected: Value null at '"
          + Character.toLowerCase(field.charAt(0)) + field.substring(1) + "' failed to satisfy constraint: Member must "
          + "not be null");
    }
    return v.asText();
  }

  private static String text(JsonNode in, String field, String orElse) {
    JsonNode v = in.get(field);
    return v == null || v.isNull() ? orElse : v.asText();
  }

  private static double seconds(long millis) {
    return millis / 1000.0;
  }

  private static void write(S3Response out, KmsException e) throws IOException {
    ObjectNode body = JSON.createObjectNode().put("__type", e.code().type());
    if (e.getMessage() != null) {
      body.put("message", e.getMessage());
    }
    out.body(e.code().status(), CONTENT_TYPE, JSON.writeValueAsString(body).getBytes(StandardCharsets.UTF_8));
  }

  private static KmsException fromS3(S3Error error) {
    S3Errors.Described d = S3Errors.describe(error);
    return switch (error) {
      case S3Error.InvalidAccessKeyId e -> new KmsException(Code.UNRECOGNIZED_CLIENT,
          "The security token included in the request is invalid.");
      case S3Error.InvalidToken e -> new KmsException(Code.UNRECOGNIZED_CLIENT,
          "The security token included in the request is invalid.");
      case S3Error.SignatureDoesNotMatch e -> new KmsException(Code.INVALID_SIGNATURE, d.message());
      case S3Error.AccessDenied e -> new KmsException(Code.ACCESS_DENIED, d.message());
      default -> new KmsException(d.httpStatus() >= 500 ? Code.INTERNAL : Code.VALIDATION, d.message());
    };
  }
}
