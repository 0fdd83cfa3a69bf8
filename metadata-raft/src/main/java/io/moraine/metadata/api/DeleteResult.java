package io.moraine.metadata.api;

import java.util.Optional;

/**
 * What a DeleteObject did.
 *
 * @param removed the version removed for good, whose data the caller may collect
 * @param deleteMarker the delete created a delete marker, or removed one
 * @param versionId the version created (a marker) or removed; null when none (S3 then sends no
 *     x-amz-version-id)
 */
public record DeleteResult(Optional<ObjectVersion> removed, boolean deleteMarker, String versionId) {}
