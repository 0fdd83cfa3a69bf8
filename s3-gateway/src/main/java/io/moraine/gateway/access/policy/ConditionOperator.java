package io.moraine.gateway.access.policy;

import java.math.BigDecimal;
import java.net.InetAddress;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;

/**
 * IAM's condition operators (IAM User Guide, "IAM JSON policy elements: Condition operators"):
 * each compares one value from the request context with one value from the policy. Negated
 * operators ({@code StringNotEquals}, ...) are the negation of the whole "matches any policy
 * value" test, and match when the key is missing ({@link Condition} evaluation handles both).
 */
public enum ConditionOperator {
  StringEquals(Family.STRING, false),
  StringNotEquals(Family.STRING, true),
  StringEqualsIgnoreCase(Family.STRING_IGNORE_CASE, false),
  StringNotEqualsIgnoreCase(Family.STRING_IGNORE_CASE, true),
  StringLike(Family.STRING_LIKE, false),
  StringNotLike(Family.STRING_LIKE, true),
  NumericEquals(Family.NUMERIC_EQ, false),
  NumericNotEquals(Family.NUMERIC_EQ, true),
  NumericLessThan(Family.NUMERIC_LT, false),
  NumericLessThanEquals(Family.NUMERIC_LE, false),
  NumericGreaterThan(Family.NUMERIC_GT, false),
  NumericGreaterThanEquals(Family.NUMERIC_GE, false),
  DateEquals(Family.DATE_EQ, false),
  DateNotEquals(Family.DATE_EQ, true),
  DateLessThan(Family.DATE_LT, false),
  DateLessThanEquals(Family.DATE_LE, false),
  DateGreaterThan(Family.DATE_GT, false),
  DateGreaterThanEquals(Family.DATE_GE, false),
  Bool(Family.BOOL, false),
  BinaryEquals(Family.BINARY, false),
  IpAddress(Family.IP, false),
  NotIpAddress(Family.IP, true),
  ArnEquals(Family.ARN_LIKE, false),
  ArnLike(Family.ARN_LIKE, false),
  ArnNotEquals(Family.ARN_LIKE, true),
  ArnNotLike(Family.ARN_LIKE, true),
  Null(Family.NULL, false);

  enum Family {
    STRING, STRING_IGNORE_CASE, STRING_LIKE, NUMERIC_EQ, NUMERIC_LT, NUMERIC_LE, NUMERIC_GT, NUMERIC_GE,
    DATE_EQ, DATE_LT, DATE_LE, DATE_GT, DATE_GE, BOOL, BINARY, IP, ARN_LIKE, NULL
  }

  private final Family family;
  private final boolean negated;

  ConditionOperator(Family family, boolean negated) {
    this.family = family;
    this.negated = negated;
  }

  public boolean negated() {
    return negated;
  }

  /** Whether the family takes wildcards in policy values (the *Like and Arn operators). */
  public boolean wildcards() {
    return family == Family.STRING_LIKE || family == Family.ARN_LIKE;
  }

  public static Optional<ConditionOperator> named(String name) {
    for (ConditionOperator o : values()) {
      if (o.name().equals(name)) {
        return Optional.of(o);
      }
    }
    return Optional.empty();
  }

  /** Whether a policy value is well-formed for this operator (checked when a policy is stored). */
  public boolean validPolicyValue(String v) {
    return switch (family) {
      case NUMERIC_EQ, NUMERIC_LT, NUMERIC_LE, NUMERIC_GT, NUMERIC_GE -> number(v) != null;
      case DATE_EQ, DATE_LT, DATE_LE, DATE_GT, DATE_GE -> date(v) != null;
      case BOOL, NULL -> v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false");
      case IP -> Cidr.parse(v) != null;
      case BINARY -> base64(v) != null;
      default -> true;
    };
  }

  /**
   * The positive comparison of a request value with a policy value (for negated operators, the
   * comparison of their positive twin). An unparseable value on either side never matches.
   */
  boolean compare(String requestValue, String policyValue) {
    return switch (family) {
      case STRING -> requestValue.equals(policyValue);
      case STRING_IGNORE_CASE -> requestValue.toLowerCase(Locale.ROOT).equals(policyValue.toLowerCase(Locale.ROOT));
      case STRING_LIKE -> Wildcard.matches(policyValue, requestValue);
      case NUMERIC_EQ -> numeric(requestValue, policyValue, c -> c == 0);
      case NUMERIC_LT -> numeric(requestValue, policyValue, c -> c < 0);
      case NUMERIC_LE -> numeric(requestValue, policyValue, c -> c <= 0);
      case NUMERIC_GT -> numeric(requestValue, policyValue, c -> c > 0);
      case NUMERIC_GE -> numeric(requestValue, policyValue, c -> c >= 0);
      case DATE_EQ -> dates(requestValue, policyValue, c -> c == 0);
      case DATE_LT -> dates(requestValue, policyValue, c -> c < 0);
      case DATE_LE -> dates(requestValue, policyValue, c -> c <= 0);
      case DATE_GT -> dates(requestValue, policyValue, c -> c > 0);
      case DATE_GE -> dates(requestValue, policyValue, c -> c >= 0);
      case BOOL -> requestValue.equalsIgnoreCase(policyValue);
      case BINARY -> {
        byte[] a = base64(requestValue);
        byte[] b = base64(policyValue);
        yield a != null && b != null && java.util.Arrays.equals(a, b);
      }
      case IP -> {
        Cidr c = Cidr.parse(policyValue);
        yield c != null && c.contains(requestValue);
      }
      case ARN_LIKE -> arnLike(policyValue, requestValue);
      case NULL -> throw new IllegalStateException("Null is evaluated on presence, not values");
    };
  }

