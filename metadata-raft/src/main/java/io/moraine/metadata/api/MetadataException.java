package io.moraine.metadata.api;

/** A business outcome of a metadata operation that is not success (an expected condition). */
public final class MetadataException extends RuntimeException {
  private final MetadataError error;

  public MetadataException(MetadataError error, String message) {
    super(error + ": " + message, null, false, false);
    this.error = error;
  }

  public MetadataError error() {
    return error;
  }
}
