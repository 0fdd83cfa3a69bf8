package io.moraine.gateway.xml;

import io.moraine.gateway.error.S3Error;
import io.moraine.gateway.error.S3Exception;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

/**
 * S3's request bodies, parsed with the JDK's DOM parser with DTDs and external entities off
 * (request bodies are untrusted). Anything not well-formed or not of the expected shape is
 * MalformedXML, as S3 answers.
 */
public final class S3XmlRequests {

  private S3XmlRequests() {}

  public record ObjectIdentifier(String key, String versionId) {}

  public record DeleteRequest(boolean quiet, List<ObjectIdentifier> objects) {}

  /**
   * A Part of CompleteMultipartUpload; {@code checksums} maps the checksum header name
   * (x-amz-checksum-crc32, ...) to the base64 value the client sent for it, empty when none.
   */
  public record CompletePart(int partNumber, String etag, java.util.SortedMap<String, String> checksums) {
    public CompletePart(int partNumber, String etag) {
      this(partNumber, etag, new java.util.TreeMap<>());
    }
  }

  /** CreateBucketConfiguration: the LocationConstraint, empty when the body or element is absent. */
  public static Optional<String> parseCreateBucketConfiguration(byte[] body) {
    if (body.length == 0 || isBlank(body)) {
      return Optional.empty();
    }
    Element root = parse(body, "CreateBucketConfiguration");
    for (Element child : children(root)) {
      if (localName(child).equals("LocationConstraint")) {
        return Optional.of(child.getTextContent().trim());
      }
    }
    return Optional.empty();
  }

  public static DeleteRequest parseDelete(byte[] body) {
    Element root = parse(body, "Delete");
    boolean quiet = false;
    List<ObjectIdentifier> objects = new ArrayList<>();
    for (Element child : children(root)) {
      switch (localName(child)) {
        case "Quiet" -> quiet = Boolean.parseBoolean(child.getTextContent().trim());
        case "Object" -> {
          String key = null;
          String versionId = null;
          for (Element f : children(child)) {
            switch (localName(f)) {
              case "Key" -> key = f.getTextContent();
              case "VersionId" -> versionId = f.getTextContent().trim();
              default -> { /* ETag, LastModifiedTime, Size: conditional deletes, not supported yet */ }
            }
          }
          if (key == null) {
            throw malformed("Object without Key");
          }
          objects.add(new ObjectIdentifier(key, versionId));
        }
        default -> throw malformed("unexpected element " + localName(child));
      }
    }
    if (objects.isEmpty() || objects.size() > 1000) {
      throw malformed("Delete must name 1 to 1000 objects, got " + objects.size());
    }
    return new DeleteRequest(quiet, List.copyOf(objects));
  }

  /**
   * VersioningConfiguration: its Status, "Enabled" or "Suspended"; empty when absent (nothing
   * changes). Any other status ("Disabled" included: a bucket never returns to unversioned) and
   * an MfaDelete other than "Disabled" are MalformedXML, as S3 answers.
   */
  /** A VersioningConfiguration: the Status and the MfaDelete setting, each empty when absent. */
  public record VersioningRequest(Optional<String> status, Optional<Boolean> mfaDelete) {}

  public static Optional<String> parseVersioningConfiguration(byte[] body) {
    return parseVersioning(body).status();
  }

  public static VersioningRequest parseVersioning(byte[] body) {
    Element root = parse(body, "VersioningConfiguration");
    Optional<String> status = Optional.empty();
    Optional<Boolean> mfaDelete = Optional.empty();
    for (Element child : children(root)) {
      switch (localName(child)) {
        case "Status" -> {
          String s = child.getTextContent().trim();
          if (!s.equals("Enabled") && !s.equals("Suspended")) {
            throw malformed("versioning status " + s);
          }
          status = Optional.of(s);
        }
        case "MfaDelete" -> {
          String m = child.getTextContent().trim();
          if (!m.equals("Enabled") && !m.equals("Disabled")) {
            throw malformed("MfaDelete");
          }
          mfaDelete = Optional.of(m.equals("Enabled"));
        }
        default -> throw malformed("unexpected element " + localName(child));
      }
    }
    return new VersioningRequest(status, mfaDelete);
  }

  public static List<CompletePart> parseCompleteMultipartUpload(byte[] body) {
    Element root = parse(body, "CompleteMultipartUpload");
    List<CompletePart> parts = new ArrayList<>();
    for (Element child : children(root)) {
      if (!localName(child).equals("Part")) {
        throw malformed("unexpected element " + localName(child));
      }
      Integer number = null;
      String etag = null;
      java.util.SortedMap<String, String> checksums = new java.util.TreeMap<>();
      for (Element f : children(child)) {
        switch (localName(f)) {
          case "PartNumber" -> {
            try {
              number = Integer.parseInt(f.getTextContent().trim());
            } catch (NumberFormatException e) {
              throw malformed("bad PartNumber");
            }
          }
          case "ETag" -> etag = f.getTextContent().trim();
          case "ChecksumCRC32", "ChecksumCRC32C", "ChecksumSHA1", "ChecksumSHA256", "ChecksumCRC64NVME" ->
              checksums.put("x-amz-checksum-" + localName(f).substring("Checksum".length()).toLowerCase(java.util.Locale.ROOT),
                  f.getTextContent().trim());
          default -> { /* other elements (none in S3's model today) are ignored, as S3 does */ }
        }
      }
      if (number == null || etag == null) {
        throw malformed("Part needs PartNumber and ETag");
      }
      parts.add(new CompletePart(number, etag, checksums));
    }
    if (parts.isEmpty()) {
      throw malformed("no parts");
    }
    return List.copyOf(parts);
  }

  public static Element parse(byte[] body, String expectedRoot) {
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setNamespaceAware(true);
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      f.setFeature("http://xml.org/sax/features/external-general-entities", false);
      f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
      f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      f.setXIncludeAware(false);
      f.setExpandEntityReferences(false);
      DocumentBuilder b = f.newDocumentBuilder();
      b.setErrorHandler(null);
      Document doc = b.parse(new ByteArrayInputStream(body));
      Element root = doc.getDocumentElement();
      if (!localName(root).equals(expectedRoot)) {
        throw malformed("root element " + localName(root) + ", expected " + expectedRoot);
      }
      return root;
    } catch (SAXException | IOException e) {
      throw malformed(null);
    } catch (ParserConfigurationException e) {
      throw new IllegalStateException("JDK XML parser lacks a required feature", e);
    }
  }

  public static List<Element> children(Element e) {
    List<Element> out = new ArrayList<>();
    for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element child) {
        out.add(child);
      }
    }
    return out;
  }

  public static String localName(Element e) {
    String name = e.getLocalName() != null ? e.getLocalName() : e.getNodeName();
    int colon = name.indexOf(':');
    return colon >= 0 ? name.substring(colon + 1) : name;
  }

  private static boolean isBlank(byte[] body) {
    for (byte b : body) {
      if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
        return false;
      }
    }
    return true;
  }

  private static S3Exception malformed(String detail) {
    return new S3Exception(new S3Error.MalformedXML(null));
  }
}
