package io.moraine.metadata.api;

/**
 * An uploaded part: its md5 ETag (hex, unquoted), size, where its bytes live, and its verified
 * additional checksum ({@code checksumHeader} e.g. "x-amz-checksum-sha256" and the base64 value;
 * both "" when none).
 */
public record PartRecord(int partNumber, long size, String etag, long lastModifiedMillis, DataLayout layout,
    String checksumHeader, String checksum) {

  public PartRecord(int partNumber, long size, String etag, long lastModifiedMillis, DataLayout layout) {
    this(partNumber, size, etag, lastModifiedMillis, layout, "", "");
  }
}
