package io.moraine.gateway.access.policy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.moraine.gateway.access.S3Action;
import io.moraine.gateway.access.policy.PolicyDocument.Condition;
import io.moraine.gateway.access.policy.PolicyDocument.Effect;
import io.moraine.gateway.access.policy.PolicyDocument.Principals;
import io.moraine.gateway.access.policy.PolicyDocument.SetQualifier;
import io.moraine.gateway.access.policy.PolicyDocument.Statement;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Parses and validates policy documents (IAM JSON policy grammar) for the three places they are
 * used: identity policies (no Principal), bucket policies (Principal required, Resources inside
 * the bucket, S3 actions only) and role trust policies (Principal required, sts actions, no
 * Resource). Untrusted input: bounded nesting and sizes, duplicate keys refused, every failure a
 * {@link MalformedPolicyException} with the message S3 / IAM give.
 */
public final class PolicyParser {

  /** Where a document is used; each has its own rules. */
  /** KEY: a KMS key policy (a resource policy naming principals; any service's actions and ARNs). */
  public enum Kind { IDENTITY, BUCKET, TRUST, KEY }

  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .build();

  static {
    JSON.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
        .maxNestingDepth(32).maxStringLength(64 * 1024).maxNumberLength(64).build());
  }

  private static final Set<String> TOP_LEVEL = Set.of("Version", "Id", "Statement");
  private static final Set<String> STATEMENT_FIELDS = Set.of("Sid", "Effect", "Principal", "NotPrincipal", "Action",
      "NotAction", "Resource", "NotResource", "Condition");
  private static final Set<String> PRINCIPAL_TYPES = Set.of("AWS", "CanonicalUser", "Service", "Federated");
  private static final Pattern ACCOUNT_ID = Pattern.compile("\\d{12}");
  private static final Pattern CANONICAL_ID = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern IAM_PRINCIPAL_ARN = Pattern.compile(
      "arn:aws:iam::(\\d{12}):(root|user/[\\w+=,.@/-]+|role/[\\w+=,.@/-]+)");
  private static final Pattern STS_SESSION_ARN = Pattern.compile(
      "arn:aws:sts::(\\d{12}):assumed-role/[\\w+=,.@-]+/[\\w+=,.@-]+");
  private static final Pattern ACTION = Pattern.compile("[a-zA-Z0-9-]+:[a-zA-Z0-9*?]+");
  private static final Pattern SID = Pattern.compile("[A-Za-z0-9 _-]*");

  private PolicyParser() {}

  /** Parses {@code json} as a policy of {@code kind}; {@code bucket} is the bucket a bucket policy is for. */
  public static PolicyDocument parse(String json, Kind kind, String bucket) throws MalformedPolicyException {
    JsonNode root;
    String trimmed = json.stripLeading();
    if (trimmed.isEmpty() || trimmed.charAt(0) != '{') {
      throw new MalformedPolicyException("Policies must be valid JSON and the first byte must be '{'");
    }
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new MalformedPolicyException("Policies must be valid JSON and the first byte must be '{'");
    }
    if (root == null || !root.isObject()) {
      throw new MalformedPolicyException("Policies must be valid JSON and the first byte must be '{'");
    }
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!TOP_LEVEL.contains(f)) {
        throw new MalformedPolicyException("Unknown field " + f);
      }
    }
    String version = PolicyDocument.VERSION_2008;
    JsonNode v = root.get("Version");
    if (v != null) {
      if (!v.isTextual() || !(v.asText().equals(PolicyDocument.VERSION_2012) || v.asText().equals(PolicyDocument.VERSION_2008))) {
        throw new MalformedPolicyException("The policy must contain a valid version string");
      }
      version = v.asText();
    }
    JsonNode id = root.get("Id");
    if (id != null && !id.isTextual()) {
      throw new MalformedPolicyException("Id must be a string");
    }
    JsonNode statementNode = root.get("Statement");
    if (statementNode == null) {
      throw new MalformedPolicyException("Missing required field Statement");
    }
    List<JsonNode> nodes = new ArrayList<>();
    if (statementNode.isArray()) {
      statementNode.forEach(nodes::add);
    } else {
      nodes.add(statementNode);
    }
    if (nodes.isEmpty()) {
      throw new MalformedPolicyException("Could not parse the policy: Statement is empty!");
    }
    List<Statement> statements = new ArrayList<>();
    Set<String> sids = new java.util.HashSet<>();
    for (JsonNode n : nodes) {
      Statement s = statement(n, kind, bucket);
      if (s.sid() != null && !s.sid().isEmpty() && !sids.add(s.sid()) && kind != Kind.BUCKET) {
        throw new MalformedPolicyException("Statement IDs (SID) in a single policy must be unique.");
      }
      statements.add(s);
    }
    return new PolicyDocument(version, id == null ? null : id.asText(), statements);
  }

  private static Statement statement(JsonNode n, Kind kind, String bucket) throws MalformedPolicyException {
    if (!n.isObject()) {
      throw new MalformedPolicyException("Statement must be an object");
    }
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!STATEMENT_FIELDS.contains(f)) {
        throw new MalformedPolicyException("Unknown field " + f);
      }
    }
    String sid = null;
    if (n.has("Sid")) {
      if (!n.get("Sid").isTextual() || !SID.matcher(n.get("Sid").asText()).matches()) {
        throw new MalformedPolicyException("Statement IDs (SID) must be alpha-numeric.");
      }
      sid = n.get("Sid").asText();
    }
    JsonNode e = n.get("Effect");
    if (e == null) {
      throw new MalformedPolicyException("Missing required field Effect");
    }
    Effect effect = switch (e.isTextual() ? e.asText() : "") {
      case "Allow" -> Effect.ALLOW;
      case "Deny" -> Effect.DENY;
      default -> throw new MalformedPolicyException("Invalid effect: " + e.asText());
    };
    Principals principal = null;
    Principals notPrincipal = null;
    if (n.has("Principal") && n.has("NotPrincipal")) {
      throw new MalformedPolicyException("Invalid principal in policy");
    }
    if (n.has("Principal")) {
      principal = principals(n.get("Principal"));
    } else if (n.has("NotPrincipal")) {
      notPrincipal = principals(n.get("NotPrincipal"));
    }
    if (kind == Kind.IDENTITY && (principal != null || notPrincipal != null)) {
      throw new MalformedPolicyException("Policy document should not specify a principal.");
    }
    if (kind != Kind.IDENTITY && principal == null && notPrincipal == null) {
      throw new MalformedPolicyException("Missing required field Principal");
    }
    if (n.has("Action") && n.has("NotAction")) {
      throw new MalformedPolicyException("Policy has invalid action");
    }
    List<String> actions = n.has("Action") ? strings(n.get("Action"), "Policy has invalid action") : null;
    List<String> notActions = n.has("NotAction") ? strings(n.get("NotAction"), "Policy has invalid action") : null;
    if (actions == null && notActions == null) {
      throw new MalformedPolicyException("Missing required field Action");
    }
    for (String a : actions != null ? actions : notActions) {
      checkAction(a, kind);
    }
    if (n.has("Resource") && n.has("NotResource")) {
      throw new MalformedPolicyException("Policy has invalid resource");
    }
    List<String> resources = n.has("Resource") ? strings(n.get("Resource"), "Policy has invalid resource") : null;
    List<String> notResources = n.has("NotResource") ? strings(n.get("NotResource"), "Policy has invalid resource") : null;
    if (kind == Kind.TRUST) {
      if (resources != null || notResources != null) {
        throw new MalformedPolicyException("Has prohibited field Resource");
      }
    } else {
      if (resources == null && notResources == null) {
        throw new MalformedPolicyException("Missing required field Resource");
      }
      for (String r : resources != null ? resources : notResources) {
        checkResource(r, kind, bucket);
      }
      if (kind == Kind.BUCKET && actions != null && resources != null) {
        checkActionsApply(actions, resources);
      }
    }
    List<Condition> conditions = n.has("Condition") ? conditions(n.get("Condition"), kind) : List.of();
    return new Statement(sid, effect, principal, notPrincipal, actions, notActions, resources, notResources, conditions);
  }

  private static Principals principals(JsonNode p) throws MalformedPolicyException {
    if (p.isTextual()) {
      if (!p.asText().equals("*")) {
        throw new MalformedPolicyException("Invalid principal in policy");
      }
      return new Principals(true, Map.of());
    }
    if (!p.isObject() || p.isEmpty()) {
      throw new MalformedPolicyException("Invalid principal in policy");
    }
    Map<String, List<String>> byType = new LinkedHashMap<>();
    boolean anyone = false;
    for (Iterator<Map.Entry<String, JsonNode>> it = p.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      if (!PRINCIPAL_TYPES.contains(f.getKey())) {
        throw new MalformedPolicyException("Invalid principal in policy");
      }
      List<String> values = strings(f.getValue(), "Invalid principal in policy");
      for (String v : values) {
        boolean ok = switch (f.getKey()) {
          case "AWS" -> v.equals("*") || ACCOUNT_ID.matcher(v).matches() || IAM_PRINCIPAL_ARN.matcher(v).matches()
              || STS_SESSION_ARN.matcher(v).matches();
          case "CanonicalUser" -> CANONICAL_ID.matcher(v).matches();
          case "Service" -> v.matches("[a-z0-9.-]+\\.amazonaws\\.com") || v.matches("[a-z0-9.-]+\\.moraine");
          default -> !v.isEmpty();
        };
        if (!ok) {
          throw new MalformedPolicyException("Invalid principal in policy");
        }
        if (f.getKey().equals("AWS") && v.equals("*")) {
          anyone = true;
        }
      }
      byType.put(f.getKey(), values);
    }
    return new Principals(anyone, byType);
  }

  private static void checkAction(String a, Kind kind) throws MalformedPolicyException {
    if (a.equals("*")) {
      return;
    }
    if (!ACTION.matcher(a).matches()) {
      throw new MalformedPolicyException("Policy has invalid action");
    }
    String service = a.substring(0, a.indexOf(':')).toLowerCase(Locale.ROOT);
    if (kind == Kind.BUCKET && !service.equals("s3")) {
      throw new MalformedPolicyException("Policy has invalid action");
    }
    if (kind == Kind.TRUST && !service.equals("sts")) {
      throw new MalformedPolicyException("Trust policy actions must be sts actions");
    }
    if (service.equals("s3") && !Wildcard.hasWildcard(a) && S3Action.byPolicyName(a).isEmpty()) {
      throw new MalformedPolicyException("Policy has invalid action");
    }
  }

  private static void checkResource(String r, Kind kind, String bucket) throws MalformedPolicyException {
    if (r.equals("*")) {
      return;
    }
    if (kind == Kind.BUCKET) {
      // A bucket policy may only name its own bucket and the objects in it.
      if (!r.startsWith("arn:aws:s3:::")) {
        throw new MalformedPolicyException("Policy has invalid resource");
      }
      String rest = r.substring("arn:aws:s3:::".length());
      int slash = rest.indexOf('/');
      String bucketPart = slash < 0 ? rest : rest.substring(0, slash);
      boolean own = Wildcard.hasWildcard(bucketPart) ? Wildcard.matches(bucketPart, bucket) : bucketPart.equals(bucket);
      if (!own) {
        throw new MalformedPolicyException("Policy has invalid resource");
      }
      return;
    }
    if (!r.startsWith("arn:") || r.split(":", 6).length != 6) {
      throw new MalformedPolicyException(kind == Kind.IDENTITY
          ? "Resource " + r + " must be in ARN format or \"*\"." : "Policy has invalid resource");
    }
  }

  /**
   * S3 refuses a statement whose actions cannot act on any of its resources: object actions need
   * an object ARN (bucket/...), bucket actions a bucket ARN; wildcard actions are not checked.
   */
  private static void checkActionsApply(List<String> actions, List<String> resources) throws MalformedPolicyException {
    boolean anyObject = false;
    boolean anyBucket = false;
    for (String r : resources) {
      if (r.equals("*")) {
        return;
      }
      // Bucket names hold no '/': a pattern with one names objects only; without one it names
      // the bucket, and objects too when a wildcard could stand for "/key".
      String rest = r.substring("arn:aws:s3:::".length());
      if (rest.contains("/")) {
        anyObject = true;
      } else {
        anyBucket = true;
        anyObject |= rest.contains("*");
      }
    }
    for (String a : actions) {
      if (Wildcard.hasWildcard(a)) {
        continue;
      }
      S3Action action = S3Action.byPolicyName(a).orElseThrow();
      boolean applies = switch (action.level()) {
        case OBJECT -> anyObject;
        case BUCKET -> anyBucket;
        case SERVICE -> false;
      };
      if (!applies) {
        throw new MalformedPolicyException("Action does not apply to any resource(s) in statement");
      }
    }
  }

  private static List<Condition> conditions(JsonNode c, Kind kind) throws MalformedPolicyException {
    if (!c.isObject()) {
      throw new MalformedPolicyException("Invalid Condition");
    }
    List<Condition> out = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = c.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> op = it.next();
      String name = op.getKey();
      SetQualifier qualifier = SetQualifier.NONE;
      if (name.startsWith("ForAnyValue:")) {
        qualifier = SetQualifier.FOR_ANY_VALUE;
        name = name.substring("ForAnyValue:".length());
      } else if (name.startsWith("ForAllValues:")) {
        qualifier = SetQualifier.FOR_ALL_VALUES;
        name = name.substring("ForAllValues:".length());
      }
      boolean ifExists = false;
      if (name.endsWith("IfExists")) {
        ifExists = true;
        name = name.substring(0, name.length() - "IfExists".length());
      }
      String shown = op.getKey();
      ConditionOperator operator = ConditionOperator.named(name).orElseThrow(
          () -> new MalformedPolicyException("Invalid Condition type : " + shown));
      if (operator == ConditionOperator.Null && (ifExists || qualifier != SetQualifier.NONE)) {
        throw new MalformedPolicyException("Invalid Condition type : " + shown);
      }
      if (!op.getValue().isObject() || op.getValue().isEmpty()) {
        throw new MalformedPolicyException("Invalid Condition type : " + shown);
      }
      for (Iterator<Map.Entry<String, JsonNode>> keys = op.getValue().fields(); keys.hasNext(); ) {
        Map.Entry<String, JsonNode> k = keys.next();
        String key = k.getKey();
        if (!ConditionKeys.known(key, kind)) {
          throw new MalformedPolicyException("Policy has an invalid condition key");
        }
        List<String> values = strings(k.getValue(), "Invalid Condition value for " + key);
        for (String value : values) {
          if (!value.contains("${") && !operator.validPolicyValue(value)) {
            throw new MalformedPolicyException("Invalid Condition value for " + shown + ": " + key + " = " + value);
          }
        }
        out.add(new Condition(operator, ifExists, qualifier, key.toLowerCase(Locale.ROOT), values));
      }
    }
    return out;
  }

  /** A string, number or boolean, or a non-empty array of them, as strings. */
  private static List<String> strings(JsonNode n, String error) throws MalformedPolicyException {
    List<String> out = new ArrayList<>();
    if (n.isArray()) {
      if (n.isEmpty()) {
        throw new MalformedPolicyException(error);
      }
      for (JsonNode e : n) {
        out.add(scalar(e, error));
      }
    } else {
      out.add(scalar(n, error));
    }
    return out;
  }

  private static String scalar(JsonNode n, String error) throws MalformedPolicyException {
    if (n.isTextual() || n.isNumber() || n.isBoolean()) {
      return n.asText();
    }
    throw new MalformedPolicyException(error);
  }
}
