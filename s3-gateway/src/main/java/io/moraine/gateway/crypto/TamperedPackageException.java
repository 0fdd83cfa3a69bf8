package io.moraine.gateway.crypto;

/**
 * A sealed package failed authentication (altered, swapped, reordered, truncated, or from another
 * object): the stored bytes are not what this object's write sealed. Treated as corruption.
 */
public final class TamperedPackageException extends RuntimeException {
  public TamperedPackageException(String message) {
    super(message);
  }
}
