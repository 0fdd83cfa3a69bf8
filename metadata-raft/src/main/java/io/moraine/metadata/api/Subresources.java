package io.moraine.metadata.api;

import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The sub-resources of a bucket or an object version, by kind ("acl", "policy", "tagging", ...):
 * opaque bodies that each gateway feature encodes and decodes itself (its own versioned format).
 * Immutable; bodies are copied in and out.
 */
public final class Subresources {
  public static final Subresources NONE = new Subresources(new TreeMap<>());

  private final SortedMap<String, byte[]> bodies;

  private Subresources(SortedMap<String, byte[]> bodies) {
    this.bodies = bodies;
  }

  public static Subresources of(Map<String, byte[]> bodies) {
    TreeMap<String, byte[]> copy = new TreeMap<>();
    bodies.forEach((k, v) -> copy.put(k, v.clone()));
    return copy.isEmpty() ? NONE : new Subresources(copy);
  }

  public Optional<byte[]> get(String kind) {
    byte[] b = bodies.get(kind);
    return b == null ? Optional.empty() : Optional.of(b.clone());
  }

  public boolean has(String kind) {
    return bodies.containsKey(kind);
  }

  /** A copy with {@code kind} set to {@code body}, or removed when {@code body} is null. */
  public Subresources with(String kind, byte[] body) {
    TreeMap<String, byte[]> copy = new TreeMap<>(bodies);
    if (body == null) {
      copy.remove(kind);
    } else {
      copy.put(kind, body.clone());
    }
    return new Subresources(copy);
  }

  /** The kinds present, sorted. */
  public java.util.Set<String> kinds() {
    return Collections.unmodifiableSet(bodies.keySet());
  }

  public boolean isEmpty() {
    return bodies.isEmpty();
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Subresources other) || !bodies.keySet().equals(other.bodies.keySet())) {
      return false;
    }
    for (var e : bodies.entrySet()) {
      if (!Arrays.equals(e.getValue(), other.bodies.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    int h = bodies.keySet().hashCode();
    for (byte[] b : bodies.values()) {
      h = 31 * h + Arrays.hashCode(b);
    }
    return h;
  }

  @Override
  public String toString() {
    return "Subresources" + bodies.keySet();
  }
}
