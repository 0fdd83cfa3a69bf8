package io.moraine.metadata.api;

/**
 * An uploaded part: its md5 ETag (hex, unquoted), size, where its bytes live, its verified
 * additional checksum ({@code checksumHeader} e.g. "x-amz-checksum-sha256" and the base64 value;
 * both "" when none), and {@code attemptSeq}, the sequence {@link MetadataClient#beginPart} gave
 * the attempt that uploaded it (0: unordered, older than every ordered attempt).
 */
public record PartRecord(int partNumber, long size, String etag, long lastModifiedMillis, DataLayout layout,
    String checksumHeader, String checksum, long attemptSeq) {

  public PartRecord(int partNumber, long size, String etag, long lastModifiedMillis, DataLayout layout,
      String checksumHeader, String checksum) {
    this(partNumber, size, etag, lastModifiedMillis, layout, checksumHeader, checksum, 0);
  }

  public PartRecord(int partNumber, long size, String etag, long lastModifiedMillis, DataLayout layout) {
    this(partNumber, size, etag, lastModifiedMillis, layout, "", "");
  }
}
