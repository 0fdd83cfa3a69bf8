package io.moraine.metadata.api;

import java.util.List;

/** Where an object's bytes live. */
public sealed interface DataLayout {

  /** Small objects kept in metadata itself (replicated by Raft); also the empty object. */
  record Inline(byte[] bytes) implements DataLayout {
    // Value semantics over the bytes (a record's default would compare array identity).
    @Override
    public boolean equals(Object o) {
      return o instanceof Inline other && java.util.Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
      return java.util.Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
      return "Inline[" + bytes.length + " bytes]";
    }
  }

  /** Erasure-coded blobs on storage nodes, concatenated in order (one per part for multipart). */
  record Segments(List<Segment> segments) implements DataLayout {
    public Segments {
      segments = List.copyOf(segments);
    }
  }
}
