package io.moraine.gateway.auth;

import io.moraine.metadata.api.Credential;
import java.util.Optional;

/** Looks up the secret of an access key. */
public interface CredentialStore {
  Optional<Credential> find(String accessKeyId);
}
