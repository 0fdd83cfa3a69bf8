package io.moraine.gateway.access;

import com.google.protobuf.InvalidProtocolBufferException;
import io.moraine.proto.config.v1.Tag;
import io.moraine.proto.config.v1.TagSet;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The stored form of bucket and object tags ({@code moraine.config.v1.TagSet}, format version
 * 1, sub-resource kind "tagging"): written by the tagging feature, read here too because
 * policies test object tags ({@code s3:ExistingObjectTag/KEY}).
 */
public final class TagSets {
  private TagSets() {}

  public static final String KIND = "tagging";
  private static final int FORMAT_VERSION = 1;

  /** Tags in the order they were given. */
  public static Map<String, String> decode(byte[] body) {
    try {
      TagSet s = TagSet.parseFrom(body);
      if (s.getFormatVersion() != FORMAT_VERSION) {
        throw new IllegalStateException("tag set format version " + s.getFormatVersion() + " is not known here");
      }
      Map<String, String> out = new LinkedHashMap<>();
      for (Tag t : s.getTagsList()) {
        out.put(t.getKey(), t.getValue());
      }
      return out;
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("corrupt stored tag set", e);
    }
  }

  public static byte[] encode(Map<String, String> tags) {
    TagSet.Builder b = TagSet.newBuilder().setFormatVersion(FORMAT_VERSION);
    tags.forEach((k, v) -> b.addTags(Tag.newBuilder().setKey(k).setValue(v)));
    return b.build().toByteArray();
  }
}
