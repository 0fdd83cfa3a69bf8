package io.moraine.gateway.tagging;

import io.moraine.gateway.access.TagSets;
import io.moraine.gateway.error.S3Error;
import io.moraine.gateway.error.S3Exception;
import io.moraine.gateway.xml.S3XmlRequests;
import io.moraine.gateway.xml.XmlWriter;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.w3c.dom.Element;

/**
 * S3 tag sets (S3 User Guide, "Categorizing your storage using tags"; "Tag restrictions"): at
 * most 10 per object and 50 per bucket, keys of at most 128 and values of at most 256 Unicode
 * characters, unique keys, none starting with {@code aws:}. Parsed from the Tagging document or
 * the {@code x-amz-tagging} header (URL query encoding), stored as {@code moraine.config.v1.TagSet}.
 */
public final class Tags {
  private Tags() {}

  public static final String KIND = TagSets.KIND;
  static final int MAX_OBJECT_TAGS = 10;
  static final int MAX_BUCKET_TAGS = 50;

  public static Map<String, String> decode(byte[] body) {
    return TagSets.decode(body);
  }

  public static byte[] encode(Map<String, String> tags) {
    return TagSets.encode(tags);
  }

  /** The Tagging document of Put{Object,Bucket}Tagging, validated. */
  public static Map<String, String> parseXml(byte[] body, boolean bucket) {
    Element root = S3XmlRequests.parse(body, "Tagging");
    Map<String, String> tags = new LinkedHashMap<>();
    int count = 0;
    for (Element set : S3XmlRequests.children(root)) {
      if (!S3XmlRequests.localName(set).equals("TagSet")) {
        throw new S3Exception(new S3Error.MalformedXML(null));
      }
      for (Element tag : S3XmlRequests.children(set)) {
        if (!S3XmlRequests.localName(tag).equals("Tag")) {
          throw new S3Exception(new S3Error.MalformedXML(null));
        }
        String key = null;
        String value = null;
        for (Element c : S3XmlRequests.children(tag)) {
          switch (S3XmlRequests.localName(c)) {
            case "Key" -> key = c.getTextContent();
            case "Value" -> value = c.getTextContent();
            default -> throw new S3Exception(new S3Error.MalformedXML(null));
          }
        }
        if (key == null || value == null) {
          throw new S3Exception(new S3Error.MalformedXML(null));
        }
        count++;
        add(tags, key, value);
      }
    }
    checkCount(count, bucket);
    return tags;
  }

  /** The {@code x-amz-tagging} header of PutObject, CopyObject and CreateMultipartUpload. */
  public static Optional<Map<String, String>> fromHeader(Optional<String> header) {
    if (header.isEmpty()) {
      return Optional.empty();
    }
    Map<String, String> tags = new LinkedHashMap<>();
    int count = 0;
    for (String pair : header.get().split("&", -1)) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String key;
      String value;
      try {
        key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
        value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw badHeader();
      }
      if (tags.containsKey(key)) {
        throw badHeader();
      }
      count++;
      add(tags, key, value);
    }
    checkCount(count, false);
    return Optional.of(tags);
  }

  private static S3Exception badHeader() {
    return new S3Exception(new S3Error.InvalidArgument("The header 'x-amz-tagging' shall be encoded as UTF-8 then "
        + "URLEncoded URL query parameters without tag name duplicates."));
  }

  private static void add(Map<String, String> tags, String key, String value) {
    if (key.codePointCount(0, key.length()) > 128 || key.isEmpty()) {
      throw new S3Exception(new S3Error.InvalidTag(key.isEmpty() ? "The TagKey you have provided is invalid"
          : "The TagKey you have provided is too long, max 128"));
    }
    if (value.codePointCount(0, value.length()) > 256) {
      throw new S3Exception(new S3Error.InvalidTag("The TagValue you have provided is too long, max 256"));
    }
    if (key.regionMatches(true, 0, "aws:", 0, 4)) {
      throw new S3Exception(new S3Error.InvalidTag("Your TagKey cannot be prefixed with aws:"));
    }
    if (tags.put(key, value) != null) {
      throw new S3Exception(new S3Error.InvalidTag("Cannot provide multiple Tags with the same key"));
    }
  }

  private static void checkCount(int count, boolean bucket) {
    if (!bucket && count > MAX_OBJECT_TAGS) {
      throw new S3Exception(new S3Error.BadRequest("Object tags cannot be greater than " + MAX_OBJECT_TAGS));
    }
    if (bucket && count > MAX_BUCKET_TAGS) {
      throw new S3Exception(new S3Error.InvalidTag("Bucket tag count cannot be greater than " + MAX_BUCKET_TAGS));
    }
  }

  public static byte[] renderXml(Map<String, String> tags) {
    XmlWriter w = new XmlWriter().startRoot("Tagging").start("TagSet");
    tags.forEach((k, v) -> w.start("Tag").element("Key", k).element("Value", v).end("Tag"));
    return w.end("TagSet").end("Tagging").toBytes();
  }
}
