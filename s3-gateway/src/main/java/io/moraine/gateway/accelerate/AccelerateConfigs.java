package io.moraine.gateway.accelerate;

import com.google.protobuf.InvalidProtocolBufferException;
import io.moraine.proto.config.v1.AccelerateConfig;
import java.util.Optional;

/** The stored Transfer Acceleration state (moraine.config.v1.AccelerateConfig, format version 1). */
final class AccelerateConfigs {
  private AccelerateConfigs() {}

  static final String KIND = "accelerate";
  private static final int FORMAT_VERSION = 1;

  static byte[] encode(boolean enabled) {
    return AccelerateConfig.newBuilder().setFormatVersion(FORMAT_VERSION).setEnabled(enabled).build().toByteArray();
  }

  /** Enabled (true) or Suspended (false); empty when never configured. */
  static Optional<Boolean> decode(Optional<byte[]> body) {
    return body.map(b -> {
      try {
        AccelerateConfig c = AccelerateConfig.parseFrom(b);
        if (c.getFormatVersion() != FORMAT_VERSION) {
          throw new IllegalStateException("accelerate format version " + c.getFormatVersion() + " is not known here");
        }
        return c.getEnabled();
      } catch (InvalidProtocolBufferException e) {
        throw new IllegalStateException("corrupt stored accelerate configuration", e);
      }
    });
  }
}