  private interface Cmp {
    boolean ok(int c);
  }

  private static boolean numeric(String a, String b, Cmp cmp) {
    BigDecimal x = number(a);
    BigDecimal y = number(b);
    return x != null && y != null && cmp.ok(x.compareTo(y));
  }

  private static boolean dates(String a, String b, Cmp cmp) {
    Instant x = date(a);
    Instant y = date(b);
    return x != null && y != null && cmp.ok(x.compareTo(y));
  }

  static BigDecimal number(String s) {
    try {
      return new BigDecimal(s.strip());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** ISO 8601 date-times (with or without fraction, Z or offset), plain dates, or epoch seconds. */
  static Instant date(String s) {
    String t = s.strip();
    try {
      return OffsetDateTime.parse(t).toInstant();
    } catch (DateTimeParseException e) {
      // not an offset date-time
    }
    try {
      return Instant.parse(t);
    } catch (DateTimeParseException e) {
      // not an instant
    }
    try {
      return java.time.LocalDate.parse(t).atStartOfDay(java.time.ZoneOffset.UTC).toInstant();
    } catch (DateTimeParseException e) {
      // not a date
    }
    if (t.matches("\\d{1,12}")) {
      return Instant.ofEpochSecond(Long.parseLong(t));
    }
    return null;
  }

  private static byte[] base64(String s) {
    try {
      return Base64.getDecoder().decode(s.strip());
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /**
   * ArnLike / ArnEquals: the six colon-separated parts are matched one by one, each with
   * wildcards (IAM: "ArnEquals and ArnLike behave identically"); the resource part may contain
   * colons itself.
   */
  static boolean arnLike(String pattern, String arn) {
    String[] p = pattern.split(":", 6);
    String[] a = arn.split(":", 6);
    if (p.length != 6 || a.length != 6) {
      return false;
    }
    for (int i = 0; i < 6; i++) {
      if (!Wildcard.matches(p[i], a[i])) {
        return false;
      }
    }
    return true;
  }

  /** An IPv4 or IPv6 address with an optional prefix length. */
  record Cidr(byte[] network, int prefix) {
    static Cidr parse(String text) {
      String t = text.strip();
      int slash = t.indexOf('/');
      String addr = slash < 0 ? t : t.substring(0, slash);
      byte[] bytes = literal(addr);
      if (bytes == null) {
        return null;
      }
      int max = bytes.length * 8;
      int prefix = max;
      if (slash >= 0) {
        try {
          prefix = Integer.parseInt(t.substring(slash + 1));
        } catch (NumberFormatException e) {
          return null;
        }
        if (prefix < 0 || prefix > max) {
          return null;
        }
      }
      return new Cidr(bytes, prefix);
    }

    boolean contains(String address) {
      byte[] a = literal(address.strip());
      if (a == null || a.length != network.length) {
        return false;
      }
      int full = prefix / 8;
      for (int i = 0; i < full; i++) {
        if (a[i] != network[i]) {
          return false;
        }
      }
      int rest = prefix % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xFF << (8 - rest)) & 0xFF;
      return (a[full] & mask) == (network[full] & mask);
    }

    /** Only numeric literals: never a DNS lookup. */
    private static byte[] literal(String s) {
      if (s.indexOf(':') < 0) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
          return null;
        }
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
          if (!parts[i].matches("\\d{1,3}")) {
            return null;
          }
          int v = Integer.parseInt(parts[i]);
          if (v > 255) {
            return null;
          }
          out[i] = (byte) v;
        }
        return out;
      }
      if (!s.matches("[0-9a-fA-F:.]+")) {
        return null;
      }
      try {
        // A string with a colon is only ever parsed as an IPv6 literal, never looked up.
        return InetAddress.getByName("[" + s + "]").getAddress();
      } catch (java.net.UnknownHostException e) {
        return null;
      }
    }
  }
}
