package io.moraine.gateway.object;

import io.moraine.gateway.error.S3Error;
import io.moraine.gateway.error.S3Exception;
import io.moraine.gateway.http.S3Request;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The headers S3 stores with an object and returns on GET/HEAD, and the storage-class header.
 * Stored names are lower-case (the metadata contract); they are written back in S3's casing.
 */
public final class ObjectHeaders {

  private ObjectHeaders() {}

  public static final String DEFAULT_CONTENT_TYPE = "binary/octet-stream";
  private static final int MAX_USER_METADATA_BYTES = 2048;
  private static final int MAX_KEY_BYTES = 1024;

  private static final List<String> STORED = List.of(
      "content-type", "content-encoding", "content-disposition", "content-language", "cache-control", "expires",
      "x-amz-website-redirect-location");
  private static final Map<String, String> WIRE_NAMES = Map.of(
      "content-type", "Content-Type", "content-encoding", "Content-Encoding",
      "content-disposition", "Content-Disposition", "content-language", "Content-Language",
      "cache-control", "Cache-Control", "expires", "Expires");

  /** The headers to store from a PUT or CreateMultipartUpload; MetadataTooLarge beyond 2 KB of user metadata. */
  public static SortedMap<String, String> fromRequest(S3Request r) {
    SortedMap<String, String> out = new TreeMap<>();
    for (String name : STORED) {
      r.header(name).ifPresent(v -> out.put(name, v));
    }
    // aws-chunked is transfer framing, not the object's encoding: S3 strips it.
    String encoding = out.get("content-encoding");
    if (encoding != null && java.util.Arrays.stream(encoding.split(",")).anyMatch(e -> e.strip().equalsIgnoreCase("aws-chunked"))) {
      // Only the aws-chunked token goes; the rest stays byte for byte ("deflate, gzip" keeps its space).
      String rest = String.join(",", java.util.Arrays.stream(encoding.split(","))
          .filter(e -> !e.strip().equalsIgnoreCase("aws-chunked")).toList()).strip();
      if (rest.isEmpty()) {
        out.remove("content-encoding");
      } else {
        out.put("content-encoding", rest);
      }
    }
    out.putIfAbsent("content-type", DEFAULT_CONTENT_TYPE);
    String redirect = out.get("x-amz-website-redirect-location");
    if (redirect != null && !redirect.startsWith("/") && !redirect.startsWith("http://") && !redirect.startsWith("https://")) {
      throw new S3Exception(new S3Error.InvalidArgument(
          "The website redirect location must have a prefix of 'http://' or 'https://' or '/'."));
    }
    int userBytes = 0;
    for (Map.Entry<String, List<String>> h : r.signed().headers().entrySet()) {
      if (h.getKey().startsWith("x-amz-meta-")) {
        String value = String.join(",", h.getValue());
        out.put(h.getKey(), value);
        userBytes += h.getKey().length() - "x-amz-meta-".length() + value.getBytes(StandardCharsets.UTF_8).length;
      }
    }
    if (userBytes > MAX_USER_METADATA_BYTES) {
      throw new S3Exception(new S3Error.MetadataTooLarge(
          "Your metadata headers exceed the maximum allowed metadata size of 2048 bytes"));
    }
    return out;
  }

  /**
   * A stored value as S3 sends it: US-ASCII as is; anything else as an RFC 2047 encoded word of
   * its UTF-8 bytes ({@code =?UTF-8?B?…?=}), as S3 does for non-ASCII user metadata.
   */
  public static String wireValue(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c >= 0x7f || (c < 0x20 && c != '\t')) {
        return "=?UTF-8?B?" + java.util.Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)) + "?=";
      }
    }
    return value;
  }

  /** The response-side name of a stored header. */
  public static String wireName(String storedName) {
    return WIRE_NAMES.getOrDefault(storedName, storedName);
  }

  public static String storageClass(S3Request r) {
    String sc = r.header("x-amz-storage-class").map(s -> s.strip().toUpperCase(Locale.ROOT)).orElse("STANDARD");
    // Only the general-purpose bucket classes: OUTPOSTS, EXPRESS_ONEZONE (directory buckets),
    // SNOW and FSX_* are refused on such buckets by S3 as InvalidStorageClass too.
    if (!io.moraine.gateway.data.StorageClasses.known(sc)) {
      throw new S3Exception(new S3Error.InvalidStorageClass(null));
    }
    return sc;
  }

  public static void checkKey(String key) {
    if (key.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
      throw new S3Exception(new S3Error.KeyTooLong(null));
    }
  }
}
