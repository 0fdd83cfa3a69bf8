package io.moraine.gateway.xml;

import io.moraine.gateway.error.S3Error;
import io.moraine.gateway.error.S3Exception;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.w3c.dom.Element;

/**
 * The {@code <Filter>} element S3's bucket configurations share — lifecycle rules,
 * Intelligent-Tiering, and the analytics, metrics and replication configurations: at most one
 * predicate (Prefix, Tag, or the sub-resource's own extras such as lifecycle's object sizes)
 * outside {@code <And>}; an And of two or more, with at most one Prefix, distinct tag keys and
 * each extra at most once. Each feature wraps the result in its own stored (proto) form.
 *
 * <p>Errors as S3 answers them: MalformedXML for the structure, InvalidTag for S3's tag limits
 * (User Guide, "Categorizing your storage using tags": key 1–128, value ≤ 256 characters),
 * InvalidArgument "Duplicate Tag Keys are not allowed.".
 */
public final class S3FilterXml {
  private S3FilterXml() {}

  /** Which single predicate the filter holds; AND may combine prefix, tags and extras. */
  public enum Form { NONE, PREFIX, TAG, EXTRA, AND }

  public record Tag(String key, String value) {}

  /**
   * A predicate element a feature adds besides Prefix and Tag (lifecycle: ObjectSizeGreaterThan,
   * ObjectSizeLessThan; metrics: AccessPointArn).
   */
  public record Extra(String element, String text) {}

  /** @param prefix "" when none; {@code extras} in document order */
  public record Filter(Form form, String prefix, List<Tag> tags, List<Extra> extras) {
    /** The text of extra {@code element}, or null. */
    public String extra(String element) {
      return extras.stream().filter(e -> e.element().equals(element)).map(Extra::text).findFirst().orElse(null);
    }
  }

  /** Parses {@code filterElement}, allowing the extra predicates named in {@code extraElements}. */
  public static Filter parse(Element filterElement, Set<String> extraElements) {
    List<Element> children = S3XmlRequests.children(filterElement);
    if (children.isEmpty()) {
      return new Filter(Form.NONE, "", List.of(), List.of());
    }
    if (children.size() > 1) {
      throw malformed(); // outside <And> a filter holds one predicate
    }
    Element c = children.get(0);
    String name = S3XmlRequests.localName(c);
    return switch (name) {
      case "Prefix" -> new Filter(Form.PREFIX, c.getTextContent(), List.of(), List.of());
      case "Tag" -> new Filter(Form.TAG, "", List.of(parseTag(c)), List.of());
      case "And" -> and(c, extraElements);
      default -> {
        if (!extraElements.contains(name)) {
          throw malformed();
        }
        yield new Filter(Form.EXTRA, "", List.of(), List.of(new Extra(name, c.getTextContent())));
      }
    };
  }

  private static Filter and(Element and, Set<String> extraElements) {
    String prefix = null;
    List<Tag> tags = new ArrayList<>();
    List<Extra> extras = new ArrayList<>();
    Set<String> tagKeys = new HashSet<>();
    Set<String> extrasSeen = new HashSet<>();
    int predicates = 0;
    for (Element a : S3XmlRequests.children(and)) {
      predicates++;
      String name = S3XmlRequests.localName(a);
      switch (name) {
        case "Prefix" -> {
          if (prefix != null) {
            throw malformed();
          }
          prefix = a.getTextContent();
        }
        case "Tag" -> {
          Tag t = parseTag(a);
          if (!tagKeys.add(t.key())) {
            throw new S3Exception(new S3Error.InvalidArgument("Duplicate Tag Keys are not allowed."));
          }
          tags.add(t);
        }
        default -> {
          if (!extraElements.contains(name) || !extrasSeen.add(name)) {
            throw malformed();
          }
          extras.add(new Extra(name, a.getTextContent()));
        }
      }
    }
    if (predicates < 2) {
      throw malformed(); // And combines two or more predicates
    }
    return new Filter(Form.AND, prefix == null ? "" : prefix, List.copyOf(tags), List.copyOf(extras));
  }

  /** A {@code <Tag><Key/><Value/></Tag>} element, each child exactly once, within S3's limits. */
  public static Tag parseTag(Element tagElement) {
    String key = null;
    String value = null;
    for (Element c : S3XmlRequests.children(tagElement)) {
      switch (S3XmlRequests.localName(c)) {
        case "Key" -> {
          if (key != null) {
            throw malformed();
          }
          key = c.getTextContent();
        }
        case "Value" -> {
          if (value != null) {
            throw malformed();
          }
          value = c.getTextContent();
        }
        default -> throw malformed();
      }
    }
    if (key == null || value == null) {
      throw malformed();
    }
    if (key.isEmpty() || key.length() > 128) {
      throw new S3Exception(new S3Error.InvalidTag("The TagKey you have provided is invalid"));
    }
    if (value.length() > 256) {
      throw new S3Exception(new S3Error.InvalidTag("The TagValue you have provided is invalid"));
    }
    return new Tag(key, value);
  }

  private static S3Exception malformed() {
    return new S3Exception(new S3Error.MalformedXML(null));
  }
}
