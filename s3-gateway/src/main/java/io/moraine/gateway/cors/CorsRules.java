package io.moraine.gateway.cors;

import com.google.protobuf.InvalidProtocolBufferException;
import io.moraine.gateway.error.S3Error;
import io.moraine.gateway.error.S3Exception;
import io.moraine.gateway.xml.S3XmlRequests;
import io.moraine.gateway.xml.XmlWriter;
import io.moraine.proto.config.v1.CorsConfiguration;
import io.moraine.proto.config.v1.CorsRule;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.w3c.dom.Element;

/**
 * A bucket's CORS rules (S3 User Guide, "Using cross-origin resource sharing (CORS)"): the
 * CORSConfiguration document with S3's validation, the stored form, and S3's matching — the
 * first rule whose AllowedOrigin matches the Origin, whose AllowedMethod includes the method
 * (the Access-Control-Request-Method of a preflight), and, for a preflight, whose AllowedHeader
 * entries cover every Access-Control-Request-Headers header.
 */
public final class CorsRules {
  private CorsRules() {}

  public static final String KIND = "cors";
  static final int MAX_RULES = 100;
  private static final int FORMAT_VERSION = 1;
  private static final Set<String> METHODS = Set.of("GET", "PUT", "HEAD", "POST", "DELETE");

  public static CorsConfiguration decode(byte[] body) {
    try {
      CorsConfiguration c = CorsConfiguration.parseFrom(body);
      if (c.getFormatVersion() != FORMAT_VERSION) {
        throw new IllegalStateException("CORS format version " + c.getFormatVersion() + " is not known here");
      }
      return c;
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("corrupt stored CORS configuration", e);
    }
  }

  public static CorsConfiguration parseXml(byte[] body) {
    Element root = S3XmlRequests.parse(body, "CORSConfiguration");
    CorsConfiguration.Builder config = CorsConfiguration.newBuilder().setFormatVersion(FORMAT_VERSION);
    for (Element ruleElement : S3XmlRequests.children(root)) {
      if (!S3XmlRequests.localName(ruleElement).equals("CORSRule")) {
        throw new S3Exception(new S3Error.MalformedXML(null));
      }
      CorsRule.Builder rule = CorsRule.newBuilder().setMaxAgeSeconds(-1);
      for (Element c : S3XmlRequests.children(ruleElement)) {
        String text = c.getTextContent().strip();
        switch (S3XmlRequests.localName(c)) {
          case "ID" -> rule.setId(text);
          case "AllowedOrigin" -> rule.addAllowedOrigins(oneWildcard(text, "AllowedOrigin"));
          case "AllowedMethod" -> {
            if (!METHODS.contains(text)) {
              throw new S3Exception(new S3Error.InvalidRequest(
                  "Found unsupported HTTP method in CORS config. Unsupported method is " + text));
            }
            rule.addAllowedMethods(text);
          }
          case "AllowedHeader" -> rule.addAllowedHeaders(oneWildcard(text, "AllowedHeader"));
          case "ExposeHeader" -> rule.addExposeHeaders(text);
          case "MaxAgeSeconds" -> {
            try {
              rule.setMaxAgeSeconds(Math.max(0, Long.parseLong(text)));
            } catch (NumberFormatException e) {
              throw new S3Exception(new S3Error.MalformedXML(null));
            }
          }
          default -> throw new S3Exception(new S3Error.MalformedXML(null));
        }
      }
      if (rule.getAllowedOriginsCount() == 0 || rule.getAllowedMethodsCount() == 0) {
        throw new S3Exception(new S3Error.MalformedXML(null));
      }
      config.addRules(rule);
    }
    if (config.getRulesCount() == 0) {
      throw new S3Exception(new S3Error.MalformedXML(null));
    }
    if (config.getRulesCount() > MAX_RULES) {
      throw new S3Exception(new S3Error.MalformedXML("The CORS configuration may hold at most " + MAX_RULES + " rules"));
    }
    return config.build();
  }

  private static String oneWildcard(String value, String element) {
    if (value.indexOf('*') != value.lastIndexOf('*')) {
      throw new S3Exception(new S3Error.InvalidRequest(
          element + " \"" + value + "\" can not have more than one wildcard."));
    }
    return value;
  }

  public static byte[] renderXml(CorsConfiguration c) {
    XmlWriter w = new XmlWriter().startRoot("CORSConfiguration");
    for (CorsRule r : c.getRulesList()) {
      w.start("CORSRule");
      if (!r.getId().isEmpty()) {
        w.element("ID", r.getId());
      }
      r.getAllowedHeadersList().forEach(h -> w.element("AllowedHeader", h));
      r.getAllowedMethodsList().forEach(m -> w.element("AllowedMethod", m));
      r.getAllowedOriginsList().forEach(o -> w.element("AllowedOrigin", o));
      r.getExposeHeadersList().forEach(h -> w.element("ExposeHeader", h));
      if (r.getMaxAgeSeconds() >= 0) {
        w.element("MaxAgeSeconds", r.getMaxAgeSeconds());
      }
      w.end("CORSRule");
    }
    return w.end("CORSConfiguration").toBytes();
  }

  /** The first rule allowing {@code origin} to use {@code method} with {@code requestHeaders}. */
  static Optional<CorsRule> match(CorsConfiguration c, String origin, String method, List<String> requestHeaders) {
    for (CorsRule r : c.getRulesList()) {
      if (r.getAllowedOriginsList().stream().anyMatch(o -> starMatch(o, origin))
          && r.getAllowedMethodsList().contains(method)
          && requestHeaders.stream().allMatch(h -> r.getAllowedHeadersList().stream()
              .anyMatch(a -> starMatch(a.toLowerCase(Locale.ROOT), h.toLowerCase(Locale.ROOT))))) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }

  /** CORS patterns hold at most one {@code *}, matching any run of characters; nothing else is special. */
  static boolean starMatch(String pattern, String value) {
    int star = pattern.indexOf('*');
    if (star < 0) {
      return pattern.equals(value);
    }
    String prefix = pattern.substring(0, star);
    String suffix = pattern.substring(star + 1);
    return value.length() >= prefix.length() + suffix.length() && value.startsWith(prefix) && value.endsWith(suffix);
  }
}
