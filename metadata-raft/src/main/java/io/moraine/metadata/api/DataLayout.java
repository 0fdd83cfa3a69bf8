package io.moraine.metadata.api;

import java.util.List;

/** Where an object's bytes live. */
public sealed interface DataLayout {

  /** Small objects kept in metadata itself (replicated by Raft); also the empty object. */
  record Inline(byte[] bytes) implements DataLayout {}

  /** Erasure-coded blobs on storage nodes, concatenated in order (one per part for multipart). */
  record Segments(List<Segment> segments) implements DataLayout {
    public Segments {
      segments = List.copyOf(segments);
    }
  }
}
