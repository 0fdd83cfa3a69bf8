package io.moraine.gateway.xml;

import java.nio.charset.StandardCharsets;

/**
 * A minimal XML writer for S3 response bodies: no indentation, escaping of text content, the
 * S3 declaration. S3's responses are small and flat, so a builder beats a binding library.
 */
public final class XmlWriter {
  public static final String S3_NS = "http://s3.amazonaws.com/doc/2006-03-01/";

  private final StringBuilder out = new StringBuilder(256);

  public XmlWriter() {
    out.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
  }

  public XmlWriter startRoot(String name) {
    return startRoot(name, S3_NS);
  }

  /** The root element in another API's namespace (S3 Control, IAM, STS). */
  public XmlWriter startRoot(String name, String namespace) {
    out.append('<').append(name).append(" xmlns=\"").append(namespace).append("\">");
    return this;
  }

  public XmlWriter start(String name) {
    out.append('<').append(name).append('>');
    return this;
  }

  public XmlWriter end(String name) {
    out.append("</").append(name).append('>');
    return this;
  }

  /** An element with text content; {@code null} writes nothing, "" writes an empty element. */
  public XmlWriter element(String name, String text) {
    if (text == null) {
      return this;
    }
    out.append('<').append(name).append('>');
    escape(text);
    out.append("</").append(name).append('>');
    return this;
  }

  public XmlWriter element(String name, long value) {
    return element(name, Long.toString(value));
  }

  public XmlWriter element(String name, boolean value) {
    return element(name, Boolean.toString(value));
  }

  /** Raw markup (callers pass only constant, well-formed fragments). */
  public XmlWriter raw(String markup) {
    out.append(markup);
    return this;
  }

  private void escape(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&apos;");
        case '\r' -> out.append("&#13;");
        default -> {
          if (c < 0x20 && c != '\n' && c != '\t') {
            out.append("&#").append((int) c).append(';');
          } else {
            out.append(c);
          }
        }
      }
    }
  }

  public String toXml() {
    return out.toString();
  }

  public byte[] toBytes() {
    return toXml().getBytes(StandardCharsets.UTF_8);
  }
}
