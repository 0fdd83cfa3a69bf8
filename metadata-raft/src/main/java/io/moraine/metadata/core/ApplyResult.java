package io.moraine.metadata.core;

import io.moraine.metadata.api.MetadataError;
import io.moraine.proto.meta.v1.Error;
import io.moraine.proto.meta.v1.MetaReply;

/** The outcome of applying (or querying) one command: business failures are values. */
public sealed interface ApplyResult {
  int REPLY_FORMAT_VERSION = 1;

  /** Code sent for malformed requests (a caller bug), mapped to IllegalArgumentException. */
  String INVALID_REQUEST = "INVALID_REQUEST";

  MetaReply toReply();

  record Ok(MetaReply reply) implements ApplyResult {
    @Override
    public MetaReply toReply() {
      return reply;
    }
  }

  record Failed(MetadataError error, String message) implements ApplyResult {
    @Override
    public MetaReply toReply() {
      return errorReply(error.name(), message);
    }
  }

  /** The request is malformed (empty name, unknown body…); nothing was changed. */
  record Invalid(String message) implements ApplyResult {
    @Override
    public MetaReply toReply() {
      return errorReply(INVALID_REQUEST, message);
    }
  }

  private static MetaReply errorReply(String code, String message) {
    return MetaReply.newBuilder()
        .setFormatVersion(REPLY_FORMAT_VERSION)
        .setError(Error.newBuilder().setCode(code).setMessage(message))
        .build();
  }
}
