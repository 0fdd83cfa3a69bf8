package io.moraine.gateway.auth;

import io.moraine.metadata.api.Credential;
import io.moraine.metadata.api.MetadataClient;
import java.time.InstantSource;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Credentials from the metadata tier, cached for {@code ttlMillis} so that not every request
 * costs a linearizable read. The root credential (from the gateway's configuration) is pinned.
 * Fault model: a revoked key keeps working on this gateway for at most the TTL; unknown keys are
 * not cached, so a key created a moment ago works at once.
 */
public final class CachingCredentialStore implements CredentialStore {

  private record Entry(Credential credential, long expiresAtMillis) {}

  private final MetadataClient metadata;
  private final InstantSource clock;
  private final long ttlMillis;
  private final ConcurrentHashMap<String, Entry> cache = new ConcurrentHashMap<>();
  private volatile Credential root;

  public CachingCredentialStore(MetadataClient metadata, InstantSource clock, long ttlMillis) {
    this.metadata = metadata;
    this.clock = clock;
    this.ttlMillis = ttlMillis;
  }

  public void pinRoot(Credential rootCredential) {
    this.root = rootCredential;
  }

  @Override
  public Optional<Credential> find(String accessKeyId) {
    Credential r = root;
    if (r != null && r.accessKeyId().equals(accessKeyId)) {
      return Optional.of(r);
    }
    long now = clock.millis();
    Entry e = cache.get(accessKeyId);
    if (e != null && e.expiresAtMillis() > now) {
      return Optional.of(e.credential());
    }
    Optional<Credential> found = metadata.findCredential(accessKeyId);
    found.ifPresentOrElse(
        c -> cache.put(accessKeyId, new Entry(c, now + ttlMillis)),
        () -> cache.remove(accessKeyId));
    return found;
  }
}
