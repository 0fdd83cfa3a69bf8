package io.moraine.gateway.publicaccess;

import io.moraine.gateway.access.AccessConfigs.PublicAccessBlock;
import io.moraine.gateway.error.S3Error;
import io.moraine.gateway.error.S3Exception;
import io.moraine.gateway.xml.S3XmlRequests;
import io.moraine.gateway.xml.XmlWriter;
import org.w3c.dom.Element;

/** The PublicAccessBlockConfiguration document, shared by the bucket and the account level. */
public final class PublicAccessBlockXml {
  private PublicAccessBlockXml() {}

  public static PublicAccessBlock parse(byte[] body) {
    Element root = S3XmlRequests.parse(body, "PublicAccessBlockConfiguration");
    boolean[] v = new boolean[4];
    for (Element c : S3XmlRequests.children(root)) {
      int i = switch (S3XmlRequests.localName(c)) {
        case "BlockPublicAcls" -> 0;
        case "IgnorePublicAcls" -> 1;
        case "BlockPublicPolicy" -> 2;
        case "RestrictPublicBuckets" -> 3;
        default -> throw new S3Exception(new S3Error.MalformedXML(null));
      };
      String text = c.getTextContent().strip();
      if (!text.equals("true") && !text.equals("false")) {
        throw new S3Exception(new S3Error.MalformedXML(null));
      }
      v[i] = text.equals("true");
    }
    return new PublicAccessBlock(v[0], v[1], v[2], v[3]);
  }

  public static byte[] render(PublicAccessBlock p) {
    return render(p, XmlWriter.S3_NS);
  }

  /** In {@code namespace} (S3's for buckets, S3 Control's for accounts). */
  public static byte[] render(PublicAccessBlock p, String namespace) {
    return new XmlWriter().startRoot("PublicAccessBlockConfiguration", namespace)
        .element("BlockPublicAcls", p.blockPublicAcls()).element("IgnorePublicAcls", p.ignorePublicAcls())
        .element("BlockPublicPolicy", p.blockPublicPolicy()).element("RestrictPublicBuckets", p.restrictPublicBuckets())
        .end("PublicAccessBlockConfiguration").toBytes();
  }
}
