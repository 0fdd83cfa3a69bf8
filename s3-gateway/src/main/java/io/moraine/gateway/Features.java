package io.moraine.gateway;

import io.moraine.gateway.access.Access;
import io.moraine.gateway.http.SubresourceHandlers;
import io.moraine.metadata.api.MetadataClient;
import java.time.InstantSource;

/**
 * The sub-resource handlers of the gateway, one line per feature: the place a new S3
 * sub-resource is wired in (its handler lives in its own package).
 */
final class Features {
  private Features() {}

  static SubresourceHandlers subresources(MetadataClient metadata, Access access, GatewayConfig config,
      InstantSource clock) {
    return new SubresourceHandlers();
  }
}
