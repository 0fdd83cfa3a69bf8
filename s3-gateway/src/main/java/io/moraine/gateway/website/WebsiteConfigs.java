package io.moraine.gateway.website;

import com.google.protobuf.InvalidProtocolBufferException;
import io.moraine.gateway.error.S3Error;
import io.moraine.gateway.error.S3Exception;
import io.moraine.gateway.xml.S3XmlRequests;
import io.moraine.gateway.xml.XmlWriter;
import io.moraine.proto.config.v1.WebsiteConfiguration;
import io.moraine.proto.config.v1.WebsiteRedirect;
import io.moraine.proto.config.v1.WebsiteRoutingRule;
import java.util.Set;
import org.w3c.dom.Element;

/**
 * The WebsiteConfiguration document (S3 API reference, PutBucketWebsite; S3 User Guide,
 * "Configuring an index document", "(Optional) Configuring a webpage redirect"): an
 * IndexDocument (with optional ErrorDocument and up to 50 RoutingRules) or a
 * RedirectAllRequestsTo, validated as S3 does, and its stored form.
 */
public final class WebsiteConfigs {
  private WebsiteConfigs() {}

  public static final String KIND = "website";
  static final int MAX_RULES = 50;
  private static final int FORMAT_VERSION = 1;
  private static final Set<String> PROTOCOLS = Set.of("http", "https");

  public static WebsiteConfiguration decode(byte[] body) {
    try {
      WebsiteConfiguration c = WebsiteConfiguration.parseFrom(body);
      if (c.getFormatVersion() != FORMAT_VERSION) {
        throw new IllegalStateException("website format version " + c.getFormatVersion() + " is not known here");
      }
      return c;
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("corrupt stored website configuration", e);
    }
  }

  public static WebsiteConfiguration parseXml(byte[] body) {
    Element root = S3XmlRequests.parse(body, "WebsiteConfiguration");
    WebsiteConfiguration.Builder c = WebsiteConfiguration.newBuilder().setFormatVersion(FORMAT_VERSION);
    for (Element e : S3XmlRequests.children(root)) {
      switch (S3XmlRequests.localName(e)) {
        case "IndexDocument" -> c.setIndexSuffix(child(e, "Suffix"));
        case "ErrorDocument" -> c.setErrorKey(child(e, "Key"));
        case "RedirectAllRequestsTo" -> {
          WebsiteRedirect.Builder r = WebsiteRedirect.newBuilder();
          for (Element x : S3XmlRequests.children(e)) {
            switch (S3XmlRequests.localName(x)) {
              case "HostName" -> r.setHostName(x.getTextContent().strip());
              case "Protocol" -> r.setProtocol(protocol(x.getTextContent().strip()));
              default -> throw malformed();
            }
          }
          if (r.getHostName().isEmpty()) {
            throw malformed();
          }
          c.setRedirectAll(r);
        }
        case "RoutingRules" -> {
          for (Element rule : S3XmlRequests.children(e)) {
            if (!S3XmlRequests.localName(rule).equals("RoutingRule")) {
              throw malformed();
            }
            c.addRoutingRules(rule(rule));
          }
        }
        default -> throw malformed();
      }
    }
    if (c.hasRedirectAll()) {
      if (!c.getIndexSuffix().isEmpty() || !c.getErrorKey().isEmpty() || c.getRoutingRulesCount() > 0) {
        throw new S3Exception(new S3Error.InvalidArgument(
            "RedirectAllRequestsTo cannot be provided in conjunction with other Routing Rules."));
      }
      return c.build();
    }
    if (c.getIndexSuffix().isEmpty()) {
      throw new S3Exception(new S3Error.InvalidArgument("A value for IndexDocument Suffix must be provided if "
          + "RedirectAllRequestsTo is empty"));
    }
    if (c.getIndexSuffix().contains("/")) {
      throw new S3Exception(new S3Error.InvalidArgument("The IndexDocument Suffix is not well formed"));
    }
    if (c.getRoutingRulesCount() > MAX_RULES) {
      throw new S3Exception(new S3Error.InvalidArgument("The number of routing rules must not exceed " + MAX_RULES));
    }
    return c.build();
  }

