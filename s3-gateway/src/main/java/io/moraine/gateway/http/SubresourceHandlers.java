package io.moraine.gateway.http;

import io.moraine.gateway.error.S3Error;
import io.moraine.gateway.error.S3Exception;
import java.util.EnumMap;

/** The registered {@link SubresourceHandler}s, at most one per sub-resource. */
public final class SubresourceHandlers {
  private final EnumMap<Subresource, SubresourceHandler> handlers = new EnumMap<>(Subresource.class);

  public SubresourceHandlers register(SubresourceHandler handler) {
    SubresourceHandler before = handlers.putIfAbsent(handler.subresource(), handler);
    if (before != null) {
      throw new IllegalStateException("two handlers for ?" + handler.subresource().query() + ": "
          + before.getClass().getName() + " and " + handler.getClass().getName());
    }
    return this;
  }

  /** The handler of {@code s}; 501 NotImplemented when none is registered. */
  SubresourceHandler of(Subresource s) {
    SubresourceHandler h = handlers.get(s);
    if (h == null) {
      throw new S3Exception(new S3Error.NotImplemented("?" + s.query() + " is not implemented"));
    }
    return h;
  }

  public boolean has(Subresource s) {
    return handlers.containsKey(s);
  }
}
