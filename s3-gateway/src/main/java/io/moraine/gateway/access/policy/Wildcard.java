package io.moraine.gateway.access.policy;

/**
 * IAM's wildcard matching: {@code *} matches any run of characters (also none), {@code ?} exactly
 * one; everything else literally (IAM policy grammar, "Resource" and "Action" elements, and the
 * *Like condition operators). Linear-time greedy matching with backtracking to the last star,
 * so hostile patterns cannot make it exponential.
 */
public final class Wildcard {
  private Wildcard() {}

  public static boolean matches(String pattern, String value) {
    return matches(pattern, value, false);
  }

  public static boolean matchesIgnoreCase(String pattern, String value) {
    return matches(pattern, value, true);
  }

  private static boolean matches(String p, String v, boolean ignoreCase) {
    int pi = 0;
    int vi = 0;
    int star = -1;
    int mark = 0;
    while (vi < v.length()) {
      if (pi < p.length() && (p.charAt(pi) == '?' || same(p.charAt(pi), v.charAt(vi), ignoreCase))) {
        pi++;
        vi++;
      } else if (pi < p.length() && p.charAt(pi) == '*') {
        star = pi++;
        mark = vi;
      } else if (star >= 0) {
        pi = star + 1;
        vi = ++mark;
      } else {
        return false;
      }
    }
    while (pi < p.length() && p.charAt(pi) == '*') {
      pi++;
    }
    return pi == p.length();
  }

  private static boolean same(char a, char b, boolean ignoreCase) {
    return a == b || ignoreCase && Character.toLowerCase(a) == Character.toLowerCase(b);
  }

  public static boolean hasWildcard(String s) {
    return s.indexOf('*') >= 0 || s.indexOf('?') >= 0;
  }
}
