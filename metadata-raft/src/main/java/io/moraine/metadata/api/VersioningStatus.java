package io.moraine.metadata.api;

/** A bucket's versioning state; once Enabled or Suspended it never returns to UNVERSIONED. */
public enum VersioningStatus {
  UNVERSIONED,
  ENABLED,
  SUSPENDED
}