  private static WebsiteRoutingRule rule(Element rule) {
    WebsiteRoutingRule.Builder b = WebsiteRoutingRule.newBuilder();
    boolean redirect = false;
    for (Element e : S3XmlRequests.children(rule)) {
      switch (S3XmlRequests.localName(e)) {
        case "Condition" -> {
          for (Element x : S3XmlRequests.children(e)) {
            switch (S3XmlRequests.localName(x)) {
              case "KeyPrefixEquals" -> b.setKeyPrefixEquals(x.getTextContent()).setHasKeyPrefixCondition(true);
              case "HttpErrorCodeReturnedEquals" -> b.setHttpErrorCodeReturnedEquals(code(x.getTextContent().strip(), 4));
              default -> throw malformed();
            }
          }
        }
        case "Redirect" -> {
          redirect = true;
          WebsiteRedirect.Builder r = WebsiteRedirect.newBuilder();
          for (Element x : S3XmlRequests.children(e)) {
            String v = x.getTextContent().strip();
            switch (S3XmlRequests.localName(x)) {
              case "HostName" -> r.setHostName(v);
              case "Protocol" -> r.setProtocol(protocol(v));
              case "ReplaceKeyPrefixWith" -> r.setReplaceKeyPrefixWith(x.getTextContent()).setHasReplaceKeyPrefixWith(true);
              case "ReplaceKeyWith" -> r.setReplaceKeyWith(x.getTextContent());
              case "HttpRedirectCode" -> r.setHttpRedirectCode(code(v, 3));
              default -> throw malformed();
            }
          }
          if (!r.getReplaceKeyPrefixWith().isEmpty() && !r.getReplaceKeyWith().isEmpty()) {
            throw new S3Exception(new S3Error.InvalidRequest(
                "You can only define ReplaceKeyPrefix or ReplaceKey but not both."));
          }
          b.setRedirect(r);
        }
        default -> throw malformed();
      }
    }
    if (!redirect) {
      throw malformed();
    }
    return b.build();
  }

  /** An HTTP status in the 4xx/5xx (condition) or 3xx (redirect) class. */
  private static String code(String v, int firstDigitAtLeast) {
    if (v.length() != 3 || !v.chars().allMatch(Character::isDigit) || v.charAt(0) - '0' < firstDigitAtLeast
        || (firstDigitAtLeast == 3 && v.charAt(0) != '3') || v.charAt(0) > '5') {
      throw new S3Exception(new S3Error.InvalidArgument("The provided HTTP code: " + v + " is not valid."));
    }
    return v;
  }

  private static String protocol(String p) {
    if (!PROTOCOLS.contains(p)) {
      throw new S3Exception(new S3Error.InvalidArgument("Invalid protocol, protocol can be http or https. "
          + "If not defined the protocol will be selected automatically."));
    }
    return p;
  }

  private static String child(Element e, String name) {
    for (Element c : S3XmlRequests.children(e)) {
      if (S3XmlRequests.localName(c).equals(name)) {
        return c.getTextContent().strip();
      }
    }
    throw malformed();
  }

  private static S3Exception malformed() {
    return new S3Exception(new S3Error.MalformedXML(null));
  }

  public static byte[] renderXml(WebsiteConfiguration c) {
    XmlWriter w = new XmlWriter().startRoot("WebsiteConfiguration");
    if (c.hasRedirectAll()) {
      w.start("RedirectAllRequestsTo").element("HostName", c.getRedirectAll().getHostName());
      if (!c.getRedirectAll().getProtocol().isEmpty()) {
        w.element("Protocol", c.getRedirectAll().getProtocol());
      }
      return w.end("RedirectAllRequestsTo").end("WebsiteConfiguration").toBytes();
    }
    w.start("IndexDocument").element("Suffix", c.getIndexSuffix()).end("IndexDocument");
    if (!c.getErrorKey().isEmpty()) {
      w.start("ErrorDocument").element("Key", c.getErrorKey()).end("ErrorDocument");
    }
    if (c.getRoutingRulesCount() > 0) {
      w.start("RoutingRules");
      for (WebsiteRoutingRule r : c.getRoutingRulesList()) {
        w.start("RoutingRule");
        if (r.getHasKeyPrefixCondition() || !r.getHttpErrorCodeReturnedEquals().isEmpty()) {
          w.start("Condition");
          if (r.getHasKeyPrefixCondition()) {
            w.element("KeyPrefixEquals", r.getKeyPrefixEquals());
          }
          if (!r.getHttpErrorCodeReturnedEquals().isEmpty()) {
            w.element("HttpErrorCodeReturnedEquals", r.getHttpErrorCodeReturnedEquals());
          }
          w.end("Condition");
        }
        WebsiteRedirect x = r.getRedirect();
        w.start("Redirect");
        optional(w, "HostName", x.getHostName());
        optional(w, "HttpRedirectCode", x.getHttpRedirectCode());
        optional(w, "Protocol", x.getProtocol());
        if (x.getHasReplaceKeyPrefixWith()) {
          w.element("ReplaceKeyPrefixWith", x.getReplaceKeyPrefixWith());
        }
        optional(w, "ReplaceKeyWith", x.getReplaceKeyWith());
        w.end("Redirect").end("RoutingRule");
      }
      w.end("RoutingRules");
    }
    return w.end("WebsiteConfiguration").toBytes();
  }

  private static void optional(XmlWriter w, String name, String value) {
    if (!value.isEmpty()) {
      w.element(name, value);
    }
  }
}
