package io.moraine.gateway.access.policy;

import java.util.List;
import java.util.Map;

/**
 * A parsed IAM policy document (identity policy, bucket policy or role trust policy), already
 * validated by {@link PolicyParser}. Immutable; shared by every request that uses it.
 *
 * @param version "2012-10-17" (policy variables are substituted) or "2008-10-17" (they are not)
 */
public record PolicyDocument(String version, String id, List<Statement> statements) {

  public static final String VERSION_2012 = "2012-10-17";
  public static final String VERSION_2008 = "2008-10-17";

  public PolicyDocument {
    statements = List.copyOf(statements);
  }

  public boolean variablesEnabled() {
    return VERSION_2012.equals(version);
  }

  public enum Effect { ALLOW, DENY }

  /**
   * One statement. Exactly one of {@code principal} / {@code notPrincipal} is non-null in
   * resource policies (both null in identity policies); likewise action/notAction and
   * resource/notResource (resources null in trust policies).
   */
  public record Statement(
      String sid,
      Effect effect,
      Principals principal,
      Principals notPrincipal,
      List<String> actions,
      List<String> notActions,
      List<String> resources,
      List<String> notResources,
      List<Condition> conditions) {

    public Statement {
      actions = actions == null ? null : List.copyOf(actions);
      notActions = notActions == null ? null : List.copyOf(notActions);
      resources = resources == null ? null : List.copyOf(resources);
      notResources = notResources == null ? null : List.copyOf(notResources);
      conditions = List.copyOf(conditions);
    }
  }

  /**
   * A Principal or NotPrincipal element: {@code "*"} (anyone, anonymous included) or values by
   * type ({@code AWS}, {@code CanonicalUser}, {@code Service}, {@code Federated}).
   */
  public record Principals(boolean anyone, Map<String, List<String>> byType) {
    public Principals {
      byType = Map.copyOf(byType);
    }

    public List<String> of(String type) {
      return byType.getOrDefault(type, List.of());
    }
  }

  /**
   * One (operator, key) pair of a Condition block, e.g. {@code StringLike {"s3:prefix": [...]}}.
   *
   * @param operator the base operator (StringLike), without IfExists or a set qualifier
   * @param ifExists the ...IfExists form: a missing key counts as a match
   * @param qualifier ForAnyValue / ForAllValues, or NONE
   * @param key the condition key, lower-cased (keys are case-insensitive)
   */
  public record Condition(ConditionOperator operator, boolean ifExists, SetQualifier qualifier, String key,
      List<String> values) {
    public Condition {
      values = List.copyOf(values);
    }
  }

  public enum SetQualifier { NONE, FOR_ANY_VALUE, FOR_ALL_VALUES }
}
