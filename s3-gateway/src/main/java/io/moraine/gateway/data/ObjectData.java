package io.moraine.gateway.data;

import io.moraine.gateway.auth.VerifiedBody;
import io.moraine.metadata.api.DataLayout;
import io.moraine.metadata.api.Segment;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/**
 * Object bytes in and out, whatever their layout: small objects inline in metadata, larger ones
 * as erasure-coded segments (one per PUT, one per part for multipart objects).
 */
public final class ObjectData {

  /** A stored, verified body: where it lives and its digests. Nothing is committed yet. */
  public record Stored(DataLayout layout, VerifiedBody.Digests digests) {}

  private final BlobWriter writer;
  private final BlobReader reader;
  private final int inlineThresholdBytes;

  public ObjectData(BlobWriter writer, BlobReader reader, int inlineThresholdBytes) {
    this.writer = writer;
    this.reader = reader;
    this.inlineThresholdBytes = inlineThresholdBytes;
  }

  /**
   * Stores a body of {@code size} bytes. {@code allowInline}: objects may live in metadata; parts
   * may not (a multipart object is the concatenation of its parts' segments).
   */
  public Stored store(VerifiedBody body, long size, ErasureProfile profile, boolean allowInline) throws IOException {
    if (allowInline && size <= inlineThresholdBytes) {
      byte[] bytes = body.readNBytes((int) size);
      VerifiedBody.Digests d = body.finish();
      return new Stored(new DataLayout.Inline(bytes), d);
    }
    if (size == 0) {
      return new Stored(new DataLayout.Segments(List.of()), body.finish());
    }
    VerifiedBody.Digests[] digests = new VerifiedBody.Digests[1];
    Segment segment = writer.write(body, size, profile, () -> digests[0] = body.finish());
    return new Stored(new DataLayout.Segments(List.of(segment)), digests[0]);
  }

  /** Writes object bytes [offset, offset+length) to {@code out}. */
  public void read(DataLayout layout, long offset, long length, OutputStream out) throws IOException {
    switch (layout) {
      case DataLayout.Inline inline -> {
        if (offset + length > inline.bytes().length) {
          throw new IllegalStateException("range [" + offset + ", +" + length + ") outside inline object of "
              + inline.bytes().length + " bytes");
        }
        out.write(inline.bytes(), (int) offset, (int) length);
      }
      case DataLayout.Segments segments -> {
        long segmentStart = 0;
        long end = offset + length;
        for (Segment s : segments.segments()) {
          long segmentEnd = segmentStart + s.size();
          long from = Math.max(offset, segmentStart);
          long to = Math.min(end, segmentEnd);
          if (from < to) {
            reader.read(s, from - segmentStart, to - from, out);
          }
          segmentStart = segmentEnd;
          if (segmentStart >= end) {
            break;
          }
        }
        if (segmentStart < end) {
          throw new IllegalStateException("range [" + offset + ", +" + length + ") beyond the segments' "
              + segmentStart + " bytes");
        }
      }
    }
  }
}
