package io.moraine.gateway.auth;

import io.moraine.metadata.api.MetadataClient;
import io.moraine.proto.meta.v1.IamCommand;
import io.moraine.proto.meta.v1.IamQuery;
import io.moraine.proto.meta.v1.KeyUse;
import io.moraine.proto.meta.v1.ResolveIdentity;
import io.moraine.proto.meta.v1.TouchAccessKeys;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Identities from the metadata tier: one linearizable {@code ResolveIdentity} read per request,
 * nothing cached, so a key, user or policy change is seen by the next request on every gateway.
 * Key use ("last used") is collected here and written in batches by {@link #flush}, at most one
 * command per flush whatever the request rate.
 */
public final class MetadataIdentities implements IdentityStore {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(MetadataIdentities.class);
  /** Keys remembered between flushes; beyond this, uses are dropped until the next flush. */
  private static final int MAX_PENDING = 10_000;

  private final MetadataClient metadata;
  private final InstantSource clock;
  private final ConcurrentHashMap<String, KeyUse> pending = new ConcurrentHashMap<>();

  public MetadataIdentities(MetadataClient metadata, InstantSource clock) {
    this.metadata = metadata;
    this.clock = clock;
  }

  @Override
  public Optional<Identity> resolve(String accessKeyId, String bucket) {
    var q = ResolveIdentity.newBuilder().setAccessKeyId(accessKeyId);
    if (bucket != null) {
      q.setBucket(bucket);
    }
    return Identity.of(metadata.iamQuery(IamQuery.newBuilder().setResolveIdentity(q).build()).getIdentity());
  }

  @Override
  public void used(String accessKeyId, String service) {
    if (pending.size() < MAX_PENDING) {
      pending.put(accessKeyId, KeyUse.newBuilder().setAccessKeyId(accessKeyId).setUsedMillis(clock.millis())
          .setService(service).build());
    }
  }

  /** Writes the key uses collected since the last flush (one metadata command). */
  public void flush() {
    if (pending.isEmpty()) {
      return;
    }
    List<KeyUse> uses = new ArrayList<>();
    for (Map.Entry<String, KeyUse> e : pending.entrySet()) {
      if (pending.remove(e.getKey(), e.getValue())) {
        uses.add(e.getValue());
      }
    }
    try {
      metadata.iam(IamCommand.newBuilder().setTouchAccessKeys(TouchAccessKeys.newBuilder().addAllUses(uses)).build());
    } catch (RuntimeException e) {
      log.debug("could not record access key use: {}", e.toString());
    }
  }
}
