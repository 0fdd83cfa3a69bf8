package io.moraine.gateway.http;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * The operation label of metrics and the request log: the {@link S3Operation} record's name
 * (PutObject, ListObjectsV2, ...); a sub-resource call is METHOD + Bucket|Object + the
 * sub-resource (GetBucketAcl, PutObjectTagging, DeleteBucketCors). A bounded set, computed
 * without allocation on the request path.
 */
public final class OperationNames {
  private static final String[] METHODS = {"GET", "PUT", "DELETE", "POST", "HEAD"};
  private static final Map<Subresource, String[]> BUCKET = table("Bucket");
  private static final Map<Subresource, String[]> OBJECT = table("Object");
  private static final ClassValue<String> RECORD_NAMES = new ClassValue<>() {
    @Override
    protected String computeValue(Class<?> type) {
      return type.getSimpleName();
    }
  };

  private OperationNames() {}

  public static String of(S3Operation op) {
    return switch (op) {
      case S3Operation.BucketSubresource o -> sub(BUCKET, o.subresource(), o.method(), "Bucket");
      case S3Operation.ObjectSubresource o -> sub(OBJECT, o.subresource(), o.method(), "Object");
      case S3Operation.AccountPublicAccessBlock o -> methodName(o.method()) + "PublicAccessBlock";
      default -> RECORD_NAMES.get(op.getClass());
    };
  }

  private static String sub(Map<Subresource, String[]> table, Subresource s, String method, String on) {
    String[] names = table.get(s);
    for (int i = 0; i < METHODS.length; i++) {
      if (METHODS[i].equals(method)) {
        return names[i];
      }
    }
    return "Other" + on + capitalized(s);
  }

  private static String methodName(String method) {
    for (String m : METHODS) {
      if (m.equals(method)) {
        return m.charAt(0) + m.substring(1).toLowerCase(Locale.ROOT);
      }
    }
    return "Other";
  }

  private static Map<Subresource, String[]> table(String on) {
    Map<Subresource, String[]> t = new EnumMap<>(Subresource.class);
    for (Subresource s : Subresource.values()) {
      String[] names = new String[METHODS.length];
      for (int i = 0; i < METHODS.length; i++) {
        names[i] = methodName(METHODS[i]) + on + capitalized(s);
      }
      t.put(s, names);
    }
    return t;
  }

  /** {@code object-lock} → ObjectLock, {@code policyStatus} → PolicyStatus. */
  private static String capitalized(Subresource s) {
    StringBuilder b = new StringBuilder();
    boolean up = true;
    for (char c : s.query().toCharArray()) {
      if (c == '-') {
        up = true;
      } else {
        b.append(up ? Character.toUpperCase(c) : c);
        up = false;
      }
    }
    return b.toString();
  }
}
