package io.moraine.gateway.access.policy;

import java.util.Optional;

/**
 * Policy variables (IAM User Guide, "IAM policy elements: Variables and tags"):
 * {@code ${aws:username}} and any other request key, a default with {@code ${key, 'default'}},
 * and the literal escapes {@code ${*}}, {@code ${?}}, {@code ${$}}. A variable whose key the
 * request lacks and that has no default makes the whole value unusable (empty result): a
 * resource or condition value naming it matches nothing.
 */
final class Variables {
  private Variables() {}

  static Optional<String> expand(String text, RequestContext ctx) {
    if (text.indexOf("${") < 0) {
      return Optional.of(text);
    }
    StringBuilder out = new StringBuilder(text.length());
    int i = 0;
    while (i < text.length()) {
      int start = text.indexOf("${", i);
      if (start < 0) {
        out.append(text, i, text.length());
        break;
      }
      int end = text.indexOf('}', start + 2);
      if (end < 0) {
        out.append(text, i, text.length());
        break;
      }
      out.append(text, i, start);
      String inner = text.substring(start + 2, end).strip();
      switch (inner) {
        case "*" -> out.append('*');
        case "?" -> out.append('?');
        case "$" -> out.append('$');
        default -> {
          String key = inner;
          String fallback = null;
          int comma = inner.indexOf(',');
          if (comma >= 0) {
            key = inner.substring(0, comma).strip();
            String d = inner.substring(comma + 1).strip();
            if (d.length() >= 2 && d.startsWith("'") && d.endsWith("'")) {
              fallback = d.substring(1, d.length() - 1);
            }
          }
          Optional<String> v = ctx.value(key);
          if (v.isPresent()) {
            // IAM names, ids and accounts hold no * or ?: a substituted value never adds wildcards.
            out.append(v.get());
          } else if (fallback != null) {
            out.append(fallback);
          } else {
            return Optional.empty();
          }
        }
      }
      i = end + 1;
    }
    return Optional.of(out.toString());
  }

}
