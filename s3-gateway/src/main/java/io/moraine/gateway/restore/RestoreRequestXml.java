package io.moraine.gateway.restore;

import io.moraine.gateway.error.S3Error;
import io.moraine.gateway.error.S3Exception;
import io.moraine.gateway.xml.S3XmlRequests;
import org.w3c.dom.Element;

/**
 * The RestoreRequest body (S3 API reference, RestoreObject; botocore's RestoreRequest shape):
 * Days, the tier under GlacierJobParameters (or, as S3 also accepts, at the top level), default
 * Standard. Type=SELECT and OutputLocation (the Select restore) are not implemented.
 */
public final class RestoreRequestXml {
  /** Days the copy is kept (at least 1; 0 when the document has none) and the tier. */
  public record Request(int days, String tier) {}

  private RestoreRequestXml() {}

  public static Request parse(byte[] body) {
    Element root = S3XmlRequests.parse(body, "RestoreRequest");
    Integer days = null;
    String tier = null;
    for (Element c : S3XmlRequests.children(root)) {
      switch (S3XmlRequests.localName(c)) {
        case "Days" -> days = days(c.getTextContent());
        case "Tier" -> tier = tier(c.getTextContent());
        case "GlacierJobParameters" -> {
          for (Element p : S3XmlRequests.children(c)) {
            if (!S3XmlRequests.localName(p).equals("Tier")) {
              throw malformed();
            }
            tier = tier(p.getTextContent());
          }
        }
        case "Type" -> {
          if (c.getTextContent().strip().equals("SELECT")) {
            throw new S3Exception(new S3Error.NotImplemented("Select restores are not implemented"));
          }
          throw malformed();
        }
        case "OutputLocation", "SelectParameters" ->
            throw new S3Exception(new S3Error.NotImplemented("Select restores are not implemented"));
        case "Description" -> { }
        default -> throw malformed();
      }
    }
    // days 0: not given (an Intelligent-Tiering archive restore has none; an archive class's needs them).
    return new Request(days == null ? 0 : days, tier == null ? RestoreConfig.STANDARD : tier);
  }

  private static int days(String text) {
    try {
      int d = Integer.parseInt(text.strip());
      if (d < 1) {
        throw new S3Exception(new S3Error.InvalidArgument("Days must be a positive integer"));
      }
      return d;
    } catch (NumberFormatException e) {
      throw malformed();
    }
  }

  private static String tier(String text) {
    String t = text.strip();
    return switch (t) {
      case RestoreConfig.EXPEDITED, RestoreConfig.STANDARD, RestoreConfig.BULK -> t;
      default -> throw malformed();
    };
  }

  private static S3Exception malformed() {
    return new S3Exception(new S3Error.MalformedXML(null));
  }
}
