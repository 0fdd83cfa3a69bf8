package io.moraine.gateway.auth;

import java.util.Optional;

/**
 * Resolves an access key to the identity that holds it. Implementations answer from a
 * linearizable read (a key deactivated or deleted a moment ago is refused at once).
 */
public interface IdentityStore {

  /**
   * The identity holding {@code accessKeyId}, with the settings of {@code bucket}'s owner when
   * {@code bucket} is not null; empty when no such key exists.
   */
  Optional<Identity> resolve(String accessKeyId, String bucket);

  /** Records that a key signed a request now (IAM's "last used"); best effort. */
  default void used(String accessKeyId, String service) {}
}
